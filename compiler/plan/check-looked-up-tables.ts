// A table a mapping only looks rows up in (every plan role of it a lookup) brings nothing new
// in most delta extracts, which then often leave its file out. Unless it is declared
// `optional`, such an extract stops the run: warn at its declaration (MAP0404).
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import type { Schema } from '../schema/schema.js';
import type { Plan } from '../../runtime/plan/types.js';

export function reportRequiredLookedUpTables(plan: Plan, schema: Schema, sink: DiagnosticSink): void {
  for (const table of plan.tables) {
    const onlyLookedUp = table.roles.length > 0 && table.roles.every((role) => role.kind === 'lookup');
    if (!onlyLookedUp || table.optional) continue;
    const decl = schema.tables.get(table.name)!.decl;
    sink.report('MAP0404', decl.pattern.span, { mapping: plan.mapping, table: table.name, pattern: table.pattern });
  }
}
