// The one thing the assembler asks about items stored by earlier runs (incremental runs):
// for a collection, how its stored elements are matched with the new rows that replace them.
// merge/ answers it (merge/stored-element-keys.ts); a preview has no stored items, and asks
// nothing.
import type { Row } from '../eval/compile-expr.js';
import type { ItemObject } from '../eval/item-value.js';
import type { RowKey } from '../eval/row-key.js';
import type { PlanCollection, PlanTable } from '../plan/types.js';

/** A collection's stored elements by element key, and the key of a new row to find its twin there. */
export interface StoredElementKeys {
  /** Stored elements by key (elements without a full key are left out, so kept as they are). */
  index(elements: readonly ItemObject[]): Map<RowKey, ItemObject>;
  /** The key of a new row, comparable with index()'s. */
  ofRow(row: Row): RowKey | null;
}

/** Asked once per collection of the plan, when the item is compiled. */
export type StoredElements = (collection: PlanCollection, table: PlanTable | undefined) => StoredElementKeys;
