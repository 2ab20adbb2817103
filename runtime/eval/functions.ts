/*
 * The scalar functions of the language (their argument checks live in the compiler).
 * Nulls: every function gives null when an argument is null, except coalesce (the first
 * non-null) and concat (nulls skipped). Strings count code points, substr starts at 1.
 * round/floor/ceil keep the argument's type; rounding is half away from zero.
 */
import { civilFromDays, dateAtMidnight, dateOfTimestamp, epochSeconds } from '../values/calendar.js';
import { compileDateParser, compileTimestampParser } from '../values/datetime-format.js';
import { bigintOf } from '../values/bigint-numbers.js';
import { decimal, divideRoundingHalfAwayFromZero, roundDecimal } from '../values/decimal.js';
import type { DateValue, Decimal, TimestampValue, Value } from '../values/value.js';
import { EvaluationError } from './operators.js';
import { valueText } from './value-text.js';

/** `args` is only read while the function runs: callers reuse the array from call to call. */
type Fn = (args: readonly Value[]) => Value;

const isoDate = compileDateParser('%Y-%m-%d');
const isoTimestamp = compileTimestampParser('%Y-%m-%dT%H:%M:%S');
const spacedTimestamp = compileTimestampParser('%Y-%m-%d %H:%M:%S');

function strict(fn: Fn): Fn {
  return (args) => (args.some((a) => a === null) ? null : fn(args));
}

export function toDate(value: Value): DateValue {
  if (typeof value === 'string') {
    const parsed = isoDate(value);
    if (!parsed.ok) throw new EvaluationError(`"${value}" is not a date (YYYY-MM-DD): ${parsed.reason}`);
    return parsed.value;
  }
  const v = value as DateValue | TimestampValue;
  return v.kind === 'date' ? v : dateOfTimestamp(v);
}

export function toTimestamp(value: Value): TimestampValue {
  if (typeof value === 'string') {
    const parsed = value.includes('T') ? isoTimestamp(value) : spacedTimestamp(value);
    if (parsed.ok) return parsed.value;
    return dateAtMidnight(toDate(value));
  }
  const v = value as DateValue | TimestampValue;
  return v.kind === 'timestamp' ? v : dateAtMidnight(v);
}

/** floor (-1) or ceil (+1) of an exact decimal, keeping its type with scale 0. */
function roundToward(value: Decimal, direction: -1 | 1): Decimal {
  const unit = 10n ** BigInt(value.scale);
  let whole = value.digits / unit;
  const rest = value.digits % unit;
  if (rest !== 0n && rest > 0n === direction > 0) whole += BigInt(direction);
  return decimal(whole, 0);
}

function roundNumber(value: Value, places: number, mode: 'round' | 'floor' | 'ceil'): Value {
  if (typeof value === 'bigint') {
    if (places >= 0 || mode !== 'round') return value;
    const unit = 10n ** BigInt(-places);
    return divideRoundingHalfAwayFromZero(value, unit) * unit;
  }
  if (typeof value === 'number') {
    const f =
      mode === 'floor'
        ? Math.floor
        : mode === 'ceil'
          ? Math.ceil
          : (x: number) => Math.sign(x) * Math.round(Math.abs(x));
    const scale = 10 ** places;
    return f(value * scale) / scale;
  }
  const d = value as Decimal;
  if (mode === 'round') return roundDecimal(d, places);
  return roundToward(d, mode === 'floor' ? -1 : 1);
}

function daysOf(value: Value): number {
  return toDate(value).days;
}

export const FUNCTIONS: Record<string, Fn> = {
  upper: strict(([s]) => (s as string).toUpperCase()),
  lower: strict(([s]) => (s as string).toLowerCase()),
  trim: strict(([s]) => (s as string).trim()),
  length: strict(([s]) => bigintOf([...(s as string)].length)),
  replace: strict(([s, from, to]) => (s as string).split(from as string).join(to as string)),
  starts_with: strict(([s, prefix]) => (s as string).startsWith(prefix as string)),
  substr: strict(([s, start, length]) => {
    const chars = [...(s as string)];
    const from = Math.max(0, Number(start) - 1);
    const to = length === undefined ? chars.length : from + Math.max(0, Number(length));
    return chars.slice(from, to).join('');
  }),
  concat: (args) =>
    args
      .filter((a) => a !== null)
      .map(valueText)
      .join(''),
  coalesce: (args) => args.find((a) => a !== null) ?? null,
  round: strict(([x, places]) => roundNumber(x, places === undefined ? 0 : Number(places), 'round')),
  floor: strict(([x]) => roundNumber(x, 0, 'floor')),
  ceil: strict(([x]) => roundNumber(x, 0, 'ceil')),
  abs: strict(([x]) => {
    if (typeof x === 'bigint') return x < 0n ? -x : x;
    if (typeof x === 'number') return Math.abs(x);
    const d = x as Decimal;
    return d.digits < 0n ? decimal(-d.digits, d.scale) : d;
  }),
  epoch_seconds: strict(([t]) => epochSeconds(t as DateValue | TimestampValue)),
  date: strict(([x]) => toDate(x)),
  timestamp: strict(([x]) => toTimestamp(x)),
  year: strict(([t]) => bigintOf(civilFromDays(daysOf(t)).year)),
  month: strict(([t]) => bigintOf(civilFromDays(daysOf(t)).month)),
  day: strict(([t]) => bigintOf(civilFromDays(daysOf(t)).day)),
  days_between: strict(([a, b]) => bigintOf(daysOf(b) - daysOf(a))),
};
