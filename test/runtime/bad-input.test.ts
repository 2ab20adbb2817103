/*
 * Bad extracts, end to end through runPlan (and `mapc run` where the user sees it):
 *
 *   A. faults that stop the run: nothing may be written (or, when the fault is found while
 *      items are streaming, nothing may become visible), and the message names the file and
 *      says what to do;
 *   B. faults in one row: the row is rejected with its table, file, line, column and a reason,
 *      the run finishes, and every table's counts still add up
 *      (read = used + filtered + rejected + orphaned).
 *
 * The warehouse is test/runtime/fixtures/bad-input.map: customers (root, streamed last),
 * orders (held, grouped), order_lines (composite key) and codes (lookup, no header, trailing
 * delimiter). Each case damages a copy of one small base extract.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reject } from '../../runtime/report/run-state.js';
import type { TableCounts } from '../../runtime/report/run-report.js';
import { mapc, type ProcessResult } from './fixtures/mapc-process.js';
import { fieldEntries, fieldOf, type ItemObject } from '../../runtime/eval/item-value.js';
import { compileMapping, itemWithKey, runRecorded, type RecordedRun } from './fixtures/recorded-run.js';
import { entryDataRange, withDamagedText, zipBytes, type ExtractFiles } from './fixtures/zip-bytes.js';
import { BAD_INPUT_BASE, CUSTOMERS_HEADER } from './fixtures/bad-input-files.js';

const MAPPING = fileURLToPath(new URL('./fixtures/bad-input.map', import.meta.url));
const AS_OF = '2026-11-01T00:00:00Z';

const BASE = BAD_INPUT_BASE;
const TABLE_OF_FILE: Record<string, string> = {
  'customers.csv': 'customers',
  'orders.csv': 'orders',
  'order_lines.csv': 'order_lines',
  'codes.txt': 'codes',
};

function withAppended(changes: Record<string, string | Buffer>): ExtractFiles {
  const files = { ...BASE };
  for (const [name, extra] of Object.entries(changes)) {
    files[name] = Buffer.concat([
      Buffer.from(files[name] as string, 'utf8'),
      Buffer.isBuffer(extra) ? extra : Buffer.from(extra, 'utf8'),
    ]);
  }
  return files;
}

function withReplaced(changes: ExtractFiles): ExtractFiles {
  return { ...BASE, ...changes };
}

function without(name: string): ExtractFiles {
  const files = { ...BASE };
  delete files[name];
  return files;
}

function describeCounts(c: TableCounts): string {
  return `read ${c.read} = used ${c.used} + filtered ${c.filtered} + rejected ${c.rejected} + orphaned ${c.orphaned}`;
}

/** The checks every finished run must pass, whatever was wrong with its rows. */
function expectFinishedAndReconciled(run: RecordedRun): void {
  const { report } = run;
  expect(report.status, report.error).to.equal('ok');
  expect(run.committed, 'the sink is committed').to.equal(true);
  expect(run.aborted, 'the sink is not aborted').to.equal(false);
  for (const [table, counts] of Object.entries(report.tables)) {
    expect(counts.read, `${table}: ${describeCounts(counts)}`).to.equal(
      counts.used + counts.filtered + counts.rejected + counts.orphaned,
    );
    expect(counts.rejected, `${table}: rejected in the report vs rejects written`).to.equal(
      run.rejects.filter((r) => r.table === table).length,
    );
  }
  expect(report.reconciled).to.equal(true);
  expect(report.rejects).to.equal(run.rejects.length);
  expect(report.items.Customer.written).to.equal(run.written.length);
}

// ---------------------------------------------------------------------------------------------
// B. Faults in one row.

interface ExpectedReject {
  table?: string;
  line: number;
  /** undefined: the reject names no column (the fault is about the whole record). */
  column?: string;
  value?: string;
  reason: RegExp;
}

interface RowCase {
  name: string;
  files: ExtractFiles;
  /** The file the rejects come from (their table is the file's table unless they say). */
  file: string;
  rejects: ExpectedReject[];
  counts?: Record<string, Partial<TableCounts>>;
  items?: number;
  check?: (run: RecordedRun) => void;
}

const LONG_INT = '123456789012345678901234567890123456789'; // 39 digits
const NOT_NULLABLE =
  /^column name is empty \(null\) but is not declared nullable \(add \? to its type if empty is allowed\)$/;

function ordersOf(run: RecordedRun, pk: string): Array<Map<string, unknown>> {
  const orders = itemWithKey(run, pk)?.get('orders') as ItemObject[] | undefined;
  return (orders ?? []).map((o) => new Map<string, unknown>(fieldEntries(o)));
}

const ROW_CASES: RowCase[] = [
  {
    name: 'a word in an int column',
    files: withAppended({ 'orders.csv': '12,1,two,1,1.00,A\n' }),
    file: 'orders.csv',
    rejects: [{ line: 4, column: 'qty', value: 'two', reason: /^column qty \(int\): "two" is not a whole number$/ }],
    counts: { orders: { read: 3, used: 2, rejected: 1 } },
    items: 2,
  },
  {
    name: 'a number with a fraction in an int column',
    files: withAppended({ 'orders.csv': '12,1,2.0,1,1.00,A\n' }),
    file: 'orders.csv',
    rejects: [{ line: 4, column: 'qty', value: '2.0', reason: /^column qty \(int\): "2\.0" is not a whole number$/ }],
    counts: { orders: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'a bad decimal',
    files: withAppended({ 'customers.csv': '3,Cid,1.2.3,,,,\n' }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        column: 'score',
        value: '1.2.3',
        reason: /^column score \(decimal\): "1\.2\.3" is not a decimal number$/,
      },
    ],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
    items: 2,
  },
  {
    name: 'a date that is not in the calendar (2026-02-30)',
    files: withAppended({ 'customers.csv': '3,Cid,,2026-02-30,,,\n' }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        column: 'born',
        value: '2026-02-30',
        reason: /^column born \(date\): "2026-02-30" is not a calendar date$/,
      },
    ],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'a timestamp at hour 25',
    files: withAppended({ 'customers.csv': '3,Cid,,,2026-01-02T25:00:00,,\n' }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        column: 'seen_at',
        value: '2026-01-02T25:00:00',
        reason: /^column seen_at \(timestamp\): "2026-01-02T25:00:00" is not a valid time of day$/,
      },
    ],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'a timestamp in another format',
    files: withAppended({ 'customers.csv': '3,Cid,,,02/01/2026 03:04,,\n' }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        column: 'seen_at',
        value: '02/01/2026 03:04',
        reason: /^column seen_at \(timestamp\): "02\/01\/2026 03:04" does not match the format "%Y-%m-%dT%H:%M:%S"$/,
      },
    ],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'an empty value in a column not declared nullable',
    files: withAppended({ 'customers.csv': '3,,,,,,\n' }),
    file: 'customers.csv',
    rejects: [{ line: 4, column: 'name', reason: NOT_NULLABLE }],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'an empty value in a lookup table without a header (columns by position)',
    files: withAppended({ 'codes.txt': 'C||\n' }),
    file: 'codes.txt',
    rejects: [{ line: 3, column: 'label', reason: /^column label is empty \(null\) but is not declared nullable/ }],
    counts: { codes: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'more fields than the header',
    files: withAppended({ 'customers.csv': '3,Cid,,,,,,extra\n' }),
    file: 'customers.csv',
    rejects: [{ line: 4, value: '3,Cid,,,,,,extra', reason: /^expected 7 fields \(as the header has\), found 8$/ }],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'fewer fields than the header',
    files: withAppended({ 'customers.csv': '3,Cid,,,\n' }),
    file: 'customers.csv',
    rejects: [{ line: 4, value: '3,Cid,,,', reason: /^expected 7 fields \(as the header has\), found 5$/ }],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'a stray quote inside an unquoted field (the next line is read)',
    files: withAppended({ 'customers.csv': '3,Ci"d,,,,,\n4,Dan,,,,,\n' }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        column: 'name',
        reason: /^a quote inside a field that is not quoted \(quote the whole field and double the inner quotes\)$/,
      },
    ],
    counts: { customers: { read: 4, used: 3, rejected: 1 } },
    items: 3,
    check: (run) => expect(itemWithKey(run, 'CUST#4')?.get('name')).to.equal('Dan'),
  },
  {
    name: 'bytes that are not UTF-8 (the next line is read)',
    files: withAppended({
      'customers.csv': Buffer.concat([
        Buffer.from('3,Ci'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('d,,,,,\n4,Dan,,,,,\n'),
      ]),
    }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        column: 'name',
        reason:
          /^bytes that are not valid UTF-8; re-export the file as UTF-8, or declare encoding = "latin1" if that is what it is$/,
      },
    ],
    counts: { customers: { read: 4, used: 3, rejected: 1 } },
    items: 3,
    check: (run) => expect(itemWithKey(run, 'CUST#3'), 'no item with U+FFFD in its name').to.equal(undefined),
  },
  {
    name: 'an int of 39 digits',
    files: withAppended({ 'orders.csv': `12,1,${LONG_INT},1,1.00,A\n` }),
    file: 'orders.csv',
    rejects: [
      {
        line: 4,
        column: 'qty',
        value: LONG_INT,
        reason: /^column qty \(int\): "\d{39}" has 39 significant digits; DynamoDB numbers hold at most 38$/,
      },
    ],
    counts: { orders: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'a decimal of 39 digits',
    files: withAppended({ 'customers.csv': `3,Cid,${LONG_INT.slice(0, 20)}.${LONG_INT.slice(20)},,,,\n` }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        column: 'score',
        reason: /^column score \(decimal\): "[\d.]+" has 39 significant digits; DynamoDB numbers hold at most 38$/,
      },
    ],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'a duplicate key in the streamed root table (the first row wins)',
    files: withAppended({ 'customers.csv': '1,Adam,,,,,\n' }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        reason:
          /^duplicate key: the row at customers\.csv:2 has the same customer_id \("1"\); the first one read is kept$/,
      },
    ],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
    items: 2,
    check: (run) => expect(itemWithKey(run, 'CUST#1')?.get('name')).to.equal('Ada'),
  },
  {
    name: 'a duplicate key in a held child table (the first row wins, the reason names it)',
    files: withAppended({ 'orders.csv': '10,2,9,1,1.00,B\n' }),
    file: 'orders.csv',
    rejects: [
      {
        line: 4,
        reason: /^duplicate key: the row at orders\.csv:2 has the same order_id \("10"\); the first one read is kept$/,
      },
    ],
    counts: { orders: { read: 3, used: 2, rejected: 1 } },
    check: (run) => {
      expect(ordersOf(run, 'CUST#1').map((o) => [o.get('id'), o.get('qty')])).to.deep.equal([[10n, 2n]]);
      expect(ordersOf(run, 'CUST#2').map((o) => o.get('id'))).to.deep.equal([11n]);
    },
  },
  {
    name: 'a duplicate composite key inside one group (the first row wins)',
    files: withAppended({ 'order_lines.csv': '10,1,S-9\n' }),
    file: 'order_lines.csv',
    rejects: [
      {
        line: 5,
        reason:
          /^duplicate key: the row at order_lines\.csv:2 has the same order_id, line_no \("10, 1"\); the first one read is kept$/,
      },
    ],
    counts: { order_lines: { read: 4, used: 3, rejected: 1 } },
    check: (run) => {
      const lines = ordersOf(run, 'CUST#1')[0].get('lines') as ItemObject[];
      expect(lines.map((l) => [fieldOf(l, 'line'), fieldOf(l, 'sku')])).to.deep.equal([
        [1n, 'S-1'],
        [2n, 'S-2'],
      ]);
    },
  },
  {
    name: 'a missing trailing delimiter in a table that declares one',
    files: withAppended({ 'codes.txt': 'C|Cherry\n' }),
    file: 'codes.txt',
    rejects: [
      { line: 3, reason: /^the record does not end with a delimiter, but the table declares trailing_delimiter$/ },
    ],
    counts: { codes: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'a bool that is not a bool',
    files: withAppended({ 'customers.csv': '3,Cid,,,,maybe,\n' }),
    file: 'customers.csv',
    rejects: [
      {
        line: 4,
        column: 'active',
        value: 'maybe',
        reason: /^column active \(bool\): "maybe" is not a boolean \(use true\/false, 1\/0 or yes\/no\)$/,
      },
    ],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
  },
  {
    name: 'division by zero while building an element (the child row is rejected, the item is written)',
    files: withAppended({ 'orders.csv': '12,1,1,0,5.00,A\n' }),
    file: 'orders.csv',
    rejects: [{ line: 4, reason: /division by zero/ }],
    counts: { orders: { read: 3, used: 2, rejected: 1 }, customers: { used: 2 } },
    items: 2,
    check: (run) => expect(ordersOf(run, 'CUST#1').map((o) => o.get('id'))).to.deep.equal([10n]),
  },
  {
    name: 'division by zero while building the item (the root row is rejected)',
    files: withAppended({ 'customers.csv': '3,Cid,,,,,0\n' }),
    file: 'customers.csv',
    rejects: [{ line: 4, reason: /division by zero/ }],
    counts: { customers: { read: 3, used: 2, rejected: 1 } },
    items: 2,
  },
  {
    name: 'an orphan: a child whose parent is absent is orphaned, not rejected (and so is its own child)',
    files: withAppended({ 'orders.csv': '12,99,1,1,1.00,A\n', 'order_lines.csv': '12,1,S-9\n' }),
    file: 'orders.csv',
    rejects: [],
    counts: {
      orders: { read: 3, used: 2, rejected: 0, orphaned: 1 },
      order_lines: { read: 4, used: 3, rejected: 0, orphaned: 1 },
    },
    items: 2,
  },
  {
    name: 'control: a quoted field holding the delimiter, a quote and a newline is no fault (and lines stay physical)',
    files: withAppended({ 'customers.csv': '3,"Smith, ""Jr""\nsecond line",,,,,\n\n4,Dan,,,,maybe,\n' }),
    file: 'customers.csv',
    // The bad bool after the two-line record and an empty line is on physical line 7.
    rejects: [{ line: 7, column: 'active', value: 'maybe', reason: /is not a boolean/ }],
    counts: { customers: { read: 4, used: 3, rejected: 1 } },
    items: 3,
    check: (run) => expect(itemWithKey(run, 'CUST#3')?.get('name')).to.equal('Smith, "Jr"\nsecond line'),
  },
  {
    name: 'control: CRLF line endings and a byte order mark do not shift lines or columns',
    files: withReplaced({
      'customers.csv': `\uFEFF${CUSTOMERS_HEADER.replace('\n', '\r\n')}1,Ada,,,,,\r\n2,Bruno,,,,nope,\r\n`,
    }),
    file: 'customers.csv',
    rejects: [{ line: 3, column: 'active', value: 'nope', reason: /is not a boolean/ }],
    counts: { customers: { read: 2, used: 1, rejected: 1 } },
    items: 1,
  },
  {
    name: 'control: lone CR line endings still number lines as an editor shows them',
    files: withReplaced({
      'customers.csv': `${CUSTOMERS_HEADER}1,Ada,,,,,\n2,Bruno,,,,nope,\n`.replaceAll('\n', '\r'),
    }),
    file: 'customers.csv',
    rejects: [{ line: 3, column: 'active', value: 'nope', reason: /is not a boolean/ }],
    counts: { customers: { read: 2, used: 1, rejected: 1 } },
    items: 1,
  },
];

describe('bad input: faults in one row', function () {
  this.timeout(20000);
  const plan = compileMapping(MAPPING);

  for (const testCase of ROW_CASES) {
    it(testCase.name, async () => {
      const run = await runRecorded(plan, await zipBytes(testCase.files), { asOf: AS_OF });
      const table = TABLE_OF_FILE[testCase.file];
      const expected = testCase.rejects.map((r) => ({
        table: r.table ?? table,
        file: testCase.file,
        line: r.line,
        column: r.column,
      }));
      const actual = run.rejects.map((r: Reject) => ({ table: r.table, file: r.file, line: r.line, column: r.column }));
      expect(actual, `rejects: ${JSON.stringify(run.rejects)}`).to.deep.equal(expected);
      testCase.rejects.forEach((r, i) => {
        expect(run.rejects[i].reason).to.match(r.reason);
        if (r.value !== undefined) expect(run.rejects[i].value).to.equal(r.value);
      });
      expectFinishedAndReconciled(run);
      for (const [name, counts] of Object.entries(testCase.counts ?? {})) {
        const actualCounts = run.report.tables[name];
        for (const [key, value] of Object.entries(counts)) {
          expect(actualCounts[key as keyof TableCounts], `${name}.${key}: ${describeCounts(actualCounts)}`).to.equal(
            value,
          );
        }
      }
      if (testCase.items !== undefined) expect(run.written.length).to.equal(testCase.items);
      testCase.check?.(run);
    });
  }

  it('children of a rejected root row are counted alike, whatever the root was rejected for', async () => {
    const child = { 'orders.csv': '12,3,1,1,1.00,A\n', 'order_lines.csv': '12,1,S-9\n' };
    const badCell = await runRecorded(
      plan,
      await zipBytes(withAppended({ ...child, 'customers.csv': '3,Cid,,,,maybe,\n' })),
      { asOf: AS_OF },
    );
    const badExpression = await runRecorded(
      plan,
      await zipBytes(withAppended({ ...child, 'customers.csv': '3,Cid,,,,,0\n' })),
      { asOf: AS_OF },
    );
    for (const run of [badCell, badExpression]) {
      expectFinishedAndReconciled(run);
      expect(run.report.tables.customers.rejected).to.equal(1);
    }
    for (const table of ['orders', 'order_lines']) {
      expect(
        describeCounts(badExpression.report.tables[table]),
        `${table}: root rejected by a division by zero vs by a bad cell`,
      ).to.equal(describeCounts(badCell.report.tables[table]));
    }
  });

  it('the base extract itself has no rejects (the cases above differ from it by their fault only)', async () => {
    const run = await runRecorded(plan, await zipBytes(BASE), { asOf: AS_OF });
    expect(run.rejects).to.deep.equal([]);
    expectFinishedAndReconciled(run);
    expect(run.written.length).to.equal(2);
    for (const counts of Object.values(run.report.tables)) expect(counts.used).to.equal(counts.read);
  });
});

// ---------------------------------------------------------------------------------------------
// A. Faults that stop the run.

/** A root table big enough to be read in several chunks; a marker row near its end. */
function bigCustomers(): string {
  const rows = [CUSTOMERS_HEADER];
  for (let id = 1; id <= 40_000; id++)
    rows.push(`${id},${id === 39_990 ? 'DAMAGE-ME-HERE' : `Customer number ${id}`},,,,,\n`);
  return rows.join('');
}

function expectStoppedBeforeWriting(run: RecordedRun, message: RegExp[]): void {
  expect(run.report.status).to.equal('failed');
  expect(run.written, 'items written before the run stopped').to.have.length(0);
  expect(run.committed).to.equal(false);
  expect(run.aborted).to.equal(true);
  for (const pattern of message) expect(run.report.error, `the error: ${run.report.error}`).to.match(pattern);
}

describe('bad input: faults that stop the run (runPlan)', function () {
  this.timeout(20000);
  const plan = compileMapping(MAPPING);

  it('a table file missing from the archive', async () => {
    const run = await runRecorded(plan, await zipBytes(without('codes.txt')), { name: 'nightly.zip' });
    expectStoppedBeforeWriting(run, [
      /^nightly\.zip has no file for table codes \(pattern "codes\.txt"\)/,
      /The archive holds: customers\.csv, orders\.csv, order_lines\.csv/,
      /Check the table's `from "…"` pattern in the mapping, or ask for the extract again/,
    ]);
  });

  it('a header missing a declared column, in the root table read last: stops before any item', async () => {
    const files = withReplaced({ 'customers.csv': 'customer_id,name,score,born,seen_at,weight\n1,Ada,,,,\n' });
    const run = await runRecorded(plan, await zipBytes(files));
    expectStoppedBeforeWriting(run, [
      /^customers\.csv:1: the header has no column "active" \(declared by table customers\)/,
      /Ask for the column in the extract, or if it has another name there, give that name with header "…"/,
    ]);
  });

  it('a header missing a declared column in one of several files of a table', async () => {
    const files = withReplaced({ 'order_lines.csv': 'order_id,sku\n10,S-1\n' });
    const run = await runRecorded(plan, await zipBytes(files));
    expectStoppedBeforeWriting(run, [/^order_lines\.csv:1: the header has no column "line_no"/]);
  });

  for (const cut of [10, 200]) {
    it(`a truncated archive (${cut} bytes cut off the end)`, async () => {
      const archive = await zipBytes(BASE);
      const run = await runRecorded(plan, archive.subarray(0, archive.length - cut), { name: 'nightly.zip' });
      expectStoppedBeforeWriting(run, [/^nightly\.zip: /, /truncated/, /re-download the extract$/]);
    });
  }

  it('a corrupt archive: a damaged entry of a held table (CRC-32 mismatch) stops before any item', async () => {
    const files = withAppended({ 'orders.csv': '12,2,1,1,7.00,DAMAGE-ME-HERE\n' });
    const run = await runRecorded(plan, withDamagedText(await zipBytes(files, 0), 'DAMAGE-ME-HERE'), {
      name: 'nightly.zip',
    });
    expectStoppedBeforeWriting(run, [
      /^nightly\.zip: entry orders\.csv: CRC-32 is [0-9a-f]{8}, the central directory declares [0-9a-f]{8}/,
      /re-download the extract$/,
    ]);
  });

  it('a corrupt archive: damaged compressed bytes of a held table stop before any item, with what to do', async () => {
    const archive = await zipBytes(
      withAppended({
        'orders.csv': Array.from({ length: 2000 }, (_, i) => `${100 + i},1,${i % 7},1,${i}.25,A\n`).join(''),
      }),
    );
    const { start, end } = entryDataRange(archive, 'orders.csv');
    const damaged = Buffer.from(archive);
    for (let at = start + Math.floor((end - start) / 2); at < start + Math.floor((end - start) / 2) + 8; at++)
      damaged[at] ^= 0x5a;
    const run = await runRecorded(plan, damaged, { name: 'nightly.zip' });
    expectStoppedBeforeWriting(run, [/^nightly\.zip: entry orders\.csv: /, /re-download the extract/]);
  });

  it('a corrupt archive: a damaged entry of the ROOT table, read last: nothing is committed', async () => {
    const archive = withDamagedText(
      await zipBytes(withReplaced({ 'customers.csv': bigCustomers() }), 0),
      'DAMAGE-ME-HERE',
    );
    const run = await runRecorded(plan, archive, { name: 'nightly.zip' });
    expect(run.report.status).to.equal('failed');
    expect(run.committed, 'the sink must not commit').to.equal(false);
    expect(run.aborted, 'the sink must be aborted').to.equal(true);
    expect(run.report.error).to.match(
      /^nightly\.zip: entry customers\.csv: CRC-32 is [0-9a-f]{8}, the central directory declares [0-9a-f]{8} — the archive is corrupt; re-download the extract$/,
    );
  });

  it('more rejects than maxRejects stops the run, naming the last reject', async () => {
    const files = withAppended({ 'orders.csv': '12,1,x,1,1.00,A\n13,1,y,1,1.00,A\n14,1,z,1,1.00,A\n' });
    const stopped = await runRecorded(plan, await zipBytes(files), { maxRejects: 2 });
    expectStoppedBeforeWriting(stopped, [
      /^more than 2 rows were rejected \(the limit set by --max-rejects\); the last: orders\.csv:6: column qty \(int\): "z" is not a whole number$/,
    ]);
    const atTheLimit = await runRecorded(plan, await zipBytes(files), { maxRejects: 3 });
    expectFinishedAndReconciled(atTheLimit);
    expect(atTheLimit.rejects).to.have.length(3);
  });
});

describe('bad input: faults that stop the run (mapc run)', function () {
  this.timeout(30000);
  let dir = '';
  const runs = new Map<string, Promise<ProcessResult>>();
  const out = (name: string) => join(dir, `${name}.ndjson`);

  /** Starts `mapc run` on the extract (all runs go on at once); the test awaits it. */
  const start = (name: string, archive: Buffer, ...extra: string[]) => {
    const extract = join(dir, `${name}.zip`);
    writeFileSync(extract, archive);
    runs.set(name, mapc('run', MAPPING, '--extract', extract, '--out', out(name), ...extra));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-bad-input-'));
    const asOf = ['--as-of', AS_OF];
    start('missing-file', await zipBytes(without('codes.txt')), ...asOf);
    const whole = await zipBytes(BASE);
    start('truncated', whole.subarray(0, whole.length - 100), ...asOf);
    // Without --as-of the extract is opened first to read its manifest.
    start('truncated-no-as-of', whole.subarray(0, whole.length - 100));
    start(
      'corrupt-root',
      withDamagedText(await zipBytes(withReplaced({ 'customers.csv': bigCustomers() }), 0), 'DAMAGE-ME-HERE'),
      ...asOf,
    );
    const rejected = await zipBytes(
      withAppended({ 'orders.csv': '12,1,x,1,1.00,A\n13,1,y,1,1.00,A\n14,1,z,1,1.00,A\n' }),
    );
    start('max-rejects', rejected, ...asOf, '--max-rejects', '2');
    // as_of from the manifest, which counts one order line too many (docs/manifest.md).
    const miscounted = { extractedAt: AS_OF, files: { 'orders.csv': { rows: 2 }, 'order_lines.csv': { rows: 4 } } };
    start('manifest-count', await zipBytes({ ...BASE, '_manifest.json': JSON.stringify(miscounted) }));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const expectNoItemsFile = (name: string) => {
    expect(existsSync(out(name)), 'the items file').to.equal(false);
    expect(existsSync(`${out(name)}.partial`), 'the partial items file').to.equal(false);
  };

  const failedReport = (name: string) =>
    JSON.parse(readFileSync(`${out(name)}.report.json`, 'utf8')) as { status: string; error: string };

  it('a table file missing from the archive: exit 1, no items file, the message names the pattern and what to do', async () => {
    const result = await runs.get('missing-file')!;
    expect(result.code, result.stderr).to.equal(1);
    expectNoItemsFile('missing-file');
    expect(result.stderr).to.match(/missing-file\.zip has no file for table codes \(pattern "codes\.txt"\)/);
    expect(result.stderr).to.contain(
      'Check the table\'s `from "…"` pattern in the mapping, or ask for the extract again',
    );
    expect(failedReport('missing-file').status).to.equal('failed');
  });

  it('a truncated archive: exit 1 (the run stopped), no items file, the message says re-download', async () => {
    const result = await runs.get('truncated')!;
    expect(result.code, result.stderr).to.equal(1);
    expectNoItemsFile('truncated');
    expect(result.stderr).to.match(/truncated\.zip: not a ZIP archive or truncated: .* re-download the extract/);
  });

  it('a truncated archive without --as-of: exit 1 as documented for a stopped run (2 is bad usage), no items file', async () => {
    const result = await runs.get('truncated-no-as-of')!;
    expectNoItemsFile('truncated-no-as-of');
    expect(result.stderr).to.match(
      /truncated-no-as-of\.zip: not a ZIP archive or truncated: .* re-download the extract/,
    );
    expect(result.code, result.stderr).to.equal(1);
  });

  it('a damaged entry of the ROOT table, read last: exit 1, the items file never appears', async () => {
    const result = await runs.get('corrupt-root')!;
    expect(result.code, result.stderr).to.equal(1);
    expectNoItemsFile('corrupt-root');
    expect(result.stderr).to.match(
      /corrupt-root\.zip: entry customers\.csv: CRC-32 is [0-9a-f]{8}, the central directory declares [0-9a-f]{8} — the archive is corrupt; re-download the extract/,
    );
    expect(failedReport('corrupt-root').status).to.equal('failed');
  });

  it('--max-rejects 2 with 3 rejects: exit 1, no items file, the rejects so far are in the rejects file', async () => {
    const result = await runs.get('max-rejects')!;
    expect(result.code, result.stderr).to.equal(1);
    expectNoItemsFile('max-rejects');
    expect(result.stderr).to.contain(
      'more than 2 rows were rejected (the limit set by --max-rejects); the last: orders.csv:6',
    );
    const rejects = readFileSync(`${out('max-rejects')}.rejects.ndjson`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Reject);
    expect(rejects.map((r) => `${r.table} ${r.file}:${r.line} ${r.column}`)).to.deep.equal([
      'orders orders.csv:4 qty',
      'orders orders.csv:5 qty',
      'orders orders.csv:6 qty',
    ]);
  });

  it('a file holding other than its manifest counts: exit 1, no items file, the message names the file, both counts and what to do', async () => {
    const result = await runs.get('manifest-count')!;
    expect(result.code, result.stderr).to.equal(1);
    expectNoItemsFile('manifest-count');
    expect(result.stderr).to.contain(
      'order_lines.csv (table order_lines): _manifest.json counts 4 records, the run read 3. ' +
        'The extract is incomplete, or its manifest is wrong: ask for the extract again.',
    );
    expect(failedReport('manifest-count').status).to.equal('failed');
  });
});
