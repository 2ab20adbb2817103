// Turning built root items into writes: the sink gets each item, the rows inside are marked
// used once it took it, the failures of rows below are rejected, the item counts move on.
import type { ItemSink } from '../sinks/item-sink.js';
import type { RowFailure } from './item-assembler.js';
import { RootItems, RootRejected, type BuiltRoot, type StoredItemOf } from './root-items.js';
import type { RunState } from './run-state.js';
import type { RootBatchProcessor, RootOutcome, RootRow } from './stream-roots.js';

export function rejectFailures(state: RunState, failures: RowFailure[]): void {
  for (const f of failures) {
    if (f.table.markFailed(f.index)) {
      state.reject({ table: f.table.plan.name, file: state.files[f.table.fileOf(f.index)], line: f.table.lineOf(f.index), reason: f.reason });
    }
  }
}

/** Writes a root's items; returns the sink's back-pressure promise, if it asked to wait. */
export function writeBuiltRoot(built: BuiltRoot, sink: ItemSink, state: RunState): { outcome: RootOutcome; backpressure?: Promise<void> } {
  rejectFailures(state, built.failures);
  if (sink.check) {
    for (const { item, object } of built.items) {
      const problem = sink.check({ item: item.name, target: item.target, attributes: object });
      if (problem !== null) return { outcome: { rejected: problem } };
    }
  }
  const pending: Promise<void>[] = [];
  for (const { item } of built.leftOut) {
    state.items[item.name].built++;
    state.items[item.name].filtered++;
  }
  for (const { item, object, markUsed } of built.items) {
    const written = sink.write({ item: item.name, target: item.target, attributes: object });
    if (written) pending.push(written);
    markUsed();
    state.items[item.name].built++;
    state.items[item.name].written++;
    state.itemsWritten++;
  }
  // Every write's promise is awaited (one that fails must not go unhandled).
  const backpressure = pending.length === 0 ? undefined : pending.length === 1 ? pending[0] : Promise.all(pending).then(() => undefined);
  return { outcome: built.items.length > 0 ? 'used' : 'filtered', ...(backpressure ? { backpressure } : {}) };
}

/** What building a root row's items gave: the items, null (root filters left it out), or why it was rejected. */
export type RootAttempt = BuiltRoot | null | RootRejected;

export function attemptRoot(roots: RootItems, row: Pick<RootRow, 'table' | 'values'>, storedOf?: StoredItemOf): RootAttempt {
  try {
    return roots.build(row.table, row.values, storedOf);
  } catch (error) {
    if (error instanceof RootRejected) return error;
    throw error;
  }
}

/** Writes what an attempt built, or rejects the failures of a root it could not build. */
export function finishRoot(attempt: RootAttempt, sink: ItemSink, state: RunState): { outcome: RootOutcome; backpressure?: Promise<void> } {
  if (attempt === null) return { outcome: 'filtered' };
  if (attempt instanceof RootRejected) {
    rejectFailures(state, attempt.failures);
    return { outcome: { rejected: attempt.message } };
  }
  return writeBuiltRoot(attempt, sink, state);
}

/** The preview run's processor: build each root's items and write them to the sink. */
export function writeRootsTo(sink: ItemSink, roots: RootItems, state: RunState): RootBatchProcessor {
  return async (rows) => {
    const outcomes: RootOutcome[] = [];
    for (const row of rows) {
      const finished = finishRoot(attemptRoot(roots, row), sink, state);
      outcomes.push(finished.outcome);
      // The sink asks to wait only when its buffer is full.
      if (finished.backpressure) await finished.backpressure;
    }
    return outcomes;
  };
}
