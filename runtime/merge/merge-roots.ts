// The incremental run's root processor: a slice of root rows is built once to learn the
// items' keys, the stored items with those keys are fetched, the roots that have one are
// built again merged into it, and the items are written.
import type { ItemSink } from '../sinks/item-sink.js';
import { RootItems, RootRejected, type BuiltRoot } from '../run/root-items.js';
import type { RunState } from '../run/run-state.js';
import type { RootBatchProcessor, RootOutcome, RootRow } from '../run/stream-roots.js';
import { rejectFailures, writeBuiltRoot } from '../run/write-root-items.js';
import { ROOTS_PER_FETCH, type StoredItems } from './stored-items.js';

type Attempt = BuiltRoot | null | RootRejected;

/** `beforeWrites`: called before each slice's writes (the lease check). */
export function mergeRootsInto(sink: ItemSink, roots: RootItems, stored: StoredItems, state: RunState, beforeWrites: () => void): RootBatchProcessor {
  if (!sink.delete) throw new Error('an incremental run needs a sink that can delete items');
  const attempt = (row: RootRow, merge: boolean): Attempt => {
    try {
      return roots.build(row.table, row.values, merge ? (item, object) => stored.storedOf(item, object) : undefined);
    } catch (error) {
      if (error instanceof RootRejected) return error;
      throw error;
    }
  };

  return async (rows) => {
    const outcomes: RootOutcome[] = [];
    for (let from = 0; from < rows.length; from += ROOTS_PER_FETCH) {
      const slice = rows.slice(from, from + ROOTS_PER_FETCH);
      const first = slice.map((row) => attempt(row, false));
      // Items left out by `require` too: merged into their stored twin they may pass it.
      await stored.fetch(first.flatMap((a) => (a instanceof RootRejected || a === null ? [] : [...a.items, ...a.leftOut])));
      beforeWrites();
      for (let i = 0; i < slice.length; i++) {
        const built = first[i] instanceof RootRejected || first[i] === null || stored.foundNone ? first[i] : attempt(slice[i], true);
        if (built instanceof RootRejected) {
          rejectFailures(state, built.failures);
          outcomes.push({ rejected: built.message });
        } else if (built === null) {
          outcomes.push('filtered');
        } else {
          const written = writeBuiltRoot(built, sink, state);
          if (typeof written.outcome === 'string') {
            for (const { target, key } of stored.settle(built)) await sink.delete!(target, key);
          }
          outcomes.push(written.outcome);
          if (written.backpressure) await written.backpressure;
        }
      }
    }
    return outcomes;
  };
}
