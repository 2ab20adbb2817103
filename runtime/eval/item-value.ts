// What items are made of: cell values (values/value.ts), lists of objects, and objects.
// Plain data; sinks turn it into JSON or DynamoDB AttributeValues.
import type { Value } from '../values/value.js';

/** A map attribute or a whole item. Fields keep the order the mapping declares them in. */
export interface ItemObject {
  kind: 'object';
  fields: Map<string, ItemValue>;
  /**
   * Bookkeeping of the run, ignored by sinks: the index of the held row an element was built
   * from (-1 for others), so rows can be marked used once their item is written.
   */
  sourceRow?: number;
}

export type ItemValue = Value | ItemValue[] | ItemObject;

export function itemObject(): ItemObject {
  return { kind: 'object', fields: new Map(), sourceRow: -1 };
}

export function isItemObject(value: ItemValue): value is ItemObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && value.kind === 'object';
}

/** One finished item, ready for a sink. */
export interface BuiltItem {
  /** The item type (the mapping's `item Name`). */
  item: string;
  /** The logical target table. */
  target: string;
  attributes: ItemObject;
}
