// The incremental run's root processor: a slice of root rows is built once to learn the
// items' keys, the stored items with those keys are fetched, the roots that have one are
// built again merged into it, and the items are written.
import type { ItemObject } from '../eval/item-value.js';
import type { PlanItem } from '../plan/types.js';
import type { ItemSink } from '../sinks/item-sink.js';
import { type RootItems, RootRejected } from '../assemble/root-items.js';
import type { RunState } from '../report/run-state.js';
import type { RootBatchProcessor, RootOutcome } from '../assemble/stream-roots.js';
import { attemptRoot, finishRoot } from '../assemble/write-root-items.js';
import { ROOTS_PER_FETCH, type StoredItems } from './stored-items.js';

/** `beforeWrites`: called before each slice's writes (the lease check). */
export function mergeRootsInto(
  sink: ItemSink,
  roots: RootItems,
  stored: StoredItems,
  state: RunState,
  beforeWrites: () => void,
): RootBatchProcessor {
  if (!sink.delete) throw new Error('an incremental run needs a sink that can delete items');
  const merged = (item: PlanItem, object: ItemObject) => stored.storedOf(item, object);

  return async (rows) => {
    const outcomes: RootOutcome[] = [];
    for (let from = 0; from < rows.length; from += ROOTS_PER_FETCH) {
      const slice = rows.slice(from, from + ROOTS_PER_FETCH);
      const first = slice.map((row) => attemptRoot(roots, row));
      // Items left out by `require` too: merged into their stored twin they may pass it.
      await stored.fetch(
        first.flatMap((a) => (a instanceof RootRejected || a === null ? [] : [...a.items, ...a.leftOut])),
      );
      beforeWrites();
      for (let i = 0; i < slice.length; i++) {
        const built =
          first[i] instanceof RootRejected || first[i] === null || stored.foundNone
            ? first[i]
            : attemptRoot(roots, slice[i], merged);
        const finished = finishRoot(built, sink, state);
        if (built !== null && !(built instanceof RootRejected) && typeof finished.outcome === 'string') {
          for (const { item, target, key } of stored.settle(built)) {
            await sink.delete!(target, key);
            state.items[item].deleted = (state.items[item].deleted ?? 0) + 1;
          }
        }
        outcomes.push(finished.outcome);
        if (finished.backpressure) await finished.backpressure;
      }
    }
    return outcomes;
  };
}
