// Holding the tables a run needs, on as many threads as asked (thread-count.ts): on threads
// when there are two or more and more than one table to deal out, else on this thread. Both
// orchestrators (run-plan.ts, run-incremental.ts) hold their tables through here. A shard's
// run holds on this thread (shard-router.ts).
import type { ByteSource } from '../archive/byte-source.js';
import type { ArchiveEntry } from '../archive/central-directory.js';
import type { Plan } from '../plan/types.js';
import type { TimestampValue } from '../values/value.js';
import type { HeldTable } from '../hold/held-table.js';
import { holdTables, tablesToHold, type HoldOptions } from '../hold/hold-tables.js';
import { holdTablesOnThreads } from '../hold/hold-threads.js';
import type { RunState } from '../report/run-state.js';
import { threadCount } from './thread-count.js';

export async function holdAsAsked(
  plan: Plan,
  source: ByteSource,
  entries: Map<string, ArchiveEntry[]>,
  asOf: TimestampValue,
  state: RunState,
  threads: number | 'auto',
  options: Pick<HoldOptions, 'retried' | 'holdRoots' | 'holdScanFiltered' | 'shard' | 'settledElsewhere'> = {},
): Promise<Map<string, HeldTable>> {
  const toHold = tablesToHold(plan, options.holdRoots);
  // A shard holds on this thread: its router reads parents' keys before their children's rows.
  if (options.shard) return holdTables(plan, source, entries, asOf, state, options);
  const count = threadCount(
    threads,
    toHold.map((t) => t.name),
    entries,
  );
  return count > 1 && toHold.length > 1
    ? holdTablesOnThreads(plan, toHold, source, entries, asOf, state, count, options)
    : holdTables(plan, source, entries, asOf, state, options);
}
