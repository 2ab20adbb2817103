// Phase 2 of a run: every root row builds its items, which go to the sink. Root tables that
// are held (they are also children or lookups) are walked in memory; others stream from the
// archive and are never held.
import type { ByteSource } from '../archive/byte-source.js';
import type { ArchiveEntry } from '../archive/central-directory.js';
import { compileCondition, singleRowEnv, type EvalContext, type Row } from '../eval/compile-expr.js';
import { EvaluationError } from '../eval/operators.js';
import type { Plan, PlanItem, PlanTable } from '../plan/types.js';
import type { ItemSink } from '../sinks/item-sink.js';
import type { TimestampValue } from '../values/value.js';
import { fieldOf } from '../eval/item-value.js';
import { columnPosition } from '../plan/column-position.js';
import type { HeldTable } from './held-table.js';
import { assembleItem, type ItemAssembler, type RowFailure } from './item-assembler.js';
import { keyAt, type RowKey } from './row-key.js';
import type { RunState } from './run-state.js';
import { duplicateKeyReason, readTable } from './table-reader.js';

/** The root row itself cannot make its item (its reject names why). */
class RootRejected extends Error {}

function rootFilterOf(item: PlanItem, table: PlanTable): ((root: Row, asOf: TimestampValue) => boolean) | null {
  if (!item.rootFilter) return null;
  const condition = compileCondition(item.rootFilter, singleRowEnv(table, 'a root filter'));
  return (root, asOf) => condition({ rows: [root], object: null, asOf } satisfies EvalContext);
}

interface RootBuilder {
  item: PlanItem;
  assembler: ItemAssembler;
  rootFilter: ((root: Row, asOf: TimestampValue) => boolean) | null;
  partitionKey: string;
}

/**
 * Keys of streamed root rows by table, so that children can tell a missing parent from a
 * filtered one: `seen` every key read, `rejected` those whose row was rejected while building.
 */
export type SeenRootKeys = Map<string, { seen: Set<RowKey>; rejected: Set<RowKey> }>;

export async function streamRoots(
  plan: Plan, source: ByteSource, entries: Map<string, ArchiveEntry[]>, held: Map<string, HeldTable>,
  asOf: TimestampValue, sink: ItemSink, state: RunState,
): Promise<SeenRootKeys> {
  const tables = new Map(plan.tables.map((t) => [t.name, t]));
  const builders: RootBuilder[] = plan.items.map((item) => ({
    item,
    assembler: assembleItem(item, tables, held),
    rootFilter: rootFilterOf(item, tables.get(item.rootTable)!),
    partitionKey: plan.targets.find((t) => t.name === item.target)!.partitionKey,
  }));

  const rejectFailures = (failures: RowFailure[]) => {
    for (const f of failures) {
      if (f.table.markFailed(f.index)) {
        state.reject({ table: f.table.plan.name, file: state.files[f.table.fileOf(f.index)], line: f.table.lineOf(f.index), reason: f.reason });
      }
    }
  };

  // The sink asks to wait (a promise from write) only when its buffer is full: the loops
  // await it before the next row, and run synchronously otherwise.
  let backpressure: Promise<void> | undefined;

  /** Builds and writes the items of one root row; true when at least one was written. */
  const buildFrom = (values: Row, forRoot: RootBuilder[]): boolean => {
    let written = false;
    for (const { item, assembler, rootFilter, partitionKey } of forRoot) {
      if (rootFilter && !rootFilter(values, asOf)) continue;
      const failures: RowFailure[] = [];
      let built;
      try {
        built = assembler.build(values, asOf, failures);
      } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
        throw new RootRejected(error.message);
      } finally {
        rejectFailures(failures);
      }
      state.items[item.name].built++;
      if (!built) {
        state.items[item.name].filtered++;
        continue;
      }
      const pk = fieldOf(built.object, partitionKey);
      if (pk === null || pk === undefined) throw new RootRejected(`its item's partition key ${partitionKey} is null`);
      const pending = sink.write({ item: item.name, target: item.target, attributes: built.object });
      if (pending) backpressure = pending;
      built.markUsed();
      state.items[item.name].written++;
      state.itemsWritten++;
      written = true;
    }
    return written;
  };

  const seenRootKeys: SeenRootKeys = new Map();
  for (const rootTable of new Set(plan.items.map((i) => i.rootTable))) {
    const table = tables.get(rootTable)!;
    const forRoot = builders.filter((b) => b.item.rootTable === rootTable);
    const heldRoot = held.get(rootTable);
    if (heldRoot) {
      for (let index = 0; index < heldRoot.count; index++) {
        if (heldRoot.isFailed(index)) continue;
        try {
          if (buildFrom(heldRoot.row(index), forRoot)) heldRoot.markUsed(index);
        } catch (error) {
          if (!(error instanceof RootRejected)) throw error;
          if (heldRoot.markFailed(index)) state.reject({ table: rootTable, file: state.files[heldRoot.fileOf(index)], line: heldRoot.lineOf(index), reason: error.message });
        }
        if (backpressure) {
          await backpressure;
          backpressure = undefined;
        }
      }
      continue;
    }
    const c = state.countsOf(rootTable);
    const keyPositions = table.key.map((k) => columnPosition(table, k));
    const seen = new Set<RowKey>();
    const rejected = new Set<RowKey>();
    seenRootKeys.set(rootTable, { seen, rejected });
    for await (const batch of readTable(source, entries.get(rootTable)!, table, asOf)) {
      for (const event of batch) {
        c.read++;
        if (event.kind === 'reject') {
          c.rejected++;
          state.reject(event.reject);
          continue;
        }
        // The first row read wins, whether the scan filters keep it or not.
        const key = keyAt(event.values, keyPositions);
        if (key !== null && seen.has(key)) {
          c.rejected++;
          state.reject({ table: rootTable, file: event.file, line: event.line, reason: duplicateKeyReason(table) });
          continue;
        }
        if (key !== null) seen.add(key);
        if (event.kind === 'filtered') {
          c.filtered++;
          continue;
        }
        try {
          if (buildFrom(event.values, forRoot)) c.used++;
          else c.filtered++;
        } catch (error) {
          if (!(error instanceof RootRejected)) throw error;
          c.rejected++;
          // Its children count as orphaned, as they do under a row rejected for a bad value.
          if (key !== null) rejected.add(key);
          state.reject({ table: rootTable, file: event.file, line: event.line, reason: error.message });
        }
        if (backpressure) {
          await backpressure;
          backpressure = undefined;
        }
      }
      state.progress('streaming', rootTable);
    }
    state.progress('streaming', rootTable, true);
  }
  return seenRootKeys;
}
