/*
 * Writing one extract of the sample warehouse as a ZIP of delimited files, streaming: rows
 * are generated, quoted and deflated as they go, so memory stays flat from ten customers to
 * millions. The file layout deliberately exercises the readers:
 *
 *   customers.csv              UTF-8 BOM; header says country_code for the country column,
 *                              created_at comes before it, and an undeclared loyalty_tier
 *                              column is appended
 *   orders_partN.csv           split in parts; an undeclared source_system column
 *   order_lines_partN.csv      split in parts; columns in another order than declared
 *   products.txt               "|"-delimited, no header, a trailing "|" on every line
 *   payments_partN.csv         split in parts; part 1 has a UTF-8 BOM
 *   warehouses.csv             base only (a delta's file has the header and no rows, or
 *                              is left out with omitEmptyTables, as every empty table is)
 *   stock_moves.csv, audit_log.csv
 *   _manifest.json             {"extractedAt": "2026-11-01T02:00:00Z", "sequence": 0, …,
 *                               "rows": {table: count}, "files": {name: {"rows": count}}}:
 *                              the extract's own timestamp (the run's as_of), row counts to
 *                              reconcile against, and each file's rows, which runs check
 *                              (docs/manifest.md)
 *
 * Dates are %Y-%m-%d, timestamps %Y-%m-%dT%H:%M:%SZ (UTC), null is an empty field.
 * The archive is written to "<out>.partial" and renamed when complete, so a crash never
 * leaves a plausible-looking truncated extract behind.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { delimitedLine, type FieldValue } from './delimited-line.js';
import {
  auditEventRow,
  cents,
  customerRow,
  isoTimestamp,
  latePayment,
  orderLine,
  orderLines,
  orderPayments,
  orderRow,
  productRow,
  stockMoveRow,
  warehouseRow,
} from './entities.js';
import { Stream } from './random.js';
import { ZipWriter, type EntrySummary } from './zip-writer.js';
import {
  extractShapes,
  lineCount,
  ordersOf,
  pickOrdersOfPreviousExtract,
  type ExtractShape,
  type WorldSize,
} from './world.js';

export interface ExtractOptions extends WorldSize {
  /** 0 = the base extract, k = the k-th delta after it. */
  sequence: number;
  out: string;
  /** Split tables (orders, order_lines, payments) get at least two parts of at most this many rows. */
  rowsPerPart?: number;
  /** Leave out the files of tables with no rows, as a warehouse's deltas often do (default: an empty file with its header). */
  omitEmptyTables?: boolean;
  /** Write only these tables' files (a refresh set: only orders and their lines, say); their rows may then name parents left out. */
  onlyTables?: string[];
}

export interface ExtractSummary {
  out: string;
  extractedAt: string;
  rows: Record<string, number>;
  entries: EntrySummary[];
}

interface TableLayout {
  table: string;
  extension: 'csv' | 'txt';
  header: string[] | null;
  delimiter: string;
  trailingDelimiter: boolean;
  split: boolean;
  bom: (part: number) => boolean;
}

const BATCH_CHARS = 64 * 1024;
const DEFAULT_ROWS_PER_PART = 500_000;

export async function writeExtract(options: ExtractOptions): Promise<ExtractSummary> {
  const size: WorldSize = {
    seed: options.seed,
    customers: options.customers,
    deltaCustomers: options.deltaCustomers,
    ...(options.extractedAt === undefined ? {} : { extractedAt: options.extractedAt }),
  };
  const shapes = extractShapes(size, options.sequence);
  const shape = shapes[options.sequence];
  const previous = shapes[options.sequence - 1] ?? null;
  const productCount = shape.products.end - 1; // every product created so far
  const partial = `${options.out}.partial`;
  const zip = new ZipWriter(createWriteStream(partial), new Date(shape.extractedAtMs));
  const rows: Record<string, number> = {};
  const files: Record<string, { rows: number }> = {};
  const entries: EntrySummary[] = [];
  const rowsPerPart = options.rowsPerPart ?? DEFAULT_ROWS_PER_PART;

  const writeTable = async (layout: TableLayout, total: number, source: Iterable<FieldValue[]>) => {
    if (options.onlyTables && !options.onlyTables.includes(layout.table)) return;
    rows[layout.table] = total;
    if (total === 0 && options.omitEmptyTables) return;
    const parts = layout.split && total > 1 ? Math.max(2, Math.ceil(total / rowsPerPart)) : 1;
    const perPart = Math.ceil(total / parts);
    const iterator = source[Symbol.iterator]();
    for (let part = 1; part <= parts; part++) {
      const name =
        parts === 1 ? `${layout.table}.${layout.extension}` : `${layout.table}_part${part}.${layout.extension}`;
      const written = { rows: 0 };
      const lines = partLines(
        layout,
        part,
        countedRows(takeRows(iterator, part === parts ? Number.POSITIVE_INFINITY : perPart), written),
      );
      entries.push(await zip.addEntry(name, batched(lines)));
      files[name] = written;
    }
  };

  try {
    await writeTable(CUSTOMERS, countOf(shape.customers), customerRows(size, shape));
    await writeTable(ORDERS, countOf(shape.orders), orderRows(size, shape));
    const lineTotal = countOrderLines(size, shape, previous);
    await writeTable(ORDER_LINES, lineTotal, orderLineRows(size, shape, previous, productCount));
    await writeTable(
      PRODUCTS,
      countOf(shape.products),
      rangeRows(shape.products, (id) => productRow(size, id)),
    );
    await writeTable(PAYMENTS, countOf(shape.payments), paymentRows(size, shape, previous, productCount));
    await writeTable(WAREHOUSES, countOf(shape.warehouses), rangeRows(shape.warehouses, warehouseRow));
    await writeTable(
      STOCK_MOVES,
      countOf(shape.stockMoves),
      rangeRows(shape.stockMoves, (id) => stockMoveRow(size, shape, id, productCount)),
    );
    await writeTable(
      AUDIT_LOG,
      countOf(shape.auditEvents),
      rangeRows(shape.auditEvents, (id) => auditEventRow(size, shape, id)),
    );
    const extractedAt = isoTimestamp(shape.extractedAtMs);
    const manifest = {
      extractedAt,
      sequence: options.sequence,
      seed: options.seed,
      customers: options.customers,
      deltaCustomers: options.deltaCustomers,
      formats: { date: '%Y-%m-%d', timestamp: '%Y-%m-%dT%H:%M:%SZ' },
      rows,
      files,
    };
    entries.push(await zip.addEntry('_manifest.json', [`${JSON.stringify(manifest, null, 2)}\n`]));
    await zip.finish();
    await rename(partial, options.out);
    return { out: options.out, extractedAt, rows, entries };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

const CUSTOMERS: TableLayout = {
  table: 'customers',
  extension: 'csv',
  delimiter: ',',
  trailingDelimiter: false,
  split: false,
  bom: () => true,
  header: ['customer_id', 'name', 'email', 'segment', 'created_at', 'country_code', 'loyalty_tier'],
};
const ORDERS: TableLayout = {
  table: 'orders',
  extension: 'csv',
  delimiter: ',',
  trailingDelimiter: false,
  split: true,
  bom: () => false,
  header: ['order_id', 'customer_id', 'order_date', 'status', 'channel', 'source_system'],
};
const ORDER_LINES: TableLayout = {
  table: 'order_lines',
  extension: 'csv',
  delimiter: ',',
  trailingDelimiter: false,
  split: true,
  bom: () => false,
  header: ['line_no', 'order_id', 'sku', 'qty', 'unit_price'],
};
const PRODUCTS: TableLayout = {
  table: 'products',
  extension: 'txt',
  delimiter: '|',
  trailingDelimiter: true,
  split: false,
  bom: () => false,
  header: null,
};
const PAYMENTS: TableLayout = {
  table: 'payments',
  extension: 'csv',
  delimiter: ',',
  trailingDelimiter: false,
  split: true,
  bom: (part) => part === 1,
  header: ['payment_id', 'order_id', 'paid_at', 'method', 'amount'],
};
const WAREHOUSES: TableLayout = {
  table: 'warehouses',
  extension: 'csv',
  delimiter: ',',
  trailingDelimiter: false,
  split: false,
  bom: () => false,
  header: ['warehouse_id', 'city'],
};
const STOCK_MOVES: TableLayout = {
  table: 'stock_moves',
  extension: 'csv',
  delimiter: ',',
  trailingDelimiter: false,
  split: false,
  bom: () => false,
  header: ['move_id', 'warehouse_id', 'sku', 'moved_at', 'qty'],
};
const AUDIT_LOG: TableLayout = {
  table: 'audit_log',
  extension: 'csv',
  delimiter: ',',
  trailingDelimiter: false,
  split: false,
  bom: () => false,
  header: ['event_id', 'happened_at', 'actor', 'action'],
};

function* customerRows(size: WorldSize, shape: ExtractShape): Generator<FieldValue[]> {
  for (let id = shape.customers.first; id < shape.customers.end; id++) {
    const row = customerRow(size, shape, id);
    yield [row.customer_id, row.name, row.email, row.segment, row.created_at, row.country, row.loyalty_tier];
  }
}

function* orderRows(size: WorldSize, shape: ExtractShape): Generator<FieldValue[]> {
  for (const order of ordersOf(size, shape)) {
    const row = orderRow(size, order);
    yield [row.order_id, row.customer_id, row.order_date, row.status, row.channel, row.source_system];
  }
}

function extraLineOrders(size: WorldSize, shape: ExtractShape, previous: ExtractShape | null): number[] {
  if (previous === null) return [];
  return pickOrdersOfPreviousExtract(
    size.seed,
    Stream.extraLines,
    previous.orders,
    shape.sequence,
    shape.extraLineOrders,
  );
}

function countOrderLines(size: WorldSize, shape: ExtractShape, previous: ExtractShape | null): number {
  let total = extraLineOrders(size, shape, previous).length;
  for (const order of ordersOf(size, shape)) total += lineCount(size.seed, order.orderId);
  return total;
}

function* orderLineRows(
  size: WorldSize,
  shape: ExtractShape,
  previous: ExtractShape | null,
  productCount: number,
): Generator<FieldValue[]> {
  for (const order of ordersOf(size, shape)) {
    for (const line of orderLines(size, order.orderId, productCount)) {
      yield [line.line_no, line.order_id, line.sku, line.qty, cents(line.unitPriceCents)];
    }
  }
  // A line added to an order that came in the previous extract: its order row is not here.
  for (const orderId of extraLineOrders(size, shape, previous)) {
    const line = orderLine(size, orderId, lineCount(size.seed, orderId) + 1, productCount);
    yield [line.line_no, line.order_id, line.sku, line.qty, cents(line.unitPriceCents)];
  }
}

function* paymentRows(
  size: WorldSize,
  shape: ExtractShape,
  previous: ExtractShape | null,
  productCount: number,
): Generator<FieldValue[]> {
  let paymentId = shape.payments.first;
  for (const order of ordersOf(size, shape)) {
    const lines = orderLines(size, order.orderId, productCount);
    const totalCents = lines.reduce((sum, line) => sum + line.qty * line.unitPriceCents, 0);
    for (const payment of orderPayments(size, order, totalCents)) {
      yield [paymentId++, order.orderId, isoTimestamp(payment.paidAtMs), payment.method, cents(payment.amountCents)];
    }
  }
  if (previous === null) return;
  const lateOrders = pickOrdersOfPreviousExtract(
    size.seed,
    Stream.latePayments,
    previous.orders,
    shape.sequence,
    shape.latePaymentOrders,
  );
  for (const orderId of lateOrders) {
    const payment = latePayment(size, shape, orderId);
    yield [paymentId++, orderId, isoTimestamp(payment.paidAtMs), payment.method, cents(payment.amountCents)];
  }
}

function* rangeRows(range: { first: number; end: number }, row: (id: number) => FieldValue[]): Generator<FieldValue[]> {
  for (let id = range.first; id < range.end; id++) yield row(id);
}

function* takeRows(iterator: Iterator<FieldValue[]>, count: number): Generator<FieldValue[]> {
  for (let taken = 0; taken < count; taken++) {
    const next = iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

/** The rows, counted into `written` as they are taken. */
function* countedRows(rows: Iterable<FieldValue[]>, written: { rows: number }): Generator<FieldValue[]> {
  for (const row of rows) {
    written.rows++;
    yield row;
  }
}

function* partLines(layout: TableLayout, part: number, rows: Iterable<FieldValue[]>): Generator<string> {
  const bom = layout.bom(part) ? '\uFEFF' : '';
  if (layout.header !== null) yield bom + delimitedLine(layout.header, layout.delimiter, layout.trailingDelimiter);
  else if (bom !== '') yield bom;
  for (const row of rows) yield delimitedLine(row, layout.delimiter, layout.trailingDelimiter);
}

/** Joins lines into chunks of about 64 KiB: one deflate write per line would be slow. */
function* batched(lines: Iterable<string>): Generator<string> {
  let batch = '';
  for (const line of lines) {
    batch += line;
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

function countOf(range: { first: number; end: number }): number {
  return range.end - range.first;
}
