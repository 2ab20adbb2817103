/*
 * Compact storage of one held column: typed arrays for the common cases, so that memory grows
 * with the projected columns of the held tables and not with JS objects per cell:
 *   int        BigInt64Array       (exact; a value beyond 64 bits switches the column to plain values)
 *   decimal    BigInt64Array digits + Uint8Array scale (same fallback)
 *   float      Float64Array
 *   bool       Uint8Array
 *   date       Int32Array (days)
 *   timestamp  Float64Array (epoch milliseconds, whole numbers, exact)
 *   string     plain array; repeated values share one string while the column repeats itself
 * Nulls are a separate Uint8Array. Values read back are equal to the values stored.
 */
import type { ColumnType } from '../plan/types.js';
import type { Value } from '../values/value.js';

const INITIAL_CAPACITY = 1024;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Stop interning a string column once it shows mostly distinct values. */
const INTERN_PROBE_ROWS = 20_000;

type Typed = BigInt64Array | Float64Array | Int32Array | Uint8Array;

function grow<T extends Typed>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  next.set(array as never);
  return next;
}

export class ColumnStore {
  private count = 0;
  private nulls = new Uint8Array(INITIAL_CAPACITY);
  private numbers: Typed | null;
  private scales: Uint8Array | null = null;
  private plain: Value[] | null = null;
  private interned: Map<string, string> | null = null;

  constructor(private readonly type: ColumnType) {
    switch (type) {
      case 'int': this.numbers = new BigInt64Array(INITIAL_CAPACITY); break;
      case 'decimal':
        this.numbers = new BigInt64Array(INITIAL_CAPACITY);
        this.scales = new Uint8Array(INITIAL_CAPACITY);
        break;
      case 'float':
      case 'timestamp': this.numbers = new Float64Array(INITIAL_CAPACITY); break;
      case 'date': this.numbers = new Int32Array(INITIAL_CAPACITY); break;
      case 'bool': this.numbers = new Uint8Array(INITIAL_CAPACITY); break;
      default:
        this.numbers = null;
        this.plain = [];
        this.interned = new Map();
    }
  }

  get length(): number {
    return this.count;
  }

  push(value: Value): void {
    const i = this.count++;
    if (this.plain) {
      this.plain.push(this.type === 'string' && typeof value === 'string' ? this.intern(value) : value);
      return;
    }
    this.nulls = grow(this.nulls, this.count);
    if (value === null) {
      this.nulls[i] = 1;
      return;
    }
    this.numbers = grow(this.numbers!, this.count);
    switch (this.type) {
      case 'int':
        if ((value as bigint) < INT64_MIN || (value as bigint) > INT64_MAX) return this.toPlain(i, value);
        (this.numbers as BigInt64Array)[i] = value as bigint;
        return;
      case 'decimal': {
        const d = value as { digits: bigint; scale: number };
        if (d.digits < INT64_MIN || d.digits > INT64_MAX || d.scale > 255) return this.toPlain(i, value);
        this.scales = grow(this.scales!, this.count);
        (this.numbers as BigInt64Array)[i] = d.digits;
        this.scales[i] = d.scale;
        return;
      }
      case 'float': (this.numbers as Float64Array)[i] = value as number; return;
      case 'timestamp': (this.numbers as Float64Array)[i] = (value as { epochMillis: number }).epochMillis; return;
      case 'date': (this.numbers as Int32Array)[i] = (value as { days: number }).days; return;
      case 'bool': (this.numbers as Uint8Array)[i] = value ? 1 : 0; return;
    }
  }

  get(i: number): Value {
    if (this.plain) return this.plain[i];
    if (this.nulls[i] === 1) return null;
    switch (this.type) {
      case 'int': return (this.numbers as BigInt64Array)[i];
      case 'decimal': return { kind: 'decimal', digits: (this.numbers as BigInt64Array)[i], scale: this.scales![i] };
      case 'float': return (this.numbers as Float64Array)[i];
      case 'timestamp': return { kind: 'timestamp', epochMillis: (this.numbers as Float64Array)[i] };
      case 'date': return { kind: 'date', days: (this.numbers as Int32Array)[i] };
      case 'bool': return (this.numbers as Uint8Array)[i] === 1;
      default: return null;
    }
  }

  /** A value that does not fit the compact form: keep every value of the column as it is. */
  private toPlain(index: number, value: Value) {
    const plain: Value[] = [];
    for (let i = 0; i < index; i++) plain.push(this.get(i));
    plain.push(value);
    this.plain = plain;
    this.numbers = null;
    this.scales = null;
  }

  private intern(value: string): string {
    const interned = this.interned;
    if (!interned) return ownCopy(value);
    const known = interned.get(value);
    if (known !== undefined) return known;
    const own = ownCopy(value);
    interned.set(own, own);
    if (this.count === INTERN_PROBE_ROWS && interned.size > INTERN_PROBE_ROWS / 2) this.interned = null;
    return own;
  }
}

/** A copy that does not keep alive the decoded chunk a cell was sliced from (V8 slices strings of 13+ characters). */
function ownCopy(value: string): string {
  return value.length > 12 ? Buffer.from(value, 'utf8').toString('utf8') : value;
}
