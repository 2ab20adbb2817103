/*
 * Holding tables on several threads (preview and incremental runs): the held tables are dealt out to
 * threads (hold-worker.ts), largest first, each to the thread with the fewest bytes so far;
 * each thread reads its tables through this thread's byte source and builds them in shared
 * memory. Their counts, rejects and records read per file are then applied here table by
 * table, in the plan's order: the rejects file and the counts are those of a run on one thread.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import type { ByteSource } from '../archive/byte-source.js';
import { serveByteSource } from '../archive/byte-source-port.js';
import type { ArchiveEntry } from '../archive/central-directory.js';
import type { Plan, PlanTable } from '../plan/types.js';
import type { TimestampValue } from '../values/value.js';
import { HeldTable } from './held-table.js';
import type { HoldWorkerData, HoldWorkerMessage } from './hold-worker.js';
import type { HoldOptions } from './hold-tables.js';
import type { RunState } from '../report/run-state.js';
import { startWorker } from '../threads/start-worker.js';

type Held = Extract<HoldWorkerMessage, { kind: 'held' }>['tables'];

/** The tables of each thread: the largest table first, to the thread with the fewest bytes. */
export function dealTables(tables: PlanTable[], entries: Map<string, ArchiveEntry[]>, threads: number): string[][] {
  const bytesOf = (table: PlanTable) => (entries.get(table.name) ?? []).reduce((sum, e) => sum + e.uncompressedSize, 0);
  const shares = Array.from({ length: threads }, () => ({ bytes: 0, tables: [] as string[] }));
  for (const table of [...tables].sort((a, b) => bytesOf(b) - bytesOf(a))) {
    const lightest = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.tables.push(table.name);
    lightest.bytes += bytesOf(table);
  }
  return shares.map((share) => share.tables).filter((names) => names.length > 0);
}

export async function holdTablesOnThreads(
  plan: Plan,
  tables: PlanTable[],
  source: ByteSource,
  entries: Map<string, ArchiveEntry[]>,
  asOf: TimestampValue,
  state: RunState,
  threads: number,
  /** As holdTables takes them (incremental runs: rows parked earlier, and the rows the scan filters drop). */
  options: Pick<HoldOptions, 'retried' | 'holdRoots' | 'holdScanFiltered'> = {},
): Promise<Map<string, HeldTable>> {
  // Every file gets its number before the threads start, so theirs agree with this thread's.
  for (const table of tables) for (const entry of entries.get(table.name) ?? []) state.fileIndex(entry.name);
  for (const table of tables) for (const row of options.retried?.get(table.name) ?? []) state.fileIndex(row.file);
  const size = await source.size();
  const workers: Worker[] = [];
  let results: Held[];
  try {
    results = await Promise.all(dealTables(tables, entries, threads).map((names) => holdOnThread(names)));
  } finally {
    // Done, or one failed: the others stop too.
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  const byName = new Map(results.flat().map((result) => [result.snapshot.plan.name, result]));
  const held = new Map<string, HeldTable>();
  for (const table of tables) {
    const { snapshot, counts, rejects, recordsRead, retriedAt } = byName.get(table.name)!;
    // Where each parked row landed, as holdTables notes it.
    (options.retried?.get(table.name) ?? []).forEach((row, i) => (row.heldIndex = retriedAt[i]));
    Object.assign(state.countsOf(table.name), counts);
    for (const [file, records] of recordsRead) state.recordsReadOf(table.name).set(file, records);
    for (const reject of rejects) state.reject(reject);
    held.set(table.name, HeldTable.fromSnapshot(snapshot));
  }
  return held;

  function holdOnThread(names: string[]): Promise<Held> {
    const channel = new MessageChannel();
    serveByteSource(source, channel.port1);
    const data: HoldWorkerData = {
      plan,
      asOf,
      tables: names,
      files: [...state.files],
      entries: names.map((name) => [name, entries.get(name) ?? []]),
      source: { name: source.name, size, port: channel.port2 },
      limits: state.limits,
      retried: names.map((name) => [name, options.retried?.get(name) ?? []]),
      holdRoots: options.holdRoots ?? false,
      holdScanFiltered: options.holdScanFiltered ?? false,
    };
    const worker = startWorker(import.meta.url, 'hold-worker', data, [channel.port2]);
    workers.push(worker);
    return new Promise<Held>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        channel.port1.close();
        outcome();
      };
      worker.on('message', (message: HoldWorkerMessage) => {
        if (message.kind === 'progress') {
          Object.assign(state.countsOf(message.table), message.counts);
          state.progress('holding', message.table, message.finished);
        } else if (message.kind === 'held') settle(() => resolve(message.tables));
        else settle(() => reject(new Error(message.message)));
      });
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', (code) =>
        settle(() => reject(new Error(`a holding thread stopped (exit code ${code}) before its tables were held`))),
      );
    });
  }
}
