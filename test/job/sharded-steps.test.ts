// The steps of a sharded job that apply nothing, as the state machine runs them (docs/deploy.md
// "Sharded mode"), in child processes on s3rver and DynamoDB Local: `mapc job --plan` without
// --once (the extract to apply next, written to --plan-out), the shards it lists, `mapc job
// --once X --check`, and the plan again, extract after extract, until none is pending; and the
// plan refusing to go past an extract that failed or cannot be read.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NextExtractPlan } from '../../api/plan-shards.js';
import { localS3Client, startS3Server, type LocalS3Server } from '../../examples/local-servers/s3-server.js';
import { DynamoDbStateStore } from '../../runtime/control/control-table.js';
import type { ExtractCheck } from '../../runtime/job/extract-check.js';
import { byExtract } from '../../runtime/merge/ledger-order.js';
import { compiledPlan } from '../runtime/merge/fixtures.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';
import { BETWEEN_BASE_AND_DELTA1, jobExtracts, type JobExtracts } from './extracts.js';
import { containerEnvironment, finished, startMapc } from './job-child.js';
import { JOB_BUCKET, jobWorld, type JobWorld } from './job-world.js';

describe('a sharded job step by step: mapc job --plan, the shards, --check (child processes on DynamoDB Local and s3rver)', function () {
  this.timeout(300_000);
  const dynamo = useDynamoDbLocal();
  const plan = compiledPlan();
  let s3: LocalS3Server;
  let extracts: JobExtracts;
  before(async () => {
    s3 = await startS3Server({ buckets: [JOB_BUCKET] });
    extracts = await jobExtracts(300, 7);
  });
  after(async () => {
    await s3?.stop();
  });

  const environment = (world: JobWorld, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
    containerEnvironment(world, { dynamo: dynamo.endpoint, s3: s3.endpoint }, extra);
  const job = (world: JobWorld, extra: NodeJS.ProcessEnv, args: string[] = []) =>
    finished(startMapc('job', environment(world, extra), args));
  /** `mapc job --plan`: the exit code and the plan it printed. */
  const planOf = async (world: JobWorld, extra: NodeJS.ProcessEnv = {}, args: string[] = []) => {
    const result = await job(world, extra, ['--plan', ...args]);
    expect(result.stderr).to.equal('');
    return { code: result.code, plan: JSON.parse(result.lines.join('\n')) as NextExtractPlan };
  };
  const checkOf = async (world: JobWorld, extract: string) => {
    const result = await job(world, { MAPC_ONCE: extract, MAPC_CHECK: 'true' });
    expect(result.stderr).to.equal('');
    return { code: result.code, check: JSON.parse(result.lines.join('\n')) as ExtractCheck };
  };
  const applied = async (world: JobWorld, extra: NodeJS.ProcessEnv) => {
    const result = await job(world, extra);
    expect(result.code, result.stderr + result.lines.join('\n')).to.equal(0);
  };
  const ledgerStatuses = async (world: JobWorld) =>
    byExtract(await new DynamoDbStateStore(world.connection.client, world.controlTable).ledger('customer'))
      .map((e) => `${e.identity.uri.slice(e.identity.uri.lastIndexOf('/') + 1)} ${e.status}`)
      .sort();
  const newWorld = () => jobWorld(dynamo, s3, plan);

  it('plans the oldest pending extract, writes the plan to S3 or a file, and makes nothing: not even the control table', async () => {
    const world = await newWorld();
    const base = await world.upload('base.zip', extracts.base);
    await world.upload('delta1.zip', extracts.delta1);
    await world.upload('delta2.zip', extracts.delta2);
    const key = `plans/${world.prefix}next.json`;
    const { code, plan: next } = await planOf(world, {}, ['--plan-out', `s3://${JOB_BUCKET}/${key}`]);
    expect(code).to.equal(0);
    expect(next).to.include({ extract: base, pending: 3, shards: 1, fits: true, model: 'dynamodb' });
    expect(next.shardList).to.deep.equal(['0/1']);
    expect(next.asOf).to.equal('2100-11-01T02:00:00.000Z');
    expect(next.mappings.map((m) => m.mapping)).to.deep.equal(['customer']);
    const client = localS3Client(s3.endpoint);
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: JOB_BUCKET, Key: key }));
      expect(JSON.parse(await object.Body!.transformToString())).to.deep.equal(next);
      expect(object.ContentType).to.equal('application/json');
    } finally {
      client.destroy();
    }
    const file = join(mkdtempSync(join(tmpdir(), 'mapc-plan-out-')), 'plan.json');
    const local = await planOf(world, { MAPC_PLAN_OUT: file, MAPC_SHARD_MEMORY: '64', MAPC_MAX_SHARDS: '3' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal(local.plan);
    expect(local.plan).to.include({ extract: base, shards: 3, fits: false, memoryLimitMiB: 64 });
    expect(local.plan.shardList).to.deep.equal(['0/3', '1/3', '2/3']);
    // Nothing was written: the control table is not even made, and no item is.
    expect(await ledgerStatuses(world).catch((error: Error) => error.name)).to.equal('ResourceNotFoundException');
    expect(await world.itemLines()).to.deep.equal([]);
  });

  it('plan, shards, check, extract after extract, until the plan says none is pending: the items of one combined run', async () => {
    const combined = await newWorld();
    await combined.upload('combined.zip', extracts.combined);
    await applied(combined, {});
    const expectedItems = await combined.itemLines();
    expect(expectedItems.length).to.be.greaterThan(200);

    const world = await newWorld();
    for (const name of ['base', 'delta1', 'delta2'] as const) await world.upload(`${name}.zip`, extracts[name]);
    // The base is sized to a memory below one run's estimate, so that it needs shards.
    const { plan: roomy } = await planOf(world);
    const memory = String(roomy.mappings[0].singleRunMiB - 1);
    const seen: Array<[string, number]> = [];
    for (let step = 0; step < 5; step++) {
      const { code, plan: next } = await planOf(world, { MAPC_SHARD_MEMORY: memory });
      expect(code).to.equal(0);
      if (next.extract === null) {
        expect(next).to.deep.include({ extract: null, pending: 0, shards: 0, shardList: [], mappings: [] });
        break;
      }
      const extract = next.extract;
      seen.push([extract.slice(world.source.length), next.shards]);
      const before = await checkOf(world, extract);
      expect(before.code).to.equal(1);
      expect(before.check.mappings).to.deep.equal([
        { mapping: 'customer', done: false, status: 'not run', shards: [] },
      ]);
      // The shards at once, as the Distributed Map runs them; the first one alone first, for the check between.
      const [first, ...rest] = next.shardList;
      await applied(world, { MAPC_ONCE: extract, MAPC_SHARD: first, MAPC_OWNER: `execution-1 shard ${first}` });
      if (rest.length > 0) {
        const partly = await checkOf(world, extract);
        expect(partly.code).to.equal(1);
        expect(partly.check.applied).to.equal(false);
        expect(partly.check.mappings[0]).to.deep.include({ done: false, status: 'running' });
        expect(partly.check.mappings[0].shards).to.deep.equal([
          { count: next.shards, applied: [first], failed: [], running: [], missing: rest },
        ]);
      }
      await Promise.all(
        rest.map((shard) =>
          applied(world, { MAPC_ONCE: extract, MAPC_SHARD: shard, MAPC_OWNER: `execution-1 ${shard}` }),
        ),
      );
      const after = await checkOf(world, extract);
      expect(after.code, JSON.stringify(after.check)).to.equal(0);
      expect(after.check).to.deep.include({ extract, applied: true });
      expect(after.check.mappings[0]).to.deep.include({ done: true, status: 'applied' });
    }
    expect(seen[0][0]).to.equal('base.zip');
    expect(seen[0][1]).to.be.above(1);
    expect(seen.map(([name]) => name)).to.deep.equal(['base.zip', 'delta1.zip', 'delta2.zip']);
    expect(await ledgerStatuses(world)).to.deep.equal(['base.zip applied', 'delta1.zip applied', 'delta2.zip applied']);
    expect(await world.itemLines()).to.deep.equal(expectedItems);
  });

  it('stops at the oldest pending extract when it cannot be read or has failed (exit 1, blockedBy); after mapc ledger skip it plans the next', async () => {
    const world = await newWorld();
    const base = await world.upload('1-base.zip', extracts.base);
    const corrupt = join(mkdtempSync(join(tmpdir(), 'mapc-plan-corrupt-')), 'corrupt.zip');
    writeFileSync(corrupt, 'PK\u0003\u0004 this is no archive');
    const broken = await world.upload(`2-broken-${BETWEEN_BASE_AND_DELTA1}.zip`, corrupt);
    const delta1 = await world.upload('3-delta1.zip', extracts.delta1);
    await applied(world, { MAPC_ONCE: base });

    const unreadable = await planOf(world);
    expect(unreadable.code).to.equal(1);
    expect(unreadable.plan).to.deep.include({ extract: null, pending: 2, shards: 0, shardList: [] });
    expect(unreadable.plan.blockedBy).to.deep.include({
      extract: broken,
      asOf: '2100-11-01T05:00:00.000Z',
      status: 'unreadable',
    });
    expect(unreadable.plan.blockedBy!.error).to.match(/^cannot be read: /);

    // Run by hand (as a shard, or by an unsharded pass), it is recorded failed: it still blocks.
    const run = await job(world, { MAPC_ONCE: broken, MAPC_SHARD: '0/1' });
    expect(run.code).to.equal(1);
    const failed = await planOf(world);
    expect(failed.code).to.equal(1);
    expect(failed.plan.blockedBy).to.deep.include({ extract: broken, status: 'failed', mappings: ['customer'] });
    expect(failed.plan.blockedBy!.error).to.match(/^mapping customer: cannot be read: /);
    const check = await checkOf(world, broken);
    expect(check.code).to.equal(1);
    expect(check.check.mappings[0]).to.deep.include({ done: false, status: 'failed', whole: 'failed' });

    const skip = await finished(
      startMapc('ledger', environment(world), [
        'skip',
        broken,
        '--reason',
        'truncated upload',
        'mappings/customer.map',
        '--endpoint',
        dynamo.endpoint,
        '--control-table',
        world.controlTable,
      ]),
    );
    expect(skip.code, skip.stderr).to.equal(0);
    const next = await planOf(world);
    expect(next.code).to.equal(0);
    expect(next.plan).to.include({ extract: delta1, pending: 1 });
    expect(next.plan).to.not.have.property('blockedBy');
    // Skipped counts as done for the check, as for the job.
    const skipped = await checkOf(world, broken);
    expect(skipped.code).to.equal(0);
    expect(skipped.check.mappings[0]).to.deep.include({ done: true, status: 'skipped' });
  });

  it('--check names an extract that is not under the source, and fails', async () => {
    const world = await newWorld();
    const result = await job(world, { MAPC_ONCE: `${world.source}missing.zip`, MAPC_CHECK: 'true' });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(`${world.source}missing.zip is not an extract under ${world.source}`);
  });
});
