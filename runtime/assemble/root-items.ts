// The items one root row makes: every item over its table, built by its assembler, checked
// for a partition key. Nothing is written or marked here: the caller writes the items, then
// calls markUsed, and commits the row failures of the build it keeps (a build may be redone
// once rows kept by earlier runs are fetched).
import { compileCondition, singleRowEnv, type EvalContext, type Row } from '../eval/compile-expr.js';
import { fieldOf, type ItemObject, type ItemValue } from '../eval/item-value.js';
import { EvaluationError } from '../eval/operators.js';
import type { Plan, PlanItem, PlanTable } from '../plan/types.js';
import type { TimestampValue } from '../values/value.js';
import type { HeldTable } from '../hold/held-table.js';
import { assembleItem, type ItemAssembler, type RowFailure } from './item-assembler.js';
import type { StoredElements } from './stored-elements.js';

/** The root row itself cannot make its item (the message says why). */
export class RootRejected extends Error {
  /** Failures of rows below it found before it failed: they are rejected too. */
  failures: RowFailure[] = [];
}

export interface BuiltRootItem {
  item: PlanItem;
  object: ItemObject;
  /** The names of its target's key attributes (partition key first), to name the item in a reject. */
  keyNames: readonly string[];
  markUsed(): void;
}

export interface BuiltRoot {
  items: BuiltRootItem[];
  /** Items left out by `require` (not written; built, so that a stored twin can be found by key). */
  leftOut: Array<{ item: PlanItem; object: ItemObject }>;
  /** Row failures below the root (bad values in children), to reject if this build is kept. */
  failures: RowFailure[];
}

interface ItemBuilder {
  item: PlanItem;
  assembler: ItemAssembler;
  rootFilter: ((ctx: EvalContext) => boolean) | null;
  partitionKey: string;
  keyNames: readonly string[];
}

/** An item's key attributes (partition key, and sort key if any), by name. */
export type ItemKeyValues = Record<string, ItemValue>;

/** The stored item with this key, to merge into; null: none. */
export type StoredItemOf = (item: PlanItem, key: ItemKeyValues) => ItemObject | null;

export class RootItems {
  private readonly byTable = new Map<string, ItemBuilder[]>();

  /** `storedElements`: given by incremental runs, whose items merge into stored ones. */
  constructor(
    plan: Plan,
    held: Map<string, HeldTable>,
    private readonly asOf: TimestampValue,
    storedElements?: StoredElements,
  ) {
    const tables = new Map<string, PlanTable>(plan.tables.map((t) => [t.name, t]));
    for (const item of plan.items) {
      const table = tables.get(item.rootTable)!;
      const target = plan.targets.find((t) => t.name === item.target)!;
      const builder: ItemBuilder = {
        item,
        assembler: assembleItem(item, tables, held, storedElements),
        rootFilter: item.rootFilter ? compileCondition(item.rootFilter, singleRowEnv(table, 'a root filter')) : null,
        partitionKey: target.partitionKey,
        keyNames: target.sortKey === null ? [target.partitionKey] : [target.partitionKey, target.sortKey],
      };
      const list = this.byTable.get(item.rootTable) ?? [];
      list.push(builder);
      this.byTable.set(item.rootTable, list);
    }
  }

  /**
   * The keys of a root row's items, from the root row alone (no item is built): null when a
   * key cannot be told that way (see ItemAssembler.attributesOf), or the root filter fails.
   * Items the root filters leave out have none.
   */
  keysOf(table: string, root: Row): Array<{ item: PlanItem; key: ItemKeyValues }> | null {
    const keys: Array<{ item: PlanItem; key: ItemKeyValues }> = [];
    const ctx: EvalContext = { rows: [root], object: null, asOf: this.asOf };
    for (const builder of this.byTable.get(table) ?? []) {
      try {
        if (builder.rootFilter && !builder.rootFilter(ctx)) continue;
      } catch (error) {
        if (error instanceof EvaluationError) return null;
        throw error;
      }
      const key = this.keyFromRoot(builder, root);
      if (key === null) return null;
      keys.push({ item: builder.item, key });
    }
    return keys;
  }

  /**
   * Builds the items of one root row: null when every item's root filter leaves it out.
   * `storedOf` gives the stored item to merge into, by the item's key: told from the root row
   * when it can be (the item is built once), else from a first build (built again merged).
   * Throws RootRejected.
   */
  build(table: string, root: Row, storedOf?: StoredItemOf): BuiltRoot | null {
    const result: BuiltRoot = { items: [], leftOut: [], failures: [] };
    let passed = false;
    const ctx: EvalContext = { rows: [root], object: null, asOf: this.asOf };
    for (const builder of this.byTable.get(table) ?? []) {
      const { item, assembler, rootFilter, partitionKey, keyNames } = builder;
      try {
        if (rootFilter && !rootFilter(ctx)) continue;
        passed = true;
        const before = result.failures.length;
        const key = storedOf ? this.keyFromRoot(builder, root) : null;
        const known = key === null ? undefined : storedOf!(item, key);
        let built = assembler.build(root, this.asOf, result.failures, known ?? null);
        // With its stored twin the item may hold more (and pass a `require` it failed alone).
        const stored = storedOf && known === undefined ? storedOf(item, keyOfObject(built.object, keyNames)) : null;
        if (stored) {
          result.failures.length = before;
          built = assembler.build(root, this.asOf, result.failures, stored);
        }
        if (built.leftOutByRequire) {
          result.leftOut.push({ item, object: built.object });
          continue;
        }
        const pk = fieldOf(built.object, partitionKey);
        if (pk === null || pk === undefined) throw new RootRejected(`its item's partition key ${partitionKey} is null`);
        result.items.push({ item, object: built.object, keyNames, markUsed: built.markUsed });
      } catch (error) {
        if (!(error instanceof EvaluationError) && !(error instanceof RootRejected)) throw error;
        const rejected = error instanceof RootRejected ? error : new RootRejected(error.message);
        rejected.failures = result.failures;
        throw rejected;
      }
    }
    return passed ? result : null;
  }

  private keyFromRoot(builder: ItemBuilder, root: Row): ItemKeyValues | null {
    const values = builder.assembler.attributesOf(builder.keyNames, root, this.asOf);
    if (values === null) return null;
    const key: ItemKeyValues = {};
    builder.keyNames.forEach((name, i) => (key[name] = values[i]));
    return key;
  }
}

/** An item's key attributes, read from the built item (null where one is missing). */
export function keyOfObject(object: ItemObject, keyNames: readonly string[]): ItemKeyValues {
  const key: ItemKeyValues = {};
  for (const name of keyNames) key[name] = fieldOf(object, name) ?? null;
  return key;
}
