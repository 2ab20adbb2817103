/*
 * The extract's _manifest.json (docs/manifest.md): read into plain data (extractedAt, records
 * per file, in mapc's form or Redshift's), and the records a preview run reads from each file
 * checked against it before the items file appears, on one thread and holding on two.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../runtime/plan/types.js';
import { manifestTime } from '../../runtime/read/extract-time.js';
import { parseManifest, readManifest } from '../../runtime/read/manifest.js';
import { runPlan } from '../../runtime/run/run-plan.js';
import type { Reject } from '../../runtime/report/run-state.js';
import { NdjsonSink } from '../../runtime/sinks/ndjson-sink.js';
import { MemoryByteSource } from './differential/memory-extract.js';
import { compileMapping } from './fixtures/recorded-run.js';
import { zipBytes } from './fixtures/zip-bytes.js';

/**
 * customers: the root, streamed, with a scan filter; orders: held in groups, in two parts,
 * with a scan filter; statuses: a lookup without a header. With two held tables, holding
 * goes on threads when a run has two.
 */
const MAPPING = `mapping counted
table customers from "customers.csv" {
  customer_id int key
  segment string
}
table orders from "orders_part*.csv" {
  order_id int key
  customer_id int -> customers
  status string -> statuses
}
table statuses from "statuses.txt" {
  format {
    delimiter = "|"
    header = false
  }
  status string key
  label string
}
target t {
  partition key pk
  sort key sk
}
item Customer into t {
  from customers as c where c.segment != "TEST"
  pk = "C#{c.customer_id}"
  sk = "P"
  orders = each o in c.orders where o.status != "CANCELLED" order by o.order_id {
    id = o.order_id
    status = o.statuses.label
  }
}
`;

/** Every file's records: used, filtered ("TEST", "CANCELLED") and rejected ("x" is no int) alike. */
const FILES: Record<string, string> = {
  'customers.csv': 'customer_id,segment\n1,RETAIL\n2,TEST\n3,RETAIL\n',
  'orders_part1.csv': 'order_id,customer_id,status\n10,1,SHIPPED\n11,1,CANCELLED\n',
  'orders_part2.csv': 'order_id,customer_id,status\n12,3,SHIPPED\nx,3,SHIPPED\n13,2,SHIPPED\n',
  'statuses.txt': 'SHIPPED|Shipped\nCANCELLED|Cancelled\n',
  // No table reads it: its count is not checked.
  'audit.csv': 'event\nlogin\n',
};
const RECORDS: Record<string, number> = {
  'customers.csv': 3,
  'orders_part1.csv': 2,
  'orders_part2.csv': 3,
  'statuses.txt': 2,
};
const EXTRACTED_AT = '2026-11-01T02:00:00Z';

/** mapc's own form: {"files": {name: {"rows": n}}}. */
function filesForm(records: Record<string, unknown>): Record<string, unknown> {
  return {
    extractedAt: EXTRACTED_AT,
    files: Object.fromEntries(Object.entries(records).map(([name, rows]) => [name, { rows }])),
  };
}

/** Redshift's UNLOAD … MANIFEST VERBOSE form. */
function redshiftForm(records: Record<string, unknown>): Record<string, unknown> {
  return {
    entries: Object.entries(records).map(([name, count]) => ({
      url: `s3://bucket/unload/${name}`,
      meta: { content_length: 100, record_count: count },
    })),
    meta: { content_length: 400, record_count: Object.values(records).reduce((a: number, b) => a + Number(b), 0) },
  };
}

async function extractWith(manifest: unknown): Promise<Buffer> {
  const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
  return zipBytes({ ...FILES, '_manifest.json': text });
}

describe('runtime: the extract manifest', function () {
  let directory: string;
  let plan: Plan;

  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'mapc-manifest-'));
    const mapping = join(directory, 'counted.map');
    writeFileSync(mapping, MAPPING);
    plan = compileMapping(mapping);
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  async function preview(archive: Buffer, threads: number) {
    const path = join(directory, `items-${threads}.ndjson`);
    rmSync(path, { force: true });
    const rejects: Reject[] = [];
    const report = await runPlan({
      plan,
      source: new MemoryByteSource('extract.zip', archive),
      threads,
      asOf: { kind: 'timestamp', epochMillis: Date.parse(EXTRACTED_AT) },
      sink: new NdjsonSink({ path, format: 'plain' }),
      rejects: { write: (reject) => void rejects.push(reject) },
    });
    return { report, rejects, itemsFile: existsSync(path) };
  }

  describe('reading', () => {
    const names = ['orders_part1.csv', 'unload/orders_part2.csv', '_manifest.json'];

    it("gives extractedAt as written and the records of each file in mapc's form", () => {
      const manifest = parseManifest(JSON.stringify(filesForm({ 'orders_part1.csv': 2, 'b.csv': 0 })), 'x.zip', names);
      expect(manifest.extractedAt).to.equal(EXTRACTED_AT);
      expect([...manifest.records!]).to.deep.equal([
        ['orders_part1.csv', 2],
        ['b.csv', 0],
      ]);
    });

    it("names archive entries by a Redshift url's last path segment, or by the whole url when an entry has that name", () => {
      const manifest = parseManifest(
        JSON.stringify({
          entries: [
            { url: 's3://bucket/unload/orders_part1.csv', meta: { record_count: 5 } },
            { url: 'unload/orders_part2.csv', meta: { record_count: 7 } },
            { url: 's3://bucket/unload/no_count.csv', meta: { content_length: 3 } },
          ],
        }),
        'x.zip',
        names,
      );
      expect(manifest.extractedAt).to.equal(undefined);
      expect([...manifest.records!]).to.deep.equal([
        ['orders_part1.csv', 5],
        ['unload/orders_part2.csv', 7],
      ]);
    });

    it('gives no records when the manifest counts none, and nothing else is required', () => {
      expect(parseManifest('{"extractedAt": "2026-11-01", "rows": {"orders": 4}}', 'x.zip', names)).to.deep.equal({
        extractedAt: '2026-11-01',
      });
      expect(parseManifest('{}', 'x.zip', names)).to.deep.equal({});
    });

    it('stops on a manifest that is not JSON, or counts that are not whole numbers, naming the file and what to do', () => {
      const problem = (text: string) => {
        try {
          parseManifest(text, 'x.zip', names);
        } catch (error) {
          return (error as Error).message;
        }
        return 'no error';
      };
      expect(problem('{"extractedAt": ')).to.match(
        /^x\.zip: _manifest\.json is not JSON \(.*\); ask for the extract again/,
      );
      expect(problem('[1, 2]')).to.include('x.zip: _manifest.json is not a JSON object');
      expect(problem('{"files": {"a.csv": {"rows": "12"}}}')).to.equal(
        'x.zip: _manifest.json gives "12" as the "rows" of a.csv, which is not a whole number of records; ask for the extract again, or have its manifest fixed',
      );
      expect(problem('{"files": {"a.csv": {"rows": 1.5}}}')).to.include('gives 1.5 as the "rows" of a.csv');
      expect(problem('{"files": {"a.csv": {"rows": -1}}}')).to.include('gives -1 as the "rows" of a.csv');
      expect(problem('{"entries": [{"url": "s3://b/a.csv", "meta": {"record_count": null}}]}')).to.include(
        'gives null as the "record_count" of a.csv',
      );
      expect(problem('{"files": {"a.csv": 3}}')).to.include('"files" gives 3 for a.csv instead of {"rows": <count>}');
      expect(problem('{"entries": [{"meta": {}}]}')).to.include('"entries" holds {"meta":{}}, which has no "url"');
      expect(
        problem('{"files": {"a.csv": {"rows": 1}}, "entries": [{"url": "s3://b/a.csv", "meta": {"record_count": 2}}]}'),
      ).to.include('counts a.csv twice, 1 and 2 records');
    });

    it('reads the manifest entry of an archive; manifestTime gives its extractedAt as before', async () => {
      const source = new MemoryByteSource('extract.zip', await extractWith(filesForm(RECORDS)));
      expect(Object.fromEntries((await readManifest(source))!.records!)).to.deep.equal(RECORDS);
      expect(await manifestTime(source)).to.deep.equal({ kind: 'timestamp', epochMillis: Date.parse(EXTRACTED_AT) });
      const bare = new MemoryByteSource('bare.zip', await zipBytes(FILES));
      expect(await readManifest(bare)).to.equal(null);
      expect(await manifestTime(bare)).to.equal(null);
      const countsOnly = new MemoryByteSource('counts.zip', await extractWith(redshiftForm(RECORDS)));
      let error = '';
      await manifestTime(countsOnly).catch((e: Error) => (error = e.message));
      expect(error).to.equal('counts.zip: _manifest.json has no "extractedAt" timestamp; give --as-of');
    });
  });

  for (const threads of [1, 2]) {
    describe(`checking a preview run (${threads === 1 ? 'one thread' : 'holding on two threads'})`, () => {
      it('passes when every file holds the records its manifest counts: used, filtered and rejected alike', async () => {
        const run = await preview(await extractWith(filesForm({ ...RECORDS, 'audit.csv': 99 })), threads);
        expect(run.report.status, run.report.error).to.equal('ok');
        expect(run.itemsFile).to.equal(true);
        expect(run.report.tables.customers).to.include({ read: 3, filtered: 1 });
        expect(run.report.tables.orders).to.include({ read: 5, filtered: 2, rejected: 1 });
        expect(run.rejects.map((r) => `${r.file}:${r.line}`)).to.deep.equal(['orders_part2.csv:3']);
      });

      it('stops before the items file appears when a held file holds fewer records than counted', async () => {
        const run = await preview(await extractWith(filesForm({ ...RECORDS, 'orders_part2.csv': 4 })), threads);
        expect(run.report.status).to.equal('failed');
        expect(run.itemsFile, 'no items file').to.equal(false);
        expect(run.report.error).to.equal(
          'extract.zip does not hold the records its manifest counts: ' +
            'orders_part2.csv (table orders): _manifest.json counts 4 records, the run read 3. ' +
            'The extract is incomplete, or its manifest is wrong: ask for the extract again. No item was written.',
        );
      });

      it('stops when a streamed root file, or a file without a header, holds other than counted', async () => {
        const root = await preview(await extractWith(filesForm({ ...RECORDS, 'customers.csv': 2 })), threads);
        expect(root.report.status).to.equal('failed');
        expect(root.itemsFile).to.equal(false);
        expect(root.report.error).to.include(
          'customers.csv (table customers): _manifest.json counts 2 records, the run read 3',
        );
        const lookup = await preview(await extractWith(filesForm({ ...RECORDS, 'statuses.txt': 3 })), threads);
        expect(lookup.report.error).to.include(
          'statuses.txt (table statuses): _manifest.json counts 3 records, the run read 2',
        );
        expect(lookup.itemsFile).to.equal(false);
      });

      it('checks the counts of a Redshift manifest', async () => {
        const good = await preview(await extractWith(redshiftForm(RECORDS)), threads);
        expect(good.report.status, good.report.error).to.equal('ok');
        expect(good.itemsFile).to.equal(true);
        const bad = await preview(await extractWith(redshiftForm({ ...RECORDS, 'orders_part1.csv': 20 })), threads);
        expect(bad.report.error).to.include(
          'orders_part1.csv (table orders): _manifest.json counts 20 records, the run read 2',
        );
        expect(bad.itemsFile).to.equal(false);
      });
    });
  }

  it('stops a run whose manifest gives a count that is not a number, before reading any table', async () => {
    const run = await preview(await extractWith(filesForm({ ...RECORDS, 'orders_part1.csv': 'two' })), 1);
    expect(run.report.status).to.equal('failed');
    expect(run.itemsFile).to.equal(false);
    expect(run.report.error).to.include(
      'extract.zip: _manifest.json gives "two" as the "rows" of orders_part1.csv, which is not a whole number',
    );
    expect(run.report.tables.orders.read).to.equal(0);
  });

  it('stops a run whose manifest is not JSON, also when --as-of is given', async () => {
    const run = await preview(await extractWith('{"extractedAt": "2026-11-01T02:00:00Z",'), 1);
    expect(run.report.status).to.equal('failed');
    expect(run.itemsFile).to.equal(false);
    expect(run.report.error).to.match(/^extract\.zip: _manifest\.json is not JSON/);
  });
});
