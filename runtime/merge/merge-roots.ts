// The incremental run's root processor, a pipeline of batches: starting a batch fetches the
// stored items of its roots that an earlier run stored (stored-roots.ts), by keys told from
// the root rows (or, where they cannot be, from a first build); finishing it, in order, builds
// each root once, merged into its stored item, and writes the items. Up to FETCHES_IN_FLIGHT
// batches are fetched while the oldest is built and written.
import type { PlanItem } from '../plan/types.js';
import type { ItemSink } from '../sinks/item-sink.js';
import { type RootItems, RootRejected } from '../assemble/root-items.js';
import type { RunState } from '../report/run-state.js';
import type { RootBatchPipeline, RootOutcome, RootRow } from '../assemble/stream-roots.js';
import { attemptRoot, finishRoot, type RootAttempt } from '../assemble/write-root-items.js';
import type { StoredKey } from './state-store.js';
import type { FetchedItems, StoredItems } from './stored-items.js';
import type { StoredRoots } from './stored-roots.js';

/** Batches whose stored items are read while an older one is built and written. */
export const FETCHES_IN_FLIGHT = 3;

interface FetchedBatch {
  rows: RootRow[];
  /** A root's first build, made to learn its items' keys (kept when no stored item turns up). */
  first: Map<number, RootAttempt>;
  fetched: FetchedItems | null;
}

/** `beforeWrites`: called before each batch's writes (the lease check). */
export function mergeRootsInto(
  sink: ItemSink,
  roots: RootItems,
  stored: StoredItems,
  storedRoots: StoredRoots,
  state: RunState,
  beforeWrites: () => void,
): RootBatchPipeline<Promise<FetchedBatch>> {
  if (!sink.delete) throw new Error('an incremental run needs a sink that can delete items');

  const fetchBatch = async (rows: RootRow[]): Promise<FetchedBatch> => {
    const first = new Map<number, RootAttempt>();
    const wanted: Array<{ item: PlanItem; key: StoredKey }> = [];
    rows.forEach((row, i) => {
      if (!storedRoots.has(row.table, row.values)) return;
      const keys = roots.keysOf(row.table, row.values);
      if (keys !== null) {
        wanted.push(...keys);
        return;
      }
      const attempt = attemptRoot(roots, row);
      first.set(i, attempt);
      // Items left out by `require` too: merged into their stored twin they may pass it.
      if (attempt !== null && !(attempt instanceof RootRejected))
        for (const { item, object } of [...attempt.items, ...attempt.leftOut])
          wanted.push({ item, key: stored.keyOf(item, object) });
    });
    return { rows, first, fetched: wanted.length === 0 ? null : await stored.fetch(wanted) };
  };

  const writeBatch = async ({ rows, first, fetched }: FetchedBatch): Promise<RootOutcome[]> => {
    beforeWrites();
    const storedOf = fetched === null ? undefined : (item: PlanItem, key: StoredKey) => fetched.storedOf(item, key);
    const outcomes: RootOutcome[] = [];
    for (let i = 0; i < rows.length; i++) {
      const earlier = first.get(i);
      const built =
        earlier !== undefined && !foundAny(earlier, fetched) ? earlier : attemptRoot(roots, rows[i], storedOf);
      const finished = finishRoot(built, sink, state);
      if (built !== null && !(built instanceof RootRejected) && typeof finished.outcome === 'string') {
        for (const { item, target, key } of stored.settle(built, fetched)) {
          await sink.delete!(target, key);
          state.items[item].deleted = (state.items[item].deleted ?? 0) + 1;
        }
      }
      outcomes.push(finished.outcome);
      if (finished.backpressure) await finished.backpressure;
    }
    return outcomes;
  };

  const foundAny = (attempt: RootAttempt, fetched: FetchedItems | null) =>
    fetched !== null &&
    attempt !== null &&
    !(attempt instanceof RootRejected) &&
    [...attempt.items, ...attempt.leftOut].some(({ item, object }) => fetched.has(item, stored.keyOf(item, object)));

  return {
    inFlight: FETCHES_IN_FLIGHT,
    start: (rows) => {
      const batch = fetchBatch(rows);
      // A fetch that fails while older batches are written is reported when its batch is finished.
      batch.catch(() => undefined);
      return batch;
    },
    finish: (batch) => batch.then(writeBatch),
  };
}
