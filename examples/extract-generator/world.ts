/*
 * The sample warehouse's history: which rows each extract creates, and their ids.
 *
 * Extract 0 (the base) holds the first `customers` customers with everything they did in the
 * twelve months before its extractedAt, by default 2026-11-01T02:00:00Z (the goldens' date;
 * tests that write items to DynamoDB, whose TTL deletes items dated before the wall clock,
 * set a date that does not age). Extract k >= 1 (a delta) holds only the
 * rows created in the six hours after extract k-1: `deltaCustomers` new customers and their
 * orders, new orders for old customers, one extra line on some orders of extract k-1, late
 * payments on some orders of extract k-1, new products, stock moves and audit events.
 * Warehouses come only in the base (a delta's warehouses file has a header and no rows).
 *
 * Ids are consecutive across extracts. An extract's first ids are found by recounting the
 * extracts before it (a census, cheap: it draws counts only), never by reading their files,
 * so any extract can be generated alone, from the seed and the sizes.
 */
import { Random, Stream } from './random.js';

/** The base extract's timestamp unless WorldSize.extractedAt says otherwise. */
export const DEFAULT_EXTRACTED_AT = '2026-11-01T02:00:00Z';
const BASE_HISTORY_MS = 365 * 86_400_000;
const DELTA_INTERVAL_MS = 6 * 3_600_000;

export interface WorldSize {
  seed: number;
  /** Customers in the base extract. */
  customers: number;
  /** New customers in each delta extract. */
  deltaCustomers: number;
  /** The base extract's timestamp, ISO 8601 (default DEFAULT_EXTRACTED_AT); delta k is 6k hours later. */
  extractedAt?: string;
}

export interface Range {
  first: number;
  /** One past the last; empty when equal to first. */
  end: number;
}

export interface ExtractShape {
  sequence: number;
  extractedAtMs: number;
  /** Rows of this extract are created in [windowStartMs, extractedAtMs). */
  windowStartMs: number;
  customers: Range;
  orders: Range;
  payments: Range;
  products: Range;
  stockMoves: Range;
  auditEvents: Range;
  warehouses: Range;
  /** Customers placed before this extract who order again in it. */
  repeatOrders: number;
  /** Orders of the previous extract that get one more line in this one. */
  extraLineOrders: number;
  /** Orders of the previous extract that get one more payment in this one. */
  latePaymentOrders: number;
}

export const ORDER_STATUSES = ['NEW', 'PAID', 'SHIPPED', 'DELIVERED', 'DELIVERED', 'DELIVERED', 'CANCELLED'] as const;
export const WAREHOUSE_COUNT = 8;

/** The shapes of extracts 0..upTo (a delta's ids depend on every extract before it). */
export function extractShapes(size: WorldSize, upTo: number): ExtractShape[] {
  const shapes: ExtractShape[] = [];
  let firstIds = { orders: 1, payments: 1 };
  for (let sequence = 0; sequence <= upTo; sequence++) {
    const shape = shapeWithoutCensus(size, sequence, firstIds);
    let orders = 0;
    let payments = shape.latePaymentOrders;
    for (const order of ordersOf(size, shape)) {
      orders++;
      payments += paymentCount(size.seed, order.orderId);
    }
    shape.orders.end = shape.orders.first + orders;
    shape.payments.end = shape.payments.first + payments;
    shapes.push(shape);
    firstIds = { orders: shape.orders.end, payments: shape.payments.end };
  }
  return shapes;
}

function baseExtractedAtMs(size: WorldSize): number {
  const text = size.extractedAt ?? DEFAULT_EXTRACTED_AT;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || !/^\d{4}-\d\d-\d\dT/.test(text))
    throw new RangeError(`extractedAt "${text}" is not an ISO 8601 timestamp (2026-11-01T02:00:00Z)`);
  return ms;
}

function shapeWithoutCensus(
  size: WorldSize,
  sequence: number,
  firstIds: { orders: number; payments: number },
): ExtractShape {
  const isBase = sequence === 0;
  const newCustomers = isBase ? size.customers : size.deltaCustomers;
  const customersFirst = isBase ? 1 : size.customers + (sequence - 1) * size.deltaCustomers + 1;
  const baseProducts = Math.max(20, Math.ceil(size.customers / 100));
  const deltaProducts = Math.max(1, Math.ceil(baseProducts / 100));
  const productsFirst = isBase ? 1 : baseProducts + (sequence - 1) * deltaProducts + 1;
  const baseMoves = Math.ceil(size.customers / 4);
  const deltaMoves = Math.ceil(size.deltaCustomers / 2);
  const baseEvents = Math.ceil(size.customers / 2);
  const deltaEvents = size.deltaCustomers;
  const extractedAtMs = baseExtractedAtMs(size) + sequence * DELTA_INTERVAL_MS;
  const deltaRepeats = isBase ? 0 : Math.max(1, Math.ceil(size.deltaCustomers / 2));
  const range = (first: number, count: number): Range => ({ first, end: first + count });
  const firstAfter = (base: number, delta: number) => (isBase ? 1 : base + (sequence - 1) * delta + 1);
  return {
    sequence,
    extractedAtMs,
    windowStartMs: isBase ? extractedAtMs - BASE_HISTORY_MS : extractedAtMs - DELTA_INTERVAL_MS,
    customers: range(customersFirst, newCustomers),
    orders: { first: firstIds.orders, end: firstIds.orders }, // the end is set by extractShapes
    payments: { first: firstIds.payments, end: firstIds.payments },
    products: range(productsFirst, isBase ? baseProducts : deltaProducts),
    stockMoves: range(firstAfter(baseMoves, deltaMoves), isBase ? baseMoves : deltaMoves),
    auditEvents: range(firstAfter(baseEvents, deltaEvents), isBase ? baseEvents : deltaEvents),
    warehouses: range(1, isBase ? WAREHOUSE_COUNT : 0),
    repeatOrders: deltaRepeats,
    extraLineOrders: deltaRepeats,
    latePaymentOrders: deltaRepeats,
  };
}

export interface OrderHeader {
  orderId: number;
  customerId: number;
  /** When the order was placed (its order_date is that day). */
  placedAtMs: number;
}

/**
 * The orders this extract creates, in id order: those of its new customers, then one each
 * for `repeatOrders` earlier customers. Placing times fall in the extract's window (and, in
 * the base, after the customer was created).
 */
export function* ordersOf(size: WorldSize, shape: ExtractShape): Generator<OrderHeader> {
  let orderId = shape.orders.first;
  for (let customerId = shape.customers.first; customerId < shape.customers.end; customerId++) {
    const random = new Random(size.seed, Stream.customerOrderCount, customerId);
    const count = shape.sequence === 0 ? random.int(0, 10) : random.int(0, 2);
    const createdAtMs = customerCreatedAt(size.seed, shape, customerId);
    for (let n = 0; n < count; n++) {
      yield {
        orderId,
        customerId,
        placedAtMs: createdAtMs + Math.floor(random.next() * (shape.extractedAtMs - createdAtMs)),
      };
      orderId++;
    }
  }
  const repeats = new Random(size.seed, Stream.repeatCustomers, shape.sequence);
  for (let n = 0; n < shape.repeatOrders; n++) {
    yield {
      orderId,
      customerId: repeats.int(1, shape.customers.first - 1),
      placedAtMs: shape.windowStartMs + Math.floor(repeats.next() * (shape.extractedAtMs - shape.windowStartMs)),
    };
    orderId++;
  }
}

export function customerCreatedAt(seed: number, shape: ExtractShape, customerId: number): number {
  const random = new Random(seed, Stream.customer, customerId);
  // In the base, most customers are created early enough to have a history.
  const span = shape.extractedAtMs - shape.windowStartMs;
  const fraction = shape.sequence === 0 ? random.next() ** 2 : random.next();
  return shape.windowStartMs + Math.floor(fraction * span);
}

export function orderStatus(seed: number, orderId: number): (typeof ORDER_STATUSES)[number] {
  return new Random(seed, Stream.orderShape, orderId).pick(ORDER_STATUSES);
}

export function lineCount(seed: number, orderId: number): number {
  const random = new Random(seed, Stream.orderShape, orderId);
  random.next(); // the status draw
  return random.int(1, 7);
}

/** Cancelled orders are never paid; one in ten is paid in two instalments. */
export function paymentCount(seed: number, orderId: number): number {
  if (orderStatus(seed, orderId) === 'CANCELLED') return 0;
  const random = new Random(seed, Stream.orderShape, orderId);
  random.next();
  random.next();
  return random.chance(0.1) ? 2 : 1;
}

/** `count` distinct order ids drawn from the previous extract's orders (sorted). */
export function pickOrdersOfPreviousExtract(
  seed: number,
  stream: number,
  previous: Range,
  sequence: number,
  count: number,
): number[] {
  const available = previous.end - previous.first;
  const wanted = Math.min(count, available);
  const random = new Random(seed, stream, sequence);
  const picked = new Set<number>();
  while (picked.size < wanted) picked.add(random.int(previous.first, previous.end - 1));
  return [...picked].sort((a, b) => a - b);
}
