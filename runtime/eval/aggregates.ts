/*
 * count / sum / min / max / avg over a collection attribute of the object being built, through
 * nested collections (`sum(orders.lines.amount)` flattens). Over no values sum, min, max and
 * avg are null, as in SQL; count is 0. Null values are skipped; count(collection) counts
 * elements, count(collection.attr) counts non-null values. avg of exact numbers is decimal.
 */
import type { AggregateFn } from '../plan/types.js';
import { decimal, sumSmallDecimals } from '../values/decimal.js';
import type { Decimal, Value } from '../values/value.js';
import { bigintOf } from '../values/bigint-numbers.js';
import { fieldReader, isItemObject, type ItemObject, type ItemValue } from './item-value.js';
import { arithmetic, compareValues, type ScalarValue } from './operators.js';
import type { EvalContext } from './compile-expr.js';

type FieldRead = (object: ItemObject) => ItemValue | undefined;

/** Gathers the values at the path into `out` (lists flattened, nulls skipped), or only counts them when `out` is null; returns how many. */
function collect(value: ItemValue | undefined, readers: FieldRead[], at: number, out: ItemValue[] | null): number {
  if (value === undefined || value === null) return 0;
  if (Array.isArray(value)) {
    let found = 0;
    for (const element of value) found += collect(element, readers, at, out);
    return found;
  }
  if (at === readers.length) {
    out?.push(value);
    return 1;
  }
  return isItemObject(value) ? collect(readers[at](value), readers, at + 1, out) : 0;
}

const addExact = arithmetic('+', 'decimal');
const addInt = arithmetic('+', 'int');
const addFloat = arithmetic('+', 'float');
const divideExact = arithmetic('/', 'decimal');

function sum(values: Value[]): ScalarValue {
  if (values.length === 0) return null;
  let ints = true;
  let exact = true;
  for (const value of values) {
    if (typeof value === 'number') return values.reduce<ScalarValue>((a, b) => addFloat(a, b), 0);
    if (typeof value === 'bigint') continue;
    ints = false;
    if (value === null || typeof value !== 'object' || value.kind !== 'decimal') exact = false;
  }
  if (ints) return values.reduce<ScalarValue>((a, b) => addInt(a, b), 0n);
  // Anything but ints and decimals fails in addExact, as it always did.
  return (
    (exact ? sumSmallDecimals(values as Array<bigint | Decimal>) : null) ??
    values.reduce<ScalarValue>((a, b) => addExact(a, b), decimal(0n, 0))
  );
}

export function aggregate(fn: AggregateFn, path: string[]): (ctx: EvalContext) => ScalarValue {
  const readers = path.map((name) => fieldReader(name));
  return (ctx) => {
    const start = ctx.object ? readers[0](ctx.object) : undefined;
    if (fn === 'count') return bigintOf(collect(start, readers, 1, null));
    const found: ItemValue[] = [];
    collect(start, readers, 1, found);
    const values = found as Value[];
    switch (fn) {
      case 'sum':
        return sum(values);
      case 'avg': {
        const total = sum(values);
        if (total === null) return null;
        return typeof total === 'number' ? total / values.length : divideExact(total, bigintOf(values.length));
      }
      case 'min':
      case 'max': {
        if (values.length === 0) return null;
        const sign = fn === 'min' ? -1 : 1;
        return values.reduce((best, v) => (compareValues(v, best) * sign > 0 ? v : best));
      }
    }
  };
}
