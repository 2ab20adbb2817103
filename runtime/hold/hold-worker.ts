// A holding thread (hold-threads.ts starts it): it reads its share of the held tables from
// the archive, through the main thread's byte source, and hands back each table in shared
// memory with its counts, rejects and records read per file, as data.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ArchiveEntry } from '../archive/central-directory.js';
import { PortByteSource } from '../archive/byte-source-port.js';
import type { Plan } from '../plan/types.js';
import type { TimestampValue } from '../values/value.js';
import type { HeldTableSnapshot } from './held-table.js';
import type { ReadLimits } from '../report/read-limits.js';
import { holdTables, type RetriedRow } from './hold-tables.js';
import type { TableCounts } from '../report/run-report.js';
import { RunState, type RunProgress } from '../report/run-state.js';
import type { Reject } from '../report/run-state.js';

export interface HoldWorkerData {
  plan: Plan;
  asOf: TimestampValue;
  tables: string[];
  entries: Array<[string, ArchiveEntry[]]>;
  /** The run's file list so far: file numbers in held rows are the main thread's. */
  files: string[];
  source: { name: string; size: number; port: MessagePort };
  limits: ReadLimits;
  /** Rows parked by earlier runs, by table (incremental runs). */
  retried: Array<[string, RetriedRow[]]>;
  holdRoots: boolean;
  holdScanFiltered: boolean;
}

export type HoldWorkerMessage =
  | { kind: 'progress'; table: string; counts: TableCounts; finished: boolean }
  | {
      kind: 'held';
      tables: Array<{
        snapshot: HeldTableSnapshot;
        counts: TableCounts;
        rejects: Reject[];
        recordsRead: Map<string, number>;
        /** Where each retried row landed (-1: rejected), in the order they were given. */
        retriedAt: number[];
      }>;
    }
  | { kind: 'failed'; message: string };

/** Progress goes to the main thread at most this often per table (and when a table is finished). */
const PROGRESS_INTERVAL_MS = 200;

const data = workerData as HoldWorkerData;
const post = (message: HoldWorkerMessage) => parentPort!.postMessage(message);
const rejects: Reject[] = [];
let lastProgress = 0;
const onProgress = (progress: RunProgress) => {
  const now = Date.now();
  if (!progress.finished && now - lastProgress < PROGRESS_INTERVAL_MS) return;
  lastProgress = now;
  post({
    kind: 'progress',
    table: progress.table,
    counts: progress.tables[progress.table],
    finished: progress.finished,
  });
};
const state = new RunState(
  data.plan,
  { write: (reject) => void rejects.push(reject) },
  Infinity,
  onProgress,
  data.limits,
);
for (const file of data.files) state.fileIndex(file);
const source = new PortByteSource(data.source.name, data.source.size, data.source.port);

try {
  const retried = new Map(data.retried);
  const held = await holdTables(data.plan, source, new Map(data.entries), data.asOf, state, {
    only: new Set(data.tables),
    retried,
    holdRoots: data.holdRoots,
    holdScanFiltered: data.holdScanFiltered,
  });
  post({
    kind: 'held',
    tables: [...held.values()].map((table) => ({
      snapshot: table.share(),
      counts: state.countsOf(table.plan.name),
      rejects: rejects.filter((r) => r.table === table.plan.name),
      recordsRead: state.recordsReadOf(table.plan.name),
      retriedAt: (retried.get(table.plan.name) ?? []).map((row) => row.heldIndex),
    })),
  });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
} finally {
  await source.close();
}
