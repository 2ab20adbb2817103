/*
 * Runs one warehouse through the real runtime (compiled plan, ZIP in memory, runPlan) and
 * through the reference evaluator, and lists every way the two disagree: items (by key, every
 * attribute), each table's read/used/filtered/rejected/orphaned, the item counts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '../../../compiler/compile.js';
import { fieldOf, type BuiltItem, type ItemObject } from '../../../runtime/eval/item-value.js';
import type { Plan } from '../../../runtime/plan/types.js';
import { runPlan } from '../../../runtime/run/run-plan.js';
import type { RunReport } from '../../../runtime/report/run-report.js';
import type { Reject } from '../../../runtime/report/run-state.js';
import { canonical, show } from './canonical-item.js';
import { csvText, MemoryByteSource, zipWarehouse } from './memory-extract.js';
import { TABLE_NAMES, type RawWarehouse } from './random-warehouse.js';
import { evaluateReference, type ReferenceResult } from './reference-evaluator.js';

export const MAPPING_PATH = fileURLToPath(new URL('./differential.map', import.meta.url));

/** `optimized` is what `mapc compile` writes; `logical` skips the rewrites (no filter pushed to a scan). */
export type PlanVariant = 'optimized' | 'logical';

const compiled = new Map<PlanVariant, Plan>();

export function differentialPlan(variant: PlanVariant = 'optimized'): Plan {
  const known = compiled.get(variant);
  if (known) return known;
  const result = compile(MAPPING_PATH, {
    readFile: (path) => readFileSync(path, 'utf8'),
    optimize: variant === 'optimized',
  });
  if (!result.plan) throw new Error(`differential.map does not compile: ${JSON.stringify(result.diagnostics)}`);
  compiled.set(variant, result.plan);
  return result.plan;
}

export interface RuntimeResult {
  items: Map<string, ItemObject>;
  report: RunReport;
  rejects: Reject[];
}

export async function runRuntime(warehouse: RawWarehouse, variant: PlanVariant = 'optimized'): Promise<RuntimeResult> {
  const written: BuiltItem[] = [];
  const rejects: Reject[] = [];
  const source = new MemoryByteSource('differential.zip', await zipWarehouse(warehouse));
  const report = await runPlan({
    plan: differentialPlan(variant),
    source,
    asOf: { kind: 'timestamp', epochMillis: Date.parse(warehouse.asOf) },
    sink: { write: (item) => void written.push(item), commit: async () => {}, abort: async () => {} },
    rejects: { write: (reject) => void rejects.push(reject) },
  });
  const items = new Map<string, ItemObject>();
  for (const item of written) {
    const key = `${String(fieldOf(item.attributes, 'pk'))}|${String(fieldOf(item.attributes, 'sk'))}`;
    if (items.has(key)) throw new Error(`the runtime wrote item ${key} twice`);
    items.set(key, item.attributes);
  }
  return { items, report, rejects };
}

/** `itemsOnly`: compare the items, not the run report. */
export function differences(runtime: RuntimeResult, reference: ReferenceResult, itemsOnly = false): string[] {
  const found: string[] = [];
  const { report } = runtime;
  if (report.status !== 'ok') return [`the run failed: ${report.error}`];
  for (const key of new Set([...runtime.items.keys(), ...reference.items.keys()])) {
    const actual = runtime.items.get(key);
    const expected = reference.items.get(key);
    if (!actual) found.push(`item ${key}: missing from the runtime's output; reference: ${show(canonical(expected))}`);
    else if (!expected) found.push(`item ${key}: written by the runtime only: ${show(canonical(actual))}`);
    else {
      const [a, e] = [show(canonical(actual)), show(canonical(expected))];
      if (a !== e)
        found.push(
          `item ${key} differs:\n  runtime:   ${a}\n  reference: ${e}\n  first difference at: …${a.slice(firstDifference(a, e) - 40, firstDifference(a, e) + 40)}`,
        );
    }
  }
  if (itemsOnly) return found;
  for (const table of TABLE_NAMES) {
    const actual = report.tables[table];
    const expected = reference.tables[table];
    if (!actual) {
      found.push(`table ${table}: not in the run report`);
      continue;
    }
    if (actual.read !== actual.used + actual.filtered + actual.rejected + actual.orphaned)
      found.push(`table ${table}: the report does not add up: ${counts(actual)}`);
    if (counts(actual) !== counts(expected))
      found.push(`table ${table}: runtime ${counts(actual)}, reference ${counts(expected)}`);
  }
  const items = report.items.Account;
  const expectedItems = { built: reference.built, written: reference.items.size, filtered: reference.requireFiltered };
  if (JSON.stringify(items) !== JSON.stringify(expectedItems))
    found.push(`items: runtime ${JSON.stringify(items)}, reference ${JSON.stringify(expectedItems)}`);
  const rejected = TABLE_NAMES.reduce((n, t) => n + reference.tables[t].rejected, 0);
  if (report.rejects !== rejected || runtime.rejects.length !== rejected)
    found.push(`rejects: runtime ${report.rejects} (${runtime.rejects.length} written), reference ${rejected}`);
  if (!report.reconciled) found.push('the report says it is not reconciled');
  return found;
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return Math.max(i, 40);
}

function counts(c: { read: number; used: number; filtered: number; rejected: number; orphaned: number }): string {
  return `read ${c.read} = used ${c.used} + filtered ${c.filtered} + rejected ${c.rejected} + orphaned ${c.orphaned}`;
}

/** The warehouse as the files the runtime read, for a counterexample someone can read. */
export function describeWarehouse(warehouse: RawWarehouse): string {
  const parts = [`as_of ${warehouse.asOf}`];
  for (const table of TABLE_NAMES) {
    const rows = warehouse.tables[table];
    if (rows.length === 0) continue;
    parts.push(`-- ${table}\n${csvText(table, rows, [...Array(Object.keys(rows[0]).length).keys()], false).trimEnd()}`);
  }
  return parts.join('\n');
}

/** Runs both and throws with the differences and the warehouse when they disagree. */
export async function expectAgreement(
  warehouse: RawWarehouse,
  options: { plan?: PlanVariant; itemsOnly?: boolean } = {},
): Promise<{ runtime: RuntimeResult; reference: ReferenceResult }> {
  const variant = options.plan ?? 'optimized';
  const reference = evaluateReference(warehouse);
  const runtime = await runRuntime(warehouse, variant);
  const found = differences(runtime, reference, options.itemsOnly);
  if (found.length > 0) {
    const rejects = runtime.rejects.map((r) => `  ${r.table} ${r.file}:${r.line}: ${r.reason}`).join('\n');
    throw new Error(
      `runtime (${variant} plan) and reference disagree:\n${found.join('\n')}\n\nwarehouse:\n${describeWarehouse(warehouse)}\n\nruntime rejects:\n${rejects}`,
    );
  }
  return { runtime, reference };
}
