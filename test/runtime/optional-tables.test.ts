/*
 * Tables declared `optional` in a preview run (runPlan): an archive without a file of one
 * runs exactly as an archive whose file of it holds no rows (the same items, rejects and
 * counts), and the report marks the table absent. A table not declared optional that has no
 * file still stops the run. (Incremental runs: test/runtime/merge/scenarios.ts.)
 *
 * The warehouse is test/runtime/fixtures/bad-input.map; the runtime reads only the plan, so
 * each case marks one table optional in a copy of its plan.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../runtime/plan/types.js';
import { summarize, type RunReport } from '../../runtime/report/run-report.js';
import { compileMapping, runRecorded, type RecordedRun } from './fixtures/recorded-run.js';
import { zipBytes, type ExtractFiles } from './fixtures/zip-bytes.js';

const MAPPING = fileURLToPath(new URL('./fixtures/bad-input.map', import.meta.url));

const FILES: ExtractFiles = {
  'customers.csv':
    'customer_id,name,score,born,seen_at,active,weight\n1,Ada,12.50,1990-01-31,2026-01-02T03:04:05,true,4\n2,Bruno,,,,,\n',
  'orders.csv': 'order_id,customer_id,qty,divisor,amount,code\n10,1,2,4,10.00,A\n11,2,1,1,3.50,B\n',
  'order_lines.csv': 'order_id,line_no,sku\n10,1,S-1\n10,2,S-2\n11,1,S-3\n',
  'codes.txt': 'A|Apple|\nB|Banana|\n',
};
/** Each table's file, and that file holding no rows (its header only; codes.txt has none). */
const CASES = [
  { table: 'codes', role: 'a lookup', file: 'codes.txt', noRows: '' },
  { table: 'order_lines', role: 'a grouped table', file: 'order_lines.csv', noRows: 'order_id,line_no,sku\n' },
  {
    table: 'orders',
    role: 'a grouped table with children',
    file: 'orders.csv',
    noRows: 'order_id,customer_id,qty,divisor,amount,code\n',
  },
  {
    table: 'customers',
    role: 'the root',
    file: 'customers.csv',
    noRows: 'customer_id,name,score,born,seen_at,active,weight\n',
  },
];

function withOptional(plan: Plan, table: string): Plan {
  const copy = structuredClone(plan);
  copy.tables.find((t) => t.name === table)!.optional = true;
  return copy;
}

function without(name: string): ExtractFiles {
  const files = { ...FILES };
  delete files[name];
  return files;
}

/** What a run produced, without what differs between any two runs (times) or names the files. */
function outcome(run: RecordedRun) {
  const tables = Object.fromEntries(
    Object.entries(run.report.tables).map(([name, { files: _files, absent: _absent, ...counts }]) => [name, counts]),
  );
  return {
    status: run.report.status,
    error: run.report.error,
    written: run.written,
    rejects: run.rejects,
    items: run.report.items,
    tables,
    reconciled: run.report.reconciled,
  };
}

const summaryLine = (report: RunReport, table: string) =>
  summarize(report)
    .split('\n')
    .find((line) => line.startsWith(`${table} `));

describe('runtime: tables declared optional (runPlan)', function () {
  this.timeout(20000);
  const plan = compileMapping(MAPPING);

  for (const { table, role, file, noRows } of CASES) {
    it(`${table} (${role}) without a file runs as with a file of no rows, and is reported absent`, async () => {
      const optional = withOptional(plan, table);
      const empty = await runRecorded(optional, await zipBytes({ ...FILES, [file]: noRows }));
      expect(empty.report.status, empty.report.error).to.equal('ok');
      for (const threads of [1, 2]) {
        const absent = await runRecorded(optional, await zipBytes(without(file)), { threads });
        expect(outcome(absent), `on ${threads} thread(s)`).to.deep.equal(outcome(empty));
        expect(absent.report.tables[table]).to.deep.include({ files: [], absent: true, read: 0 });
        expect(empty.report.tables[table]).to.not.have.property('absent');
        for (const [other, entry] of Object.entries(absent.report.tables))
          if (other !== table) expect(entry, other).to.not.have.property('absent');
      }
    });
  }

  it('what the missing rows leave: lookups find nothing, children are orphaned, no root means no items', async () => {
    const codes = await runRecorded(withOptional(plan, 'codes'), await zipBytes(without('codes.txt')));
    expect(codes.report.items.Customer.written).to.equal(2);
    expect(codes.report.tables.orders).to.include({ read: 2, used: 2 });
    const orders = await runRecorded(withOptional(plan, 'orders'), await zipBytes(without('orders.csv')));
    expect(orders.report.tables.order_lines).to.include({ read: 3, orphaned: 3 });
    expect(orders.report.items.Customer.written).to.equal(2);
    const customers = await runRecorded(withOptional(plan, 'customers'), await zipBytes(without('customers.csv')));
    expect(customers.report.items.Customer.written).to.equal(0);
    expect(customers.report.tables.orders).to.include({ read: 2, orphaned: 2 });
    expect(customers.report.tables.order_lines).to.include({ read: 3, orphaned: 3 });
    for (const run of [codes, orders, customers]) expect(run.report.reconciled).to.equal(true);
  });

  it('shows an absent table in the summary, on its own row', async () => {
    const run = await runRecorded(withOptional(plan, 'codes'), await zipBytes(without('codes.txt')));
    expect(summaryLine(run.report, 'codes')).to.match(/^codes +0 +0 +0 +0 +0   absent: no file in the extract$/);
    expect(summaryLine(run.report, 'orders')).to.not.contain('absent');
  });

  it('still stops the run for a missing table that is not declared optional', async () => {
    const run = await runRecorded(withOptional(plan, 'codes'), await zipBytes(without('orders.csv')), {
      name: 'nightly.zip',
    });
    expect(run.report.status).to.equal('failed');
    expect(run.report.error).to.match(/^nightly\.zip has no file for table orders \(pattern "orders\.csv"\)/);
    expect(run.written).to.have.length(0);
    expect(run.aborted).to.equal(true);
    expect(Object.values(run.report.tables).some((entry) => entry.absent)).to.equal(false);
  });
});
