// Turning built root items into writes: the sink gets each item, the rows inside are marked
// used once it took it, the failures of rows below are rejected, the item counts move on.
import { checkItemLimits } from '../dynamodb/item-limits.js';
import { fieldOf, type ItemObject } from '../eval/item-value.js';
import type { ItemSink } from '../sinks/item-sink.js';
import { toPlainJson } from '../sinks/plain-json.js';
import type { RowFailure } from './item-assembler.js';
import { type RootItems, RootRejected, type BuiltRoot, type StoredItemOf } from './root-items.js';
import type { RunState } from '../report/run-state.js';
import type { RootBatchProcessor, RootOutcome, RootRow } from './stream-roots.js';

export function rejectFailures(state: RunState, failures: RowFailure[]): void {
  for (const f of failures) {
    if (f.table.markFailed(f.index)) {
      state.reject({
        table: f.table.plan.name,
        file: state.files[f.table.fileOf(f.index)],
        line: f.table.lineOf(f.index),
        reason: f.reason,
      });
    }
  }
}

/**
 * Why a root's items cannot be written, checked once per item before any sink takes them
 * (item-limits.ts: the limits of DynamoDB, which every sink applies so previews predict the
 * real run); null when all of them can.
 */
export function itemProblem(built: BuiltRoot): string | null {
  for (const { item, object, keyNames } of built.items) {
    const check = checkItemLimits(object);
    if (!check.ok) return `its ${item.name} item ${keyText(object, keyNames)} ${check.reason}`;
  }
  return null;
}

/** The item's key as a reject shows it: pk="CUST#2" sk="PROFILE" (numbers unquoted). */
function keyText(object: ItemObject, keyNames: readonly string[]): string {
  return keyNames
    .map((name) => {
      const value = fieldOf(object, name);
      return `${name}=${typeof value === 'string' ? JSON.stringify(value) : toPlainJson(value ?? null)}`;
    })
    .join(' ');
}

/** Writes a root's items; returns the sink's back-pressure promise, if it asked to wait. */
export function writeBuiltRoot(
  built: BuiltRoot,
  sink: ItemSink,
  state: RunState,
): { outcome: RootOutcome; backpressure?: Promise<void> } {
  rejectFailures(state, built.failures);
  const problem = itemProblem(built);
  if (problem !== null) return { outcome: { rejected: problem } };
  if (sink.check) {
    for (const { item, object } of built.items) {
      const refusal = sink.check({ item: item.name, target: item.target, attributes: object });
      if (refusal !== null) return { outcome: { rejected: refusal } };
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
  const backpressure =
    pending.length === 0 ? undefined : pending.length === 1 ? pending[0] : Promise.all(pending).then(() => undefined);
  return { outcome: built.items.length > 0 ? 'used' : 'filtered', ...(backpressure ? { backpressure } : {}) };
}

/** What building a root row's items gave: the items, null (root filters left it out), or why it was rejected. */
export type RootAttempt = BuiltRoot | null | RootRejected;

export function attemptRoot(
  roots: RootItems,
  row: Pick<RootRow, 'table' | 'values'>,
  storedOf?: StoredItemOf,
): RootAttempt {
  try {
    return roots.build(row.table, row.values, storedOf);
  } catch (error) {
    if (error instanceof RootRejected) return error;
    throw error;
  }
}

/** Writes what an attempt built, or rejects the failures of a root it could not build. */
export function finishRoot(
  attempt: RootAttempt,
  sink: ItemSink,
  state: RunState,
): { outcome: RootOutcome; backpressure?: Promise<void> } {
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
