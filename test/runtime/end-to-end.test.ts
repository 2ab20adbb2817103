/*
 * End to end, as a user runs it: the sample generator writes an extract, `mapc run` turns it
 * into items (plain JSON and DynamoDB JSON) with a run report, and the tests check the output
 * against the archive's CSV files read with small independent code (our own ZIP entry reader,
 * csv-parse, arithmetic in integer cents): never through the runtime's own readers.
 */
import { NumberValueImpl as NumberValue, unmarshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { JsonNumber, parseExact, type Json } from './fixtures/exact-json.js';
import { mapc, REPO_ROOT, type ProcessResult } from './fixtures/mapc-process.js';
import { readZipEntries } from './fixtures/read-zip.js';

const CUSTOMERS = 300;
const SEED = 42;
const RETENTION_MONTHS = 9;

// ---------------------------------------------------------------------------------------------
// The archive, read independently.

type CsvRow = Record<string, string>;

interface Warehouse {
  extractedAt: string;
  manifestRows: Record<string, number>;
  customers: CsvRow[];
  orders: CsvRow[];
  lines: CsvRow[];
  payments: CsvRow[];
  products: Map<string, { description: string; category: string }>;
}

function csvRows(entries: Map<string, Buffer>, prefix: string): CsvRow[] {
  const names = [...entries.keys()].filter((name) => name.startsWith(prefix) && name.endsWith('.csv')).sort();
  if (names.length === 0) throw new Error(`no ${prefix}*.csv in the extract`);
  return names.flatMap(
    (name) => parse(entries.get(name)!, { bom: true, columns: true, skip_empty_lines: true }) as CsvRow[],
  );
}

function readWarehouse(path: string): Warehouse {
  const entries = readZipEntries(path);
  const manifest = JSON.parse(entries.get('_manifest.json')!.toString('utf8')) as {
    extractedAt: string;
    rows: Record<string, number>;
  };
  const products = new Map<string, { description: string; category: string }>();
  // products.txt: "|"-delimited, no header, one trailing "|" (an empty last field).
  for (const [sku, description, category, , trailing] of parse(entries.get('products.txt')!, {
    delimiter: '|',
    relax_column_count: false,
  }) as string[][]) {
    if (trailing !== '') throw new Error(`products.txt: row ${sku} does not end with "|"`);
    products.set(sku, { description, category });
  }
  return {
    extractedAt: manifest.extractedAt,
    manifestRows: manifest.rows,
    customers: csvRows(entries, 'customers'),
    orders: csvRows(entries, 'orders'),
    lines: csvRows(entries, 'order_lines'),
    payments: csvRows(entries, 'payments'),
    products,
  };
}

// ---------------------------------------------------------------------------------------------
// What mappings/customer.map must make of one customer, computed by hand.

const DAY_MS = 86_400_000;

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
  const monthStart = new Date(first);
  const daysInMonth = new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), daysInMonth);
  return first + (day - 1) * DAY_MS + (ms - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

const dateMs = (date: string) => Date.parse(`${date}T00:00:00Z`);

function toCents(text: string): number {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(text);
  if (!match) throw new Error(`not an amount with two decimals: ${text}`);
  return (match[1] ? -1 : 1) * (Number(match[2]) * 100 + Number(match[3]));
}

function centsText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const num = (text: string | number) => new JsonNumber(String(text));
const obj = (fields: Array<[string, Json | undefined]>) =>
  new Map(fields.filter((f): f is [string, Json] => f[1] !== undefined));
const groupBy = (rows: CsvRow[], column: string) => {
  const groups = new Map<string, CsvRow[]>();
  for (const row of rows) groups.set(row[column], [...(groups.get(row[column]) ?? []), row]);
  return groups;
};

class ExpectedItems {
  private readonly ordersByCustomer: Map<string, CsvRow[]>;
  private readonly linesByOrder: Map<string, CsvRow[]>;
  private readonly paymentsByOrder: Map<string, CsvRow[]>;
  readonly cutoffMs: number;

  constructor(private readonly warehouse: Warehouse) {
    this.ordersByCustomer = groupBy(warehouse.orders, 'customer_id');
    this.linesByOrder = groupBy(warehouse.lines, 'order_id');
    this.paymentsByOrder = groupBy(warehouse.payments, 'order_id');
    this.cutoffMs = addMonths(Date.parse(warehouse.extractedAt), -RETENTION_MONTHS);
  }

  /** The orders the item keeps: not cancelled, dated on or after as_of - 9 months, newest first. */
  keptOrders(customerId: string): CsvRow[] {
    return (this.ordersByCustomer.get(customerId) ?? [])
      .filter((o) => o.status !== 'CANCELLED' && dateMs(o.order_date) >= this.cutoffMs)
      .sort((a, b) => b.order_date.localeCompare(a.order_date) || Number(a.order_id) - Number(b.order_id))
      .slice(0, 100);
  }

  /** The plain item of a customer, or null when it keeps no order (`require`). */
  item(customer: CsvRow): Map<string, Json> | null {
    const orders = this.keptOrders(customer.customer_id).map((o) => this.order(o));
    if (orders.length === 0) return null;
    const totals = orders.map((o) => toCents((o.get('total') as JsonNumber).text));
    const lastOrder = orders
      .map((o) => o.get('date') as string)
      .sort()
      .at(-1)!;
    return obj([
      ['pk', `CUST#${customer.customer_id}`],
      ['sk', 'PROFILE'],
      ['name', customer.name],
      ['email', customer.email === '' ? undefined : customer.email.trim().toLowerCase()],
      ['segment', customer.segment],
      [
        'address',
        obj([
          ['country', customer.country_code],
          ['since', customer.created_at.slice(0, 10)],
        ]),
      ],
      ['orders', orders],
      ['order_count', num(orders.length)],
      ['lifetime', num(centsText(totals.reduce((a, b) => a + b, 0)))],
      ['last_order', lastOrder],
      ['expires_at', num(addMonths(dateMs(lastOrder), RETENTION_MONTHS) / 1000)],
    ]);
  }

  private order(order: CsvRow): Map<string, Json> {
    const lines = (this.linesByOrder.get(order.order_id) ?? [])
      .sort((a, b) => Number(a.line_no) - Number(b.line_no))
      .slice(0, 200)
      .map((line) => {
        const product = this.warehouse.products.get(line.sku);
        return obj([
          ['line', num(line.line_no)],
          ['sku', line.sku],
          ['description', product?.description ?? null],
          ['category', product?.category ?? null],
          ['qty', num(line.qty)],
          ['amount', num(centsText(Number(line.qty) * toCents(line.unit_price)))],
        ]);
      });
    const payments = (this.paymentsByOrder.get(order.order_id) ?? [])
      .sort((a, b) => a.paid_at.localeCompare(b.paid_at) || Number(a.payment_id) - Number(b.payment_id))
      .slice(0, 20)
      .map((payment) =>
        obj([
          ['id', num(payment.payment_id)],
          ['at', new Date(Date.parse(payment.paid_at)).toISOString()],
          ['method', payment.method.toUpperCase()],
          ['amount', num(payment.amount)],
        ]),
      );
    const totalCents = lines.reduce((sum, line) => sum + toCents((line.get('amount') as JsonNumber).text), 0);
    const paidCents = payments.reduce((sum, payment) => sum + toCents((payment.get('amount') as JsonNumber).text), 0);
    return obj([
      ['id', num(order.order_id)],
      ['date', order.order_date],
      ['status', order.status],
      ['channel', order.channel === '' ? 'web' : order.channel],
      ['lines', lines],
      ['payments', payments],
      ['total', lines.length === 0 ? null : num(centsText(totalCents))],
      // coalesce(sum(payments.amount), 0): the int 0 when there is no payment.
      ['paid', payments.length === 0 ? num('0') : num(centsText(paidCents))],
      ['balance', num(centsText(totalCents - paidCents))],
      ['size', lines.length >= 10 ? 'large' : lines.length >= 3 ? 'medium' : 'small'],
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing items: ordered pairs for the plain form (attribute order is part of the output),
// plain objects for DynamoDB's (a map has no order there).

type Ordered = null | boolean | string | { n: string } | Ordered[] | { pairs: Array<[string, Ordered]> };

function ordered(value: Json): Ordered {
  if (value instanceof JsonNumber) return { n: value.text };
  if (Array.isArray(value)) return value.map(ordered);
  if (value instanceof Map) return { pairs: [...value].map(([key, field]) => [key, ordered(field)]) };
  return value;
}

function unordered(value: unknown): unknown {
  if (value instanceof JsonNumber) return { n: value.text };
  if (value instanceof NumberValue) return { n: value.value };
  if (Array.isArray(value)) return value.map(unordered);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, field]) => [key, unordered(field)]));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, unordered(field)]));
  return value;
}

function ndjsonLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n') || text === '', `${path} ends with a newline`).to.equal(true);
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

interface PlainLine {
  item: string;
  target: string;
  attributes: Map<string, Json>;
}

function plainItems(path: string): PlainLine[] {
  return ndjsonLines(path).map((line) => {
    const parsed = parseExact(line) as Map<string, Json>;
    return {
      item: parsed.get('item') as string,
      target: parsed.get('target') as string,
      attributes: parsed.get('attributes') as Map<string, Json>,
    };
  });
}

interface Report {
  status: string;
  reconciled: boolean;
  rejects: number;
  asOf: string;
  tables: Record<
    string,
    { read: number; used: number; filtered: number; rejected: number; orphaned: number; files: string[] }
  >;
  items: Record<string, { built: number; written: number; filtered: number }>;
}

// ---------------------------------------------------------------------------------------------

describe('end to end: a generated sample extract through mapc run', function () {
  this.timeout(60000);
  let dir = '';
  let extract = '';
  const out = { customerPlain: '', customerDynamo: '', product: '', customerThreads: '' };
  const results = new Map<keyof typeof out, ProcessResult>();
  let warehouse: Warehouse;
  let expected: ExpectedItems;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-e2e-'));
    extract = join(dir, 'sample.zip');
    Object.assign(out, {
      customerPlain: join(dir, 'customer.ndjson'),
      customerDynamo: join(dir, 'customer.dynamodb.ndjson'),
      product: join(dir, 'product.ndjson'),
      customerThreads: join(dir, 'customer.threads.ndjson'),
    });
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'examples/generate-extract.ts',
        '--customers',
        String(CUSTOMERS),
        '--seed',
        String(SEED),
        '--out',
        extract,
      ],
      { cwd: REPO_ROOT },
    );
    const run = (key: keyof typeof out, mapping: string, ...extra: string[]) =>
      mapc('run', mapping, '--extract', extract, '--out', out[key], ...extra).then(
        (result) => void results.set(key, result),
      );
    await Promise.all([
      run('customerPlain', 'mappings/customer.map'),
      run('customerDynamo', 'mappings/customer.map', '--format', 'dynamodb'),
      run('product', 'mappings/product.map'),
    ]);
    // Alone: its threads should not share the machine with the runs above.
    await run('customerThreads', 'mappings/customer.map', '--threads', '3');
    warehouse = readWarehouse(extract);
    expected = new ExpectedItems(warehouse);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const reportOf = (key: keyof typeof out): Report =>
    JSON.parse(readFileSync(`${out[key]}.report.json`, 'utf8')) as Report;

  for (const key of Object.keys(out) as Array<keyof typeof out>) {
    it(`${key}: exits 0, takes as_of from the manifest, rejects nothing, and every table reconciles with the archive`, () => {
      const result = results.get(key)!;
      expect(result.code, result.stderr).to.equal(0);
      const report = reportOf(key);
      expect(report.status).to.equal('ok');
      expect(report.reconciled).to.equal(true);
      expect(report.asOf).to.equal(new Date(Date.parse(warehouse.extractedAt)).toISOString());
      expect(report.rejects).to.equal(0);
      expect(readFileSync(`${out[key]}.rejects.ndjson`, 'utf8')).to.equal('');
      expect(Object.keys(report.tables).length).to.be.greaterThan(0);
      for (const [table, c] of Object.entries(report.tables)) {
        const sum = `read ${c.read} = used ${c.used} + filtered ${c.filtered} + rejected ${c.rejected} + orphaned ${c.orphaned}`;
        expect(c.read, `${table}: ${sum}`).to.equal(c.used + c.filtered + c.rejected + c.orphaned);
        // Every row the generator wrote was read: the manifest counts them independently.
        expect(c.read, `${table}: rows read vs the manifest's count`).to.equal(warehouse.manifestRows[table]);
      }
      const lines = ndjsonLines(out[key]);
      const [item] = Object.values(report.items);
      expect(item.written).to.equal(lines.length);
      expect(item.built).to.equal(item.written + item.filtered);
    });
  }

  it('customer: three threads holding tables and building items write the same file and report', () => {
    expect(
      readFileSync(out.customerThreads).equals(readFileSync(out.customerPlain)),
      'the items files differ',
    ).to.equal(true);
    const {
      seconds: _a,
      startedAt: _b,
      ...threaded
    } = reportOf('customerThreads') as Report & { seconds?: number; startedAt?: string };
    const {
      seconds: _c,
      startedAt: _d,
      ...single
    } = reportOf('customerPlain') as Report & { seconds?: number; startedAt?: string };
    expect(threaded).to.deep.equal(single);
  });

  it('customer: the table counts are the ones the CSV rows imply', () => {
    const report = reportOf('customerPlain');
    const customersWithItem = warehouse.customers.filter((c) => expected.keptOrders(c.customer_id).length > 0);
    expect(report.tables.customers).to.include({
      read: warehouse.customers.length,
      used: customersWithItem.length,
      filtered: warehouse.customers.length - customersWithItem.length,
      orphaned: 0,
    });
    const keptOrders = customersWithItem.flatMap((c) => expected.keptOrders(c.customer_id));
    expect(report.tables.orders).to.include({
      read: warehouse.orders.length,
      used: keptOrders.length,
      filtered: warehouse.orders.length - keptOrders.length,
      orphaned: 0,
    });
    const keptOrderIds = new Set(keptOrders.map((o) => o.order_id));
    expect(report.tables.order_lines.used).to.equal(warehouse.lines.filter((l) => keptOrderIds.has(l.order_id)).length);
    expect(report.tables.payments.used).to.equal(warehouse.payments.filter((p) => keptOrderIds.has(p.order_id)).length);
  });

  it('customer: hand-checks three customers against their CSV rows (retention edge, cancelled and split payments, most orders)', () => {
    const items = new Map(plainItems(out.customerPlain).map((line) => [line.attributes.get('pk') as string, line]));
    const ordersByCustomer = groupBy(warehouse.orders, 'customer_id');
    const paymentsByOrder = groupBy(warehouse.payments, 'order_id');
    const ordersOf = (c: CsvRow) => ordersByCustomer.get(c.customer_id) ?? [];
    const paymentCount = (c: CsvRow) =>
      ordersOf(c).reduce((n, o) => n + (paymentsByOrder.get(o.order_id)?.length ?? 0), 0);
    const cutoffDay = dateMs(new Date(expected.cutoffMs).toISOString().slice(0, 10));
    const best = (score: (c: CsvRow) => number) => warehouse.customers.reduce((a, b) => (score(b) < score(a) ? b : a));
    const picked = new Set<CsvRow>([
      // The order nearest the retention cutoff (as_of - 9 months is a timestamp, 02:00 on the
      // cutoff day: an order dated that day is before it and dropped).
      best((c) => Math.min(Infinity, ...ordersOf(c).map((o) => Math.abs(dateMs(o.order_date) - cutoffDay)))),
      // A cancelled order (left out), many payments (instalments), no email if possible.
      best((c) =>
        expected.keptOrders(c.customer_id).length === 0
          ? Infinity
          : -(
              Number(ordersOf(c).some((o) => o.status === 'CANCELLED')) * 100 +
              Number(c.email === '') * 50 +
              paymentCount(c)
            ),
      ),
      // The most orders kept (ordering by date, descending, then id).
      best((c) => -expected.keptOrders(c.customer_id).length),
    ]);
    expect(picked.size).to.be.greaterThanOrEqual(2);
    for (const customer of picked) {
      const want = expected.item(customer);
      const got = items.get(`CUST#${customer.customer_id}`);
      if (want === null) {
        expect(got, `customer ${customer.customer_id} keeps no order: no item`).to.equal(undefined);
        continue;
      }
      expect(got, `an item for customer ${customer.customer_id}`).not.to.equal(undefined);
      expect(got!.item).to.equal('Customer');
      expect(got!.target).to.equal('app_table');
      expect(ordered(got!.attributes), `customer ${customer.customer_id}`).to.deep.equal(ordered(want));
    }
  });

  it("customer: every customer's item (or its absence) matches the independent reading", () => {
    const items = new Map(
      plainItems(out.customerPlain).map((line) => [line.attributes.get('pk') as string, line.attributes]),
    );
    const wanted = new Set<string>();
    const differing: string[] = [];
    for (const customer of warehouse.customers) {
      const want = expected.item(customer);
      if (want === null) continue;
      wanted.add(want.get('pk') as string);
      const got = items.get(want.get('pk') as string);
      if (!got || JSON.stringify(ordered(got)) !== JSON.stringify(ordered(want))) differing.push(customer.customer_id);
    }
    expect(differing, 'customers whose item differs').to.deep.equal([]);
    expect([...items.keys()].sort()).to.deep.equal([...wanted].sort());
  });

  it('customer: each DynamoDB item unmarshalls (wrapNumbers) to exactly the plain item', () => {
    const plain = plainItems(out.customerPlain);
    const dynamo = ndjsonLines(out.customerDynamo).map(
      (line) => JSON.parse(line) as { TableName: string; Item: Record<string, never> },
    );
    expect(dynamo.length).to.equal(plain.length);
    expect(plain.length).to.be.greaterThan(100);
    dynamo.forEach((request, i) => {
      expect(Object.keys(request)).to.deep.equal(['TableName', 'Item']);
      expect(request.TableName).to.equal(plain[i].target);
      expect(
        unordered(unmarshall(request.Item, { wrapNumbers: true })),
        `item ${String(plain[i].attributes.get('pk'))}`,
      ).to.deep.equal(unordered(plain[i].attributes));
    });
  });

  it('product: one item per product, with the TTL as_of + 9 months', () => {
    const items = plainItems(out.product);
    expect(items.map((i) => i.attributes.get('pk'))).to.have.members(
      [...warehouse.products.keys()].map((sku) => `PROD#${sku}`),
    );
    const ttl = addMonths(Date.parse(warehouse.extractedAt), RETENTION_MONTHS) / 1000;
    for (const { attributes } of items) {
      const product = warehouse.products.get((attributes.get('pk') as string).slice('PROD#'.length))!;
      expect(attributes.get('description')).to.equal(product.description);
      expect(attributes.get('category')).to.equal(product.category);
      expect(ordered(attributes.get('expires_at')!)).to.deep.equal({ n: String(ttl) });
    }
  });
});
