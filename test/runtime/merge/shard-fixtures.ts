// What tests of incremental runs as shards compare with whole runs: counts added over runs,
// and what a store in memory keeps besides items.
import { emptyCounts, type RunReport, type TableCounts } from '../../../runtime/report/run-report.js';
import type { MemoryStateStore } from '../../support/memory-state-store.js';

/** Each table's counts added over the runs. */
export function countsOf(reports: RunReport[]): Record<string, TableCounts> {
  const sums: Record<string, TableCounts> = {};
  for (const report of reports)
    for (const [name, counts] of Object.entries(report.tables)) {
      const sum = (sums[name] ??= emptyCounts());
      for (const key of Object.keys(sum) as Array<keyof TableCounts>) sum[key] += counts[key];
    }
  return sums;
}

/**
 * What the store keeps besides items, as sorted JSON lines: stored rows, parked rows (without
 * when; a shard's tombstones, ParkedRow.settledBy, are settled rows, not parked ones) and
 * held-back items.
 */
export function stateOf(store: MemoryStateStore): Record<string, string[]> {
  const inner = store as unknown as {
    rows: Map<string, unknown>;
    parked: Map<string, { row: Record<string, unknown>; values: unknown }>;
    heldBack: Map<string, unknown>;
  };
  const sorted = <T>(map: Map<string, T>, f: (v: T) => unknown = (v) => v) =>
    [...map].map(([k, v]) => JSON.stringify([k, f(v)])).sort();
  return {
    rows: sorted(inner.rows),
    parked: sorted(
      new Map([...inner.parked].filter(([, { row }]) => row.settledBy === undefined)),
      ({ row, values }) => [{ ...row, parkedAt: undefined }, values],
    ),
    heldBack: sorted(inner.heldBack),
  };
}
