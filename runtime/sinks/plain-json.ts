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
import type { DateValue, Decimal } from '../values/value.js';

export function toPlainJson(value: ItemValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint' || typeof value === 'number') return numberText(value);
  if (Array.isArray(value)) return listJson(value);
  switch (value.kind) {
    case 'object': return objectJson(value);
    case 'decimal': return decimalToString(value);
    case 'date': return quotedDate(value);
    // Neither form contains a character JSON would escape.
    case 'timestamp': return `"${formatIsoTimestamp(value)}"`;
    default: return unknownValue(value);
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
  if (list.length === 0) return '[]';
  let text = '[';
  // The elements of a collection share one shape: its writer is looked up once, not per element.
  let shape: ItemShape | null = null;
  let write: ShapeWriter | null = null;
  for (let index = 0; index < list.length; index++) {
    const element = list[index];
    if (index > 0) text += ',';
    if (element !== null && typeof element === 'object' && !Array.isArray(element) && element.kind === 'object') {
      if (element.shape !== shape) {
        shape = element.shape;
        write = shapeWriter(shape);
      }
      text += write!(element.values);
    } else {
      text += toPlainJson(element);
    }
  }
  return text + ']';
}

function objectJson(object: ItemObject): string {
  return shapeWriter(object.shape)(object.values);
}

type ShapeWriter = (values: Array<ItemValue | undefined>) => string;

const shapeWriters = new WeakMap<ItemShape, ShapeWriter>();

/**
 * The writer of objects of one shape. Each attribute's name is escaped once, together with
 * the brace or comma before it: an object's text is then one piece per name and one per
 * value, and the fewer the pieces, the less the string of a whole item costs to join and to
 * encode (it is a tree of its pieces until it is written).
 */
function shapeWriter(shape: ItemShape): ShapeWriter {
  let write = shapeWriters.get(shape);
  if (write === undefined) {
    const names = memberNamesJson(shape);
    const opening = names.map((name) => `{${name}`);
    const following = names.map((name) => `,${name}`);
    const strings = names.map(() => new QuotedStrings());
    write = (values) => {
      let text = '';
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (value === undefined) continue;
        text += (text === '' ? opening[i] : following[i]) + (typeof value === 'string' ? strings[i].quote(value) : toPlainJson(value));
      }
      return text === '' ? '{}' : text + '}';
    };
    shapeWriters.set(shape, write);
  }
  return write;
}

/** Distinct texts an attribute's cache keeps at most. */
const QUOTED_STRINGS_KEPT = 20_000;
/** Misses after which an attribute that mostly misses stops being cached (names, e-mails). */
const QUOTED_STRINGS_PROBE = 10_000;

/**
 * The JSON form of one attribute's strings, kept when they repeat: a SKU, a status or a
 * category comes back millions of times, and finding its quoted form costs a fifth of
 * quoting it again. An attribute whose values seldom repeat stops using the cache.
 */
class QuotedStrings {
  private known: Map<string, string> | null = new Map();
  private hits = 0;
  private misses = 0;

  quote(text: string): string {
    const known = this.known;
    if (known === null) return JSON.stringify(text);
    let quoted = known.get(text);
    if (quoted !== undefined) {
      this.hits++;
      return quoted;
    }
    quoted = JSON.stringify(text);
    if (known.size < QUOTED_STRINGS_KEPT) known.set(text, quoted);
    if (++this.misses === QUOTED_STRINGS_PROBE && this.hits < this.misses) this.known = null;
    return quoted;
  }
}

const quotedDates = new Map<number, string>();
const QUOTED_DATES_KEPT = 100_000;

/** `"2024-02-29"`, kept per day: items repeat the same few hundred days over and over. */
function quotedDate(value: DateValue): string {
  let text = quotedDates.get(value.days);
  if (text === undefined) {
    text = `"${formatIsoDate(value)}"`;
    if (quotedDates.size < QUOTED_DATES_KEPT) quotedDates.set(value.days, text);
  }
  return text;
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
