// The order of a collection's elements: its `order by`, then its element key's attributes as
// tie breakers, so the order never depends on file order; then its `limit`.
import type { PlanCollection } from '../plan/types.js';
import type { Value } from '../values/value.js';
import { fieldReader, type ItemObject, type ItemValue } from '../eval/item-value.js';
import { compareValues } from '../eval/operators.js';
import { sortStable } from './stable-sort.js';

type SortKey = { read: (object: ItemObject) => ItemValue | undefined; descending: boolean };

/** How the collection's elements compare; null when it has no order. */
export function compileElementOrder(plan: PlanCollection): ((a: ItemObject, b: ItemObject) => number) | null {
  // A key attribute the order already sorts by cannot break a tie.
  const tieBreakers = plan.elementKey.attributes.filter(
    (a): a is string => a !== null && !plan.orderBy.some((o) => o.attribute === a),
  );
  const sortBy: SortKey[] = [
    ...plan.orderBy,
    ...tieBreakers.map((attribute) => ({ attribute, descending: false })),
  ].map(({ attribute, descending }) => ({ read: fieldReader(attribute), descending }));
  return sortBy.length === 0 ? null : (a, b) => compareElements(a, b, sortBy);
}

/** Sorts the elements in place (stable) and cuts them to the limit. */
export function orderAndLimit(
  elements: ItemObject[],
  compare: ((a: ItemObject, b: ItemObject) => number) | null,
  limit: number | null,
): ItemObject[] {
  if (compare !== null) sortStable(elements, compare);
  if (limit !== null && elements.length > limit) elements.length = limit;
  return elements;
}

/** Nulls sort last going up and first going down, as in PostgreSQL. */
function compareElements(a: ItemObject, b: ItemObject, sortBy: SortKey[]): number {
  for (const { read, descending } of sortBy) {
    const x = (read(a) ?? null) as Value;
    const y = (read(b) ?? null) as Value;
    let order: number;
    if (x === null || y === null) order = x === y ? 0 : x === null ? 1 : -1;
    else order = compareValues(x, y);
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}
