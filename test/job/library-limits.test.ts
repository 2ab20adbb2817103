// The read limits through mapc as a library (by the package's name, the built JavaScript):
// runExtract and runJob given limits that make no sense (negative, NaN, a name no limit has)
// return a failed report naming the cause, as their other failures do, instead of throwing;
// limits that make sense reach the runs (a cap set low stops them, naming it).
import { expect } from 'chai';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamoDbLocalClientConfig } from '../../examples/local-servers/dynamodb-local.js';
import { createTable } from '../../runtime/dynamodb/create-table.js';
import { expectedTable } from '../../runtime/dynamodb/expected-table.js';
import { REPO_ROOT } from '../runtime/fixtures/mapc-process.js';
import { handmadeExtract } from '../runtime/merge/handmade-extract.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';

type Library = typeof import('../../api/index.js');
const importByName = <T>(name: string): Promise<T> => import(name) as Promise<T>;

const INVALID: Array<{ name: string; limits: Record<string, unknown>; error: string }> = [
  {
    name: 'maxEntries -1',
    limits: { maxEntries: -1 },
    error: 'limits: read limit maxEntries is -1; it must be a positive number',
  },
  {
    name: 'maxRecordChars NaN',
    limits: { maxRecordChars: Number.NaN },
    error: 'limits: read limit maxRecordChars is NaN; it must be a positive number',
  },
  {
    name: 'maxEntryBytes "4GiB" (a string)',
    limits: { maxEntryBytes: '4GiB' },
    error: 'limits: read limit maxEntryBytes is 4GiB; it must be a positive number',
  },
  {
    name: 'maxRows (no such limit)',
    limits: { maxRows: 10 },
    error:
      'limits: unknown read limit "maxRows"; the limits are maxRecordChars, maxEntryBytes, maxTotalBytes, maxCompressionRatio, maxEntries',
  },
];

describe('the library: read limits', function () {
  this.timeout(120_000);
  const dynamo = useDynamoDbLocal();
  let mapc: Library;
  let dir: string;
  let extract: string;
  before(async () => {
    mapc = await importByName<Library>('mapc');
    dir = mkdtempSync(join(tmpdir(), 'mapc-library-limits-'));
    extract = await handmadeExtract('2100-11-01T02:00:00Z', {
      customers: ['1,Ann,ann@example.com,RETAIL,2026-01-01T00:00:00Z,FR'],
      orders: ['10,1,2026-10-01,SHIPPED,web'],
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const { name, limits, error } of INVALID) {
    it(`runExtract with limits ${name} returns a failed report saying so`, async () => {
      const plan = mapc.loadPlan(join(REPO_ROOT, 'mappings/customer.map'));
      const out = join(dir, 'items.ndjson');
      const report = await mapc.runExtract({ plan, extract, preview: { out }, limits: limits });
      expect(report).to.include({ status: 'failed', error });
      expect(existsSync(out)).to.equal(false);
    });

    it(`runJob with limits ${name} returns a failed job report saying so, before reaching anything`, async () => {
      // Nothing answers at this endpoint, and the source does not exist: neither is reached.
      const report = await mapc.runJob({
        mappings: ['mappings/customer.map'],
        source: join(dir, 'nowhere'),
        dynamodb: { endpoint: 'http://127.0.0.1:1' },
        limits: limits,
      });
      expect(report).to.include({ status: 'failed', error });
      expect(report.runs).to.deep.equal([]);
    });
  }

  for (const rate of [0, -5, Number.NaN]) {
    it(`runExtract and runJob with maxWriteRate ${rate} return failed reports saying so, before reaching anything`, async () => {
      const error = `maxWriteRate: items per second must be a number above 0, not ${rate}`;
      const plan = mapc.loadPlan(join(REPO_ROOT, 'mappings/customer.map'));
      const dynamodb = { endpoint: 'http://127.0.0.1:1', maxWriteRate: rate };
      expect(await mapc.runExtract({ plan, extract, dynamodb })).to.include({ status: 'failed', error });
      const job = await mapc.runJob({ mappings: [plan], source: join(dir, 'nowhere'), dynamodb, maxWriteRate: rate });
      expect(job).to.include({ status: 'failed', error });
      expect(job.runs).to.deep.equal([]);
    });
  }

  for (const concurrency of [0, 2.5, 1001]) {
    it(`runExtract and runJob with concurrency ${concurrency} return failed reports saying so, before reaching anything`, async () => {
      const error = `concurrency: calls in flight must be a whole number from 1 to 1000, not ${concurrency}`;
      const plan = mapc.loadPlan(join(REPO_ROOT, 'mappings/customer.map'));
      const dynamodb = { endpoint: 'http://127.0.0.1:1', concurrency };
      expect(await mapc.runExtract({ plan, extract, dynamodb })).to.include({ status: 'failed', error });
      const job = await mapc.runJob({ mappings: [plan], source: join(dir, 'nowhere'), dynamodb, concurrency });
      expect(job).to.include({ status: 'failed', error });
      expect(job.runs).to.deep.equal([]);
    });
  }

  it('runExtract and runJob apply the limits given: a cap below the extract stops its run, naming the cap', async () => {
    const plan = mapc.loadPlan(join(REPO_ROOT, 'mappings/customer.map'));
    const preview = await mapc.runExtract({
      plan,
      extract,
      preview: { out: join(dir, 'capped.ndjson') },
      limits: { maxEntries: 1 },
    });
    expect(preview.status).to.equal('failed');
    expect(preview.error).to.match(/holds \d+ entries, more than the limit of 1 \(maxEntries, --max-entries\)/);

    await createTable(dynamo.client(), expectedTable(plan, 'app_table', 'limits_app'));
    const source = join(dir, 'landing');
    mkdirSync(source);
    copyFileSync(extract, join(source, 'base.zip'));
    const job = await mapc.runJob({
      mappings: [plan],
      source,
      limits: { maxEntries: 1 },
      dynamodb: {
        controlTable: 'limits_control',
        tables: { app_table: 'limits_app' },
        clientConfig: dynamoDbLocalClientConfig(dynamo.endpoint),
      },
    });
    expect(job.status).to.equal('failed');
    expect(job.error).to.match(/base\.zip: mapping customer: .*more than the limit of 1 \(maxEntries, --max-entries\)/);
  });
});
