// `mapc job` as a container runs it (a child process configured by MAPC_* variables), and the
// Lambda handler invoked with real event shapes, against s3rver and DynamoDB Local.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler } from '../../bin/lambda/handler.js';
import { startS3Server, type LocalS3Server } from '../../examples/local-servers/s3-server.js';
import { DynamoDbStateStore } from '../../runtime/control/control-table.js';
import { byExtract } from '../../runtime/merge/ledger-order.js';
import type { ExtractShardPlan } from '../../api/plan-shards.js';
import type { JobReport } from '../../runtime/job/job-report.js';
import { readZipEntries } from '../runtime/fixtures/read-zip.js';
import { REPO_ROOT } from '../runtime/fixtures/mapc-process.js';
import { compiledPlan } from '../runtime/merge/fixtures.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';
import { BETWEEN_BASE_AND_DELTA1, jobExtracts, type JobExtracts } from './extracts.js';
import { containerEnvironment, finished, inheritedEnvironment, startMapc } from './job-child.js';
import { JOB_BUCKET, jobWorld, type JobWorld } from './job-world.js';

describe('mapc job (child process) and the Lambda handler, on DynamoDB Local and s3rver', function () {
  this.timeout(300_000);
  const dynamo = useDynamoDbLocal();
  const plan = compiledPlan();
  let s3: LocalS3Server;
  let extracts: JobExtracts;
  before(async () => {
    s3 = await startS3Server({ buckets: [JOB_BUCKET] });
    extracts = await jobExtracts(600, 5);
  });
  after(async () => {
    await s3?.stop();
  });

  /** The variables a container would be given, for one world. */
  const environment = (world: JobWorld, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
    containerEnvironment(world, { dynamo: dynamo.endpoint, s3: s3.endpoint }, extra);
  const start = (env: NodeJS.ProcessEnv, args: string[] = []) => startMapc('job', env, args);
  const newWorld = () => jobWorld(dynamo, s3, plan);
  const ledgerStatuses = async (world: JobWorld) =>
    byExtract(await new DynamoDbStateStore(world.connection.client, world.controlTable).ledger('customer'))
      .map((e) => `${e.identity.uri.slice(e.identity.uri.lastIndexOf('/') + 1)} ${e.status}`)
      .sort();

  let expectedItems: string[];
  before(async () => {
    const atOnce = await newWorld();
    await atOnce.upload('combined.zip', extracts.combined);
    const result = await finished(start(environment(atOnce)));
    expect(result.code, result.stderr + result.lines.join('\n')).to.equal(0);
    expectedItems = await atOnce.itemLines();
    expect(expectedItems.length).to.be.greaterThan(400);
  });

  it('runs from MAPC_* variables alone, logs JSON lines, writes one EMF record per run and the reports', async () => {
    const world = await newWorld();
    await world.upload('base.zip', extracts.base);
    await world.upload('delta1.zip', extracts.delta1);
    await world.upload('delta2.zip', extracts.delta2);
    const reports = mkdtempSync(join(tmpdir(), 'mapc-job-reports-'));
    const result = await finished(start(environment(world, { MAPC_METRICS: 'emf', MAPC_REPORT_DIR: reports })));
    expect(result.code, result.stderr).to.equal(0);
    const records = result.lines.map((line) => JSON.parse(line) as Record<string, any>);
    const metrics = records.filter((r) => r._aws !== undefined);
    expect(metrics.map((m) => [m.Mapping, m.Extract, m.Status])).to.deep.equal(
      ['base', 'delta1', 'delta2'].map((name) => ['customer', `${world.source}${name}.zip`, 'ok']),
    );
    expect(metrics[0].RowsRead).to.be.greaterThan(0);
    expect(metrics[2]['RowsRead.customers']).to.equal(0);
    const logs = records.filter((r) => r._aws === undefined);
    expect(
      logs.every(
        (l) =>
          typeof l.time === 'string' && ['info', 'warn', 'error'].includes(l.level) && typeof l.message === 'string',
      ),
    ).to.equal(true);
    expect(logs.filter((l) => l.message === 'applied').map((l) => l.extract)).to.deep.equal(
      ['base', 'delta1', 'delta2'].map((n) => `${world.source}${n}.zip`),
    );
    expect(logs[logs.length - 1]).to.include({ message: 'job pass finished', status: 'ok', applied: 3 });
    expect(readdirSync(join(reports, 'customer')).sort()).to.deep.equal([
      'base.rejects.ndjson',
      'base.report.json',
      'delta1.rejects.ndjson',
      'delta1.report.json',
      'delta2.rejects.ndjson',
      'delta2.report.json',
    ]);
    expect(await world.itemLines()).to.deep.equal(expectedItems);
  });

  it('--plan sizes the extract from its ZIP directory on S3: shards and memory as JSON, nothing written', async () => {
    const world = await newWorld();
    const uri = await world.upload('base.zip', extracts.base);
    const plan = async (...args: string[]) => {
      const result = await finished(start(environment(world, { MAPC_ONCE: uri }), ['--plan', ...args]));
      expect(result.code, result.stderr).to.equal(0);
      return JSON.parse(result.lines.join('\n')) as ExtractShardPlan;
    };
    const roomy = await plan();
    expect(roomy).to.include({ extract: uri, shards: 1, fits: true, model: 'dynamodb' });
    expect(roomy.shardList).to.deep.equal(['0/1']);
    // Each table's bytes are its entries' uncompressed sizes, as the archive lists them.
    const sizes = new Map([...readZipEntries(extracts.base)].map(([name, bytes]) => [name, bytes.length]));
    const bytesOf = (prefix: string) =>
      [...sizes].filter(([name]) => name.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
    const tables = Object.fromEntries(roomy.mappings[0].tables.map((t) => [t.table, t.bytes]));
    expect(tables).to.deep.equal({
      products: bytesOf('products'),
      order_lines: bytesOf('order_lines'),
      payments: bytesOf('payments'),
      orders: bytesOf('orders'),
      customers: bytesOf('customers'),
    });
    // A limit below one run's estimate asks for more shards, each within it.
    const single = roomy.mappings[0].singleRunMiB;
    const tight = await plan('--shard-memory', String(single - 1));
    expect(tight.shards).to.be.above(1);
    expect(tight.shardList).to.have.length(tight.shards);
    expect(tight.memoryMiB).to.be.at.most(single - 1);
    // Sizing applies nothing: the control table is not even made, and no item is written.
    expect(await ledgerStatuses(world).catch((error: Error) => error.name)).to.equal('ResourceNotFoundException');
    expect(await world.itemLines()).to.deep.equal([]);
  });

  it('--watch applies each extract as it lands, pass after pass, until SIGTERM', async () => {
    const world = await newWorld();
    const child = start(environment(world), ['--watch', '--interval', '1s']);
    const done = finished(child);
    const passes: Array<Record<string, any>> = [];
    let buffered = '';
    let applied = 0;
    // Passes run every second: an upload may land between two passes, so count what all of them applied.
    const appliedInAll = (total: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the passes did not apply ${total} extracts within 60 s`)),
          60_000,
        );
        const look = (chunk: Buffer | string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            const record = JSON.parse(line) as Record<string, any>;
            if (record.message !== 'job pass finished') continue;
            passes.push(record);
            applied += record.applied;
            if (applied >= total) {
              clearTimeout(timer);
              child.stdout.off('data', look);
              resolve();
            }
          }
        };
        child.stdout.on('data', look);
      });
    await world.upload('base.zip', extracts.base);
    await appliedInAll(1);
    await world.upload('delta1.zip', extracts.delta1);
    await world.upload('delta2.zip', extracts.delta2);
    await appliedInAll(3);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.lines[result.lines.length - 1])).to.include({ message: 'stopped watching' });
    expect(passes.every((p) => p.status === 'ok')).to.equal(true);
    expect(applied).to.equal(3);
    expect(await world.itemLines()).to.deep.equal(expectedItems);
  });

  it('a job killed during its second extract, run again, converges to the same items', async () => {
    const world = await newWorld();
    const base = await world.upload('base.zip', extracts.base);
    const delta1 = await world.upload('delta1.zip', extracts.delta1);
    await world.upload('delta2.zip', extracts.delta2);
    const env = environment(world, { MAPC_CONCURRENCY: '1', MAPC_OWNER: 'job-task-1' });
    const child = start(env, ['--region', 'us-east-1']);
    const done = finished(child);
    // Killed once the ledger says the second extract is being applied.
    const store = new DynamoDbStateStore(world.connection.client, world.controlTable);
    for (let polls = 0; ; polls++) {
      const ledger = await store.ledger('customer').catch(() => []);
      if (ledger.some((e) => e.identity.uri === delta1 && e.status === 'running')) break;
      if (polls > 3000 || child.exitCode !== null) throw new Error('the job ended before it began the second extract');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).to.equal('SIGKILL');
    expect(await ledgerStatuses(world)).to.deep.equal(['base.zip applied', 'delta1.zip running']);
    expect(base).to.be.a('string');

    // The same job again (a restarted task keeps its owner: it takes over its own lease at once).
    const again = await finished(start(env, ['--region', 'us-east-1']));
    expect(again.code, again.stderr + again.lines.join('\n')).to.equal(0);
    expect(await ledgerStatuses(world)).to.deep.equal(['base.zip applied', 'delta1.zip applied', 'delta2.zip applied']);
    expect(await world.itemLines()).to.deep.equal(expectedItems);
  });

  it('--once --shard i/N: the base as 3 shard jobs at once, one killed and run again, delta 1 as 2, delta 2 whole: the same items', async () => {
    const world = await newWorld();
    const base = await world.upload('base.zip', extracts.base);
    const delta1 = await world.upload('delta1.zip', extracts.delta1);
    await world.upload('delta2.zip', extracts.delta2);
    const shardJob = (extract: string, shard: string, extra: NodeJS.ProcessEnv = {}) =>
      start(environment(world, { MAPC_ONCE: extract, MAPC_SHARD: shard, MAPC_OWNER: `task ${shard}`, ...extra }));
    const store = new DynamoDbStateStore(world.connection.client, world.controlTable);

    // Shard 1 of 3 (slowed down, so that it is caught) is killed once the ledger says it is
    // applying the base; 0 and 2 run on.
    const killedChild = shardJob(base, '1/3', { MAPC_CONCURRENCY: '1', MAPC_MAX_WRITE_RATE: '20' });
    const killedDone = finished(killedChild);
    const others = ['0/3', '2/3'].map((shard) => finished(shardJob(base, shard)));
    for (let polls = 0; ; polls++) {
      const ledger = await store.ledger('customer').catch(() => []);
      if (ledger.some((e) => e.shard === '1/3' && e.status === 'running')) break;
      if (polls > 3000 || killedChild.exitCode !== null)
        throw new Error(`shard 1/3 ended before it began: ${JSON.stringify(await killedDone)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    killedChild.kill('SIGKILL');
    expect((await killedDone).signal).to.equal('SIGKILL');
    for (const result of await Promise.all(others)) expect(result.code, result.stderr).to.equal(0);
    // Two shards of three applied the base: it is not applied yet.
    expect(await ledgerStatuses(world)).to.deep.equal(['base.zip running']);

    // The killed shard alone, again (same owner: it takes its lease over at once).
    const again = await finished(shardJob(base, '1/3'));
    expect(again.code, again.stderr + again.lines.join('\n')).to.equal(0);
    expect(await ledgerStatuses(world)).to.deep.equal(['base.zip applied']);

    for (const result of await Promise.all(['0/2', '1/2'].map((shard) => finished(shardJob(delta1, shard)))))
      expect(result.code, result.stderr).to.equal(0);
    const rest = await finished(start(environment(world)));
    expect(rest.code, rest.stderr + rest.lines.join('\n')).to.equal(0);
    expect(await ledgerStatuses(world)).to.deep.equal(['base.zip applied', 'delta1.zip applied', 'delta2.zip applied']);
    expect(await world.itemLines()).to.deep.equal(expectedItems);
  });

  it('a corrupt extract in the middle stops the job there (exit 1, named); after mapc ledger skip the next pass goes on', async () => {
    const world = await newWorld();
    await world.upload('1-base.zip', extracts.base);
    const corrupt = join(mkdtempSync(join(tmpdir(), 'mapc-job-corrupt-')), 'corrupt.zip');
    writeFileSync(corrupt, 'PK\u0003\u0004 this is no archive');
    const broken = await world.upload(`2-broken-${BETWEEN_BASE_AND_DELTA1}.zip`, corrupt);
    await world.upload('3-delta1.zip', extracts.delta1);
    await world.upload('4-delta2.zip', extracts.delta2);
    const env = environment(world);
    const stopped = await finished(start(env));
    expect(stopped.code).to.equal(1);
    const last = JSON.parse(stopped.lines[stopped.lines.length - 1]);
    expect(last).to.include({ message: 'job pass failed', status: 'failed', applied: 1 });
    expect(last.error).to.include(`${broken}: cannot be read`);
    expect(await ledgerStatuses(world)).to.deep.equal([
      '1-base.zip applied',
      `2-broken-${BETWEEN_BASE_AND_DELTA1}.zip failed`,
    ]);

    const ledgerArgs = ['mappings/customer.map', '--endpoint', dynamo.endpoint, '--control-table', world.controlTable];
    const skip = await finished(
      spawn(
        process.execPath,
        [
          'bin/mapc.js',
          'ledger',
          'skip',
          broken,
          '--reason',
          'truncated upload, the warehouse resends it tomorrow',
          ...ledgerArgs,
        ],
        {
          cwd: REPO_ROOT,
          env: { ...inheritedEnvironment(), ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
    );
    expect(skip.code, skip.stderr).to.equal(0);
    const goesOn = await finished(start(env));
    expect(goesOn.code, goesOn.stderr + goesOn.lines.join('\n')).to.equal(0);
    expect(await ledgerStatuses(world)).to.deep.equal([
      '1-base.zip applied',
      `2-broken-${BETWEEN_BASE_AND_DELTA1}.zip skipped`,
      '3-delta1.zip applied',
      '4-delta2.zip applied',
    ]);
    expect(await world.itemLines()).to.deep.equal(expectedItems);
    const listing = await finished(
      spawn(process.execPath, ['bin/mapc.js', 'ledger', ...ledgerArgs], {
        cwd: REPO_ROOT,
        env: { ...inheritedEnvironment(), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(listing.code, listing.stderr).to.equal(0);
    expect(listing.lines.join('\n')).to.include('truncated upload, the warehouse resends it tomorrow');
  });

  it('the Lambda handler: an EventBridge Object Created event applies the extract once older ones are; a scheduled event catches up', async () => {
    const world = await newWorld();
    const saved = { ...process.env };
    Object.assign(process.env, environment(world));
    try {
      await world.upload('base.zip', extracts.base);
      await world.upload('delta1.zip', extracts.delta1);
      const landed = (key: string) => ({
        version: '0',
        id: '17793124-05d4-b198-2fde-7ededc63b103',
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: '111122223333',
        time: '2026-11-01T08:00:05Z',
        region: 'us-east-1',
        resources: [`arn:aws:s3:::${JOB_BUCKET}`],
        detail: {
          version: '0',
          bucket: { name: JOB_BUCKET },
          object: { key, size: 1, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '617f08299329d189' },
          'request-id': 'N4N7GDK58NMKJ12R',
          requester: '123456789012',
          'source-ip-address': '127.0.0.1',
          reason: 'PutObject',
        },
      });
      const invoke = (event: unknown) =>
        (handler as (event: unknown, context: unknown, callback: unknown) => Promise<JobReport>)(
          event,
          {},
          () => undefined,
        );
      const early = await invoke(landed(`${world.prefix}delta1.zip`));
      expect(early.status).to.equal('waiting');
      expect(early.error).to.include(`${world.source}base.zip`);

      const scheduled = await invoke({
        version: '0',
        id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '123456789012',
        time: '2026-11-01T09:00:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:events:us-east-1:123456789012:rule/mapc-catch-up'],
        detail: {},
      });
      expect(scheduled.status, scheduled.error).to.equal('ok');
      expect(scheduled.runs.map((r) => r.extract)).to.deep.equal([
        `${world.source}base.zip`,
        `${world.source}delta1.zip`,
      ]);

      await world.upload('delta2.zip', extracts.delta2);
      const latest = await invoke(landed(`${world.prefix}delta2.zip`));
      expect(latest.status, latest.error).to.equal('ok');
      expect(latest.runs.map((r) => r.extract)).to.deep.equal([`${world.source}delta2.zip`]);
      expect(await world.itemLines()).to.deep.equal(expectedItems);

      let refused: unknown;
      await invoke({ Records: [] }).catch((error: unknown) => {
        refused = error;
      });
      expect((refused as Error).message).to.include('EventBridge');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
