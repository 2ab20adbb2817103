/*
 * Exact decimal numbers, as SQL NUMERIC has them, without ever touching a JS float.
 *
 *   value = digits / 10^scale, scale >= 0. The scale is kept: parse("12.50") prints "12.50",
 *   so what the warehouse sent is what lands in DynamoDB (which ignores trailing zeros anyway).
 *
 *   add, subtract   exact; result scale = max(scaleA, scaleB)
 *   multiply        exact; result scale = scaleA + scaleB
 *   divide          result scale = max(6, scaleA, scaleB), rounded half away from zero
 *                   (1 / 3 = 0.333333, -2 / 3 = -0.666667); dividing by zero throws
 *   round(x, n)     half away from zero (2.5 → 3, -2.5 → -3); result scale = max(n, 0)
 *                   (round(12.5, 3) = 12.500, round(125, -1) = 130)
 *   compare         by value: 1.50 equals 1.5
 *   toString        plain digits, never an exponent; "-" only for values below zero
 *
 * DynamoDB numbers hold at most 38 significant digits and a magnitude between 1E-130 and
 * 9.99…E+125. parseDecimal rejects text beyond that with a reason; arithmetic whose exact
 * result is beyond it throws a RangeError (the caller rejects the row: rounding it silently
 * would change the number the user sees).
 */
import { bigintOf, safeNumberOf } from './bigint-numbers.js';
import { MAX_SIGNIFICANT_DIGITS, parsedFrom, type Decimal, type Parsed } from './value.js';

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const DIVISION_MIN_SCALE = 6;
// An exponent beyond this cannot be a DynamoDB number whatever the digits are; checking it
// first stops "1e999999999" from building a billion-digit bigint.
const MAX_ABS_EXPONENT = 200;

export function decimal(digits: bigint, scale: number): Decimal {
  if (!Number.isInteger(scale) || scale < 0)
    throw new RangeError(`decimal scale must be a whole number >= 0, got ${scale}`);
  return { kind: 'decimal', digits, scale };
}

export function decimalFromInteger(value: bigint): Decimal {
  return decimal(value, 0);
}

/** Accepts 12, -12.50, .5, 5., +1e3, 1.25E-2 (no spaces, no thousands separators). */
export function parseDecimal(text: string): Parsed<Decimal> {
  return parsedFrom(readDecimal(text));
}

/** As parseDecimal: the decimal, or the reason the text holds none (a string), for row loops. */
export function readDecimal(text: string): Decimal | string {
  const simple = parseSimpleDecimal(text);
  if (simple !== null) return simple;
  const match = DECIMAL_TEXT.exec(text);
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return `"${text}" is not a decimal number`;
  const [, sign, whole, fraction = '', exponentText] = match;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > MAX_ABS_EXPONENT)
    return `"${text}" is out of the range DynamoDB numbers can hold (1E-130 to 9.99E+125)`;
  let digits = BigInt((whole === '' ? '0' : whole) + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (sign === '-') digits = -digits;
  const violation = dynamoNumberViolation(digits, scale);
  if (violation !== null) return `"${text}" ${violation}`;
  return decimal(digits, scale);
}

/**
 * Why DynamoDB would refuse this number, or null when it fits. Trailing zeros do not count
 * as significant (DynamoDB drops them), leading zeros never do.
 */
const BELOW_39_DIGITS = 10n ** 38n;

export function dynamoNumberViolation(digits: bigint, scale: number): string | null {
  if (digits === 0n) return null;
  // The common case, without building text: at most 38 digits, and a scale that keeps any such
  // value within 1E-130 .. 9.99E+125.
  if (scale <= 130 && digits < BELOW_39_DIGITS && digits > -BELOW_39_DIGITS) return null;
  let text = (digits < 0n ? -digits : digits).toString();
  const length = text.length;
  text = text.replace(/0+$/, '');
  if (text.length > MAX_SIGNIFICANT_DIGITS) {
    return `has ${text.length} significant digits; DynamoDB numbers hold at most ${MAX_SIGNIFICANT_DIGITS}`;
  }
  const magnitude = length - 1 - scale; // the power of ten of the leading digit
  if (magnitude > 125 || magnitude < -130) {
    return 'is out of the range DynamoDB numbers can hold (1E-130 to 9.99E+125)';
  }
  return null;
}

export function decimalToString(value: Decimal): string {
  const negative = value.digits < 0n;
  const text = (negative ? -value.digits : value.digits).toString().padStart(value.scale + 1, '0');
  const sign = negative ? '-' : '';
  if (value.scale === 0) return sign + text;
  return `${sign}${text.slice(0, text.length - value.scale)}.${text.slice(text.length - value.scale)}`;
}

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return checked(decimal(rescaleExact(a, scale) + rescaleExact(b, scale), scale));
}

export function subtractDecimals(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return checked(decimal(rescaleExact(a, scale) - rescaleExact(b, scale), scale));
}

/** Powers of ten a double holds exactly, as doubles. */
const EXACT_POWERS_OF_TEN: number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * The exact sum of ints (bigints, scale 0) and decimals, at the largest scale among them, as
 * addDecimals would give it term by term; null when a term or a partial sum leaves the range a
 * double holds exactly (2^53 at that scale), for the caller to add them as bigints. Summing a
 * collection's amounts is then one bigint made, not three per term.
 */
export function sumSmallDecimals(terms: ReadonlyArray<bigint | Decimal>): Decimal | null {
  let scale = 0;
  for (const term of terms) if (typeof term !== 'bigint' && term.scale > scale) scale = term.scale;
  if (scale >= EXACT_POWERS_OF_TEN.length) return null;
  // A product or sum of exact doubles is exact when the exact result is a safe integer; when
  // it is not, the rounded result is not one either (it is 2^53 or more): checking each
  // result is enough.
  let total = 0;
  for (const term of terms) {
    const digits = safeNumberOf(typeof term === 'bigint' ? term : term.digits);
    if (digits === null) return null;
    const scaled = digits * EXACT_POWERS_OF_TEN[scale - (typeof term === 'bigint' ? 0 : term.scale)];
    if (!Number.isSafeInteger(scaled)) return null;
    total += scaled;
    if (!Number.isSafeInteger(total)) return null;
  }
  return decimal(bigintOf(total), scale);
}

export function multiplyDecimals(a: Decimal, b: Decimal): Decimal {
  return checked(decimal(a.digits * b.digits, a.scale + b.scale));
}

/** multiplyDecimals with an int (scale 0) as the second factor. */
export function multiplyByInteger(value: Decimal, factor: bigint): Decimal {
  return checked(decimal(value.digits * factor, value.scale));
}

export function divideDecimals(a: Decimal, b: Decimal): Decimal {
  if (b.digits === 0n) throw new RangeError('division by zero');
  const scale = Math.max(DIVISION_MIN_SCALE, a.scale, b.scale);
  // a/b = (a.digits / 10^a.scale) / (b.digits / 10^b.scale); scaled up by 10^scale.
  const numerator = a.digits * 10n ** BigInt(scale + b.scale);
  const denominator = b.digits * 10n ** BigInt(a.scale);
  return checked(decimal(divideRoundingHalfAwayFromZero(numerator, denominator), scale));
}

/** -1, 0 or 1, by value. */
export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const left = rescaleExact(a, scale);
  const right = rescaleExact(b, scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function roundDecimal(value: Decimal, places: number): Decimal {
  if (!Number.isInteger(places)) throw new RangeError(`round: places must be a whole number, got ${places}`);
  const resultScale = Math.max(places, 0);
  if (places >= value.scale)
    return resultScale === value.scale ? value : decimal(rescaleExact(value, resultScale), resultScale);
  // Drop (value.scale - places) digits, rounding; then pad back for negative places.
  const dropped = 10n ** BigInt(value.scale - places);
  let digits = divideRoundingHalfAwayFromZero(value.digits, dropped);
  if (places < 0) digits *= 10n ** BigInt(-places);
  return checked(decimal(digits, resultScale));
}

/** The quotient rounded to the nearest integer, ties away from zero (as SQL ROUND does). */
export function divideRoundingHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const twiceRemainder = (remainder < 0n ? -remainder : remainder) * 2n;
  const absDenominator = denominator < 0n ? -denominator : denominator;
  if (twiceRemainder < absDenominator) return quotient;
  return numerator < 0n !== denominator < 0n ? quotient - 1n : quotient + 1n;
}

const POWERS_OF_TEN: bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));

function powerOfTen(exponent: number): bigint {
  return exponent < POWERS_OF_TEN.length ? POWERS_OF_TEN[exponent] : 10n ** BigInt(exponent);
}

function rescaleExact(value: Decimal, scale: number): bigint {
  return scale === value.scale ? value.digits : value.digits * powerOfTen(scale - value.scale);
}

function checked(value: Decimal): Decimal {
  const violation = dynamoNumberViolation(value.digits, value.scale);
  if (violation !== null) throw new RangeError(`decimal result ${decimalToString(value)} ${violation}`);
  return value;
}

/** Digits accumulated in a JS number stay exact up to 15 of them. */
const SIMPLE_DIGITS = 15;

/**
 * The common form, -123.45 with at most 15 digits, parsed without a regular expression or a
 * string-to-bigint conversion; null for anything else (the general parser handles it).
 * `start` and `end` delimit the number in `text` (a cell read straight from its record).
 */
export function parseSimpleDecimal(text: string, start = 0, end = text.length): Decimal | null {
  let at = start;
  let negative = false;
  const first = text.charCodeAt(at);
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45;
    at++;
  }
  // "5." and ".5" are accepted by the general parser, which also explains errors.
  if (text.charCodeAt(at) === 46 /* . */) return null;
  let digits = 0;
  let count = 0;
  let scale = -1;
  for (; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === 46) {
      if (scale >= 0) return null;
      scale = 0;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9 || ++count > SIMPLE_DIGITS) return null;
    digits = digits * 10 + digit;
    if (scale >= 0) scale++;
  }
  if (count === 0 || scale === 0) return null;
  const value = BigInt(digits);
  return { kind: 'decimal', digits: negative ? -value : value, scale: scale < 0 ? 0 : scale };
}
