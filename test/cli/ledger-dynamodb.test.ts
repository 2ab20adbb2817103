// `mapc ledger` and `mapc ledger skip` as a user runs them, around a failed extract: child
// processes against DynamoDB Local, with the extracts read from s3rver.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { putFile, startS3Server, type LocalS3Server } from '../../examples/local-servers/s3-server.js';
import type { LedgerListing } from '../../runtime/merge/ledger.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';
import { handmadeExtract } from '../runtime/merge/handmade-extract.js';
import { mapcOnLocalServers } from '../runtime/fixtures/mapc-process.js';

describe('mapc ledger and mapc ledger skip', function () {
  this.timeout(120_000);
  const dynamo = useDynamoDbLocal();
  let s3: LocalS3Server;
  const dir = mkdtempSync(join(tmpdir(), 'mapc-cli-ledger-'));
  before(async () => {
    s3 = await startS3Server({ buckets: ['extracts'] });
  });
  after(async () => {
    await s3?.stop();
  });

  const mapc = mapcOnLocalServers;
  const control = () => ['--endpoint', dynamo.endpoint, '--control-table', 'ledger_control'];
  const tables = () => [...control(), '--table', 'app_table=ledger_app'];
  const upload = async (name: string, path: string) => {
    await putFile(s3.endpoint, 'extracts', name, path);
    return ['--extract', `s3://extracts/${name}`, '--s3-endpoint', s3.endpoint];
  };
  const run = (name: string, extract: string[]) =>
    mapc(
      'run',
      'mappings/customer.map',
      ...extract,
      ...tables(),
      '--report',
      join(dir, `${name}.report.json`),
      '--rejects',
      join(dir, `${name}.rejects.ndjson`),
    );
  const ledgerJson = async (): Promise<LedgerListing[]> => {
    const listed = await mapc('ledger', 'mappings/customer.map', '--format', 'json', ...control());
    expect(listed.code, listed.stderr).to.equal(0);
    return JSON.parse(listed.stdout);
  };

  it('shows a failed extract with its error, skips it with a reason so the next one applies, and refuses to skip an applied one', async () => {
    const init = await mapc('init', 'mappings/customer.map', ...tables());
    expect(init.code, init.stderr).to.equal(0);

    const broken = await upload(
      'broken.zip',
      await handmadeExtract(
        '2026-11-01T02:00:00Z',
        { customers: ['1,Ann,ann@example.com,RETAIL,2026-01-01T00:00:00Z,FR'] },
        { omit: ['orders'] },
      ),
    );
    const failed = await run('broken', broken);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include('s3://extracts/broken.zip has no file for table orders');

    const next = await upload(
      'next.zip',
      await handmadeExtract('2026-11-01T08:00:00Z', {
        customers: ['2,Bob,bob@example.com,RETAIL,2026-01-01T00:00:00Z,FR'],
        orders: ['20,2,2026-10-01,SHIPPED,web'],
      }),
    );
    const held = await run('held', next);
    expect(held.code).to.equal(1);
    expect(held.stderr).to.include('s3://extracts/broken.zip failed (');
    expect(held.stderr).to.include('has no file for table orders');
    expect(held.stderr).to.include('mapc ledger skip s3://extracts/broken.zip --reason');

    const listed = await mapc('ledger', 'mappings/customer.map', ...control());
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.include('mapping customer: 1 extract, oldest as_of first');
    expect(listed.stdout).to.match(
      /2026-11-01T02:00:00Z +failed +\d+ +0 +0 +0 +2\S+ +2\S+ +\d+\.\d s +s3:\/\/extracts\/broken\.zip \(etag [0-9a-f]+\)/,
    );
    expect(listed.stdout).to.include('    error: s3://extracts/broken.zip has no file for table orders');
    const [failedEntry] = await ledgerJson();
    expect(failedEntry).to.include({ mapping: 'customer', status: 'failed', asOf: '2026-11-01T02:00:00.000Z' });
    expect(failedEntry.error).to.include('has no file for table orders');
    expect(failedEntry.identity.uri).to.equal('s3://extracts/broken.zip');

    const reasonless = await mapc('ledger', 'skip', 's3://extracts/broken.zip', 'mappings/customer.map', ...control());
    expect(reasonless.code).to.equal(2);
    expect(reasonless.stderr).to.include('give --reason');

    const skip = await mapc(
      'ledger',
      'skip',
      's3://extracts/broken.zip',
      '--reason',
      'no orders file: the warehouse re-sends the day in the next extract',
      'mappings/customer.map',
      ...control(),
    );
    expect(skip.code, skip.stderr).to.equal(0);
    expect(skip.stdout).to.include(
      'skipped s3://extracts/broken.zip for mapping customer (it had failed: s3://extracts/broken.zip has no file for table orders',
    );

    const applied = await run('next', next);
    expect(applied.code, applied.stderr).to.equal(0);

    const after = await mapc('ledger', 'mappings/customer.map', ...control());
    expect(after.code, after.stderr).to.equal(0);
    expect(after.stdout).to.match(/2026-11-01T02:00:00Z +skipped .* s3:\/\/extracts\/broken\.zip/);
    expect(after.stdout).to.match(
      /\n {4}skipped 2\S+ by \S+@\S+: no orders file: the warehouse re-sends the day in the next extract\n/,
    );
    expect(after.stdout).to.match(/2026-11-01T08:00:00Z +applied +2 +0 +0 +1 .* s3:\/\/extracts\/next\.zip/);
    expect((await ledgerJson()).map((e) => [e.identity.uri, e.status, e.skipReason])).to.deep.equal([
      ['s3://extracts/broken.zip', 'skipped', 'no orders file: the warehouse re-sends the day in the next extract'],
      ['s3://extracts/next.zip', 'applied', undefined],
    ]);

    const refused = await mapc(
      'ledger',
      'skip',
      's3://extracts/next.zip',
      '--reason',
      'by mistake',
      'mappings/customer.map',
      ...control(),
    );
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include(
      's3://extracts/next.zip was applied for mapping customer: its rows are merged, so it cannot be skipped there',
    );
    expect((await ledgerJson()).find((e) => e.identity.uri === 's3://extracts/next.zip')?.status).to.equal('applied');
  });

  it('skips an extract no run recorded, for every mapping in mappings/, reading its identity and as_of from S3', async () => {
    const never = await upload('never.zip', await handmadeExtract('2026-11-02T02:00:00Z', {}));
    const skip = await mapc(
      'ledger',
      'skip',
      's3://extracts/never.zip',
      '--reason',
      'a test delivery',
      '--s3-endpoint',
      s3.endpoint,
      ...control(),
    );
    expect(skip.code, skip.stderr).to.equal(0);
    expect(never[1]).to.equal('s3://extracts/never.zip');
    for (const mapping of ['customer', 'product']) {
      expect(skip.stdout).to.match(
        new RegExp(
          `skipped s3://extracts/never\\.zip for mapping ${mapping} \\(no run had recorded it; recorded as etag [0-9a-f]+, as_of 2026-11-02T02:00:00\\.000Z from its _manifest\\.json\\)`,
        ),
      );
    }
    const listed = await mapc('ledger', ...control());
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.include('mapping customer: 3 extracts, oldest as_of first');
    expect(listed.stdout).to.include('mapping product: 1 extract, oldest as_of first');
    expect(listed.stdout).to.match(
      /2026-11-02T02:00:00Z +skipped +- +- +- +- .* s3:\/\/extracts\/never\.zip \(etag [0-9a-f]+\)\n {4}skipped \S+ by \S+: a test delivery\n/,
    );
  });

  it('says when the control table does not exist', async () => {
    const listed = await mapc(
      'ledger',
      'mappings/customer.map',
      '--endpoint',
      dynamo.endpoint,
      '--control-table',
      'no_such_control',
    );
    expect(listed.code).to.equal(1);
    expect(listed.stderr).to.include('the control table no_such_control does not exist');
  });
});
