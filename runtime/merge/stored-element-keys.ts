// Matching the elements of a stored collection with the rows of a new extract: an element's
// key is its child row's key, less the columns that reference the parent (implied by where
// the element sits), read from the element attributes that carry those columns
// (`elementKey.attributes`). merge/check-mergeable.ts refuses plans where one is missing.
// This is what the assembler asks of stored items (assemble/stored-elements.ts).
import type { StoredElementKeys, StoredElements } from '../assemble/stored-elements.js';
import { fieldOf, type ItemObject } from '../eval/item-value.js';
import { columnPosition } from '../plan/column-position.js';
import type { PlanCollection, PlanTable } from '../plan/types.js';
import type { Value } from '../values/value.js';
import { keyAt, type RowKey } from '../eval/row-key.js';

/** The one key of elements whose row's key is all parent columns (one child per parent). */
const ONLY_CHILD = '';

export const storedElementKeys: StoredElements = (
  collection: PlanCollection,
  table: PlanTable | undefined,
): StoredElementKeys => {
  const { columns, attributes } = collection.elementKey;
  if (columns.length === 0 && (table?.key.length ?? 0) > 0) {
    // The child's key is its reference to the parent: a new row is the twin of the stored element.
    return {
      index: (elements) => new Map(elements.length > 0 ? [[ONLY_CHILD, elements[elements.length - 1]]] : []),
      ofRow: () => ONLY_CHILD,
    };
  }
  const carried = columns.flatMap((column, i) =>
    attributes[i] !== null ? [{ column, attribute: attributes[i] }] : [],
  );
  const rowPositions = table ? carried.map((c) => columnPosition(table, c.column)) : [];
  const valuePositions = carried.map((_, i) => i);
  return {
    index(elements) {
      const byKey = new Map<RowKey, ItemObject>();
      if (carried.length === 0) return byKey;
      for (const element of elements) {
        const values = carried.map((c) => (fieldOf(element, c.attribute) ?? null) as Value);
        const key = keyAt(values, valuePositions);
        if (key !== null) byKey.set(key, element);
      }
      return byKey;
    },
    ofRow(row) {
      return carried.length === 0 ? null : keyAt(row, rowPositions);
    },
  };
};
