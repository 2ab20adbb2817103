// What hangs under what in a plan: facts of its shape that holding, building, sharding and
// keeping state all read.
import type { Plan, PlanObject } from './types.js';

/** The tables other tables' rows hang under (grouped under them). */
export function parentTables(plan: Plan): Set<string> {
  return new Set(plan.tables.flatMap((t) => t.roles.flatMap((r) => (r.kind === 'grouped' ? [r.parentTable] : []))));
}

/** Whether an item's shape reaches a collection through a lookup (its rows may then sit under several roots). */
export function hasCollectionUnderLookup(object: PlanObject): boolean {
  return object.fields.some(({ value }) => {
    if (value.kind === 'object') return hasCollectionUnderLookup(value);
    if (value.kind !== 'collection') return false;
    return value.parent.kind === 'lookup' || hasCollectionUnderLookup(value.element);
  });
}
