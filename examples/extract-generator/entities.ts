/*
 * The rows themselves: one pure function per table, from (seed, id, extract shape) to the
 * values of that row in declared column order (as examples/warehouse.map declares them).
 * Text is chosen to exercise readers: names with commas and quotes, descriptions with the
 * pipe delimiter, quotes and line breaks, non-ASCII cities, empty nullable fields.
 * Money is computed in integer cents and printed as a decimal with two places.
 */
import type { FieldValue } from './delimited-line.js';
import { Random, Stream } from './random.js';
import {
  customerCreatedAt,
  lineCount,
  orderStatus,
  paymentCount,
  WAREHOUSE_COUNT,
  type ExtractShape,
  type OrderHeader,
  type WorldSize,
} from './world.js';

const FIRST_NAMES = [
  'Ada',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Grace',
  'Hiro',
  'Inès',
  'José',
  'Katarzyna',
  'Liam',
];
const LAST_NAMES = [
  'Okafor',
  'Müller',
  "O'Brien",
  'Nguyen',
  'García',
  'Smith, Jr.',
  'Kowalski',
  'Tanaka',
  'Rossi',
  'Dubois',
];
const SEGMENTS = ['RETAIL', 'SMB', 'ENTERPRISE'];
const COUNTRIES = ['FR', 'DE', 'GB', 'US', 'JP', 'BR', 'NG', 'PL'];
const LOYALTY_TIERS = ['', 'silver', 'gold'];
const CHANNELS = ['web', 'store', 'phone', null];
const PAYMENT_METHODS = ['card', 'paypal', 'bank transfer', 'gift card'];
const CATEGORIES = ['tools', 'garden', 'kitchen', 'office', 'toys'];
const ADJECTIVES = ['Sturdy', 'Compact', 'Deluxe', 'Eco', 'Pro', 'Mini'];
const NOUNS = ['hammer', 'kettle', 'stapler', 'hose', 'lamp', 'drill', 'puzzle'];
const CITIES = ['Lyon', 'Saint-Denis, Réunion', 'Zürich', 'São Paulo', 'Kraków', 'Lagos', 'Ōsaka', 'Leeds'];
const ACTORS = ['system', 'etl', 'alice', 'bob', 'carol'];
const ACTIONS = ['login', 'export', 'price change', 'refund approved', 'note: "call back"', 'multi-line\nnote'];

export function customerRow(size: WorldSize, shape: ExtractShape, customerId: number) {
  const random = new Random(size.seed, Stream.customer, customerId);
  random.next(); // the creation-time draw, see customerCreatedAt
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  // A nickname in quotes now and then, so quoted fields with inner quotes are common.
  const name = random.chance(0.05) ? `${first} "${first.slice(0, 3)}" ${last}` : `${first} ${last}`;
  const email = random.chance(0.1) ? null : `${first}.${customerId}@example.com`.toLowerCase();
  return {
    customer_id: customerId,
    name,
    email,
    segment: random.pick(SEGMENTS),
    country: random.pick(COUNTRIES),
    created_at: isoTimestamp(customerCreatedAt(size.seed, shape, customerId)),
    loyalty_tier: random.pick(LOYALTY_TIERS),
  };
}

export function orderRow(size: WorldSize, order: OrderHeader) {
  const random = new Random(size.seed, Stream.order, order.orderId);
  return {
    order_id: order.orderId,
    customer_id: order.customerId,
    order_date: isoDate(order.placedAtMs),
    status: orderStatus(size.seed, order.orderId),
    channel: random.pick(CHANNELS),
    source_system: random.chance(0.5) ? 'erp' : 'shop',
  };
}

export interface OrderLine {
  order_id: number;
  line_no: number;
  sku: string;
  qty: number;
  unitPriceCents: number;
}

/** Lines 1..n of an order, drawn from the products that existed when it was placed. */
export function orderLines(size: WorldSize, orderId: number, productCount: number): OrderLine[] {
  const count = lineCount(size.seed, orderId);
  const lines: OrderLine[] = [];
  for (let lineNo = 1; lineNo <= count; lineNo++) lines.push(orderLine(size, orderId, lineNo, productCount));
  return lines;
}

export function orderLine(size: WorldSize, orderId: number, lineNo: number, productCount: number): OrderLine {
  const random = new Random(size.seed, Stream.orderLines, orderId * 16 + lineNo);
  const productNumber = random.int(1, productCount);
  const listPrice = productListPriceCents(size.seed, productNumber);
  const discountPercent = random.pick([0, 0, 0, 5, 10, 25]);
  const basePrice = listPrice ?? random.int(100, 20_000);
  return {
    order_id: orderId,
    line_no: lineNo,
    sku: sku(productNumber),
    qty: random.int(1, 5),
    unitPriceCents: basePrice - Math.floor((basePrice * discountPercent) / 100),
  };
}

/** The payments of a new order: the whole total, or two instalments. */
export function orderPayments(size: WorldSize, order: OrderHeader, totalCents: number) {
  const count = paymentCount(size.seed, order.orderId);
  const random = new Random(size.seed, Stream.payment, order.orderId);
  const method = random.pick(PAYMENT_METHODS);
  const firstPaidAt = order.placedAtMs + random.int(0, 3_600_000);
  if (count === 0) return [];
  if (count === 1) return [{ paidAtMs: firstPaidAt, method, amountCents: totalCents }];
  const firstAmount = Math.floor(totalCents / 2);
  return [
    { paidAtMs: firstPaidAt, method, amountCents: firstAmount },
    { paidAtMs: firstPaidAt + random.int(60_000, 86_400_000), method, amountCents: totalCents - firstAmount },
  ];
}

/** A late payment on an order of the previous extract: a small top-up, paid in this window. */
export function latePayment(size: WorldSize, shape: ExtractShape, orderId: number) {
  const random = new Random(size.seed, Stream.latePayments, orderId);
  return {
    paidAtMs: shape.windowStartMs + random.int(0, shape.extractedAtMs - shape.windowStartMs - 1),
    method: random.pick(PAYMENT_METHODS),
    amountCents: random.int(100, 5_000),
  };
}

export function productRow(size: WorldSize, productNumber: number): FieldValue[] {
  const random = new Random(size.seed, Stream.product, productNumber);
  let description = `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`;
  if (random.chance(0.1)) description += ' | 2-pack'; // the delimiter inside a quoted field
  if (random.chance(0.05)) description += ', "limited" edition';
  if (random.chance(0.03)) description += '\nsecond line of the description';
  const listPrice = productListPriceCents(size.seed, productNumber);
  return [sku(productNumber), description, random.pick(CATEGORIES), listPrice === null ? null : cents(listPrice)];
}

/** null for one product in twenty: the column is nullable. */
export function productListPriceCents(seed: number, productNumber: number): number | null {
  const random = new Random(seed, Stream.product, productNumber + 1_000_000_000);
  return random.chance(0.05) ? null : random.int(199, 99_999);
}

export function warehouseRow(warehouseId: number): FieldValue[] {
  return [warehouseId, CITIES[(warehouseId - 1) % CITIES.length]];
}

export function stockMoveRow(size: WorldSize, shape: ExtractShape, moveId: number, productCount: number): FieldValue[] {
  const random = new Random(size.seed, Stream.stockMove, moveId);
  const sign = random.chance(0.3) ? -1 : 1;
  return [
    moveId,
    random.int(1, WAREHOUSE_COUNT),
    sku(random.int(1, productCount)),
    isoTimestamp(shape.windowStartMs + random.int(0, shape.extractedAtMs - shape.windowStartMs - 1)),
    sign * random.int(1, 500),
  ];
}

export function auditEventRow(size: WorldSize, shape: ExtractShape, eventId: number): FieldValue[] {
  const random = new Random(size.seed, Stream.auditEvent, eventId);
  return [
    eventId,
    isoTimestamp(shape.windowStartMs + random.int(0, shape.extractedAtMs - shape.windowStartMs - 1)),
    random.pick(ACTORS),
    random.pick(ACTIONS),
  ];
}

export function sku(productNumber: number): string {
  return `SKU-${String(productNumber).padStart(6, '0')}`;
}

export function cents(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const absolute = Math.abs(amount);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** "2026-03-04T12:34:56Z": the timestamp format the sample warehouse uses (whole seconds). */
export function isoTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
