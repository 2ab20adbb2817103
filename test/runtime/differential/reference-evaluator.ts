/*
 * The oracle of the differential test: what differential.map means, per docs/language.md,
 * computed the slow and obvious way from the warehouse's cell texts. It shares nothing with
 * the runtime but a few value primitives (decimal parsing, the civil calendar): no plan, no
 * compiled closures, no indexes. Every join is a nested loop over all rows of a table, every
 * collection is filtered, built, kept, sorted (insertion sort) and cut in the order the
 * language defines, and every row read ends up in exactly one of used / filtered / rejected /
 * orphaned (runtime/report/run-report.ts).
 *
 * Semantics where docs/language.md is silent, chosen here and listed in the test's report:
 *   - a null operand makes arithmetic null (so null / 0 is null, not an error); x / 0 fails the
 *     row whose element is being built: that row is rejected, its item is still written;
 *   - duplicate keys: the first row READ wins, whether or not a `where` keeps it; every later
 *     twin is rejected (a row whose cells cannot be read is not a row and has no key);
 *   - a row failing a `where` that reads only its own row is filtered even when its parent is
 *     missing; otherwise a row whose parent is missing, orphaned or rejected is orphaned;
 *   - a row whose element failed is rejected even when its item is left out by `require`;
 *   - `keep` is checked as soon as the attributes it reads are built: an element it drops is
 *     built no further, so faults in its later attributes or in rows below it are not seen
 *     (those rows are filtered);
 *   - a root row whose item fails to build is rejected and makes no item (nor counts as built);
 *   - rows under an element or item that was not kept (keep, limit, require) are filtered:
 *     their parent is in the extract; rows under a rejected row are orphaned;
 *   - min/max return the first of equal values (1.5 before 1.50);
 *   - avg = sum / count with the decimal division rule (avg of ints has 6 decimals).
 */
import { civilFromDays, daysFromCivil } from '../../../runtime/values/calendar.js';
import { parseDecimal } from '../../../runtime/values/decimal.js';
import type { DateValue, Decimal, TimestampValue, Value } from '../../../runtime/values/value.js';
import type { Cell, RawWarehouse, TableName } from './random-warehouse.js';

// ---------------------------------------------------------------------------------------------
// Results

export interface RefObject {
  kind: 'object';
  fields: Map<string, RefValue>;
}
export type RefValue = Value | RefObject | RefObject[];

export interface RefCounts {
  read: number;
  used: number;
  filtered: number;
  rejected: number;
  orphaned: number;
}

export interface ReferenceResult {
  /** Written items by "pk|sk". */
  items: Map<string, RefObject>;
  tables: Record<TableName, RefCounts>;
  /** Root rows that passed the `from … where` and were built (did not fail); of those, left out by require. */
  built: number;
  requireFiltered: number;
}

class RowFailure extends Error {}

// ---------------------------------------------------------------------------------------------
// Reading: cell texts to values, as the table declarations of differential.map say

type ColumnType = 'string' | 'int' | 'decimal' | 'date';
interface ColumnDecl {
  type: ColumnType;
  nullable: boolean;
}

const c = (type: ColumnType, nullable = false): ColumnDecl => ({ type, nullable });
const SCHEMA: Record<TableName, { columns: Record<string, ColumnDecl>; key: string[] }> = {
  regions: { columns: { code: c('string'), name: c('string'), rate: c('decimal', true) }, key: ['code'] },
  accounts: {
    columns: {
      account_id: c('int'),
      name: c('string', true),
      region: c('string', true),
      opened: c('date', true),
      credit: c('decimal', true),
      tier: c('int', true),
    },
    key: ['account_id'],
  },
  orders: {
    columns: {
      order_id: c('int'),
      account_id: c('int', true),
      placed: c('date', true),
      status: c('string'),
      amount: c('decimal', true),
      qty: c('int', true),
      ship_to: c('string', true),
    },
    key: ['order_id'],
  },
  lines: {
    columns: { order_id: c('int'), line_no: c('int'), price: c('decimal', true), units: c('int', true) },
    key: ['order_id', 'line_no'],
  },
  contacts: {
    columns: {
      contact_id: c('int'),
      account_id: c('int'),
      rank: c('int', true),
      since: c('date', true),
      email: c('string', true),
    },
    key: ['contact_id'],
  },
};

interface Row {
  table: TableName;
  values: Record<string, Value>;
  readable: boolean;
  /** The cells cannot be read, or an earlier row has the same key. */
  rejected: boolean;
}

const monthLength = (year: number, month: number) =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

function readCell(text: Cell, decl: ColumnDecl): { ok: true; value: Value } | { ok: false } {
  if (text === null || text === '') return decl.nullable ? { ok: true, value: null } : { ok: false };
  switch (decl.type) {
    case 'string':
      return { ok: true, value: text };
    case 'int':
      return /^[+-]?\d+$/.test(text) ? { ok: true, value: BigInt(text) } : { ok: false };
    case 'decimal': {
      const parsed = parseDecimal(text);
      return parsed.ok ? { ok: true, value: parsed.value } : { ok: false };
    }
    case 'date': {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      if (!m) return { ok: false };
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (month < 1 || month > 12 || day < 1 || day > monthLength(year, month)) return { ok: false };
      return { ok: true, value: { kind: 'date', days: daysFromCivil({ year, month, day }) } };
    }
  }
}

function readTable(table: TableName, cells: Array<Record<string, Cell>>): Row[] {
  const { columns, key } = SCHEMA[table];
  const rows: Row[] = [];
  for (const raw of cells) {
    const values: Record<string, Value> = {};
    let readable = true;
    for (const [name, decl] of Object.entries(columns)) {
      const read = readCell(raw[name], decl);
      if (!read.ok) readable = false;
      else values[name] = read.value;
    }
    // The first row read under a key wins; a row that cannot be read has no key.
    const twin =
      readable && rows.some((earlier) => earlier.readable && key.every((k) => sameKey(earlier.values[k], values[k])));
    const rejected = !readable || twin;
    rows.push({ table, values: readable ? values : {}, readable, rejected });
  }
  return rows;
}

function sameKey(a: Value | undefined, b: Value | undefined): boolean {
  return a !== undefined && a !== null && b !== undefined && b !== null && a === b;
}

// ---------------------------------------------------------------------------------------------
// Values: exact numbers, calendar arithmetic, three-valued logic

type Num = bigint | Decimal;
const DAY_MS = 86_400_000;

const isDecimal = (v: unknown): v is Decimal =>
  typeof v === 'object' && v !== null && (v as Decimal).kind === 'decimal';
const toDecimal = (n: Num): Decimal => (typeof n === 'bigint' ? { kind: 'decimal', digits: n, scale: 0 } : n);
const scaled = (d: Decimal, scale: number) => d.digits * 10n ** BigInt(scale - d.scale);

function roundedQuotient(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}

function plus(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  const x = toDecimal(a as Num);
  const y = toDecimal(b as Num);
  const scale = Math.max(x.scale, y.scale);
  return { kind: 'decimal', digits: scaled(x, scale) + scaled(y, scale), scale };
}

function minus(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a - b;
  const y = toDecimal(b as Num);
  return plus(a, { kind: 'decimal', digits: -y.digits, scale: y.scale });
}

function times(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a * b;
  const x = toDecimal(a as Num);
  const y = toDecimal(b as Num);
  return { kind: 'decimal', digits: x.digits * y.digits, scale: x.scale + y.scale };
}

/** Always a decimal with max(6, both scales) digits after the point, half away from zero. */
function divide(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  const x = toDecimal(a as Num);
  const y = toDecimal(b as Num);
  if (y.digits === 0n) throw new RowFailure('division by zero');
  const scale = Math.max(6, x.scale, y.scale);
  // x/y = (X / 10^xs) / (Y / 10^ys); times 10^scale = X * 10^(scale + ys - xs) / Y
  const shift = scale + y.scale - x.scale;
  const numerator = shift >= 0 ? x.digits * 10n ** BigInt(shift) : x.digits;
  const denominator = shift >= 0 ? y.digits : y.digits * 10n ** BigInt(-shift);
  return { kind: 'decimal', digits: roundedQuotient(numerator, denominator), scale };
}

function round(a: Value, places: number): Value {
  if (a === null) return null;
  if (typeof a === 'bigint') return a;
  const d = a as Decimal;
  if (places >= d.scale) return { kind: 'decimal', digits: scaled(d, places), scale: places };
  return { kind: 'decimal', digits: roundedQuotient(d.digits, 10n ** BigInt(d.scale - places)), scale: places };
}

function instant(v: DateValue | TimestampValue): number {
  return v.kind === 'date' ? v.days * DAY_MS : v.epochMillis;
}

/** -1/0/1, or null when either side is null. Numbers by value, dates and timestamps by instant. */
function compare(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'bigint' || isDecimal(a)) && (typeof b === 'bigint' || isDecimal(b))) {
    const x = toDecimal(a);
    const y = toDecimal(b);
    const scale = Math.max(x.scale, y.scale);
    const [l, r] = [scaled(x, scale), scaled(y, scale)];
    return l < r ? -1 : l > r ? 1 : 0;
  }
  const l = instant(a as DateValue | TimestampValue);
  const r = instant(b as DateValue | TimestampValue);
  return l < r ? -1 : l > r ? 1 : 0;
}

const holds = (c: boolean | null) => c === true;
const ge = (a: Value, b: Value) => {
  const r = compare(a, b);
  return r === null ? null : r >= 0;
};
const gt = (a: Value, b: Value) => {
  const r = compare(a, b);
  return r === null ? null : r > 0;
};
const lt = (a: Value, b: Value) => {
  const r = compare(a, b);
  return r === null ? null : r < 0;
};
const le = (a: Value, b: Value) => {
  const r = compare(a, b);
  return r === null ? null : r <= 0;
};
const ne = (a: Value, b: Value) => {
  const r = compare(a, b);
  return r === null ? null : r !== 0;
};
const or = (a: boolean | null, b: boolean | null) =>
  a === true || b === true ? true : a === null || b === null ? null : false;

function addMonthsToDays(days: number, months: number): number {
  const { year, month, day } = civilFromDays(days);
  const index = year * 12 + (month - 1) + months;
  const newYear = Math.floor(index / 12);
  const newMonth = index - newYear * 12 + 1;
  return daysFromCivil({ year: newYear, month: newMonth, day: Math.min(day, monthLength(newYear, newMonth)) });
}

function plusMonths(v: Value, months: number): Value {
  if (v === null) return null;
  const t = v as DateValue | TimestampValue;
  if (t.kind === 'date') return { kind: 'date', days: addMonthsToDays(t.days, months) };
  const days = Math.floor(t.epochMillis / DAY_MS);
  const timeOfDay = t.epochMillis - days * DAY_MS;
  return { kind: 'timestamp', epochMillis: addMonthsToDays(days, months) * DAY_MS + timeOfDay };
}

function text(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (isDecimal(v)) {
    const digits = (v.digits < 0n ? -v.digits : v.digits).toString().padStart(v.scale + 1, '0');
    const body =
      v.scale === 0 ? digits : `${digits.slice(0, digits.length - v.scale)}.${digits.slice(digits.length - v.scale)}`;
    return (v.digits < 0n ? '-' : '') + body;
  }
  const d = v as DateValue;
  const { year, month, day } = civilFromDays(d.days);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A template: null as soon as one part is null. */
function template(...parts: Value[]): Value {
  return parts.some((p) => p === null) ? null : parts.map(text).join('');
}

const coalesce = (...values: Value[]): Value => values.find((v) => v !== null) ?? null;

// ---------------------------------------------------------------------------------------------
// Aggregates over built elements

function attr(o: RefObject, name: string): Value {
  return (o.fields.get(name) ?? null) as Value;
}

function elements(o: RefObject, name: string): RefObject[] {
  return (o.fields.get(name) ?? []) as RefObject[];
}

function sum(values: Value[]): Value {
  const present: Value[] = values.filter((v) => v !== null);
  if (present.length === 0) return null;
  return present.reduce((total, v) => plus(total, v));
}

function avg(values: Value[]): Value {
  const present = values.filter((v) => v !== null);
  return present.length === 0 ? null : divide(sum(present), BigInt(present.length));
}

function extreme(values: Value[], sign: 1 | -1): Value {
  let best: Value = null;
  for (const v of values) if (v !== null && (best === null || compare(v, best)! * sign > 0)) best = v;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Collections: where, build, keep, order by (nulls last going up, first going down, then the
// element's key attributes), limit

interface SortKey {
  attribute: string;
  descending: boolean;
}

function compareElements(a: RefObject, b: RefObject, keys: SortKey[]): number {
  for (const { attribute, descending } of keys) {
    const x = attr(a, attribute);
    const y = attr(b, attribute);
    let order: number;
    if (x === null && y === null) order = 0;
    else if (x === null)
      order = 1; // null is the largest: last going up, first going down
    else if (y === null) order = -1;
    else order = compare(x, y)!;
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}

function insertionSort(list: RefObject[], keys: SortKey[]): RefObject[] {
  const sorted: RefObject[] = [];
  for (const element of list) {
    let at = sorted.length;
    while (at > 0 && compareElements(sorted[at - 1], element, keys) > 0) at--;
    sorted.splice(at, 0, element);
  }
  return sorted;
}

interface Trace {
  /** The row each element was built from. */
  rowOf: Map<RefObject, Row>;
  /** Rows whose element could not be built. */
  failed: Set<Row>;
}

function collection(
  rows: Row[],
  belongs: (row: Row) => boolean,
  where: (row: Row) => boolean | null,
  /** null: the element's `keep` dropped it while it was being built. */
  build: (row: Row) => RefObject | null,
  keep: ((element: RefObject) => boolean | null) | null,
  orderBy: SortKey[],
  limit: number,
  trace: Trace,
): RefObject[] {
  let built: RefObject[] = [];
  for (const row of rows) {
    if (row.rejected || !belongs(row) || !holds(where(row))) continue;
    try {
      const element = build(row);
      if (element === null) continue;
      trace.rowOf.set(element, row);
      built.push(element);
    } catch (error) {
      if (!(error instanceof RowFailure)) throw error;
      trace.failed.add(row);
    }
  }
  if (keep) built = built.filter((e) => holds(keep(e)));
  return insertionSort(built, orderBy).slice(0, limit);
}

function object(entries: Array<[string, RefValue]>): RefObject {
  return { kind: 'object', fields: new Map(entries) };
}

// ---------------------------------------------------------------------------------------------
// The mapping

function parseAsOf(iso: string): TimestampValue {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(iso);
  if (!m) throw new Error(`as_of ${iso}: expected YYYY-MM-DDTHH:MM:SSZ`);
  const days = daysFromCivil({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) });
  return {
    kind: 'timestamp',
    epochMillis: days * DAY_MS + ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1000,
  };
}

export function evaluateReference(warehouse: RawWarehouse): ReferenceResult {
  const asOf = parseAsOf(warehouse.asOf);
  const t = {
    regions: readTable('regions', warehouse.tables.regions),
    accounts: readTable('accounts', warehouse.tables.accounts),
    orders: readTable('orders', warehouse.tables.orders),
    lines: readTable('lines', warehouse.tables.lines),
    contacts: readTable('contacts', warehouse.tables.contacts),
  };
  const v = (row: Row | null, column: string): Value => (row === null ? null : (row.values[column] ?? null));
  /** The row of `table` whose key column equals `value` (nested loop; twins are rejected). */
  const find = (table: TableName, column: string, value: Value): Row | null => {
    if (value === null) return null;
    for (const row of t[table]) if (!row.rejected && sameKey(row.values[column], value)) return row;
    return null;
  };

  const trace: Trace = { rowOf: new Map(), failed: new Set() };
  const keepSince = plusMonths(asOf, -3);

  const buildLine = (li: Row): RefObject => {
    const e = object([]);
    e.fields.set('no', v(li, 'line_no'));
    e.fields.set('price', v(li, 'price'));
    e.fields.set('units', v(li, 'units'));
    e.fields.set('total', times(v(li, 'price'), v(li, 'units')));
    e.fields.set('unit_cost', divide(v(li, 'price'), v(li, 'units')));
    return e;
  };

  const keepOrder = (e: RefObject) => ge(attr(e, 'placed'), keepSince);

  const buildOrder = (o: Row): RefObject | null => {
    const e = object([]);
    e.fields.set('id', v(o, 'order_id'));
    e.fields.set('placed', v(o, 'placed'));
    // `keep` reads placed alone: an order it drops is built no further (nothing after placed
    // fails, and its lines are filtered, not built).
    if (!holds(keepOrder(e))) return null;
    e.fields.set('amount', v(o, 'amount'));
    e.fields.set('status', (v(o, 'status') as string).toLowerCase());
    e.fields.set('ship', v(find('regions', 'code', v(o, 'ship_to')), 'name'));
    e.fields.set('due', plusMonths(v(o, 'placed'), 1));
    const lines = collection(
      t.lines,
      (li) => sameKey(v(li, 'order_id'), v(o, 'order_id')),
      (li) => or(v(li, 'units') === null, le(v(li, 'units'), v(o, 'qty'))),
      buildLine,
      null,
      [
        { attribute: 'price', descending: true },
        { attribute: 'no', descending: false },
      ],
      3,
      trace,
    );
    e.fields.set('lines', lines);
    e.fields.set('lines_total', sum(lines.map((l) => attr(l, 'total'))));
    e.fields.set(
      'cheapest',
      extreme(
        lines.map((l) => attr(l, 'price')),
        -1,
      ),
    );
    e.fields.set(
      'priciest',
      extreme(
        lines.map((l) => attr(l, 'price')),
        1,
      ),
    );
    e.fields.set('avg_price', avg(lines.map((l) => attr(l, 'price'))));
    e.fields.set('line_count', BigInt(lines.length));
    e.fields.set('per_unit', round(divide(attr(e, 'amount'), v(o, 'qty')), 3));
    return e;
  };

  const buildContact = (ct: Row): RefObject =>
    object([
      ['id', v(ct, 'contact_id')],
      ['rank', v(ct, 'rank')],
      ['email', v(ct, 'email')],
      ['since', v(ct, 'since')],
    ]);

  const buildAccount = (a: Row): RefObject => {
    const region = find('regions', 'code', v(a, 'region'));
    const credit = v(a, 'credit');
    const item = object([]);
    const f = item.fields;
    f.set('pk', template('ACC#', v(a, 'account_id')));
    f.set('sk', 'ACCOUNT');
    f.set('label', template(v(a, 'name'), '@', v(region, 'name')));
    f.set('name', coalesce(v(a, 'name'), v(region, 'name'), 'anonymous'));
    f.set('rate', v(region, 'rate'));
    f.set(
      'band',
      holds(ge(credit, 1000n)) ? 'gold' : credit === null ? 'none' : holds(lt(credit, 0n)) ? 'debt' : 'std',
    );
    f.set('credit_third', divide(credit, 3n));
    f.set('credit_share', round(divide(credit, 7n), 2));
    if (v(a, 'tier') !== null) {
      const name = v(a, 'name');
      f.set('shout', name === null ? null : (name as string).toUpperCase());
    }
    f.set(
      'info',
      object([
        ['opened', v(a, 'opened')],
        ['renewal', plusMonths(v(a, 'opened'), 1)],
        ['tier2', minus(times(v(a, 'tier'), 2n), 1n)],
        ['since', template(v(a, 'account_id'), ':', v(a, 'opened'))],
      ]),
    );
    const orders = collection(
      t.orders,
      (o) => sameKey(v(o, 'account_id'), v(a, 'account_id')),
      (o) => ne(v(o, 'status'), 'VOID'),
      buildOrder,
      keepOrder,
      [
        { attribute: 'placed', descending: true },
        { attribute: 'amount', descending: false },
        { attribute: 'id', descending: false },
      ],
      4,
      trace,
    );
    f.set('orders', orders);
    f.set(
      'contacts',
      collection(
        t.contacts,
        (ct) => sameKey(v(ct, 'account_id'), v(a, 'account_id')),
        (ct) => ge(v(ct, 'since'), v(a, 'opened')),
        buildContact,
        null,
        [
          { attribute: 'rank', descending: false },
          { attribute: 'id', descending: false },
        ],
        2,
        trace,
      ),
    );
    const allLines = orders.flatMap((o) => elements(o, 'lines'));
    f.set('order_count', BigInt(orders.length));
    f.set('total', sum(orders.map((o) => attr(o, 'amount'))));
    f.set('all_lines', BigInt(allLines.length));
    f.set(
      'max_line',
      extreme(
        allLines.map((l) => attr(l, 'price')),
        1,
      ),
    );
    f.set('avg_amount', avg(orders.map((o) => attr(o, 'amount'))));
    f.set(
      'first',
      extreme(
        orders.map((o) => attr(o, 'placed')),
        -1,
      ),
    );
    f.set('risk', divide(credit, minus(v(a, 'tier'), 4n)));
    return item;
  };

  // Items: one per root row that passes `from … where`, written when `require` holds.
  const items = new Map<string, RefObject>();
  const usedRows = new Set<Row>();
  const markUsed = (o: RefObject) => {
    for (const value of o.fields.values()) {
      if (Array.isArray(value)) {
        for (const element of value) {
          usedRows.add(trace.rowOf.get(element)!);
          markUsed(element);
        }
      } else if (value !== null && typeof value === 'object' && value.kind === 'object') {
        markUsed(value);
      }
    }
  };
  const rootWhere = (a: Row) => or(v(a, 'tier') === null, ne(v(a, 'tier'), 3n));
  let built = 0;
  let requireFiltered = 0;
  for (const a of t.accounts) {
    if (a.rejected || !holds(rootWhere(a))) continue;
    let item: RefObject;
    try {
      item = buildAccount(a);
    } catch (error) {
      if (!(error instanceof RowFailure)) throw error;
      trace.failed.add(a);
      continue;
    }
    built++;
    const required = or(ge(attr(item, 'order_count'), 1n), gt(attr(item, 'credit_third'), 0n));
    if (!holds(required)) {
      requireFiltered++;
      continue;
    }
    const last = extreme(
      elements(item, 'orders').map((o) => attr(o, 'placed')),
      1,
    );
    if (last !== null) item.fields.set('expires_at', BigInt((plusMonths(last, 1) as DateValue).days) * 86_400n);
    items.set(`${attr(item, 'pk')}|${attr(item, 'sk')}`, item);
    usedRows.add(a);
    markUsed(item);
  }

  // Where every row read went.
  type Fate = keyof Omit<RefCounts, 'read'>;
  const fates = new Map<Row, Fate>();
  const fateOf = (row: Row): Fate => {
    const known = fates.get(row);
    if (known) return known;
    const fate = decideFate(row);
    fates.set(row, fate);
    return fate;
  };
  const parentOf = (row: Row): Row | null =>
    row.table === 'orders' || row.table === 'contacts'
      ? find('accounts', 'account_id', v(row, 'account_id'))
      : row.table === 'lines'
        ? find('orders', 'order_id', v(row, 'order_id'))
        : null;
  const decideFate = (row: Row): Fate => {
    if (row.rejected) return 'rejected';
    if (row.table === 'regions') return 'used'; // a lookup-only table: every row is indexed
    // A `where` that reads only the row's own columns.
    if (row.table === 'accounts' && !holds(rootWhere(row))) return 'filtered';
    if (row.table === 'orders' && !holds(ne(v(row, 'status'), 'VOID'))) return 'filtered';
    // A row whose own element failed is rejected for its own fault, whatever its parent did.
    if (trace.failed.has(row) && !usedRows.has(row)) return 'rejected';
    if (row.table !== 'accounts') {
      const parent = parentOf(row);
      const parentFate = parent === null ? 'orphaned' : fateOf(parent);
      if (parentFate === 'orphaned' || parentFate === 'rejected') return 'orphaned';
    }
    if (usedRows.has(row)) return 'used';
    return 'filtered';
  };

  const tables = {} as Record<TableName, RefCounts>;
  for (const name of Object.keys(t) as TableName[]) {
    const counts: RefCounts = { read: 0, used: 0, filtered: 0, rejected: 0, orphaned: 0 };
    for (const row of t[name]) {
      counts.read++;
      counts[fateOf(row)]++;
    }
    tables[name] = counts;
  }
  return { items, tables, built, requireFiltered };
}
