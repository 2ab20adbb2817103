// DynamoDB going away in the middle of an incremental run, as a user lives it: `mapc run`
// writes a delta through a TCP proxy in front of DynamoDB Local, and the proxy is cut after
// the run has started writing items. The run must stop soon (a refused connection is not
// retried for the minute throttling gets), exit 1 with one line naming DynamoDB and the
// endpoint, write a failed report saying so, and leave the extract not applied; run again
// with the proxy back (and the same --owner, whose lease the stopped run could not release),
// it must converge to the items of a run that was never interrupted.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExtract } from '../../examples/extract-generator/write-extract.js';
import { DynamoDbStateStore } from '../../runtime/control/control-table.js';
import type { RunReport } from '../../runtime/report/run-report.js';
import { mapcOnLocalServers as mapc } from '../runtime/fixtures/mapc-process.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';
import { tableItemLines } from '../support/table-item-lines.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/** Far ahead, so that mapc init's TTL never deletes the items whatever the date. */
const EXTRACTED_AT = '2100-11-01T02:00:00Z';
const MAPPING = 'mappings/customer.map';
/** The header of every BatchWriteItem request (the items' writes, then the control table's). */
const BATCH_WRITE = 'DynamoDB_20120810.BatchWriteItem';

describe('mapc run when DynamoDB goes away mid-run', function () {
  this.timeout(300_000);
  const dynamo = useDynamoDbLocal();
  let dir: string;
  let base: string;
  let delta: string;
  let proxy: TcpProxy;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-dynamodb-drop-'));
    // Many new customers in the delta: its items take a good many BatchWriteItem calls.
    const size = { customers: 600, seed: 5, deltaCustomers: 400, extractedAt: EXTRACTED_AT };
    base = join(dir, 'base.zip');
    delta = join(dir, 'delta1.zip');
    await writeExtract({ ...size, sequence: 0, out: base });
    await writeExtract({ ...size, sequence: 1, out: delta });
    const { hostname, port } = new URL(dynamo.endpoint);
    proxy = await startTcpProxy({ host: hostname, port: Number(port) });
  });
  after(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tables = (name: string, endpoint: string) => [
    '--endpoint',
    endpoint,
    '--table',
    `app_table=${name}_app`,
    '--control-table',
    `${name}_control`,
  ];
  const files = (name: string) => [
    '--report',
    join(dir, `${name}.report.json`),
    '--rejects',
    join(dir, `${name}.rejects.ndjson`),
  ];
  const reportOf = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.report.json`), 'utf8')) as RunReport;
  const run = (name: string, extract: string, endpoint: string, ...more: string[]) =>
    mapc('run', MAPPING, '--extract', extract, ...tables(name.replace(/-.*$/, ''), endpoint), ...files(name), ...more);
  const itemLines = (table: string) => tableItemLines(dynamo.client(), table);
  const deltaStatus = async (name: string) =>
    (await new DynamoDbStateStore(dynamo.client(), `${name}_control`).ledger('customer')).find((e) =>
      e.identity.uri.endsWith('delta1.zip'),
    )?.status;

  it('stops within seconds, says which DynamoDB, records nothing applied, and a rerun converges', async () => {
    // Never interrupted: the items to converge to.
    for (const step of [
      await mapc('init', MAPPING, ...tables('whole', dynamo.endpoint)),
      await run('whole-base', base, dynamo.endpoint),
      await run('whole-delta', delta, dynamo.endpoint),
    ])
      expect(step.code, step.stderr).to.equal(0);
    const uninterrupted = await itemLines('whole_app');

    const init = await mapc('init', MAPPING, ...tables('cut', dynamo.endpoint));
    expect(init.code, init.stderr).to.equal(0);
    const first = await run('cut-base', base, proxy.endpoint, '--owner', 'drop-test');
    expect(first.code, first.stderr).to.equal(0);

    // One BatchWriteItem call at a time: the 4th is cut off, 3 batches of the delta's items are in.
    const cut = proxy.dropOn(BATCH_WRITE, 4);
    const started = Date.now();
    const failed = await run('cut-delta', delta, proxy.endpoint, '--owner', 'drop-test', '--concurrency', '1');
    const seconds = (Date.now() - started) / 1000;
    await cut;
    expect(failed.code, failed.stderr).to.equal(1);
    const cause = `DynamoDB at ${proxy.endpoint}: connection refused (ECONNREFUSED): check --endpoint and --region`;
    expect(failed.stderr).to.contain(cause);
    expect(failed.stderr).not.to.match(/^\s+at /m);
    expect(failed.stderr.split('\n').filter((line) => line.includes(cause))).to.have.length(1);
    // Well under the BatchWriter's 60 s for throttling: about its 10 s for refusals, plus the run.
    expect(seconds, `the run took ${seconds} s to stop`).to.be.below(30);
    const report = reportOf('cut-delta');
    expect(report.status).to.equal('failed');
    expect(report.error).to.contain(cause);
    expect(report.items.Customer.sent, 'items were being written when DynamoDB went away').to.be.above(0);
    expect(await deltaStatus('cut')).not.to.equal('applied');
    expect(await itemLines('cut_app')).not.to.deep.equal(uninterrupted);

    await proxy.restart();
    const rerun = await run('cut-rerun', delta, proxy.endpoint, '--owner', 'drop-test');
    expect(rerun.code, rerun.stderr).to.equal(0);
    expect(reportOf('cut-rerun').status).to.equal('ok');
    expect(await deltaStatus('cut')).to.equal('applied');
    expect(await itemLines('cut_app')).to.deep.equal(uninterrupted);
    console.log(`      (the interrupted run stopped after ${seconds.toFixed(1)} s)`);
  });
});
