// The compiler's public edge: a .map file in, diagnostics and (when clean) a checked plan out.
// Phases are gated: syntax errors stop before names are resolved, name and type errors stop
// before planning, so one mistake does not cascade into a storm of others.
import { basename } from 'node:path';
import type { Plan } from '../runtime/plan/types.js';
import { checkPlan } from '../runtime/plan/validate-plan.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { DiagnosticSink, placeOf } from './diagnostics/diagnostic.js';
import { suggestion } from './diagnostics/did-you-mean.js';
import { ItemBuilder, type BuiltItem } from './items/build-item.js';
import { checkItemKeys, checkKeyCollisions } from './items/item-keys.js';
import {
  loadSources,
  readFromDisk,
  type LoadedSources,
  type LoadOptions,
  type ReadFile,
  type SourceFile,
} from './load-sources.js';
import { buildPlan } from './plan/build-plan.js';
import { reportRequiredLookedUpTables } from './plan/check-looked-up-tables.js';
import { optimize } from './plan/optimize.js';
import { buildSchema } from './schema/build-schema.js';
import type { Schema } from './schema/schema.js';

export interface CompileOptions extends LoadOptions {
  readFile?: ReadFile;
  /** Stop after the logical plan (for tests of the rewrites). */
  optimize?: boolean;
}

export interface CompileResult {
  plan: Plan | null;
  diagnostics: Diagnostic[];
  /** Source text by display path, for rendering diagnostics. */
  sources: Map<string, string>;
  /** Built items, kept so that several mappings can be checked against each other. */
  items: BuiltItem[];
  /** The resolved tables and targets (null when loading failed), for tools that draw the mapping. */
  schema: Schema | null;
  /** The files read, parsed (the entry last), for tools that answer questions about the text (the language server). */
  files: SourceFile[];
}

function reportUnusedTables(schema: Schema, plan: Plan, sink: DiagnosticSink) {
  const skipped = new Set(plan.entries.skipped.map((s) => s.table));
  for (const table of schema.tables.values()) {
    if (table.declaredInEntry && skipped.has(table.name))
      sink.report('MAP0402', table.decl.name.span, { table: table.name });
  }
}

function buildItems(loaded: LoadedSources, schema: Schema, sink: DiagnosticSink): BuiltItem[] {
  const builder = new ItemBuilder(schema, sink);
  const items: BuiltItem[] = [];
  const names = new Map<string, BuiltItem>();
  for (const decl of loaded.entry.ast.items) {
    const other = names.get(decl.name.text);
    if (other) {
      sink.report('MAP0103', decl.name.span, {
        what: 'item',
        name: decl.name.text,
        other: placeOf(other.decl.name.span),
      });
      continue;
    }
    const built = builder.build(decl);
    if (!built) continue;
    names.set(decl.name.text, built);
    items.push(built);
    const target = schema.targets.get(decl.target.text);
    if (!target)
      sink.report('MAP0201', decl.target.span, {
        item: decl.name.text,
        target: decl.target.text,
        ...suggestion(decl.target.text, schema.targets.keys()),
      });
    else checkItemKeys(built, target, schema, sink);
  }
  checkKeyCollisions(items, schema.targets, sink);
  return items;
}

export function compile(entryPath: string, options: CompileOptions = {}): CompileResult {
  const sink = new DiagnosticSink();
  const loaded = loadSources(entryPath, options.readFile ?? readFromDisk, sink, options);
  const sources = new Map((loaded?.files ?? []).map((f) => [f.path, f.text]));
  let schema: Schema | null = null;
  const done = (plan: Plan | null, items: BuiltItem[] = []): CompileResult => ({
    plan,
    diagnostics: sink.sorted(),
    sources,
    items,
    schema,
    files: loaded?.files ?? [],
  });
  if (!loaded || sink.errorCount > 0) return done(null);

  schema = buildSchema(loaded.files, loaded.entry, sink);
  const items = buildItems(loaded, schema, sink);
  if (sink.errorCount > 0) return done(null, items);

  const mapping = loaded.entry.ast.mapping?.text ?? basename(loaded.entry.path).replace(/\.map$/, '');
  const logical = buildPlan(
    mapping,
    loaded.files,
    schema,
    items.map((i) => i.plan),
  );
  reportUnusedTables(schema, logical, sink);
  reportRequiredLookedUpTables(logical, schema, sink);
  const plan = options.optimize === false ? logical : optimize(logical);
  return done(checkPlan(plan, `plan of ${loaded.entry.path}`), items);
}

/** Key collisions between items of different mappings that share a target table. */
export function checkAcrossMappings(results: CompileResult[]): Diagnostic[] {
  const sink = new DiagnosticSink();
  const targets = new Map(results.flatMap((r) => r.plan?.targets ?? []).map((t) => [t.name, t]));
  checkKeyCollisions(
    results.flatMap((r) => r.items),
    targets,
    sink,
    true,
  );
  return sink.sorted();
}
