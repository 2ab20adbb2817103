/*
 * The runtime's value model: what one cell of an extract becomes once cast to its declared
 * column type. Exact types stay exact end to end (DynamoDB numbers are decimal strings of up
 * to 38 digits, so int and decimal never pass through a binary float):
 *
 *   string    → string
 *   int       → bigint
 *   decimal   → Decimal   { kind: 'decimal', digits, scale }   value = digits / 10^scale
 *   float     → number    (finite only: DynamoDB has no NaN or Infinity)
 *   bool      → boolean
 *   date      → DateValue      { kind: 'date', days }          days since 1970-01-01
 *   timestamp → TimestampValue { kind: 'timestamp', epochMillis } UTC, no time zone
 *   null      → null
 *
 * Values are plain data (no classes) so they can be stored in state and compared by value.
 */

export interface Decimal {
  kind: 'decimal';
  /** The unscaled integer: 12.50 is digits 1250n, scale 2. */
  digits: bigint;
  /** Number of digits after the decimal point; never negative. */
  scale: number;
}

export interface DateValue {
  kind: 'date';
  /** Whole days since 1970-01-01 (negative before). */
  days: number;
}

export interface TimestampValue {
  kind: 'timestamp';
  /** Milliseconds since 1970-01-01T00:00:00Z; an integer, exact up to ±285,000 years. */
  epochMillis: number;
}

export type Value = null | string | boolean | bigint | number | Decimal | DateValue | TimestampValue;

/** A conversion that can fail on bad input: the reason is shown to the user as-is. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A reader's answer, the value or the reason there is none (a string), as a Parsed. */
export function parsedFrom<T>(value: T | string): Parsed<T> {
  return typeof value === 'string' ? { ok: false, reason: value } : { ok: true, value };
}

/** DynamoDB stores numbers with at most this many significant digits. */
export const MAX_SIGNIFICANT_DIGITS = 38;
