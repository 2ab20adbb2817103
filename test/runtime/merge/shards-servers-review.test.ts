// Found in review of incremental runs as shards on DynamoDB Local (runtime/control/packed-buckets.ts
// in shared mode): what an extract's shards leave in the control table, against a whole run.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { startS3Server, type LocalS3Server } from '../../../examples/local-servers/s3-server.js';
import type { DynamoDbStateStore } from '../../../runtime/control/control-table.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';
import { compiledPlan, generatedExtracts } from './fixtures.js';
import { EXTRACTS_BUCKET, serversWorld } from './servers-world.js';

describe('runtime: incremental runs as shards on DynamoDB Local, cases found in review', function () {
  this.timeout(300_000);
  const dynamo = useDynamoDbLocal();
  let s3: LocalS3Server;
  before(async () => {
    s3 = await startS3Server({ buckets: [EXTRACTS_BUCKET] });
  });
  after(async () => {
    await s3?.stop();
  });

  /** Each collection's bucket bits, from its layout row. */
  const layouts = async (store: DynamoDbStateStore) => {
    const scanned = await dynamo.client().send(
      new ScanCommand({
        TableName: store.tableName,
        FilterExpression: 'begins_with(pk, :layout)',
        ExpressionAttributeValues: { ':layout': { S: 'layout#' } },
        ConsistentRead: true,
      }),
    );
    const bits = scanned.Items!.map((item): [string, number] => [item.pk.S!, Number(item.bits.N)]);
    return Object.fromEntries(bits.sort(([a], [b]) => (a < b ? -1 : 1)));
  };

  it("a base load as 4 shards sizes each collection's buckets for the whole collection, not for one shard's share", async () => {
    const plan = compiledPlan();
    const [base] = await generatedExtracts(1000, 0);
    const whole = await serversWorld(dynamo, () => s3);
    expect((await whole.run(plan, base)).report.status).to.equal('ok');
    const sharded = await serversWorld(dynamo, () => s3);
    const reports = await Promise.all(
      [0, 1, 2, 3].map((index) => sharded.run(plan, base, { shard: { index, count: 4 }, owner: `shard ${index}` })),
    );
    for (const { report } of reports) expect(report.status, report.error).to.equal('ok');
    const expected = await layouts(whole.store as DynamoDbStateStore);
    expect(
      Object.values(expected).some((bits) => bits >= 2),
      'collections of several buckets',
    ).to.equal(true);
    // The first shard to write a collection chose its buckets for its own rows, a quarter of
    // them: buckets four times the size a whole run makes, read and written whole by every
    // later run that touches one of their keys. (A shard's share is about a quarter: a bit more
    // or less may tip its estimate over a power of two.)
    const found = await layouts(sharded.store as DynamoDbStateStore);
    expect(Object.keys(found)).to.deep.equal(Object.keys(expected));
    for (const [collection, bits] of Object.entries(expected))
      expect(found[collection], collection).to.be.within(bits - 1, bits + 1);
  });
});
