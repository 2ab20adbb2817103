/*
 * Items as DynamoDB AttributeValues, the objects PutItem, BatchWriteItem and GetItem take and
 * give, and back. To AttributeValues, each kind of item value as the DynamoDB JSON text writer
 * writes it (sinks/dynamodb-json.ts, which also checks the numbers):
 *
 *   string {S}; int, decimal, float {N}; bool {BOOL}; null {NULL: true};
 *   date, timestamp {S} (ISO text); list {L}; object {M} (a whole item: the map's contents)
 *
 * Back from AttributeValues, a value's type is not stored, so values come back in their stored
 * form (what the plan's types then read, merge/stored-values.ts): {S} a string, {N} a bigint
 * when whole, else an exact decimal (a float only for text no decimal holds), {L} a list,
 * {M} an object with the map's attributes in their stored order.
 *
 * AttributeValue is declared here, structurally a subset of @aws-sdk/client-dynamodb's type
 * (values of this type can be passed to the SDK), so the runtime does not depend on the SDK
 * for it.
 */
import { fieldEntries, itemShape, type ItemObject, type ItemShape, type ItemValue } from '../eval/item-value.js';
import { checkedDecimal, checkedFloat, checkedInt, locatedError, notAnItemValue } from '../sinks/dynamodb-json.js';
import { formatIsoDate, formatIsoTimestamp } from '../values/calendar.js';
import { parseDecimal } from '../values/decimal.js';

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

/** Attribute name → AttributeValue: an item, a key, or the contents of a map. */
export type AttributeMap = Record<string, AttributeValue>;

export function toAttributeValue(value: ItemValue): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'bigint') return { N: checkedInt(value) };
  if (typeof value === 'number') return { N: checkedFloat(value) };
  if (Array.isArray(value)) return { L: listValues(value) };
  switch (value.kind) {
    case 'object':
      return { M: toDynamoItem(value) };
    case 'decimal':
      return { N: checkedDecimal(value) };
    case 'date':
      return { S: formatIsoDate(value) };
    case 'timestamp':
      return { S: formatIsoTimestamp(value) };
    default:
      return notAnItemValue(value);
  }
}

/** A whole item: attribute name → AttributeValue, in the mapping's field order. */
export function toDynamoItem(item: ItemObject): AttributeMap {
  return toAttributeMap(fieldEntries(item));
}

/** Named values (a row's columns, a key's attributes) as an AttributeValue map, in their order. */
export function toAttributeMap(entries: Iterable<readonly [string, ItemValue]>): AttributeMap {
  const attributes: AttributeMap = {};
  for (const [name, field] of entries) {
    let converted: AttributeValue;
    try {
      converted = toAttributeValue(field);
    } catch (error) {
      throw locatedError(error, name);
    }
    // Assigning "__proto__" would set the object's prototype instead of adding an attribute.
    if (name === '__proto__') {
      Object.defineProperty(attributes, name, {
        value: converted,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      attributes[name] = converted;
    }
  }
  return attributes;
}

function listValues(list: ItemValue[]): AttributeValue[] {
  const converted = new Array<AttributeValue>(list.length);
  for (let index = 0; index < list.length; index++) {
    try {
      converted[index] = toAttributeValue(list[index]);
    } catch (error) {
      throw locatedError(error, index);
    }
  }
  return converted;
}

const WHOLE_NUMBER = /^-?\d+$/;

/** A stored value in its stored form (see the top of this file). */
export function fromAttributeValue(attribute: AttributeValue, shapes: Map<string, ItemShape> = new Map()): ItemValue {
  if ('S' in attribute) return attribute.S;
  if ('BOOL' in attribute) return attribute.BOOL;
  if ('NULL' in attribute) return null;
  if ('N' in attribute) {
    if (WHOLE_NUMBER.test(attribute.N)) return BigInt(attribute.N);
    const parsed = parseDecimal(attribute.N);
    return parsed.ok ? parsed.value : Number(attribute.N);
  }
  if ('L' in attribute) return attribute.L.map((element) => fromAttributeValue(element, shapes));
  return fromDynamoItem(attribute.M, shapes);
}

/** An AttributeValue map as an object (maps with the same attribute names share a shape). */
export function fromDynamoItem(attributes: AttributeMap, shapes: Map<string, ItemShape> = new Map()): ItemObject {
  const names = Object.keys(attributes);
  const id = names.join('\u0000');
  let shape = shapes.get(id);
  if (shape === undefined) shapes.set(id, (shape = itemShape(names)));
  const values = new Array<ItemValue>(names.length);
  for (let i = 0; i < names.length; i++) values[i] = fromAttributeValue(attributes[names[i]], shapes);
  return { kind: 'object', shape, values, sourceRow: -1 };
}

/** An AttributeValue map as named values in their stored form (a row's columns, a key's attributes). */
export function fromAttributeMap(attributes: AttributeMap): Record<string, ItemValue> {
  const values: Record<string, ItemValue> = {};
  for (const name of Object.keys(attributes)) {
    const value = fromAttributeValue(attributes[name]);
    if (name === '__proto__')
      Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
    else values[name] = value;
  }
  return values;
}
