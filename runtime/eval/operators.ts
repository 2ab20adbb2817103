/*
 * Arithmetic and comparison on cell values, exact where the types are exact:
 *   int op int      bigint (except `/`, which is decimal)
 *   with a decimal  exact decimal (ints widened); `/` keeps max(6, scales) digits
 *   with a float    JS number
 *   date/timestamp ± duration: calendar arithmetic (calendar.ts)
 * Nulls: any null operand gives null. Comparisons order numbers across int/decimal/float,
 * dates with timestamps (a date is its midnight), strings by code point, false < true.
 */
import { addDuration, epochMillisOf } from '../values/calendar.js';
import {
  addDecimals,
  compareDecimals,
  decimal,
  decimalFromInteger,
  decimalToString,
  divideDecimals,
  multiplyByInteger,
  multiplyDecimals,
  subtractDecimals,
} from '../values/decimal.js';
import type { DateValue, Decimal, TimestampValue, Value } from '../values/value.js';
import type { DurationUnit, ValueType } from '../plan/types.js';

export interface DurationValue {
  kind: 'duration';
  amount: bigint;
  unit: DurationUnit;
}

/** What an expression yields: a cell value or a duration (only ever added to a date). */
export type ScalarValue = Value | DurationValue;

/** A row-level failure while evaluating (division by zero, a number beyond 38 digits …). */
export class EvaluationError extends Error {}

export function asDecimal(value: Value): Decimal {
  if (typeof value === 'bigint') return decimalFromInteger(value);
  if (value !== null && typeof value === 'object' && value.kind === 'decimal') return value;
  throw new EvaluationError(`expected a number, got ${describe(value)}`);
}

export function asFloat(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return Number(decimalToString(asDecimal(value)));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as { kind: string }).kind;
  return typeof value;
}

function isTimeValue(value: ScalarValue): value is DateValue | TimestampValue {
  return value !== null && typeof value === 'object' && (value.kind === 'date' || value.kind === 'timestamp');
}

function decimalModulo(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  const x = a.digits * 10n ** BigInt(scale - a.scale);
  const y = b.digits * 10n ** BigInt(scale - b.scale);
  if (y === 0n) throw new EvaluationError('division by zero');
  return decimal(x % y, scale);
}

type Arithmetic = '+' | '-' | '*' | '/' | '%';

/** Specialised once per plan expression from its result type, then called per row. */
export function arithmetic(op: Arithmetic, resultType: ValueType): (a: ScalarValue, b: ScalarValue) => ScalarValue {
  if (resultType === 'date' || resultType === 'timestamp') {
    return (a, b) => {
      if (a === null || b === null) return null;
      const [time, duration] = isTimeValue(a)
        ? [a, b as DurationValue]
        : [b as DateValue | TimestampValue, a as DurationValue];
      return addDuration(time, op === '-' ? -duration.amount : duration.amount, duration.unit);
    };
  }
  if (resultType === 'int') {
    return (a, b) => {
      if (a === null || b === null) return null;
      const x = a as bigint;
      const y = b as bigint;
      switch (op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        default:
          if (y === 0n) throw new EvaluationError('division by zero');
          return op === '%' ? x % y : x / y;
      }
    };
  }
  if (resultType === 'float') {
    return (a, b) => {
      if (a === null || b === null) return null;
      const x = asFloat(a as Value);
      const y = asFloat(b as Value);
      const result = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
      if (!Number.isFinite(result)) throw new EvaluationError(`${x} ${op} ${y} is not a finite number`);
      return result;
    };
  }
  return (a, b) => {
    if (a === null || b === null) return null;
    try {
      // An int times a decimal (a quantity times a price) makes no decimal of the int.
      if (op === '*' && typeof a === 'bigint') return multiplyByInteger(asDecimal(b as Value), a);
      if (op === '*' && typeof b === 'bigint') return multiplyByInteger(asDecimal(a as Value), b);
      const x = asDecimal(a as Value);
      const y = asDecimal(b as Value);
      switch (op) {
        case '+':
          return addDecimals(x, y);
        case '-':
          return subtractDecimals(x, y);
        case '*':
          return multiplyDecimals(x, y);
        case '/':
          if (y.digits === 0n) throw new EvaluationError('division by zero');
          return divideDecimals(x, y);
        default:
          return decimalModulo(x, y);
      }
    } catch (error) {
      if (error instanceof RangeError) throw new EvaluationError(error.message);
      throw error;
    }
  };
}

export function negate(value: ScalarValue): ScalarValue {
  if (value === null) return null;
  if (typeof value === 'bigint') return -value;
  if (typeof value === 'number') return -value;
  if (typeof value === 'object' && value.kind === 'decimal') return decimal(-value.digits, value.scale);
  throw new EvaluationError(`cannot negate ${describe(value)}`);
}

/** -1, 0 or 1; both sides non-null and of comparable types (the compiler saw to that). */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asFloat(a);
    const y = asFloat(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    if (a.kind === 'date' && b.kind === 'date') return Math.sign(a.days - b.days);
    if ((a.kind === 'date' || a.kind === 'timestamp') && (b.kind === 'date' || b.kind === 'timestamp')) {
      return Math.sign(epochMillisOf(a) - epochMillisOf(b));
    }
  }
  return compareDecimals(asDecimal(a), asDecimal(b));
}

export function comparison(
  op: '==' | '!=' | '<' | '<=' | '>' | '>=',
): (a: ScalarValue, b: ScalarValue) => boolean | null {
  const test: (c: number) => boolean =
    op === '=='
      ? (c) => c === 0
      : op === '!='
        ? (c) => c !== 0
        : op === '<'
          ? (c) => c < 0
          : op === '<='
            ? (c) => c <= 0
            : op === '>'
              ? (c) => c > 0
              : (c) => c >= 0;
  return (a, b) => (a === null || b === null ? null : test(compareValues(a as Value, b as Value)));
}
