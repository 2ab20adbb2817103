/*
 * Duplicate keys in the tables a run holds (lookups, grouped children): the first row read
 * under a key wins, kept or dropped by a scan filter, and every later row with that key is
 * rejected naming the key and the file and line of the first (docs/running.md, "Duplicate
 * keys in one extract"), on one thread or several.
 *
 * The warehouse is fixtures/bad-input.map with a filter on orders that the planner pushes
 * into their scan (o.qty > 0), so that a twin can meet a first row the filter dropped.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../runtime/plan/types.js';
import { BAD_INPUT_BASE } from './fixtures/bad-input-files.js';
import { compileMapping, runRecorded } from './fixtures/recorded-run.js';
import { zipBytes } from './fixtures/zip-bytes.js';

const BAD_INPUT_MAP = fileURLToPath(new URL('./fixtures/bad-input.map', import.meta.url));
const BASE = BAD_INPUT_BASE;
const ORDERS_HEADER = 'order_id,customer_id,qty,divisor,amount,code\n';

describe('duplicate keys in held tables', function () {
  this.timeout(60_000);
  let dir: string;
  let plan: Plan;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-held-duplicates-'));
    const mapping = join(dir, 'held.map');
    const text = readFileSync(BAD_INPUT_MAP, 'utf8').replace(
      'each o in c.orders order by',
      'each o in c.orders where o.qty > 0 order by',
    );
    writeFileSync(mapping, text);
    plan = compileMapping(mapping);
    expect(
      plan.tables.find((t) => t.name === 'orders')!.filters,
      'the filter is pushed into the scan of orders',
    ).to.have.length(1);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<{
    name: string;
    files: Record<string, string>;
    table: string;
    file: string;
    line: number;
    reason: string;
  }> = [
    {
      name: 'a lookup table',
      files: { 'codes.txt': 'A|Apple|\nB|Banana|\nA|Avocado|\n' },
      table: 'codes',
      file: 'codes.txt',
      line: 3,
      reason: 'duplicate key: the row at codes.txt:1 has the same code ("A"); the first one read is kept',
    },
    {
      name: 'a grouped child table, both rows kept by the filter',
      files: { 'orders.csv': `${ORDERS_HEADER}10,1,2,4,10.00,A\n11,2,1,1,3.50,B\n10,2,9,1,1.00,B\n` },
      table: 'orders',
      file: 'orders.csv',
      line: 4,
      reason: 'duplicate key: the row at orders.csv:2 has the same order_id ("10"); the first one read is kept',
    },
    {
      name: 'a grouped child table whose first row the scan filter dropped',
      files: { 'orders.csv': `${ORDERS_HEADER}10,1,2,4,10.00,A\n11,2,1,1,3.50,B\n12,1,0,1,1.00,A\n12,1,5,1,1.00,A\n` },
      table: 'orders',
      file: 'orders.csv',
      line: 5,
      reason: 'duplicate key: the row at orders.csv:4 has the same order_id ("12"); the first one read is kept',
    },
    {
      name: 'a grouped child table whose twin the scan filter drops',
      files: { 'orders.csv': `${ORDERS_HEADER}10,1,2,4,10.00,A\n11,2,1,1,3.50,B\n10,1,0,1,1.00,A\n` },
      table: 'orders',
      file: 'orders.csv',
      line: 4,
      reason: 'duplicate key: the row at orders.csv:2 has the same order_id ("10"); the first one read is kept',
    },
    {
      name: 'a grouped child table whose two rows the scan filter drops',
      files: { 'orders.csv': `${ORDERS_HEADER}10,1,2,4,10.00,A\n11,2,1,1,3.50,B\n12,1,0,1,1.00,A\n12,2,0,1,1.00,A\n` },
      table: 'orders',
      file: 'orders.csv',
      line: 5,
      reason: 'duplicate key: the row at orders.csv:4 has the same order_id ("12"); the first one read is kept',
    },
    {
      name: 'a composite key inside one group',
      files: { 'order_lines.csv': 'order_id,line_no,sku\n10,1,S-1\n10,2,S-2\n11,1,S-3\n10,2,S-9\n' },
      table: 'order_lines',
      file: 'order_lines.csv',
      line: 5,
      reason:
        'duplicate key: the row at order_lines.csv:3 has the same order_id, line_no ("10, 2"); the first one read is kept',
    },
  ];

  for (const threads of [1, 2]) {
    for (const { name, files, table, file, line, reason } of cases) {
      it(`${name} (${threads} thread${threads === 1 ? '' : 's'}): the reject names the key and the first row's file and line`, async () => {
        const run = await runRecorded(plan, await zipBytes({ ...BASE, ...files }), { threads });
        expect(run.report.status, run.report.error).to.equal('ok');
        expect(run.report.reconciled).to.equal(true);
        expect(run.rejects).to.deep.equal([{ table, file, line, reason }]);
      });
    }
  }
});
