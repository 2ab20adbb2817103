// What items are made of: cell values (values/value.ts), lists of objects, and objects.
// Plain data; sinks turn it into JSON or DynamoDB AttributeValues.
import type { Value } from '../values/value.js';

/**
 * The attribute names of objects built from one part of a mapping, in declared order. Objects
 * share their shape, so each one is a value array instead of a map of its own: millions of
 * elements cost an array each, and a sink knows the names once per shape.
 */
export interface ItemShape {
  names: readonly string[];
  /** Position of each name in `names`. */
  index: ReadonlyMap<string, number>;
  /** Values of an object none of whose attributes is set yet (copied for each new object). */
  unset: readonly undefined[];
}

/** A map attribute or a whole item. `values[i]` is the attribute `shape.names[i]`; undefined: not set. */
export interface ItemObject {
  kind: 'object';
  shape: ItemShape;
  values: Array<ItemValue | undefined>;
  /**
   * Bookkeeping of the run, ignored by sinks: the index of the held row an element was built
   * from (-1 for others), so rows can be marked used once their item is written.
   */
  sourceRow?: number;
}

export type ItemValue = Value | ItemValue[] | ItemObject;

export function itemShape(names: readonly string[]): ItemShape {
  return { names, index: new Map(names.map((name, i) => [name, i])), unset: names.map(() => undefined) };
}

export function itemObject(shape: ItemShape): ItemObject {
  return { kind: 'object', shape, values: shape.unset.slice(), sourceRow: -1 };
}

/** An object from [name, value] pairs, in their order (tests, one-off objects). */
export function itemObjectFrom(entries: Iterable<readonly [string, ItemValue]>): ItemObject {
  const pairs = [...entries];
  const object = itemObject(itemShape(pairs.map(([name]) => name)));
  pairs.forEach(([, value], i) => {
    object.values[i] = value;
  });
  return object;
}

export function isItemObject(value: ItemValue | undefined): value is ItemObject {
  return (
    value !== null &&
    value !== undefined &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    value.kind === 'object'
  );
}

/** The attribute's value; undefined when the object has no such attribute or it was not set. */
export function fieldOf(object: ItemObject, name: string): ItemValue | undefined {
  const at = object.shape.index.get(name);
  return at === undefined ? undefined : object.values[at];
}

/**
 * fieldOf for one attribute name, for a call site that reads it from many objects: the
 * position is looked up again only when an object of another shape comes by.
 */
export function fieldReader(name: string): (object: ItemObject) => ItemValue | undefined {
  let shape: ItemShape | null = null;
  let at = -1;
  return (object) => {
    if (object.shape !== shape) {
      shape = object.shape;
      at = shape.index.get(name) ?? -1;
    }
    return at < 0 ? undefined : object.values[at];
  };
}

/** The attributes that are set, in declared order. */
export function fieldEntries(object: ItemObject): Array<[string, ItemValue]> {
  const entries: Array<[string, ItemValue]> = [];
  object.values.forEach((value, i) => {
    if (value !== undefined) entries.push([object.shape.names[i], value]);
  });
  return entries;
}

/** One finished item, ready for a sink. */
export interface BuiltItem {
  /** The item type (the mapping's `item Name`). */
  item: string;
  /** The logical target table. */
  target: string;
  attributes: ItemObject;
}
