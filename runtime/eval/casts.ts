/*
 * cast(x as type). Exact where it can be: int -> decimal is exact; decimal -> int rounds half
 * away from zero; text -> number parses exactly and fails the row when it does not parse.
 */
import { decimalFromInteger, divideRoundingHalfAwayFromZero, parseDecimal } from '../values/decimal.js';
import type { Decimal, Value } from '../values/value.js';
import type { ValueType } from '../plan/types.js';
import { toDate, toTimestamp } from './functions.js';
import { asFloat, EvaluationError } from './operators.js';
import { valueText } from './value-text.js';

function textToDecimal(text: string): Decimal {
  const parsed = parseDecimal(text.trim());
  if (!parsed.ok) throw new EvaluationError(`cannot cast "${text}" to a number: ${parsed.reason}`);
  return parsed.value;
}

function toInt(value: Value): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new EvaluationError(`cannot cast ${value} to int`);
    return BigInt(Math.sign(value) * Math.round(Math.abs(value)));
  }
  const d = typeof value === 'string' ? textToDecimal(value) : (value as Decimal);
  return divideRoundingHalfAwayFromZero(d.digits, 10n ** BigInt(d.scale));
}

function toDecimal(value: Value): Decimal {
  if (typeof value === 'bigint') return decimalFromInteger(value);
  if (typeof value === 'number') return textToDecimal(String(value));
  if (typeof value === 'string') return textToDecimal(value);
  return value as Decimal;
}

function toBool(value: Value): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value !== 0n;
  const word = String(value).trim().toLowerCase();
  if (['true', '1', 'yes'].includes(word)) return true;
  if (['false', '0', 'no'].includes(word)) return false;
  throw new EvaluationError(`cannot cast "${value}" to bool`);
}

export function caster(to: ValueType): (value: Value) => Value {
  const cast = (() => {
    switch (to) {
      case 'string':
        return valueText;
      case 'int':
        return toInt;
      case 'decimal':
        return toDecimal;
      case 'float':
        return (v: Value) =>
          typeof v === 'string' ? asFloat(textToDecimal(v)) : typeof v === 'boolean' ? Number(v) : asFloat(v);
      case 'bool':
        return toBool;
      case 'date':
        return toDate;
      case 'timestamp':
        return toTimestamp;
      default:
        return (v: Value) => v;
    }
  })();
  return (value) => (value === null ? null : cast(value));
}
