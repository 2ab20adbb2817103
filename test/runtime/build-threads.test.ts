/*
 * Building items on several threads must not change anything a run produces: the items file
 * byte for byte, the rejects in their order, the counts. A synthetic extract of the
 * bad-input warehouse, large enough for dozens of root batches, carries faults of every kind
 * found while reading and while building (bad cells, duplicate keys, a failing root
 * expression, failing child rows, orphans), spread over the batches.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../runtime/plan/types.js';
import { canBuildInParallel } from '../../runtime/assemble/build-threads.js';
import { HeldTable } from '../../runtime/hold/held-table.js';
import { runPlan } from '../../runtime/run/run-plan.js';
import type { RunReport } from '../../runtime/report/run-report.js';
import type { Reject } from '../../runtime/report/run-state.js';
import { NdjsonSink, type NdjsonFormat } from '../../runtime/sinks/ndjson-sink.js';
import { MemoryByteSource } from './differential/memory-extract.js';
import { compileMapping } from './fixtures/recorded-run.js';
import { withDamagedText, zipBytes } from './fixtures/zip-bytes.js';

const MAPPING = fileURLToPath(new URL('./fixtures/bad-input.map', import.meta.url));
const CUSTOMERS = 12_000;

/** Each order lists the orders of its customer (looked up): one order sits under many roots. */
const SIBLINGS_MAPPING = `mapping siblings
table customers from "customers.csv" {
  customer_id int key
  name string
}
table orders from "orders.csv" {
  order_id int key
  customer_id int -> customers
  qty int
}
target t {
  partition key pk
  sort key sk
}
item Order into t {
  from orders as o
  pk = "O#{o.order_id}"
  sk = "X"
  customer = o.customers.name
  siblings = each s in o.customers.orders order by s.order_id {
    id = s.order_id
    r = s.qty / o.qty
  }
}
`;

/** Customers with one to three orders of one to three lines, and faults every few hundred rows. */
function faultyWarehouse(): Record<string, string> {
  const customers = ['customer_id,name,score,born,seen_at,active,weight'];
  const orders = ['order_id,customer_id,qty,divisor,amount,code'];
  const lines = ['order_id,line_no,sku'];
  let orderId = 100;
  for (let id = 1; id <= CUSTOMERS; id++) {
    const active = id % 997 === 0 ? 'maybe' : id % 2 === 0 ? 'true' : '';
    // A weight of 0 fails the root's expression (100 / weight) while its item is built.
    const weight = id % 1009 === 0 ? '0' : String((id % 7) + 1);
    customers.push(
      `${id},"Customer ${id}, ""the ${id % 5}th""",${id % 13}.${id % 100},2001-02-0${(id % 9) + 1},,${active},${weight}`,
    );
    if (id % 2003 === 0) customers.push(`${id},Twin of ${id},,,,,`);
    for (let o = 0; o < (id % 3) + 1; o++) {
      orderId++;
      // A divisor of 0 fails one order's element; a bad amount rejects the row as it is read.
      const divisor = orderId % 503 === 0 ? 0 : (orderId % 4) + 1;
      const amount = orderId % 769 === 0 ? 'twelve' : `${orderId % 50}.25`;
      orders.push(`${orderId},${id},${(orderId % 5) + 1},${divisor},${amount},${orderId % 2 === 0 ? 'A' : 'B'}`);
      for (let l = 1; l <= (orderId % 3) + 1; l++) lines.push(`${orderId},${l},S-${(orderId * l) % 97}`);
      if (orderId % 881 === 0) lines.push(`${orderId},1,S-twin`);
    }
    if (id % 1499 === 0) orders.push(`${9_000_000 + id},${CUSTOMERS + id},1,1,1.00,A`);
  }
  return {
    'customers.csv': `${customers.join('\n')}\n`,
    'orders.csv': `${orders.join('\n')}\n`,
    'order_lines.csv': `${lines.join('\n')}\n`,
    'codes.txt': 'A|Apple|\nB|Banana|\n',
  };
}

interface Outcome {
  report: RunReport;
  rejects: Reject[];
  file: Buffer;
}

async function runToFile(
  plan: Plan,
  archive: Buffer,
  directory: string,
  threads: number,
  format: NdjsonFormat,
): Promise<Outcome> {
  const { report, rejects, path } = await runWithThreads(plan, archive, directory, threads, format);
  if (report.status !== 'ok') throw new Error(`the run on ${threads} threads failed: ${report.error}`);
  return { report, rejects, file: readFileSync(path) };
}

async function runWithThreads(plan: Plan, archive: Buffer, directory: string, threads: number, format: NdjsonFormat) {
  const path = join(directory, `items-${threads}-${format}.ndjson`);
  const rejects: Reject[] = [];
  const report = await runPlan({
    plan,
    source: new MemoryByteSource('extract.zip', archive),
    asOf: { kind: 'timestamp', epochMillis: Date.parse('2026-11-01T00:00:00Z') },
    sink: new NdjsonSink({ path, format }),
    rejects: { write: (reject) => void rejects.push(reject) },
    threads,
  });
  return { report, rejects, path };
}

/** The report without what depends on the clock. */
function stable(report: RunReport): Omit<RunReport, 'seconds' | 'startedAt'> {
  const { seconds: _seconds, startedAt: _startedAt, ...rest } = report;
  return rest;
}

describe('runtime: building items on several threads', function () {
  this.timeout(60_000);
  let directory: string;
  let archive: Buffer;
  const plan = compileMapping(MAPPING);

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'mapc-threads-'));
    archive = await zipBytes(faultyWarehouse());
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  for (const format of ['plain', 'dynamodb'] as const) {
    it(`gives the items file, the rejects and the counts of one thread, on three threads (${format})`, async () => {
      const one = await runToFile(plan, archive, directory, 1, format);
      const three = await runToFile(plan, archive, directory, 3, format);
      expect(one.report.status).to.equal('ok');
      expect(one.report.reconciled).to.equal(true);
      // The extract has faults of every kind, in many batches: the comparison is not between two empty runs.
      const reasons = new Set(one.rejects.map((r) => r.reason.replace(/[0-9]+/g, 'N')));
      expect(reasons.size, [...reasons].join('\n')).to.be.at.least(5);
      expect(one.report.tables.customers.rejected).to.be.above(20);
      expect(one.report.tables.orders.orphaned).to.be.above(5);
      expect(one.report.items.Customer.written).to.be.above(11_000);
      const firstDifferent = one.rejects.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(three.rejects[i]));
      expect(
        firstDifferent,
        `reject ${firstDifferent}: ${JSON.stringify(one.rejects[firstDifferent])} vs ${JSON.stringify(three.rejects[firstDifferent])}`,
      ).to.equal(-1);
      expect(stable(three.report)).to.deep.equal(stable(one.report));
      expect(three.file.equals(one.file), 'the items files differ').to.equal(true);
    });
  }

  it("stops, as one thread does, when a held table's entry is damaged (no items file)", async () => {
    const files = faultyWarehouse();
    const damaged = withDamagedText(
      await zipBytes({ ...files, 'order_lines.csv': `${files['order_lines.csv']}999,1,MARK-DAMAGE\n` }, 0),
      'MARK-DAMAGE',
    );
    const failed = mkdtempSync(join(directory, 'failed-'));
    const one = await runWithThreads(plan, damaged, failed, 1, 'plain');
    const three = await runWithThreads(plan, damaged, failed, 3, 'plain');
    expect(one.report.status).to.equal('failed');
    expect(one.report.error).to.match(/order_lines\.csv.*CRC/);
    expect(three.report.status).to.equal('failed');
    expect(three.report.error).to.equal(one.report.error);
    expect(existsSync(three.path)).to.equal(false);
  });

  it('gives the rejects of one thread when the root table is held too (looked up from below)', async () => {
    // orders look up their customer: customers is held, and its rows are built in batches.
    const mapping = join(directory, 'held-root.map');
    writeFileSync(
      mapping,
      readFileSync(MAPPING, 'utf8').replace(
        '    label    = o.codes.label\n',
        '    label    = o.codes.label\n    cname    = o.customers.name\n',
      ),
    );
    const heldRoot = compileMapping(mapping);
    expect(heldRoot.tables.find((t) => t.name === 'customers')!.roles.map((r) => r.kind)).to.include('lookup');
    const one = await runToFile(heldRoot, archive, directory, 1, 'plain');
    const three = await runToFile(heldRoot, archive, directory, 3, 'plain');
    expect(one.rejects.filter((r) => r.table === 'customers' && /division by zero/.test(r.reason)).length).to.be.above(
      5,
    );
    expect(three.rejects).to.deep.equal(one.rejects);
    expect(stable(three.report)).to.deep.equal(stable(one.report));
    expect(three.file.equals(one.file), 'the items files differ').to.equal(true);
  });

  it('builds on the main thread a plan whose collection hangs under a looked-up row, with the items of one thread', async () => {
    // Every order lists its customer's orders: one order row sits in the tree of many roots.
    const mapping = join(directory, 'siblings.map');
    writeFileSync(mapping, SIBLINGS_MAPPING);
    const siblings = compileMapping(mapping);
    expect(canBuildInParallel(siblings)).to.equal(false);
    const extract = await zipBytes({
      'customers.csv': 'customer_id,name\n1,Ada\n2,Bo\n',
      'orders.csv': 'order_id,customer_id,qty\n14,1,0\n15,1,2\n16,2,1\n',
    });
    const one = await runToFile(siblings, extract, directory, 1, 'plain');
    const three = await runToFile(siblings, extract, directory, 3, 'plain');
    expect(one.rejects.map((r) => r.reason)).to.include('division by zero');
    expect(three.rejects).to.deep.equal(one.rejects);
    expect(three.file.toString()).to.equal(one.file.toString());
  });

  it('holds and looks up the row a collection hangs under when nothing else reads its table', async () => {
    // No column of customers is read: only the collection makes the plan look a customer up.
    const mapping = join(directory, 'siblings-only.map');
    writeFileSync(
      mapping,
      SIBLINGS_MAPPING.replace('  customer = o.customers.name\n', '').replace('    r = s.qty / o.qty\n', ''),
    );
    const siblingsOnly = compileMapping(mapping);
    expect(siblingsOnly.tables.find((t) => t.name === 'customers')!.roles.map((r) => r.kind)).to.include('lookup');
    const extract = await zipBytes({
      'customers.csv': 'customer_id,name\n1,Ada\n2,Bo\n',
      'orders.csv': 'order_id,customer_id,qty\n14,1,0\n15,1,2\n16,2,1\n',
    });
    const one = await runToFile(siblingsOnly, extract, directory, 1, 'plain');
    const siblingIds = one.file
      .toString()
      .trim()
      .split('\n')
      .map((line) => {
        const { pk, siblings } = JSON.parse(line).attributes;
        return `${pk}: ${siblings.map((s: { id: number }) => s.id).join(' ')}`;
      });
    expect(siblingIds).to.deep.equal(['O#14: 14 15', 'O#15: 14 15', 'O#16: 16']);
    expect(one.rejects).to.deep.equal([]);
  });

  it('builds in parallel only plans whose rows each sit under one root', () => {
    expect(canBuildInParallel(plan)).to.equal(true);
    const twoRoots: Plan = {
      ...plan,
      items: [...plan.items, { ...plan.items[0], name: 'Order', rootTable: 'orders' }],
    };
    expect(canBuildInParallel(twoRoots)).to.equal(false);
    const twoParents: Plan = {
      ...plan,
      tables: plan.tables.map((t) =>
        t.name === 'order_lines' ? { ...t, roles: [...t.roles, ...t.roles.filter((r) => r.kind === 'grouped')] } : t,
      ),
    };
    expect(canBuildInParallel(twoParents)).to.equal(false);
  });
});

describe('runtime: a held table shared with another thread', () => {
  it('reads the same rows, groups and keys, and shares the row states', () => {
    const plan = compileMapping(MAPPING);
    const table = plan.tables.find((t) => t.name === 'orders')!;
    const held = new HeldTable(table, true);
    const rows = Array.from({ length: 3000 }, (_, i) => [
      BigInt(i + 1),
      BigInt((i % 40) + 1),
      BigInt(i % 3),
      1n,
      { kind: 'decimal' as const, digits: BigInt(i * 7), scale: 2 },
      i % 500 === 0 ? `code-${i}` : 'A',
    ]);
    rows.forEach((values, i) => expect(held.add(values, 0, i + 2)).to.equal(-1));
    held.seal();
    const copy = HeldTable.fromSnapshot(structuredClone(held.share()));
    expect(copy.count).to.equal(held.count);
    for (let i = 0; i < rows.length; i++) {
      expect(copy.row(i)).to.deep.equal(rows[i]);
      expect(copy.lineOf(i)).to.equal(i + 2);
    }
    const groupsOf = (t: HeldTable, customer: bigint) => {
      const { rows: members, starts, idOf } = t.groups(['customer_id']);
      const id = idOf(Number(customer));
      return [...members.subarray(starts[id], starts[id + 1])];
    };
    expect(groupsOf(copy, 7n)).to.deep.equal(groupsOf(held, 7n));
    expect(groupsOf(copy, 7n)).to.have.length(75);
    expect(copy.hasKey(2999)).to.equal(true);
    expect(copy.hasKey(3001)).to.equal(false);
    copy.markUsed(17);
    expect(held.isUsed(17)).to.equal(true);
    expect(held.isUsed(18)).to.equal(false);
  });
});
