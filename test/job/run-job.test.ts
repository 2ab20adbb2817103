// runJob on the real servers: extracts uploaded under a prefix of s3rver, applied into
// DynamoDB Local, compared with the combined extract loaded at once.
import { expect } from 'chai';
import { statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJob, type RunJobOptions } from '../../api/run-job.js';
import { localS3Client, startS3Server, type LocalS3Server } from '../../examples/local-servers/s3-server.js';
import type { JobReport } from '../../runtime/job/job-report.js';
import type { Plan } from '../../runtime/plan/types.js';
import { compiledPlan } from '../runtime/merge/fixtures.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';
import { BETWEEN_BASE_AND_DELTA1, jobExtracts, type JobExtracts } from './extracts.js';
import { JOB_BUCKET, jobWorld, type JobWorld } from './job-world.js';

describe('runJob on DynamoDB Local and s3rver', function () {
  this.timeout(300_000);
  const dynamo = useDynamoDbLocal();
  const plan = compiledPlan();
  let s3: LocalS3Server;
  let s3Client: ReturnType<typeof localS3Client>;
  let extracts: JobExtracts;
  before(async () => {
    s3 = await startS3Server({ buckets: [JOB_BUCKET] });
    s3Client = localS3Client(s3.endpoint);
    extracts = await jobExtracts();
  });
  after(async () => {
    s3Client?.destroy();
    await s3?.stop();
  });

  const job = (world: JobWorld, options: Partial<RunJobOptions> = {}): Promise<JobReport> =>
    runJob({
      mappings: [plan],
      source: world.source,
      s3: { client: s3Client },
      dynamodb: { connection: world.connection },
      ...options,
    });
  const newWorld = () => jobWorld(dynamo, s3, plan);
  const statuses = (report: JobReport) =>
    report.extracts.map((e) => `${e.uri.slice(e.uri.lastIndexOf('/') + 1)} ${e.status}`);

  let expectedItems: string[];
  before(async () => {
    const atOnce = await newWorld();
    await atOnce.upload('combined.zip', extracts.combined);
    const report = await job(atOnce);
    expect(report.status, report.error).to.equal('ok');
    expectedItems = await atOnce.itemLines();
    expect(expectedItems.length).to.be.greaterThan(80);
  });

  it('applies a base and two deltas under one prefix oldest first, giving the items of the combined extract; a second pass applies only what is new', async () => {
    const world = await newWorld();
    // Names out of time order: the manifests' extractedAt decide.
    await world.upload('c-base.zip', extracts.base);
    await world.upload('b-delta1.zip', extracts.delta1);
    await world.upload('a-delta2.zip', extracts.delta2);
    const first = await job(world);
    expect(first.status, first.error).to.equal('ok');
    expect(statuses(first)).to.deep.equal(['c-base.zip applied', 'b-delta1.zip applied', 'a-delta2.zip applied']);
    expect(first.extracts.map((e) => e.asOfFrom)).to.deep.equal(['manifest', 'manifest', 'manifest']);
    expect(first.runs).to.have.length(3);
    for (const run of first.runs) {
      expect(run.report.status, run.report.error).to.equal('ok');
      expect(run.report.reconciled).to.equal(true);
    }
    expect(await world.itemLines()).to.deep.equal(expectedItems);

    const again = await job(world);
    expect(again.status).to.equal('ok');
    expect(again.runs).to.deep.equal([]);
    expect(statuses(again)).to.deep.equal([
      'c-base.zip done already',
      'b-delta1.zip done already',
      'a-delta2.zip done already',
    ]);

    await world.upload('d-delta3.zip', extracts.delta3);
    const third = await job(world);
    expect(third.status, third.error).to.equal('ok');
    expect(third.runs.map((r) => r.extract)).to.deep.equal([`${world.source}d-delta3.zip`]);
    const withDelta3 = await newWorld();
    await withDelta3.upload('all.zip', extracts.combinedWithDelta3);
    expect((await job(withDelta3)).status).to.equal('ok');
    expect(await world.itemLines()).to.deep.equal(await withDelta3.itemLines());
  });

  it('applies --once extracts in a shuffled order only once the older ones are: an early one waits, with a clear message, and writes nothing', async () => {
    const world = await newWorld();
    const base = await world.upload('base.zip', extracts.base);
    const delta1 = await world.upload('delta1.zip', extracts.delta1);
    const delta2 = await world.upload('delta2.zip', extracts.delta2);
    const early = await job(world, { once: delta2 });
    expect(early.status).to.equal('waiting');
    expect(early.runs).to.deep.equal([]);
    expect(early.error).to.include(
      `${delta2} (as_of 2100-11-01T14:00:00.000Z) waits: 2 older extracts are not applied yet`,
    );
    expect(early.error).to.include(base);
    expect(early.error).to.include('Nothing was written');
    expect(await world.itemLines()).to.deep.equal([]);

    expect((await job(world, { once: base })).status).to.equal('ok');
    expect((await job(world, { once: delta2 })).status).to.equal('waiting');
    const middle = await job(world, { once: delta1 });
    expect(middle.status, middle.error).to.equal('ok');
    expect(middle.runs.map((r) => r.extract)).to.deep.equal([delta1]);
    expect((await job(world, { once: delta2 })).status).to.equal('ok');
    expect((await job(world, { once: delta2 })).runs).to.deep.equal([]);
    expect(await world.itemLines()).to.deep.equal(expectedItems);
  });

  it('reads an extract once for every mapping: each byte fetched once, however many mappings read it', async () => {
    const product = compiledPlan('mappings/product.map');
    const bytesRead = async (plans: Plan[]) => {
      const world = await newWorld();
      await world.upload('base.zip', extracts.base);
      const report = await job(world, { mappings: plans });
      expect(report.status, report.error).to.equal('ok');
      expect(report.runs.map((r) => r.report.status)).to.deep.equal(plans.map(() => 'ok'));
      return report.extracts[0].bytesRead!;
    };
    const both = await bytesRead([plan, product]);
    const customerAlone = await bytesRead([plan]);
    const productAlone = await bytesRead([product]);
    // Both mappings read products.txt (and the directory, the manifest): fetched once.
    expect(both).to.be.lessThan(customerAlone + productAlone);
    expect(both).to.be.at.most(statSync(extracts.base).size);
    expect(both).to.be.at.least(Math.max(customerAlone, productAlone));
  });

  it('refuses --once for an extract that is not under the source', async () => {
    const world = await newWorld();
    await world.upload('base.zip', extracts.base);
    const report = await job(world, { once: `s3://${JOB_BUCKET}/elsewhere/base.zip` });
    expect(report.status).to.equal('failed');
    expect(report.error).to.include('is not an extract under');
  });

  it('names --once as the ledger does: the scheme in any case is the extract listed; a URI without a key says what is missing', async () => {
    const world = await newWorld();
    const base = await world.upload('base.zip', extracts.base);
    const shouted = await job(world, { once: base.replace(/^s3:/, 'S3:') });
    expect(shouted.status, shouted.error).to.equal('ok');
    expect(shouted.runs.map((r) => r.extract)).to.deep.equal([base]);
    const keyless = await job(world, { once: `s3://${JOB_BUCKET}` });
    expect(keyless.status).to.equal('failed');
    expect(keyless.error).to.equal(
      `--once s3://${JOB_BUCKET}: no object key after the bucket — name the ZIP itself, as in s3://my-bucket/extracts/2026-11-01.zip`,
    );
    expect(keyless.runs).to.deep.equal([]);
  });

  it('stops at a corrupt extract in the middle, applying nothing after it, and names it', async () => {
    const world = await newWorld();
    await world.upload('1-base.zip', extracts.base);
    const corrupt = join(mkdtempSync(join(tmpdir(), 'mapc-job-corrupt-')), 'corrupt.zip');
    writeFileSync(corrupt, 'this is not a zip archive');
    const broken = await world.upload(`2-broken-${BETWEEN_BASE_AND_DELTA1}.zip`, corrupt);
    await world.upload('3-delta1.zip', extracts.delta1);
    const report = await job(world);
    expect(report.status).to.equal('failed');
    expect(report.error).to.match(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot be read: `));
    expect(statuses(report)).to.deep.equal([
      '1-base.zip applied',
      `2-broken-${BETWEEN_BASE_AND_DELTA1}.zip failed`,
      '3-delta1.zip not reached',
    ]);
    expect(report.extracts[1].asOfFrom).to.equal('name');
    const again = await job(world);
    expect(again.status).to.equal('failed');
    expect(again.runs).to.deep.equal([]);
  });
});
