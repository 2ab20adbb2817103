// Root rows on their way to a build thread, packed into one array per column. postMessage
// clones every object it is given, one per row and one per timestamp; on a large extract that
// cloning took the main thread more time than reading the rows did. Ints, dates and
// timestamps travel as doubles; other values as they are.
import type { Row } from '../eval/compile-expr.js';
import type { ColumnType } from '../plan/types.js';
import { bigintOf, safeNumberOf } from '../values/bigint-numbers.js';
import type { DateValue, TimestampValue, Value } from '../values/value.js';

/**
 * A column of a batch: ints within 2^53, dates (days) or timestamps (milliseconds) as
 * doubles, NaN for null (none of them is ever NaN); any other column, or an int column
 * holding a value beyond 2^53, as the values themselves.
 */
type PackedColumn = { kind: 'int' | 'date' | 'timestamp'; numbers: Float64Array } | { kind: 'values'; values: Value[] };

export interface PackedRows {
  count: number;
  columns: PackedColumn[];
}

/** `types`: the type of each position of the rows (their table's columns). */
export function packRows(rows: readonly Row[], types: readonly ColumnType[]): PackedRows {
  return { count: rows.length, columns: types.map((type, position) => packColumn(rows, position, type)) };
}

export function unpackRows(packed: PackedRows): Row[] {
  const rows: Row[] = Array.from({ length: packed.count }, () => new Array<Value>(packed.columns.length));
  packed.columns.forEach((column, position) => {
    for (let i = 0; i < packed.count; i++) rows[i][position] = valueAt(column, i);
  });
  return rows;
}

function packColumn(rows: readonly Row[], position: number, type: ColumnType): PackedColumn {
  if (type !== 'int' && type !== 'date' && type !== 'timestamp')
    return { kind: 'values', values: rows.map((row) => row[position]) };
  const numbers = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][position];
    if (value === null) numbers[i] = Number.NaN;
    else if (type === 'date') numbers[i] = (value as DateValue).days;
    else if (type === 'timestamp') numbers[i] = (value as TimestampValue).epochMillis;
    else {
      const whole = safeNumberOf(value as bigint);
      if (whole === null) return { kind: 'values', values: rows.map((row) => row[position]) };
      numbers[i] = whole;
    }
  }
  return { kind: type, numbers };
}

function valueAt(column: PackedColumn, i: number): Value {
  if (column.kind === 'values') return column.values[i];
  const number = column.numbers[i];
  if (Number.isNaN(number)) return null;
  switch (column.kind) {
    case 'int':
      return bigintOf(number);
    case 'date':
      return { kind: 'date', days: number };
    case 'timestamp':
      return { kind: 'timestamp', epochMillis: number };
  }
}
