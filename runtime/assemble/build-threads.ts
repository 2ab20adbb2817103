/*
 * Building items on several threads (preview runs). Once the tables are held and sealed,
 * their typed arrays move into shared memory and each build thread (build-worker.ts) reads
 * them in place. Each batch of root rows goes to the thread with the fewest batches left to
 * build; what each batch gives back (row failures, outcomes, item counts, NDJSON bytes) is
 * applied here strictly in batch order, so the file, the rejects and the counts are those of
 * a run on one thread.
 *
 * Only plans whose rows each belong to one root's tree are built in parallel (see
 * canBuildInParallel): a row is then marked, used or failed, by one thread at a time.
 */
import type { Worker } from 'node:worker_threads';
import type { ColumnType, Plan } from '../plan/types.js';
import { hasCollectionUnderLookup } from '../plan/plan-shape.js';
import type { LineSink } from '../sinks/item-sink.js';
import type { TimestampValue } from '../values/value.js';
import type { BuiltBatch } from './build-batch.js';
import type { BuildRequest, BuildWorkerData } from './build-worker.js';
import type { HeldTable } from '../hold/held-table.js';
import type { RunState } from '../report/run-state.js';
import { packRows } from './packed-rows.js';
import { startWorker } from '../threads/start-worker.js';
import type { RootBatchPipeline, RootOutcome, RootRow } from './stream-roots.js';
import { rejectFailures } from './write-root-items.js';

/**
 * One root table for every item, no table grouped under two parents, and no collection under
 * a looked-up row (`each s in o.customers.orders`: many roots look up one customer): every
 * held row then sits in the tree of at most one root row.
 */
export function canBuildInParallel(plan: Plan): boolean {
  if (new Set(plan.items.map((i) => i.rootTable)).size !== 1) return false;
  if (!plan.tables.every((t) => t.roles.filter((r) => r.kind === 'grouped').length <= 1)) return false;
  return plan.items.every((item) => !hasCollectionUnderLookup(item.shape));
}

const BATCHES_IN_FLIGHT_PER_THREAD = 4;

/** A batch handed to a thread: the thread, and what the batch will give. */
interface Sent {
  worker: Worker;
  built: Promise<BuiltBatch>;
}

interface Waiting {
  resolve(batch: BuiltBatch): void;
  reject(error: Error): void;
}

export class BuildThreads {
  private readonly workers: Worker[];
  /** Batches sent to each thread and not yet given back. */
  private readonly unfinished: number[];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failure: Error | null = null;
  private readonly columnTypes: Map<string, ColumnType[]>;

  /** Starts the threads; they build once they have the held tables (load()). */
  constructor(count: number, plan: Plan, asOf: TimestampValue, format: LineSink['format']) {
    const data: BuildWorkerData = { plan, asOf, format };
    this.columnTypes = new Map(plan.tables.map((table) => [table.name, table.columns.map((column) => column.type)]));
    this.unfinished = new Array<number>(count).fill(0);
    this.workers = Array.from({ length: count }, (_, thread) => {
      const worker = startWorker(import.meta.url, 'build-worker', data);
      worker.on('message', ({ id, batch }: { id: number; batch: BuiltBatch }) => {
        this.unfinished[thread]--;
        const waiting = this.waiting.get(id);
        this.waiting.delete(id);
        waiting?.resolve(batch);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => this.fail(new Error(`a build thread stopped (exit code ${code})`)));
      return worker;
    });
  }

  /** Shares the held tables with the threads (see HeldTable.share()). */
  load(held: Map<string, HeldTable>): void {
    const request: BuildRequest = { kind: 'tables', tables: [...held.values()].map((table) => table.share()) };
    for (const worker of this.workers) worker.postMessage(request);
  }

  /**
   * Builds each batch on the thread with the fewest batches left to build, up to four
   * batches per thread in flight; what a batch gave reaches the sink and the state as it is
   * finished, in batch order. A thread that is ahead builds the next batches while a slower
   * one finishes an older batch, instead of waiting for its turn.
   */
  pipeline(sink: LineSink, state: RunState, held: Map<string, HeldTable>): RootBatchPipeline<Sent | null> {
    return {
      inFlight: this.workers.length * BATCHES_IN_FLIGHT_PER_THREAD,
      start: (rows) => (rows.length === 0 ? null : this.send(rows)),
      finish: async (sent) => (sent === null ? [] : this.apply(sent.worker, await sent.built, sink, state, held)),
    };
  }

  private send(rows: RootRow[]): Sent {
    const id = this.nextId++;
    const thread = this.leastBusyThread(id);
    this.unfinished[thread]++;
    const worker = this.workers[thread];
    const { table } = rows[0];
    if (rows.some((row) => row.table !== table)) throw new Error('a batch of root rows mixes tables');
    const built = new Promise<BuiltBatch>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting.set(id, { resolve, reject });
      const request: BuildRequest = {
        kind: 'batch',
        id,
        table,
        rows: packRows(
          rows.map((row) => row.values),
          this.columnTypes.get(table)!,
        ),
      };
      worker.postMessage(request);
    });
    // Awaited once the batches before it are finished; a failure meanwhile must not count as unhandled.
    built.catch(() => {});
    return { worker, built };
  }

  private async apply(
    worker: Worker,
    batch: BuiltBatch,
    sink: LineSink,
    state: RunState,
    held: Map<string, HeldTable>,
  ): Promise<RootOutcome[]> {
    rejectFailures(
      state,
      batch.failures.map(({ table, index, reason }) => ({ table: held.get(table)!, index, reason })),
    );
    for (const [name, counts] of Object.entries(batch.items)) {
      const total = state.items[name];
      total.built += counts.built;
      total.written += counts.written;
      total.filtered += counts.filtered;
    }
    state.itemsWritten += batch.itemsWritten;
    // Written, the batch's memory goes back to its thread for a later batch.
    const memory = batch.bytes.buffer as ArrayBuffer;
    await sink.writeLines(batch.bytes, batch.itemsWritten, () => {
      if (this.failure === null) worker.postMessage({ kind: 'written', memory } satisfies BuildRequest, [memory]);
    });
    return batch.outcomes;
  }

  /** The thread with the fewest unfinished batches; among those, the next in turn after batch `id`. */
  private leastBusyThread(id: number): number {
    let best = id % this.workers.length;
    for (let step = 1; step < this.workers.length; step++) {
      const thread = (id + step) % this.workers.length;
      if (this.unfinished[thread] < this.unfinished[best]) best = thread;
    }
    return best;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the build threads were closed');
    await Promise.all(
      this.workers.map((worker) => {
        worker.removeAllListeners('exit');
        return worker.terminate();
      }),
    );
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
