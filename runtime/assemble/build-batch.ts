// What a build thread does with a batch of root rows: build each root's items, check them
// against DynamoDB's limits, as the preview run does (write-root-items.ts), and serialize
// them as NDJSON lines. Rows inside
// written items are marked used in the shared row states; everything else the run must
// record (row failures, outcomes, item counts) comes back as data, applied by the main
// thread in batch order (build-threads.ts).
import type { ByteBuffer } from '../sinks/byte-buffer.js';
import { appendNdjsonLine, type NdjsonFormat } from '../sinks/ndjson-line.js';
import { RootRejected, type RootItems } from './root-items.js';
import type { RowFailure } from './item-assembler.js';
import type { RootOutcome, RootRow } from './stream-roots.js';
import { attemptRoot, itemProblem } from './write-root-items.js';

export interface BatchFailure {
  table: string;
  index: number;
  reason: string;
}

export interface BuiltBatch {
  outcomes: RootOutcome[];
  /** Row failures below the roots, in the order the roots were built. */
  failures: BatchFailure[];
  /** The items' NDJSON lines, UTF-8. */
  bytes: Uint8Array;
  itemsWritten: number;
  items: Record<string, { built: number; written: number; filtered: number }>;
}

/** `lines`: a buffer the thread keeps from batch to batch (it grows once); the batch's bytes are taken out of it. */
export function buildRootBatch(
  roots: RootItems,
  rows: Array<Pick<RootRow, 'table' | 'values'>>,
  format: NdjsonFormat,
  lines: ByteBuffer,
): BuiltBatch {
  const batch: BuiltBatch = { outcomes: [], failures: [], bytes: new Uint8Array(0), itemsWritten: 0, items: {} };
  const countsOf = (item: string) => (batch.items[item] ??= { built: 0, written: 0, filtered: 0 });
  const fail = (failures: RowFailure[]) => {
    for (const { table, index, reason } of failures) batch.failures.push({ table: table.plan.name, index, reason });
  };
  for (const row of rows) {
    const attempt = attemptRoot(roots, row);
    if (attempt === null) {
      batch.outcomes.push('filtered');
      continue;
    }
    fail(attempt.failures);
    if (attempt instanceof RootRejected) {
      batch.outcomes.push({ rejected: attempt.message });
      continue;
    }
    const problem = itemProblem(attempt);
    if (problem !== null) {
      batch.outcomes.push({ rejected: problem });
      continue;
    }
    for (const { item } of attempt.leftOut) {
      countsOf(item.name).built++;
      countsOf(item.name).filtered++;
    }
    for (const { item, object, markUsed } of attempt.items) {
      appendNdjsonLine(lines, format, { item: item.name, target: item.target, attributes: object });
      markUsed();
      countsOf(item.name).built++;
      countsOf(item.name).written++;
      batch.itemsWritten++;
    }
    batch.outcomes.push(attempt.items.length > 0 ? 'used' : 'filtered');
  }
  batch.bytes = lines.take();
  return batch;
}
