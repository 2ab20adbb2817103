/*
 * Compact storage of one held column: typed arrays for the common cases, so that memory grows
 * with the projected columns of the held tables and not with JS objects per cell:
 *   int        Float64Array        (exact within 2^53, where ids and counts live; a value beyond
 *                                   switches the column to plain values); small ones are read
 *                                   back as shared bigints, without allocating
 *   decimal    BigInt64Array digits + Uint8Array scale (same fallback)
 *   float      Float64Array
 *   bool       Uint8Array
 *   date       Int32Array (days)
 *   timestamp  Float64Array (epoch milliseconds, whole numbers, exact)
 *   string     Int32Array of ids into a dictionary of the distinct values while the column
 *              repeats itself; a plain array once it shows mostly distinct values
 * Nulls are a separate Uint8Array. Values read back are equal to the values stored.
 *
 * The typed arrays are in SharedArrayBuffers from the start: share() returns the column as plain
 * data (a snapshot) that build threads turn back into a ColumnStore reading the same memory;
 * only the dictionary and plain values are copied to them.
 */
import type { ColumnType } from '../plan/types.js';
import type { Value } from '../values/value.js';
import { bigintOf, safeNumberOf } from '../values/bigint-numbers.js';
import { keyAt, type RowKey } from '../eval/row-key.js';
import { grown, inSharedMemory, sharedArray, type Typed } from './shared-arrays.js';
import { StringIds } from './string-ids.js';

const INITIAL_CAPACITY = 1024;
/** Scratch for the key of one value (keyAt reads values by position). */
const ONE_VALUE: Value[] = [null];
const FIRST = [0];
/** Digits whose double is below this fit a BigInt64Array (a double rounds monotonically: any beyond 2^63 - 1 gives 2^63 or more). */
const TWO_TO_63 = 2 ** 63;
/** Stop the dictionary once a string column shows mostly distinct values. */
const DICTIONARY_PROBE_ROWS = 20_000;

/** A column as plain data whose typed arrays live in SharedArrayBuffers (see share()). */
export interface ColumnSnapshot {
  type: ColumnType;
  count: number;
  nulls: Uint8Array;
  numbers: Typed | null;
  scales: Uint8Array | null;
  plain: Value[] | null;
  dictionary: string[] | null;
}

export class ColumnStore {
  private count = 0;
  private nulls: Uint8Array = sharedArray(Uint8Array, INITIAL_CAPACITY);
  /** Numbers by type (see above); for strings, ids into the dictionary. */
  private numbers: Typed | null;
  private scales: Uint8Array | null = null;
  private plain: Value[] | null = null;
  private dictionary: string[] | null = null;
  private dictionaryIds: StringIds | null = null;

  constructor(private readonly type: ColumnType) {
    switch (type) {
      case 'int':
        this.numbers = sharedArray(Float64Array, INITIAL_CAPACITY);
        break;
      case 'decimal':
        this.numbers = sharedArray(BigInt64Array, INITIAL_CAPACITY);
        this.scales = sharedArray(Uint8Array, INITIAL_CAPACITY);
        break;
      case 'float':
      case 'timestamp':
        this.numbers = sharedArray(Float64Array, INITIAL_CAPACITY);
        break;
      case 'date':
        this.numbers = sharedArray(Int32Array, INITIAL_CAPACITY);
        break;
      case 'bool':
        this.numbers = sharedArray(Uint8Array, INITIAL_CAPACITY);
        break;
      case 'string':
        this.numbers = sharedArray(Int32Array, INITIAL_CAPACITY);
        this.dictionaryIds = new StringIds();
        this.dictionary = this.dictionaryIds.values;
        break;
      default:
        this.numbers = null;
        this.plain = [];
    }
  }

  static fromSnapshot(snapshot: ColumnSnapshot): ColumnStore {
    const column = new ColumnStore(snapshot.type);
    column.count = snapshot.count;
    column.nulls = snapshot.nulls;
    column.numbers = snapshot.numbers;
    column.scales = snapshot.scales;
    column.plain = snapshot.plain;
    column.dictionary = snapshot.dictionary;
    column.dictionaryIds = null;
    return column;
  }

  get length(): number {
    return this.count;
  }

  push(value: Value): void {
    const i = this.count++;
    if (this.plain) {
      // An int read for holding may come as a number: values are read back as bigints.
      this.plain.push(
        typeof value === 'string'
          ? ownCopy(value)
          : typeof value === 'number' && this.type === 'int'
            ? bigintOf(value)
            : value,
      );
      return;
    }
    // The null flags, like every typed array here, have room for this many rows.
    if (i >= this.nulls.length) this.grow(i + 1);
    if (value === null) {
      this.nulls[i] = 1;
      return;
    }
    switch (this.type) {
      case 'int': {
        // A number is an int read for holding (compileCellReader's intsAsNumbers), always safe.
        const whole = typeof value === 'number' ? value : safeNumberOf(value as bigint);
        if (whole === null) return this.toPlain(i, value);
        (this.numbers as Float64Array)[i] = whole;
        return;
      }
      case 'decimal': {
        const d = value as { digits: bigint; scale: number };
        if (!(Math.abs(Number(d.digits)) < TWO_TO_63) || d.scale > 255) return this.toPlain(i, value);
        (this.numbers as BigInt64Array)[i] = d.digits;
        this.scales![i] = d.scale;
        return;
      }
      case 'float':
        (this.numbers as Float64Array)[i] = value as number;
        return;
      case 'timestamp':
        (this.numbers as Float64Array)[i] = (value as { epochMillis: number }).epochMillis;
        return;
      case 'date':
        (this.numbers as Int32Array)[i] = (value as { days: number }).days;
        return;
      case 'bool':
        (this.numbers as Uint8Array)[i] = value ? 1 : 0;
        return;
      case 'string':
        this.pushString(i, value as string);
        return;
    }
  }

  get(i: number): Value {
    if (this.plain) return this.plain[i];
    if (this.nulls[i] === 1) return null;
    switch (this.type) {
      case 'int':
        return bigintOf((this.numbers as Float64Array)[i]);
      case 'decimal':
        return { kind: 'decimal', digits: (this.numbers as BigInt64Array)[i], scale: this.scales![i] };
      case 'float':
        return (this.numbers as Float64Array)[i];
      case 'timestamp':
        return { kind: 'timestamp', epochMillis: (this.numbers as Float64Array)[i] };
      case 'date':
        return { kind: 'date', days: (this.numbers as Int32Array)[i] };
      case 'bool':
        return (this.numbers as Uint8Array)[i] === 1;
      case 'string':
        return this.dictionary![(this.numbers as Int32Array)[i]];
      default:
        return null;
    }
  }

  /** The row key of the value at `i` (see row-key.ts); ints and strings without making the value. */
  keyAt(i: number): RowKey | null {
    if (this.plain === null && (this.type === 'int' || this.type === 'string')) {
      if (this.nulls[i] === 1) return null;
      // An int held here is within 2^53: its key is the number itself.
      return this.type === 'int'
        ? (this.numbers as Float64Array)[i]
        : this.dictionary![(this.numbers as Int32Array)[i]];
    }
    ONE_VALUE[0] = this.get(i);
    return keyAt(ONE_VALUE, FIRST);
  }

  /** The column as plain data for ColumnStore.fromSnapshot in another thread, which reads the same memory. */
  share(): ColumnSnapshot {
    return {
      type: this.type,
      count: this.count,
      nulls: inSharedMemory(this.nulls),
      numbers: this.numbers === null ? null : inSharedMemory(this.numbers),
      scales: this.scales === null ? null : inSharedMemory(this.scales),
      plain: this.plain,
      dictionary: this.dictionary,
    };
  }

  /** Room for `rows` values in all: growing an array as values come copies it. */
  reserve(rows: number): void {
    if (this.plain === null && rows > this.nulls.length) this.grow(rows);
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, this.nulls.length * 2);
    this.nulls = grown(this.nulls, capacity);
    if (this.numbers !== null) this.numbers = grown(this.numbers, capacity);
    if (this.scales !== null) this.scales = grown(this.scales, capacity);
  }

  private pushString(index: number, value: string): void {
    const ids = this.dictionaryIds;
    if (ids === null) return this.toPlain(index, value);
    (this.numbers as Int32Array)[index] = ids.idOf(value, ownCopy);
    if (this.count === DICTIONARY_PROBE_ROWS && ids.size > DICTIONARY_PROBE_ROWS / 2) this.dictionaryIds = null;
  }

  /** A value that does not fit the compact form: keep every value of the column as it is. */
  private toPlain(index: number, value: Value) {
    const plain: Value[] = [];
    for (let i = 0; i < index; i++) plain.push(this.get(i));
    plain.push(typeof value === 'string' ? ownCopy(value) : value);
    this.plain = plain;
    this.numbers = null;
    this.scales = null;
    this.dictionary = null;
  }
}

/** A copy that does not keep alive the decoded chunk a cell was sliced from (V8 slices strings of 13+ characters). */
function ownCopy(value: string): string {
  return value.length > 12 ? Buffer.from(value, 'utf8').toString('utf8') : value;
}
