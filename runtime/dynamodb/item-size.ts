/*
 * An item's size as DynamoDB counts it against its 400 KB item limit. The rules are those of
 * "DynamoDB item sizes and formats" (Amazon DynamoDB Developer Guide, CapacityUnitCalculations):
 *
 *   item          sum over attributes of UTF-8 bytes of the name + size of the value
 *   S             UTF-8 bytes
 *   N             "approximately 1 byte per two significant digits + 1 byte"; leading and
 *                 trailing zeros trimmed (exact rule below)
 *   B             raw bytes (not the base64 text)
 *   BOOL, NULL    1 byte
 *   L, M          3 bytes, + for each element its size + 1 byte (M: + its name's UTF-8 bytes)
 *
 * The guide gives the number size only approximately. The exact count is that of a base-100
 * mantissa (as in Oracle's NUMBER format): digits are paired from the decimal point, one
 * byte per pair from the first non-zero pair to the last, one byte of exponent, and one more
 * byte for a negative number unless its mantissa already has the maximum 20 pairs; zero is 1
 * byte. So 12 is 2 bytes, 120 (01|20) is 3, 1200 (12|00) is 2, 1.5 (01.50) is 3, 0.05 is 2,
 * -1 is 3, and a 38-digit number 20 or 21 bytes. Every one of those was measured against
 * DynamoDB Local (the largest item it accepts as one attribute changes by exactly that many
 * bytes); test/runtime/dynamodb/item-size.test.ts checks the server at the limit.
 */
import type { AttributeValue } from './attribute-values.js';
import { numberDigits } from '../values/number-text.js';

/** DynamoDB's item size limit, 400 KB: an item of this size is accepted, one byte more is not. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** The item values this module sizes: the runtime's AttributeValue, and binary for completeness. */
export type SizedAttributeValue = AttributeValue | { B: Uint8Array };

const LIST_OR_MAP_OVERHEAD = 3;
const ELEMENT_OVERHEAD = 1;
const MAX_MANTISSA_PAIRS = 20;

export function itemSize(item: Record<string, SizedAttributeValue>): number {
  let size = 0;
  for (const name in item) size += utf8Length(name) + attributeSize(item[name]);
  return size;
}

export function attributeSize(value: SizedAttributeValue): number {
  // Property reads rather than `in` tests: this runs for every value of every item written.
  const v = value as {
    S?: string;
    N?: string;
    BOOL?: boolean;
    NULL?: boolean;
    L?: SizedAttributeValue[];
    M?: Record<string, SizedAttributeValue>;
    B?: Uint8Array;
  };
  if (v.S !== undefined) return utf8Length(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.M !== undefined) {
    let size = LIST_OR_MAP_OVERHEAD;
    const members = v.M;
    for (const name in members) size += utf8Length(name) + attributeSize(members[name]) + ELEMENT_OVERHEAD;
    return size;
  }
  if (v.L !== undefined) {
    let size = LIST_OR_MAP_OVERHEAD;
    for (const element of v.L) size += attributeSize(element) + ELEMENT_OVERHEAD;
    return size;
  }
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.B !== undefined) return v.B.byteLength;
  throw new TypeError(`not a DynamoDB attribute value: ${JSON.stringify(value)}`);
}

/** The stored size of an {N} text (see the rule above); throws a RangeError if it is not a number. */
export function numberSize(text: string): number {
  const plain = plainNumberSize(text);
  if (plain >= 0) return plain;
  const { negative, digits, pointPosition } = numberDigits(text);
  return sizeOfDigits(negative, digits.length, pointPosition);
}

/** The size of a number from its significant digits: value = ±0.<digitCount digits> × 10^pointPosition. */
export function sizeOfDigits(negative: boolean, digitCount: number, pointPosition: number): number {
  if (digitCount === 0) return 1;
  // Digit i (0-based) has the power of ten pointPosition - 1 - i; its pair is that power / 2.
  const firstPair = Math.floor((pointPosition - 1) / 2);
  const lastPair = Math.floor((pointPosition - digitCount) / 2);
  const pairs = firstPair - lastPair + 1;
  return 1 + pairs + (negative && pairs < MAX_MANTISSA_PAIRS ? 1 : 0);
}

/**
 * numberSize of the texts items are made of ("-12.50", "7"), found in one pass without a
 * regular expression or a substring: writers size every number of every item. -1 for any
 * other form (an exponent, a stray character), which numberDigits then reads or refuses.
 */
function plainNumberSize(text: string): number {
  let at = 0;
  const negative = text.charCodeAt(0) === 45; /* - */
  if (negative || text.charCodeAt(0) === 43 /* + */) at = 1;
  let point = -1;
  let firstNonZero = -1;
  let lastNonZero = -1;
  let digitsSeen = 0;
  for (; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 46 /* . */) {
      if (point >= 0) return -1;
      point = digitsSeen;
      continue;
    }
    if (code < 48 || code > 57) return -1;
    if (code !== 48) {
      if (firstNonZero < 0) firstNonZero = digitsSeen;
      lastNonZero = digitsSeen;
    }
    digitsSeen++;
  }
  if (digitsSeen === 0) return -1;
  if (firstNonZero < 0) return 1;
  const wholeDigits = point < 0 ? digitsSeen : point;
  return sizeOfDigits(negative, lastNonZero - firstNonZero + 1, wholeDigits - firstNonZero);
}

// Most names and many values are ASCII: their length is their UTF-8 size, found without
// encoding. A lone surrogate counts as the 3 bytes of U+FFFD (DynamoDB Local counts 1 for
// it): an overestimate, so an item we let through is never too large.
export function utf8Length(text: string): number {
  // Long texts are measured natively; short ones (names, codes) by a look at each unit.
  if (text.length > 32) return Buffer.byteLength(text, 'utf8');
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return Buffer.byteLength(text, 'utf8');
  }
  return text.length;
}
