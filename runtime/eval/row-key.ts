// Hash keys for rows: equal keys for equal values, whatever their text looked like in the file
// ("1.50" and "1.5" are one decimal key). A one-column string key is used as it is; a
// one-column int key within ±2^53 becomes a JS number, which holds every such integer exactly
// and, unlike a bigint, costs the hash maps of millions of keys no object per key. A key is
// only ever compared, never written out: values keep their exact form.
import type { Value } from '../values/value.js';
import { valueText } from './value-text.js';
import { safeNumberOf } from '../values/bigint-numbers.js';
import { decimalToString } from '../values/decimal.js';

export type RowKey = number | bigint | string;

function canonicalText(value: Value): string {
  if (value !== null && typeof value === 'object' && value.kind === 'decimal') {
    // Trailing zeros after the point do not change a number.
    const text = decimalToString(value);
    return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  }
  return valueText(value);
}

/** The key of the values at `positions` of a row; null when any of them is null (no key). */
export function keyAt(row: readonly Value[], positions: readonly number[]): RowKey | null {
  if (positions.length === 1) {
    const value = row[positions[0]];
    if (value === null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'bigint') return safeNumberOf(value) ?? value;
    return canonicalText(value);
  }
  let key = '';
  for (let i = 0; i < positions.length; i++) {
    const value = row[positions[i]];
    if (value === null) return null;
    key += (i === 0 ? '' : '\u001f') + canonicalText(value);
  }
  return key;
}
