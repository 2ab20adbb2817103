/*
 * The plain NDJSON line of an item (ndjson-line.ts), written as UTF-8 bytes straight into a
 * ByteBuffer: the same bytes as encoding ndjsonLine('plain', item), without building the
 * line as a string first. A preview of a large extract is hundreds of megabytes of JSON;
 * joining it from millions of small strings and encoding the result cost more than
 * building the items.
 *
 * Values follow plain-json.ts exactly: ASCII strings without quotes or backslashes are
 * copied as they are, others are quoted by JSON.stringify; whole numbers and decimals
 * within 2^53 are written digit by digit, larger ones through their text.
 */
import type { BuiltItem, ItemObject, ItemShape, ItemValue } from '../eval/item-value.js';
import { safeNumberOf } from '../values/bigint-numbers.js';
import { formatIsoDate, formatIsoDay, formatIsoTimestamp, MILLIS_PER_DAY } from '../values/calendar.js';
import { decimalToString } from '../values/decimal.js';
import type { Decimal, TimestampValue } from '../values/value.js';
import { prepareBytes, type ByteBuffer } from './byte-buffer.js';
import { memberNamesJson, numberText, toPlainJson } from './plain-json.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const ZERO = 0x30;
const MINUS = 0x2d;
const DOT = 0x2e;
const INT32_MAX = 0x7fffffff;

export function writePlainJsonLine(out: ByteBuffer, item: BuiltItem): void {
  out.ascii('{"item":');
  writeString(out, item.item);
  out.ascii(',"target":');
  writeString(out, item.target);
  out.ascii(',"attributes":');
  writeValue(out, item.attributes);
  out.ascii('}\n');
}

function writeValue(out: ByteBuffer, value: ItemValue): void {
  if (value === null) return out.ascii('null');
  if (typeof value === 'string') return writeString(out, value);
  if (typeof value === 'boolean') return out.ascii(value ? 'true' : 'false');
  if (typeof value === 'bigint') {
    const whole = safeNumberOf(value);
    return whole === null ? out.ascii(value.toString()) : writeWhole(out, whole);
  }
  if (typeof value === 'number') return out.ascii(numberText(value));
  if (Array.isArray(value)) return writeList(out, value);
  switch (value.kind) {
    case 'object':
      return writeObject(out, value);
    case 'decimal':
      return writeDecimal(out, value);
    case 'date':
      return writeQuotedAscii(out, formatIsoDate(value));
    case 'timestamp':
      return writeTimestamp(out, value);
    // Anything else is not an item value: toPlainJson says so.
    default:
      out.ascii(toPlainJson(value));
  }
}

/**
 * As formatIsoTimestamp writes it, without making its text: the day's text (formatIsoDay
 * keeps those), then the time of day digit by digit.
 */
function writeTimestamp(out: ByteBuffer, value: TimestampValue): void {
  const millis = value.epochMillis;
  if (!Number.isSafeInteger(millis)) return writeQuotedAscii(out, formatIsoTimestamp(value));
  const days = Math.floor(millis / MILLIS_PER_DAY);
  const ofDay = millis - days * MILLIS_PER_DAY;
  out.byte(QUOTE);
  out.ascii(formatIsoDay(days));
  out.reserve(15);
  const bytes = out.bytes;
  let at = out.length;
  bytes[at++] = 0x54; // T
  at = writeTwoDigits(bytes, at, Math.floor(ofDay / 3_600_000));
  bytes[at++] = 0x3a; // :
  at = writeTwoDigits(bytes, at, Math.floor(ofDay / 60_000) % 60);
  bytes[at++] = 0x3a;
  at = writeTwoDigits(bytes, at, Math.floor(ofDay / 1000) % 60);
  bytes[at++] = DOT;
  const fraction = ofDay % 1000;
  bytes[at++] = ZERO + Math.floor(fraction / 100);
  at = writeTwoDigits(bytes, at, fraction % 100);
  bytes[at++] = 0x5a; // Z
  bytes[at++] = QUOTE;
  out.length = at;
}

function writeTwoDigits(bytes: Uint8Array, at: number, value: number): number {
  bytes[at] = ZERO + Math.floor(value / 10);
  bytes[at + 1] = ZERO + (value % 10);
  return at + 2;
}

/** Text JSON needs no escape in (dates, timestamps). */
function writeQuotedAscii(out: ByteBuffer, text: string): void {
  out.byte(QUOTE);
  out.ascii(text);
  out.byte(QUOTE);
}

/** As JSON.stringify writes it; plain ASCII (the common case) is copied as it is. */
function writeString(out: ByteBuffer, text: string): void {
  const n = text.length;
  out.reserve(n + 2);
  const bytes = out.bytes;
  const start = out.length;
  let at = start;
  bytes[at++] = QUOTE;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) {
      out.length = start;
      return out.text(JSON.stringify(text));
    }
    bytes[at++] = code;
  }
  bytes[at++] = QUOTE;
  out.length = at;
}

/** Digits of a whole number, least significant first; a decimal's are padded and pointed. */
const digits = new Uint8Array(24);

/** Puts the digits of a whole number within 2^53 (its magnitude) in `digits`; returns how many. */
function reversedDigits(value: number): number {
  let count = 0;
  let rest = value < 0 ? -value : value;
  if (rest <= INT32_MAX) {
    // Most numbers: dividing int32s by 10 compiles to a multiplication, a double division does not.
    let int = rest | 0;
    do {
      const tenth = (int / 10) | 0;
      digits[count++] = ZERO + int - tenth * 10;
      int = tenth;
    } while (int > 0);
    return count;
  }
  do {
    // Exact for any whole double: % is exact, and so is dividing a multiple of 10 by 10.
    const digit = rest % 10;
    digits[count++] = ZERO + digit;
    rest = (rest - digit) / 10;
  } while (rest > 0);
  return count;
}

/** A whole number within 2^53 (exact in a double). */
function writeWhole(out: ByteBuffer, value: number): void {
  let count = reversedDigits(value);
  out.reserve(count + 1);
  const bytes = out.bytes;
  let at = out.length;
  if (value < 0) bytes[at++] = MINUS;
  while (count > 0) bytes[at++] = digits[--count];
  out.length = at;
}

/** As decimalToString: every digit of the scale, a leading zero before the point. */
function writeDecimal(out: ByteBuffer, value: Decimal): void {
  const { scale } = value;
  const whole = safeNumberOf(value.digits);
  if (whole === null || scale > 20) return out.ascii(decimalToString(value));
  let count = reversedDigits(whole);
  while (count <= scale) digits[count++] = ZERO;
  out.reserve(count + 2);
  const bytes = out.bytes;
  let at = out.length;
  if (whole < 0) bytes[at++] = MINUS;
  while (count > 0) {
    if (count === scale) bytes[at++] = DOT;
    bytes[at++] = digits[--count];
  }
  out.length = at;
}

function writeList(out: ByteBuffer, list: ItemValue[]): void {
  out.byte(0x5b);
  // The elements of a collection share one shape: its writer is looked up once, not per element.
  let shape: ItemShape | null = null;
  let write: ShapeWriter | null = null;
  for (let index = 0; index < list.length; index++) {
    const element = list[index];
    if (index > 0) out.byte(COMMA);
    if (element !== null && typeof element === 'object' && !Array.isArray(element) && element.kind === 'object') {
      if (element.shape !== shape) {
        shape = element.shape;
        write = shapeWriter(shape);
      }
      write!(out, element.values);
    } else {
      writeValue(out, element);
    }
  }
  out.byte(0x5d);
}

function writeObject(out: ByteBuffer, object: ItemObject): void {
  shapeWriter(object.shape)(out, object.values);
}

type ShapeWriter = (out: ByteBuffer, values: Array<ItemValue | undefined>) => void;

const shapeWriters = new WeakMap<ItemShape, ShapeWriter>();

/** The writer of objects of one shape: each `{"name":` and `,"name":` is encoded once. */
function shapeWriter(shape: ItemShape): ShapeWriter {
  let write = shapeWriters.get(shape);
  if (write === undefined) {
    const names = memberNamesJson(shape);
    const opening = names.map((name) => prepareBytes(Buffer.from(`{${name}`, 'utf8')));
    const following = names.map((name) => prepareBytes(Buffer.from(`,${name}`, 'utf8')));
    write = (out, values) => {
      let first = true;
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (value === undefined) continue;
        out.prepared(first ? opening[i] : following[i]);
        first = false;
        writeValue(out, value);
      }
      if (first) out.ascii('{}');
      else out.byte(0x7d);
    };
    shapeWriters.set(shape, write);
  }
  return write;
}
