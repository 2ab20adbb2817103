// Phase 2 of a run: every root row builds its items. Root tables that are held (they are also
// children or lookups) are walked in memory; others stream from the archive and are never
// held. Reading, duplicates and scan filters are settled here; what a batch of root rows
// becomes is up to `process` (write to a preview file, or merge into DynamoDB).
import type { ByteSource } from '../archive/byte-source.js';
import type { ArchiveEntry } from '../archive/central-directory.js';
import type { Row } from '../eval/compile-expr.js';
import type { Plan } from '../plan/types.js';
import type { TimestampValue } from '../values/value.js';
import { columnPosition } from '../plan/column-position.js';
import { FirstSeenKeys } from '../hold/first-seen-keys.js';
import type { HeldTable } from '../hold/held-table.js';
import { keyAt, type RowKey } from '../eval/row-key.js';
import type { RunState } from '../report/run-state.js';
import { duplicateKeyReason, readTable } from '../read/table-reader.js';
import type { Reject } from '../report/run-state.js';

export interface RootRow {
  table: string;
  values: Row;
  file: string;
  line: number;
}

/** What became of a root row: a reason string when it was rejected. */
export type RootOutcome = 'used' | 'filtered' | { rejected: string };

/**
 * Keys of streamed root rows by table, so that children can tell a missing parent from a
 * filtered one: `seen` every key read (with where it was first read), `rejected` those whose row was rejected while
 * building, `scanFiltered` those the scan filters dropped.
 */
export type SeenRootKeys = Map<string, { seen: FirstSeenKeys; rejected: Set<RowKey>; scanFiltered: Set<RowKey> }>;

/** Builds and writes the items of a batch of root rows, in order. */
export type RootBatchProcessor = (rows: RootRow[]) => RootOutcome[] | Promise<RootOutcome[]>;

/**
 * A processor that works on several batches at once (build threads): `start` hands a batch
 * out; `finish`, called in batch order, waits for it and records what it became. Up to
 * `inFlight` batches are started before the oldest is finished.
 */
export interface RootBatchPipeline<Started> {
  inFlight: number;
  start(rows: RootRow[]): Started;
  finish(started: Started): Promise<RootOutcome[]>;
}

/** Rows of a held root table handed to a pipeline per batch (a plain processor gets them all at once). */
const HELD_ROOT_BATCH_ROWS = 1024;

export async function streamRoots(
  plan: Plan,
  source: ByteSource,
  entries: Map<string, ArchiveEntry[]>,
  held: Map<string, HeldTable>,
  asOf: TimestampValue,
  state: RunState,
  processor: RootBatchProcessor | RootBatchPipeline<unknown>,
  /** A shard's run: whether a streamed root row is its own, by key (null: a row rejected before its key was known). */
  ownsRoot: (key: RowKey | null) => boolean = () => true,
): Promise<SeenRootKeys> {
  const seenRootKeys: SeenRootKeys = new Map();
  const pipeline = asPipeline(processor);
  // Batches started and not yet finished, oldest first, each with what to do once it is.
  const started: Array<{ started: unknown; rejects: Reject[]; settle(outcomes: RootOutcome[]): void }> = [];
  const finishOldest = async () => {
    const oldest = started.shift()!;
    // Rejects found reading the batch come before those of building it: the order of a plain loop.
    for (const reject of oldest.rejects) state.reject(reject);
    oldest.settle(await pipeline.finish(oldest.started));
  };
  const submit = async (rows: RootRow[], settle: (outcomes: RootOutcome[]) => void, rejects: Reject[] = []) => {
    started.push({ started: pipeline.start(rows), rejects, settle });
    while (started.length >= pipeline.inFlight) await finishOldest();
  };
  const finishAll = async () => {
    while (started.length > 0) await finishOldest();
  };
  for (const rootTable of new Set(plan.items.map((i) => i.rootTable))) {
    const table = plan.tables.find((t) => t.name === rootTable)!;
    const heldRoot = held.get(rootTable);
    if (heldRoot) {
      const indexes: number[] = [];
      for (let index = 0; index < heldRoot.count; index++)
        if (!heldRoot.isFailed(index) && !heldRoot.isScanFiltered(index)) indexes.push(index);
      const batchRows = pipeline.inFlight > 1 ? HELD_ROOT_BATCH_ROWS : Math.max(indexes.length, 1);
      const rows = indexes.map((index) => ({
        table: rootTable,
        values: heldRoot.row(index),
        file: state.files[heldRoot.fileOf(index)],
        line: heldRoot.lineOf(index),
      }));
      const outcomes: RootOutcome[] = [];
      for (let from = 0; from < indexes.length; from += batchRows) {
        await submit(rows.slice(from, from + batchRows), (batch) => outcomes.push(...batch));
      }
      await finishAll();
      // The roots' own rejects come after every rejected row below them, as when the rows
      // are processed as one batch.
      outcomes.forEach((outcome, i) => {
        if (outcome === 'used') heldRoot.markUsed(indexes[i]);
        else if (outcome !== 'filtered' && heldRoot.markFailed(indexes[i]))
          state.reject({ table: rootTable, file: rows[i].file, line: rows[i].line, reason: outcome.rejected });
      });
      continue;
    }
    const c = state.countsOf(rootTable);
    const keyPositions = table.key.map((k) => columnPosition(table, k));
    const seen = new FirstSeenKeys();
    const rejected = new Set<RowKey>();
    const scanFiltered = new Set<RowKey>();
    seenRootKeys.set(rootTable, { seen, rejected, scanFiltered });
    for await (const batch of readTable(source, entries.get(rootTable)!, table, asOf, {
      recordsRead: state.recordsReadOf(rootTable),
      maxRecordChars: state.limits.maxRecordChars,
    })) {
      const rows: RootRow[] = [];
      const keys: Array<RowKey | null> = [];
      const readRejects: Reject[] = [];
      for (const event of batch) {
        const key = event.kind === 'reject' ? null : keyAt(event.values, keyPositions);
        if (!ownsRoot(key)) continue;
        c.read++;
        if (event.kind === 'reject') {
          c.rejected++;
          readRejects.push(event.reject);
          continue;
        }
        // The first row read wins, whether the scan filters keep it or not.
        const first = key === null ? undefined : seen.firstOf(key);
        if (first !== undefined) {
          c.rejected++;
          const reason = duplicateKeyReason(table, { file: state.files[first.fileNumber], line: first.line }, key);
          readRejects.push({ table: rootTable, file: event.file, line: event.line, reason });
          continue;
        }
        if (key !== null) seen.add(key, state.fileIndex(event.file), event.line);
        if (event.kind === 'filtered') {
          c.filtered++;
          if (key !== null) scanFiltered.add(key);
          continue;
        }
        rows.push({ table: rootTable, values: event.values, file: event.file, line: event.line });
        keys.push(key);
      }
      const settle = (outcomes: RootOutcome[]) => {
        outcomes.forEach((outcome, i) => {
          if (outcome === 'used') c.used++;
          else if (outcome === 'filtered') c.filtered++;
          else {
            c.rejected++;
            // Its children count as orphaned, as they do under a row rejected for a bad value.
            if (keys[i] !== null) rejected.add(keys[i]);
            state.reject({ table: rootTable, file: rows[i].file, line: rows[i].line, reason: outcome.rejected });
          }
        });
        state.progress('streaming', rootTable);
      };
      await submit(rows, settle, readRejects);
    }
    await finishAll();
    state.progress('streaming', rootTable, true);
  }
  return seenRootKeys;
}

function asPipeline(processor: RootBatchProcessor | RootBatchPipeline<unknown>): RootBatchPipeline<unknown> {
  if (typeof processor !== 'function') return processor;
  // One batch at a time, processed when it is finished: the order of a plain loop.
  return {
    inFlight: 1,
    start: (rows) => rows,
    finish: async (rows) => ((rows as RootRow[]).length === 0 ? [] : processor(rows as RootRow[])),
  };
}
