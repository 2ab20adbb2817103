/*
 * Random small warehouses for the differential test of differential.map: the cell TEXTS of
 * every table (null = an empty field), in the order the rows are written and read, plus the
 * run's as_of. Biased towards what breaks joins and arithmetic: foreign keys that point at
 * nothing (orphans), keys sent twice, nulls, negative and many-digit decimals of mixed
 * scales, dates on and around month ends (Jan 31, Feb 29), and a few cells that cannot be
 * read at all (rejects).
 */
import fc from 'fast-check';

export type Cell = string | null;
export type RawRow = Record<string, Cell>;

export const TABLE_COLUMNS = {
  regions: ['code', 'name', 'rate'],
  accounts: ['account_id', 'name', 'region', 'opened', 'credit', 'tier'],
  orders: ['order_id', 'account_id', 'placed', 'status', 'amount', 'qty', 'ship_to'],
  lines: ['order_id', 'line_no', 'price', 'units'],
  contacts: ['contact_id', 'account_id', 'rank', 'since', 'email'],
} as const;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLE_NAMES = Object.keys(TABLE_COLUMNS) as TableName[];

export interface RawWarehouse {
  /** ISO timestamp with a Z. */
  asOf: string;
  tables: Record<TableName, RawRow[]>;
  /** How each table is laid out in the archive (none of it may change the result). */
  layout: Record<TableName, { splitAt: number; columnOrder: number[]; extraColumn: boolean }>;
}

export interface WarehouseShape {
  /** Let rows sent twice under one key fail a scan filter (either of them). Off in the
   *  property that steers around the runtime's handling of such twins. */
  twinsAcrossScanFilter: boolean;
}

const AS_OF_CHOICES = [
  '2024-05-31T10:00:00Z', // - 3 months = 2024-02-29T10:00
  '2024-03-31T00:00:00Z', // - 3 months = 2023-12-31
  '2024-02-29T23:59:59Z', // - 3 months = 2023-11-29
  '2024-06-30T00:00:00Z', // - 3 months = 2024-03-30
  '2024-05-29T00:00:00Z', // - 3 months = 2024-02-29
  '2023-05-31T12:30:00Z', // - 3 months = 2023-02-28 (not a leap year)
];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Dates mostly in the six months before the as_of choices (where `keep` decides), on the
 * first or last days of a month more often than not.
 */
const dateText: fc.Arbitrary<string> = fc
  .record({
    yearMonth: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          '2023-11',
          '2023-12',
          '2024-01',
          '2024-02',
          '2024-03',
          '2024-04',
          '2024-05',
          '2024-06',
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('2022-12', '2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-08'),
      },
    ),
    day: fc.oneof(fc.constantFrom(1, 2, 15, 28, 29, 30, 31), fc.integer({ min: 1, max: 31 })),
    clamp: fc.nat(19),
  })
  // One date in twenty is left as it is even when the month is too short: a reject.
  .map(({ yearMonth, day, clamp }) => {
    const [year, month] = yearMonth.split('-').map(Number);
    return `${yearMonth}-${pad(clamp === 0 ? day : Math.min(day, daysIn(year, month)))}`;
  });

const UNREADABLE_DATES = ['2023-02-29', '2024-04-31', '2024-13-01', '31/01/2024'];

function decimalText(digits: bigint, scale: number, plus: boolean): string {
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? text : `${text.slice(0, text.length - scale)}.${text.slice(text.length - scale)}`;
  return `${negative ? '-' : plus ? '+' : ''}${body}`;
}

/** Decimals of scale 0 to 6: small, round, and up to 15 digits, negative too. */
function decimalCell(maxDigits: number): fc.Arbitrary<string> {
  const big = 10n ** BigInt(maxDigits);
  return fc
    .record({
      digits: fc.oneof(
        fc.bigInt({ min: -2000n, max: 2000n }),
        fc.constantFrom(0n, 1n, -1n, 5n, 15n, 25n, -25n, 1000n, 100000n),
        fc.bigInt({ min: -big, max: big }),
      ),
      scale: fc.oneof(fc.constantFrom(0, 2, 2, 3), fc.integer({ min: 0, max: 6 })),
      plus: fc.nat(9).map((n) => n === 0),
    })
    .map(({ digits, scale, plus }) => decimalText(digits, scale, plus));
}

function nullable<T extends string>(arbitrary: fc.Arbitrary<T>, nullWeight = 1, valueWeight = 4): fc.Arbitrary<Cell> {
  return fc.oneof({ weight: valueWeight, arbitrary }, { weight: nullWeight, arbitrary: fc.constant(null) });
}

/** A cell that is usually fine and once in a while cannot be read (the row is rejected). */
function sometimesUnreadable(arbitrary: fc.Arbitrary<Cell>, unreadable: string[]): fc.Arbitrary<Cell> {
  return fc.oneof({ weight: 30, arbitrary }, { weight: 1, arbitrary: fc.constantFrom(...unreadable) });
}

const intCell = (min: number, max: number) => fc.integer({ min, max }).map(String);

// Placeholders resolved once the rows are known (resolveKeys): a key of its own, or the key
// of some row of the parent table. Plain numbers are still drawn from small ranges so that
// keys are sent twice and references miss.
const FRESH_KEY = '#fresh';
const idCell = (maxDrawn: number) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(FRESH_KEY) }, { weight: 1, arbitrary: intCell(1, maxDrawn) });
const refCell = (maxDrawn: number) =>
  fc.oneof({ weight: 6, arbitrary: fc.nat(99).map((n) => `@${n}`) }, { weight: 1, arbitrary: intCell(0, maxDrawn) });

const NAMES = ['Ada', 'Bo', 'Smith, J', 'say "hi"', 'Zoë', ' spaced ', 'two\nlines', 'ß-straße', 'x'];
const REGION_CODES = ['N', 'S', 'E', 'W', 'X']; // no region is ever sent with code X
const STATUSES = ['OPEN', 'VOID', 'Done', 'shipped', 'void'];
const EMAILS = ['a@x.io', 'B@Y.IO', 'c@z'];

const regionRow = fc.record({
  code: fc.constantFrom(...REGION_CODES.slice(0, 4)) as fc.Arbitrary<Cell>,
  name: sometimesUnreadable(fc.constantFrom('North', 'South', 'East', 'West, far'), ['']),
  rate: nullable(decimalCell(4)),
});

const accountRow = fc.record({
  account_id: sometimesUnreadable(idCell(8), ['1.0', 'seven']),
  name: nullable(fc.constantFrom(...NAMES)),
  region: nullable(fc.constantFrom(...REGION_CODES)),
  opened: sometimesUnreadable(nullable(dateText), UNREADABLE_DATES),
  credit: nullable(fc.oneof(decimalCell(15), fc.constantFrom('1000', '999.999', '1000.00', '0', '-0.01'))),
  tier: nullable(intCell(0, 4)),
});

const orderRow = fc.record({
  order_id: idCell(25),
  account_id: nullable(refCell(9), 1, 12),
  placed: sometimesUnreadable(nullable(dateText, 1, 8), UNREADABLE_DATES),
  status: sometimesUnreadable(fc.constantFrom(...STATUSES), ['']),
  amount: nullable(decimalCell(15)),
  qty: sometimesUnreadable(nullable(intCell(-1, 5)), ['2.5']),
  ship_to: nullable(fc.constantFrom(...REGION_CODES)),
});

const lineRow = fc.record({
  order_id: refCell(26),
  line_no: intCell(1, 8),
  price: nullable(decimalCell(12)),
  units: sometimesUnreadable(nullable(intCell(0, 6)), ['x']),
});

const contactRow = fc.record({
  contact_id: idCell(15),
  account_id: refCell(9),
  rank: nullable(intCell(0, 3)),
  since: sometimesUnreadable(nullable(dateText), UNREADABLE_DATES),
  email: nullable(fc.constantFrom(...EMAILS)),
});

function layoutOf(
  table: TableName,
  rows: number,
): fc.Arbitrary<{ splitAt: number; columnOrder: number[]; extraColumn: boolean }> {
  const width = TABLE_COLUMNS[table].length;
  return fc.record({
    splitAt: fc.integer({ min: 0, max: rows }),
    columnOrder: fc.shuffledSubarray([...Array(width).keys()], { minLength: width, maxLength: width }),
    extraColumn: fc.boolean(),
  });
}

function resolveKeys(tables: Record<TableName, RawRow[]>): void {
  const fresh = (rows: RawRow[], key: string) =>
    rows.forEach((row, i) => {
      if (row[key] === FRESH_KEY) row[key] = String(i + 1);
    });
  const refer = (rows: RawRow[], column: string, parents: RawRow[], key: string) => {
    for (const row of rows) {
      const cell = row[column];
      if (cell !== null && cell.startsWith('@'))
        row[column] = parents.length === 0 ? '0' : parents[Number(cell.slice(1)) % parents.length][key];
    }
  };
  fresh(tables.accounts, 'account_id');
  fresh(tables.orders, 'order_id');
  fresh(tables.contacts, 'contact_id');
  refer(tables.orders, 'account_id', tables.accounts, 'account_id');
  refer(tables.lines, 'order_id', tables.orders, 'order_id');
  refer(tables.contacts, 'account_id', tables.accounts, 'account_id');
}

/**
 * Keeps every key that is sent twice on the kept side of the scan filters (order status VOID,
 * account tier 3): a later row under the key of a first row the filter drops gets a key of its
 * own, a later row under the key of a first row the filter keeps is kept too.
 */
function keepTwinsOnOneSideOfScanFilters(orders: RawRow[], accounts: RawRow[]): void {
  const separate = (rows: RawRow[], key: string, dropped: (row: RawRow) => boolean, keep: (row: RawRow) => void) => {
    const firstDropped = new Map<Cell, boolean>();
    let fresh = 100;
    for (const row of rows) {
      const first = firstDropped.get(row[key]);
      if (first === undefined) firstDropped.set(row[key], dropped(row));
      else if (first) row[key] = String(fresh++);
      else if (dropped(row)) keep(row);
    }
  };
  separate(
    orders,
    'order_id',
    (o) => o.status === 'VOID',
    (o) => void (o.status = 'OPEN'),
  );
  separate(
    accounts,
    'account_id',
    (a) => a.tier === '3',
    (a) => void (a.tier = null),
  );
}

export function warehouseArbitrary(shape: WarehouseShape): fc.Arbitrary<RawWarehouse> {
  return fc
    .record({
      asOf: fc.constantFrom(...AS_OF_CHOICES),
      tables: fc.record({
        regions: fc.array(regionRow, { maxLength: 6, size: 'max' }),
        accounts: fc.array(accountRow, { maxLength: 15, size: 'max' }),
        orders: fc.array(orderRow, { maxLength: 40, size: 'max' }),
        lines: fc.array(lineRow, { maxLength: 60, size: 'max' }),
        contacts: fc.array(contactRow, { maxLength: 20, size: 'max' }),
      }),
    })
    .chain(({ asOf, tables }) => {
      const copied = Object.fromEntries(
        TABLE_NAMES.map((t) => [t, tables[t].map((r) => ({ ...r }) as RawRow)]),
      ) as Record<TableName, RawRow[]>;
      resolveKeys(copied);
      if (!shape.twinsAcrossScanFilter) keepTwinsOnOneSideOfScanFilters(copied.orders, copied.accounts);
      return fc
        .record(
          Object.fromEntries(TABLE_NAMES.map((t) => [t, layoutOf(t, copied[t].length)])) as {
            [T in TableName]: ReturnType<typeof layoutOf>;
          },
        )
        .map((layout) => ({ asOf, tables: copied, layout }));
    });
}
