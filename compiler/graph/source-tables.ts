// The source tables of the picture and the relationships between them: keys and references
// from the schema, roles and scan filters from the plan. In declaration order.
import type { Plan } from '../../runtime/plan/types.js';
import { printExpr } from '../explain/print-expr.js';
import type { Schema } from '../schema/schema.js';
import type { GraphRelation, GraphTable } from './graph-model.js';
import { tableRoles } from './table-roles.js';

export function sourceTables(schema: Schema, plan: Plan): { tables: GraphTable[]; relations: GraphRelation[] } {
  const roles = tableRoles(plan);
  const tables: GraphTable[] = [];
  const relations: GraphRelation[] = [];
  for (const table of schema.tables.values()) {
    const references: GraphTable['references'] = [];
    for (const relation of table.relations.values()) {
      if (relation.kind !== 'lookup') continue;
      relations.push({
        name: relation.name,
        from: table.name,
        to: relation.target,
        columns: relation.fromColumns,
        keyColumns: relation.keyColumns,
      });
      for (const column of relation.fromColumns) references.push({ column, table: relation.target });
    }
    const shown = new Set([...table.key, ...references.map((r) => r.column)]);
    const planned = plan.tables.find((t) => t.name === table.name);
    tables.push({
      name: table.name,
      pattern: table.pattern,
      optional: table.optional,
      key: table.key,
      references,
      otherColumns: [...table.columns.keys()].filter((c) => !shown.has(c)).length,
      roles: roles.get(table.name) ?? [],
      scanFilters: (planned?.filters ?? []).map((f) => printExpr(f)),
    });
  }
  return { tables, relations };
}
