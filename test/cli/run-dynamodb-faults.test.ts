// `mapc run` into DynamoDB when DynamoDB is not what the run expects, as a user runs it: a
// control table with foreign keys is refused before anything is written to it, and a
// DynamoDB that does not answer is named with its endpoint; both exit 1 with one line and
// leave a failed report.
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../../runtime/report/run-report.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';
import { mapcOnLocalServers as mapc } from '../runtime/fixtures/mapc-process.js';
import { zipBytes } from '../runtime/fixtures/zip-bytes.js';

const MAPPING = fileURLToPath(new URL('../runtime/fixtures/bad-input.map', import.meta.url));

describe('mapc run into a DynamoDB that is not as expected', function () {
  this.timeout(120_000);
  const dynamo = useDynamoDbLocal();
  let dir: string;
  let extract: string;
  const files = (name: string) => [
    '--report',
    join(dir, `${name}.report.json`),
    '--rejects',
    join(dir, `${name}.rejects.ndjson`),
  ];
  const reportOf = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.report.json`), 'utf8')) as RunReport;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-dynamodb-faults-'));
    extract = join(dir, 'extract.zip');
    writeFileSync(
      extract,
      await zipBytes({
        'customers.csv':
          'customer_id,name,score,born,seen_at,active,weight\n1,Ada,12.50,1990-01-31,2026-01-02T03:04:05,true,4\n',
        'orders.csv': 'order_id,customer_id,qty,divisor,amount,code\n10,1,2,4,10.00,A\n',
        'order_lines.csv': 'order_id,line_no,sku\n10,1,S-1\n',
        'codes.txt': 'A|Apple|\n',
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a control table whose keys are not pk and sk, before writing a lease or a ledger row into it', async () => {
    const client = dynamo.client();
    await client.send(
      new CreateTableCommand({
        TableName: 'foreign_control',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const init = await mapc(
      'init',
      MAPPING,
      '--endpoint',
      dynamo.endpoint,
      '--table',
      'app_table=faults_app',
      '--control-table',
      'faults_control',
    );
    expect(init.code, init.stderr).to.equal(0);
    const result = await mapc(
      'run',
      MAPPING,
      '--extract',
      extract,
      '--as-of',
      '2026-11-01T00:00:00Z',
      '--endpoint',
      dynamo.endpoint,
      '--table',
      'app_table=faults_app',
      '--control-table',
      'foreign_control',
      ...files('foreign'),
    );
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.contain('the control table foreign_control exists but is not a mapc control table');
    expect(result.stderr).to.contain('--control-table');
    expect(result.stderr).not.to.match(/^\s+at /m);
    expect((await client.send(new ScanCommand({ TableName: 'foreign_control' }))).Count).to.equal(0);
    const report = reportOf('foreign');
    expect(report.status).to.equal('failed');
    expect(report.error).to.contain('foreign_control');
  });

  it('names DynamoDB and its endpoint when nothing answers there, exits 1 and leaves a failed report', async () => {
    const result = await mapc(
      'run',
      MAPPING,
      '--extract',
      extract,
      '--as-of',
      '2026-11-01T00:00:00Z',
      '--endpoint',
      'http://127.0.0.1:1',
      ...files('unreachable'),
    );
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.contain(
      'DynamoDB at http://127.0.0.1:1: connection refused (ECONNREFUSED): check --endpoint',
    );
    expect(result.stderr).not.to.match(/^\s+at /m);
    const report = reportOf('unreachable');
    expect(report.status).to.equal('failed');
    expect(report.error).to.contain('DynamoDB at http://127.0.0.1:1');
  });
});
