/*
 * Items as ordinary JSON text, for previews and for tools that read NDJSON.
 *
 *   string      JSON string; lone surrogates become \udXXX escapes (the text stays valid
 *               JSON and valid UTF-8, and reads back as the same JS string)
 *   int         JSON number with every digit: 2^70 is 1180591620717411303424, never 1.18e21
 *   decimal     JSON number with its digits and scale: 12.50 stays "12.50"
 *   float       JSON number as JS prints it (1.5, 1e+21); NaN and Infinity throw
 *   bool, null  true, false, null
 *   date        "2024-02-29"
 *   timestamp   "2024-02-29T13:05:00.250Z" (UTC, always milliseconds)
 *   list        array; object: JSON object in the mapping's field order
 *
 * An attribute whose value is null is written as `"name": null`, not left out: the preview
 * shows every attribute the mapping declares, and the DynamoDB form writes {NULL: true} for it.
 *
 * The text is built by hand rather than by JSON.stringify because int and decimal must keep
 * their exact digits (a JS number holds about 16) and JSON.stringify cannot print a bigint.
 * A reader that wants the exact numbers back must parse number tokens as text (JSON.parse
 * turns 2^70 into a float).
 */
import type { ItemObject, ItemShape, ItemValue } from '../eval/item-value.js';
import { formatIsoDate, formatIsoTimestamp } from '../values/calendar.js';
import { decimalToString } from '../values/decimal.js';
import type { Decimal } from '../values/value.js';

export function toPlainJson(value: ItemValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint' || typeof value === 'number') return numberText(value);
  if (Array.isArray(value)) return listJson(value);
  switch (value.kind) {
    case 'object':
      return objectJson(value);
    case 'decimal':
      return decimalToString(value);
    // Neither form contains a character JSON would escape.
    case 'date':
      return `"${formatIsoDate(value)}"`;
    case 'timestamp':
      return `"${formatIsoTimestamp(value)}"`;
    default:
      return unknownValue(value);
  }
}

/**
 * The exact text of a number, shared by the plain and DynamoDB forms so both say the same
 * thing: every digit of an int or decimal, and JS's shortest round-trip text of a float.
 */
export function numberText(value: bigint | number | Decimal): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`the float ${value} cannot be written: JSON and DynamoDB have no NaN or Infinity`);
    }
    return String(value);
  }
  return decimalToString(value);
}

function listJson(list: ItemValue[]): string {
  let text = '[';
  for (let index = 0; index < list.length; index++) {
    if (index > 0) text += ',';
    text += toPlainJson(list[index]);
  }
  return text + ']';
}

function objectJson(object: ItemObject): string {
  const names = memberNamesJson(object.shape);
  const { values } = object;
  let text = '{';
  let first = true;
  for (let i = 0; i < values.length; i++) {
    const field = values[i];
    if (field === undefined) continue;
    if (!first) text += ',';
    first = false;
    text += names[i] + toPlainJson(field);
  }
  return text + '}';
}

const shapeNamesJson = new WeakMap<ItemShape, string[]>();

/** `"name":` for each attribute of a shape, escaped once per shape. */
export function memberNamesJson(shape: ItemShape): string[] {
  let names = shapeNamesJson.get(shape);
  if (names === undefined) {
    names = shape.names.map(memberNameJson);
    shapeNamesJson.set(shape, names);
  }
  return names;
}

// Items of one mapping repeat the same few attribute names millions of times; their escaped
// form is kept rather than escaped again for every item. Bounded in case names come from data.
const NAME_JSON_CACHE_LIMIT = 10_000;
const nameJsonCache = new Map<string, string>();

/** `"name":`, escaped as JSON, for writers that build object text by hand. */
export function memberNameJson(name: string): string {
  let text = nameJsonCache.get(name);
  if (text === undefined) {
    text = JSON.stringify(name) + ':';
    if (nameJsonCache.size < NAME_JSON_CACHE_LIMIT) nameJsonCache.set(name, text);
  }
  return text;
}

function unknownValue(value: never): never {
  throw new TypeError(`cannot write ${String((value as { kind?: unknown }).kind)} as JSON: not an item value`);
}
