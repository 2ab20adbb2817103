import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listEntries, type ArchiveEntry } from '../../runtime/archive/central-directory.js';
import { openEntry } from '../../runtime/archive/entry-stream.js';
import { LocalFileSource } from '../../runtime/archive/local-file-source.js';
import { matchEntries } from '../../runtime/archive/match-entries.js';
import { readCsvRecords } from '../../runtime/csv/read-records.js';
import type { ColumnType, PlanColumn, PlanFormat, PlanTable } from '../../runtime/plan/types.js';
import { compileCellCaster } from '../../runtime/values/cast-cell.js';
import { writeExtract } from '../../examples/extract-generator/write-extract.js';

const FORMAT: PlanFormat = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  trailingDelimiter: false,
  encoding: 'utf-8',
  nullTokens: [''],
  dateFormat: '%Y-%m-%d',
  timestampFormat: '%Y-%m-%dT%H:%M:%S',
};

/** The tables of examples/warehouse.map, as the compiler would plan them (every column projected). */
function planTable(name: string, pattern: string, spec: string, format: Partial<PlanFormat> = {}): PlanTable {
  const columns: PlanColumn[] = spec
    .trim()
    .split(/\s*,\s*/)
    .map((part, position) => {
      const [declared, type, header] = part.split(/\s+/);
      const name = declared.replace('?', '');
      return { name, header: header ?? name, position, type: type as ColumnType, nullable: declared.endsWith('?') };
    });
  return {
    name,
    pattern,
    format: { ...FORMAT, ...format },
    declaredHeaders: columns.map((column) => column.header),
    columns,
    key: [],
    filters: [],
    roles: [],
  };
}

const WAREHOUSE: PlanTable[] = [
  planTable(
    'customers',
    'customers*.csv',
    'customer_id int, name string, email? string, segment string, country string country_code, created_at timestamp',
  ),
  planTable('orders', 'orders*.csv', 'order_id int, customer_id int, order_date date, status string, channel? string'),
  planTable('order_lines', 'order_lines*.csv', 'order_id int, line_no int, sku string, qty int, unit_price decimal'),
  planTable('products', 'products*.txt', 'sku string, description string, category string, list_price? decimal', {
    delimiter: '|',
    header: false,
    trailingDelimiter: true,
  }),
  planTable(
    'payments',
    'payments*.csv',
    'payment_id int, order_id int, paid_at timestamp, method string, amount decimal',
  ),
  planTable('warehouses', 'warehouses*.csv', 'warehouse_id int, city string'),
  planTable(
    'stock_moves',
    'stock_moves*.csv',
    'move_id int, warehouse_id int, sku string, moved_at timestamp, qty int',
  ),
  planTable('audit_log', 'audit_log*.csv', 'event_id int, happened_at timestamp, actor string, action string'),
];

type Rows = Record<string, Array<Record<string, unknown>>>;

/** Every table of an extract, cast; any fault or reject fails the test. `records`: each file's. */
async function readExtract(path: string): Promise<{
  rows: Rows;
  records: Record<string, number>;
  entries: ArchiveEntry[];
  manifest: Record<string, unknown>;
}> {
  const source = new LocalFileSource(path);
  try {
    const entries = await listEntries(source);
    const rows: Rows = {};
    const records: Record<string, number> = {};
    for (const table of WAREHOUSE) {
      const casters = table.columns.map((column) => compileCellCaster(column, table.format));
      rows[table.name] = [];
      for (const entry of matchEntries(entries, table.pattern)) {
        for await (const item of readCsvRecords(openEntry(source, entry), table, entry.name)) {
          if (item.kind === 'fault') throw new Error(`${item.file}:${item.line}: ${item.reason}`);
          const row: Record<string, unknown> = {};
          item.cells.forEach((cell, index) => {
            const cast = casters[index](cell);
            if (!cast.ok) throw new Error(`${entry.name}:${item.line}: ${cast.reason}`);
            row[table.columns[index].name] = cast.value;
          });
          rows[table.name].push(row);
          records[entry.name] = (records[entry.name] ?? 0) + 1;
        }
      }
    }
    const manifestEntry = entries.find((entry) => entry.name === '_manifest.json') as ArchiveEntry;
    const chunks: Buffer[] = [];
    for await (const chunk of openEntry(source, manifestEntry)) chunks.push(chunk as Buffer);
    return { rows, records, entries, manifest: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } finally {
    await source.close();
  }
}

describe('examples/generate-extract', function () {
  this.timeout(20_000);
  let folder: string;
  const size = { seed: 7, customers: 40, deltaCustomers: 6, rowsPerPart: 60 };

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'mapc-extract-'));
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes the same bytes for the same flags, other bytes for another seed', async () => {
    await writeExtract({ ...size, sequence: 0, out: join(folder, 'a.zip') });
    await writeExtract({ ...size, sequence: 0, out: join(folder, 'b.zip') });
    await writeExtract({ ...size, seed: 8, sequence: 0, out: join(folder, 'c.zip') });
    const a = readFileSync(join(folder, 'a.zip'));
    expect(a.equals(readFileSync(join(folder, 'b.zip')))).to.equal(true);
    expect(a.equals(readFileSync(join(folder, 'c.zip')))).to.equal(false);
  });

  it('reads back with the archive and CSV readers: every row parses and casts, counts match the manifest', async () => {
    const summary = await writeExtract({ ...size, sequence: 0, out: join(folder, 'base.zip') });
    const { rows, records, entries, manifest } = await readExtract(join(folder, 'base.zip'));
    for (const table of WAREHOUSE) expect(rows[table.name].length, table.name).to.equal(summary.rows[table.name]);
    expect(manifest).to.deep.include({ extractedAt: '2026-11-01T02:00:00Z', sequence: 0, rows: summary.rows });
    // Each file's records, as a run checks them (docs/manifest.md).
    const files = Object.fromEntries(
      entries.filter((e) => e.name !== '_manifest.json').map((e) => [e.name, { rows: records[e.name] ?? 0 }]),
    );
    expect(manifest.files).to.deep.equal(files);
    expect(rows.customers.map((row) => row.customer_id)).to.deep.equal(
      Array.from({ length: 40 }, (_, i) => BigInt(i + 1)),
    );
    expect(matchEntries(entries, 'orders*.csv').length, 'orders come in parts').to.be.greaterThan(1);
    expect(
      rows.customers.some((row) => row.email === null),
      'some nullable values are empty',
    ).to.equal(true);
    expect(
      rows.products.some((row) => String(row.description).includes('|')),
      'a quoted delimiter',
    ).to.equal(true);
    expect(
      rows.audit_log.some((row) => String(row.action).includes('\n')),
      'a quoted newline',
    ).to.equal(true);
    // Every order line and payment points at an order, every order at a customer.
    const orderIds = new Set(rows.orders.map((row) => row.order_id));
    const customerIds = new Set(rows.customers.map((row) => row.customer_id));
    expect(rows.orders.every((row) => customerIds.has(row.customer_id))).to.equal(true);
    expect(rows.order_lines.every((row) => orderIds.has(row.order_id))).to.equal(true);
    expect(rows.payments.every((row) => orderIds.has(row.order_id))).to.equal(true);
    // Dates fall in the twelve months before the reference date.
    const days = rows.orders.map((row) => (row.order_date as { days: number }).days);
    expect(Math.min(...days)).to.be.at.least(Date.UTC(2025, 10, 1) / 86_400_000);
    expect(Math.max(...days)).to.be.below(Date.UTC(2026, 10, 2) / 86_400_000);
  });

  it('dates an extract from the extractedAt given: the same rows, a century later', async () => {
    await writeExtract({ ...size, sequence: 1, out: join(folder, 'delta1-2026.zip') });
    await writeExtract({
      ...size,
      extractedAt: '2126-11-01T02:00:00Z',
      sequence: 1,
      out: join(folder, 'delta1-2126.zip'),
    });
    const then = await readExtract(join(folder, 'delta1-2026.zip'));
    const later = await readExtract(join(folder, 'delta1-2126.zip'));
    expect(later.manifest).to.deep.include({ extractedAt: '2126-11-01T08:00:00Z', sequence: 1 });
    expect(later.rows.orders.map((row) => row.order_id)).to.deep.equal(then.rows.orders.map((row) => row.order_id));
    const days = later.rows.orders.map((row) => (row.order_date as { days: number }).days);
    expect(Math.min(...days)).to.be.at.least(Date.UTC(2126, 10, 1) / 86_400_000);
    expect(Math.max(...days)).to.be.below(Date.UTC(2126, 10, 2) / 86_400_000);
  });

  it('refuses an extractedAt that is not an ISO timestamp', async () => {
    let error: unknown;
    await writeExtract({ ...size, extractedAt: 'next tuesday', sequence: 0, out: join(folder, 'bad.zip') }).catch(
      (e: unknown) => (error = e),
    );
    expect(String(error)).to.include('extractedAt "next tuesday" is not an ISO 8601 timestamp');
  });

  it('writes deltas holding only rows created after the extract before them', async () => {
    await writeExtract({ ...size, sequence: 0, out: join(folder, 'base.zip') });
    await writeExtract({ ...size, sequence: 1, out: join(folder, 'delta1.zip') });
    await writeExtract({ ...size, sequence: 2, out: join(folder, 'delta2.zip') });
    const base = (await readExtract(join(folder, 'base.zip'))).rows;
    const delta1 = await readExtract(join(folder, 'delta1.zip'));
    const delta2 = (await readExtract(join(folder, 'delta2.zip'))).rows;
    expect(delta1.manifest).to.deep.include({ extractedAt: '2026-11-01T08:00:00Z', sequence: 1 });

    const ids = (rows: Rows, table: string, column: string) => rows[table].map((row) => row[column] as bigint);
    const max = (values: bigint[]) => values.reduce((a, b) => (a > b ? a : b), 0n);
    for (const [table, column] of [
      ['customers', 'customer_id'],
      ['orders', 'order_id'],
      ['payments', 'payment_id'],
      ['stock_moves', 'move_id'],
      ['audit_log', 'event_id'],
    ]) {
      const before = max(ids(base, table, column));
      const fresh = ids(delta1.rows, table, column);
      expect(fresh.length, table).to.be.greaterThan(0);
      expect(
        fresh.every((id) => id > before),
        `${table} ids after the base`,
      ).to.equal(true);
      expect(
        ids(delta2, table, column).every((id) => id > max(fresh)),
        `${table} ids after delta 1`,
      ).to.equal(true);
    }
    const baseSkus = new Set(base.products.map((row) => row.sku));
    expect(delta1.rows.products.every((row) => !baseSkus.has(row.sku))).to.equal(true);
    expect(delta1.rows.warehouses).to.deep.equal([]);

    // New orders for old customers, new lines and payments for old orders, with consistent ids.
    const baseCustomers = new Set(ids(base, 'customers', 'customer_id'));
    expect(delta1.rows.orders.some((row) => baseCustomers.has(row.customer_id as bigint))).to.equal(true);
    const baseLines = new Map<bigint, bigint>();
    for (const row of base.order_lines) {
      const order = row.order_id as bigint;
      const lineNo = row.line_no as bigint;
      baseLines.set(order, lineNo > (baseLines.get(order) ?? 0n) ? lineNo : (baseLines.get(order) as bigint));
    }
    const oldOrderLines = delta1.rows.order_lines.filter((row) => baseLines.has(row.order_id as bigint));
    expect(oldOrderLines.length).to.be.greaterThan(0);
    for (const row of oldOrderLines)
      expect(row.line_no).to.equal((baseLines.get(row.order_id as bigint) as bigint) + 1n);
    const newOrders = new Set(ids(delta1.rows, 'orders', 'order_id'));
    expect(
      delta1.rows.order_lines.every(
        (row) => newOrders.has(row.order_id as bigint) || baseLines.has(row.order_id as bigint),
      ),
    ).to.equal(true);
    const baseOrders = new Set(ids(base, 'orders', 'order_id'));
    expect(delta1.rows.payments.some((row) => baseOrders.has(row.order_id as bigint))).to.equal(true);
    // Lines for old orders in delta 2 are for delta 1's orders: each order gets one extra line at most.
    expect(delta2.order_lines.every((row) => !baseOrders.has(row.order_id as bigint))).to.equal(true);
  });
});
