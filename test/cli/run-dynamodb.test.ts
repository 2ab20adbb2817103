// `mapc init`, `mapc run` into DynamoDB and `mapc pending` as a user runs them: child
// processes against DynamoDB Local, with the extract read from s3rver.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { putFile, startS3Server, type LocalS3Server } from '../../examples/local-servers/s3-server.js';
import { DynamoDbStateStore } from '../../runtime/control/control-table.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';
import { handmadeExtract } from '../runtime/merge/handmade-extract.js';
import { mapcOnLocalServers } from '../runtime/fixtures/mapc-process.js';

// The extracts are dated 2100: `mapc init` enables the mapping's TTL, and DynamoDB Local, like
// DynamoDB, deletes items whose expires_at (9 months after the last order) is before the wall
// clock; items of 2100 stay whatever the date the tests run on.
describe('mapc run into DynamoDB, mapc init, mapc pending', function () {
  this.timeout(120_000);
  const dynamo = useDynamoDbLocal();
  let s3: LocalS3Server;
  const dir = mkdtempSync(join(tmpdir(), 'mapc-cli-dynamodb-'));
  before(async () => {
    s3 = await startS3Server({ buckets: ['extracts'] });
  });
  after(async () => {
    await s3?.stop();
  });

  const mapc = mapcOnLocalServers;
  const tables = () => [
    '--endpoint',
    dynamo.endpoint,
    '--table',
    'app_table=cli_app',
    '--control-table',
    'cli_control',
  ];
  const upload = async (name: string, path: string) => {
    await putFile(s3.endpoint, 'extracts', name, path);
    return ['--extract', `s3://extracts/${name}`, '--s3-endpoint', s3.endpoint];
  };
  const report = (name: string) => [
    '--report',
    join(dir, `${name}.report.json`),
    '--rejects',
    join(dir, `${name}.rejects.ndjson`),
  ];

  it('refuses to run before the target table exists, saying how to make it', async () => {
    const extract = await upload('none.zip', await handmadeExtract('2100-11-01T02:00:00Z', {}));
    const result = await mapc('run', 'mappings/customer.map', ...extract, ...tables(), ...report('none'));
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('the target tables do not match the mapping');
    expect(result.stderr).to.include('cli_app');
  });

  it('creates the tables, loads an extract from S3, parks an orphan, lists it, and skips the extract the second time', async () => {
    const init = await mapc('init', 'mappings/customer.map', ...tables());
    expect(init.code, init.stderr).to.equal(0);
    expect(init.stdout).to.include('control table cli_control: created');
    expect(init.stdout).to.include('target app_table: created table cli_app');

    const extract = await upload(
      'base.zip',
      await handmadeExtract('2100-11-01T02:00:00Z', {
        customers: ['1,Ann,ann@example.com,RETAIL,2100-01-01T00:00:00Z,FR'],
        orders: ['10,1,2100-10-01,SHIPPED,web'],
        order_lines: ['10,1,SKU-1,1,5.00', '99,1,SKU-1,1,5.00'],
        products: ['SKU-1|Kettle|kitchen|5.00'],
      }),
    );
    const run = await mapc('run', 'mappings/customer.map', ...extract, ...tables(), ...report('base'));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/order_lines +2 +0 +1 +0 +0 +1/);
    const written = JSON.parse(readFileSync(join(dir, 'base.report.json'), 'utf8'));
    expect(written).to.include({
      status: 'ok',
      reconciled: true,
      incremental: true,
      extract: 's3://extracts/base.zip',
    });
    expect(written.tables.order_lines).to.include({ read: 2, used: 1, parked: 1 });

    const pending = await mapc('pending', 'mappings/customer.map', ...tables());
    expect(pending.code, pending.stderr).to.equal(0);
    expect(pending.stdout).to.include('order_lines  order_lines.csv:3  parked');
    expect(pending.stdout).to.include('its parent orders 99 has not arrived');
    expect(pending.stdout).to.include('1 parked row for mapping customer');

    const again = await mapc('run', 'mappings/customer.map', ...extract, ...tables(), ...report('again'));
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.include('run skipped');
    expect(again.stderr).to.include('pass --force to apply it again');
  });

  it('refuses to write while another run holds the lease, naming it', async () => {
    const store = new DynamoDbStateStore(dynamo.client(), 'cli_control');
    expect(await store.acquireLease('nightly-job', 60_000)).to.deep.equal({ ok: true });
    try {
      const extract = await upload(
        'later.zip',
        await handmadeExtract('2100-11-01T08:00:00Z', { orders: ['99,1,2100-10-02,SHIPPED,web'] }),
      );
      const run = await mapc('run', 'mappings/customer.map', ...extract, ...tables(), ...report('later'));
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('another run (nightly-job) holds the lease');
    } finally {
      await store.releaseLease('nightly-job');
    }
  });
});
