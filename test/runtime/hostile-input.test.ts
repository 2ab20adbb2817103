/*
 * Hostile extracts through runPlan: each must end in a clean stop before any item is written
 * (a failed report whose message names the archive, the entry or file and line, and what to
 * do) or in rejects that reconcile, never in exhausted memory or time. The caps are the run's
 * read limits (runtime/report/read-limits.ts); most cases lower one to keep the test small.
 *
 * The warehouse is test/runtime/fixtures/bad-input.map, as in bad-input.test.ts.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { DEFAULT_READ_LIMITS } from '../../runtime/report/read-limits.js';
import { compileMapping, runRecorded, type RecordedRun } from './fixtures/recorded-run.js';
import { compiledPlan, memoryWorld } from './merge/fixtures.js';
import { handmadeExtract } from './merge/handmade-extract.js';
import { MemoryStateStore } from '../support/memory-state-store.js';
import { zipBytes } from './fixtures/zip-bytes.js';
import { BAD_INPUT_BASE, CUSTOMERS_HEADER } from './fixtures/bad-input-files.js';

const MAPPING = fileURLToPath(new URL('./fixtures/bad-input.map', import.meta.url));
const BASE = BAD_INPUT_BASE;

function expectStoppedBeforeWriting(run: RecordedRun, message: RegExp[]): void {
  expect(run.report.status, 'the run must stop').to.equal('failed');
  expect(run.written, 'items written before the run stopped').to.have.length(0);
  expect(run.committed).to.equal(false);
  expect(run.aborted).to.equal(true);
  for (const pattern of message) expect(run.report.error, `the error: ${run.report.error}`).to.match(pattern);
}

/** A copy of `archive` where the central directory declares `size` as the uncompressed size of `name`. */
function withDeclaredSize(archive: Buffer, name: string, size: number): Buffer {
  const copy = Buffer.from(archive);
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = copy.indexOf(signature); at >= 0; at = copy.indexOf(signature, at + 1)) {
    const nameLength = copy.readUInt16LE(at + 28);
    if (copy.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      copy.writeUInt32LE(size, at + 24);
      return copy;
    }
  }
  throw new Error(`no central directory header for ${name}`);
}

describe('hostile input: caps and file-level faults', function () {
  this.timeout(60000);
  const plan = compileMapping(MAPPING);

  describe('record size', () => {
    it('a record longer than the cap stops the run, naming the file and the line it starts on', async () => {
      const long = `12,1,2,4,10.00,${'x'.repeat(300_000)}\n`;
      const run = await runRecorded(
        plan,
        await zipBytes({ ...BASE, 'orders.csv': `${BASE['orders.csv'] as string}${long}13,1,2,4,1.00,A\n` }),
        { limits: { maxRecordChars: 100_000 } },
      );
      expectStoppedBeforeWriting(run, [
        /^orders\.csv:4: a record starting on this line is longer than 100000 characters \(the record size limit: maxRecordChars, --max-record-size\)/,
        /raise the limit if records this long are expected/,
      ]);
    });

    it('a record just under the cap is read (its row is rejected for its field count, the run goes on)', async () => {
      const long = `3,${'x'.repeat(90_000)}\n`;
      const run = await runRecorded(
        plan,
        await zipBytes({ ...BASE, 'customers.csv': `${BASE['customers.csv'] as string}${long}` }),
        { limits: { maxRecordChars: 100_000 } },
      );
      expect(run.report.status, run.report.error).to.equal('ok');
      expect(run.rejects.map((r) => r.reason)).to.deep.equal(['expected 7 fields (as the header has), found 2']);
    });

    it('a quoted field left open past the cap stops the run at the line the quote opened', async () => {
      const open = `12,1,1,1,1.00,"A\n${'line\n'.repeat(30_000)}`;
      const run = await runRecorded(
        plan,
        await zipBytes({ ...BASE, 'orders.csv': `${BASE['orders.csv'] as string}${open}` }),
        { limits: { maxRecordChars: 100_000 } },
      );
      expectStoppedBeforeWriting(run, [
        /^orders\.csv:4: a quote opened on this line \(column code\) is not closed within 100000 characters/,
      ]);
    });

    it('one record of 20 MiB without a line break, in the root table read last, stops at the default cap: nothing is committed, memory and time stay bounded', async () => {
      const huge = Buffer.alloc(20 * 1024 * 1024, 'y');
      const before = process.memoryUsage().rss;
      const started = Date.now();
      const run = await runRecorded(
        plan,
        await zipBytes({ ...BASE, 'customers.csv': Buffer.concat([Buffer.from(`${CUSTOMERS_HEADER}3,`), huge]) }, 0),
      );
      expect(run.report.status).to.equal('failed');
      expect(run.committed, 'the sink must not commit').to.equal(false);
      expect(run.aborted, 'the sink must be aborted').to.equal(true);
      expect(run.report.error).to.match(
        new RegExp(
          `^customers\\.csv:2: a record starting on this line is longer than ${DEFAULT_READ_LIMITS.maxRecordChars} characters`,
        ),
      );
      expect(Date.now() - started, 'ms to give up').to.be.below(20_000);
      expect(process.memoryUsage().rss - before, 'bytes of memory grown').to.be.below(400 * 1024 * 1024);
    });
  });

  describe('inflating', () => {
    it('an entry compressed more than 1000:1 (a zip bomb) is refused before it is inflated, naming it', async () => {
      const bomb = Buffer.alloc(64 * 1024 * 1024, 0);
      const archive = await zipBytes({ ...BASE, 'customers.csv': bomb }, 9);
      const run = await runRecorded(plan, archive, { name: 'nightly.zip' });
      expectStoppedBeforeWriting(run, [
        /^nightly\.zip: entry customers\.csv inflates \d+ times \(\d+ bytes to 67108864\), more than the limit of 1000:1 \(maxCompressionRatio, --max-compression-ratio\)/,
        /ask for the extract again/,
      ]);
      expect(deflateRawSync(bomb, { level: 9 }).length).to.be.below(67108864 / 1000);
    });

    it('an entry declaring more than maxEntryBytes is refused, naming it', async () => {
      const run = await runRecorded(plan, await zipBytes(BASE), {
        name: 'nightly.zip',
        limits: { maxEntryBytes: 100 },
      });
      expectStoppedBeforeWriting(run, [
        /^nightly\.zip: entry (customers|orders)\.csv declares \d+ bytes once inflated, more than the limit of 100 \(maxEntryBytes, --max-entry-size\)/,
      ]);
    });

    it('entries declaring more than maxTotalBytes together are refused', async () => {
      const run = await runRecorded(plan, await zipBytes(BASE), {
        name: 'nightly.zip',
        limits: { maxTotalBytes: 200 },
      });
      expectStoppedBeforeWriting(run, [
        /^nightly\.zip: the files to read declare \d+ bytes once inflated, more than the limit of 200 \(maxTotalBytes, --max-total-size\)/,
      ]);
    });

    it('an entry inflating past the size the central directory declares stops as soon as it does, naming it', async () => {
      const archive = withDeclaredSize(await zipBytes(BASE), 'orders.csv', 20);
      const run = await runRecorded(plan, archive, { name: 'nightly.zip' });
      expectStoppedBeforeWriting(run, [
        /^nightly\.zip: entry orders\.csv: inflates to more than the 20 bytes the central directory declares/,
      ]);
    });
  });

  describe('entries', () => {
    it('an archive holding more entries than maxEntries is refused before any is read', async () => {
      const entries: Array<[string, string]> = Object.entries(BASE) as Array<[string, string]>;
      for (let i = 0; i < 50; i++) entries.push([`more/order_lines_${i}.txt`, '']);
      const run = await runRecorded(plan, await zipBytes(entries), { name: 'nightly.zip', limits: { maxEntries: 40 } });
      expectStoppedBeforeWriting(run, [
        /^nightly\.zip holds 54 entries, more than the limit of 40 \(maxEntries, --max-entries\)/,
      ]);
    });

    it('the default cap is 10,000 entries', async () => {
      const entries: Array<[string, string]> = Object.entries(BASE) as Array<[string, string]>;
      for (let i = 0; i < 10_000; i++) entries.push([`junk/${i}.txt`, '']);
      const run = await runRecorded(plan, await zipBytes(entries, 0), { name: 'nightly.zip' });
      expectStoppedBeforeWriting(run, [
        /^nightly\.zip holds 10004 entries, more than the limit of 10000 \(maxEntries, --max-entries\)/,
      ]);
    });

    it('two entries with the same name stop the run before any write, naming the entry', async () => {
      const entries = Object.entries(BASE) as Array<[string, string]>;
      const run = await runRecorded(
        plan,
        await zipBytes([
          ...entries,
          ['orders.csv', 'order_id,customer_id,qty,divisor,amount,code\n12,1,2,4,10.00,A\n'],
        ]),
        { name: 'nightly.zip' },
      );
      expectStoppedBeforeWriting(run, [
        /^nightly\.zip: entry orders\.csv appears more than once in the archive/,
        /re-create the archive with each file once/,
      ]);
    });
  });

  describe('broken files', () => {
    it('a quote never closed in the root table (read last) stops the run: nothing is committed', async () => {
      const run = await runRecorded(
        plan,
        await zipBytes({ ...BASE, 'customers.csv': `${BASE['customers.csv'] as string}3,"Cid,,,,,\n4,Dan,,,,,\n` }),
      );
      expectStoppedBeforeWriting(run, [
        /^customers\.csv:4: a quote opened on this line \(column name\) is never closed, so the rest of the file cannot be read and the run stops before writing anything — fix the export \(double the inner quotes\)/,
      ]);
    });

    it('a quoted field followed by text in a held table stops the run before any item', async () => {
      const run = await runRecorded(
        plan,
        await zipBytes({
          ...BASE,
          'orders.csv': `${BASE['orders.csv'] as string}12,1,2,4,"1.00"x,A\n13,1,2,4,1.00,A\n`,
        }),
      );
      expectStoppedBeforeWriting(run, [
        /^orders\.csv:4: a quoted field \(column amount\) is followed by text instead of a delimiter/,
      ]);
    });

    it('an empty file for a table with a header stops the run, naming the file', async () => {
      const run = await runRecorded(plan, await zipBytes({ ...BASE, 'order_lines.csv': '' }));
      expectStoppedBeforeWriting(run, [
        /^order_lines\.csv: the file is empty, yet table order_lines declares a header line/,
        /ask for the extract again/,
      ]);
    });

    it('an empty file for a table without a header is 0 rows', async () => {
      const run = await runRecorded(plan, await zipBytes({ ...BASE, 'codes.txt': '' }));
      expect(run.report.status, run.report.error).to.equal('ok');
      expect(run.report.tables.codes.read).to.equal(0);
    });

    it('a header with a second byte order mark shows it escaped', async () => {
      const run = await runRecorded(
        plan,
        await zipBytes({ ...BASE, 'order_lines.csv': `\uFEFF\uFEFF${BASE['order_lines.csv'] as string}` }),
      );
      expectStoppedBeforeWriting(run, [
        /^order_lines\.csv:1: the header has no column "order_id"/,
        /The header has: \\uFEFForder_id, line_no, sku\./,
      ]);
    });
  });

  it('a duplicate key of a streamed root table names the key and where the first row is', async () => {
    const run = await runRecorded(
      plan,
      await zipBytes({ ...BASE, 'customers.csv': `${BASE['customers.csv'] as string}2,Bruno again,,,,,\n` }),
    );
    expect(run.report.status, run.report.error).to.equal('ok');
    expect(run.rejects).to.deep.equal([
      {
        table: 'customers',
        file: 'customers.csv',
        line: 4,
        reason: 'duplicate key: the row at customers.csv:3 has the same customer_id ("2"); the first one read is kept',
      },
    ]);
  });

  it('incrementally: a quote never closed in the root table stops the run before any write; nothing is applied nor parked', async () => {
    const store = new MemoryStateStore();
    const world = await memoryWorld(store);
    const extract = await handmadeExtract('2026-11-01T09:00:00Z', {
      customers: [
        '1,Ada,a@example.com,RETAIL,2026-01-01T00:00:00Z,FR',
        '2,"Bruno,b@example.com,RETAIL,2026-01-01T00:00:00Z,FR',
        '3,Cid,c@example.com,RETAIL,2026-01-01T00:00:00Z,FR',
      ],
      orders: ['10,3,2026-10-01,SHIPPED,web'],
      order_lines: ['10,1,SKU-1,1,1.00'],
    });
    const plan = compiledPlan();
    const { report } = await world.run(plan, extract);
    expect(report.status).to.equal('failed');
    expect(report.error).to.match(/^customers\.csv:3: a quote opened on this line \(column name\) is never closed/);
    expect(await world.itemLines(), 'items written').to.deep.equal([]);
    expect((await store.ledger(plan.mapping)).map((e) => e.status)).to.deep.equal(['failed']);
    expect(await store.parkedRows(plan.mapping, 'order_lines')).to.deep.equal([]);
  });
});
