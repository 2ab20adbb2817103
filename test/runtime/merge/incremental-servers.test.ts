// The incremental-run scenarios on the real servers: DynamoDB Local (java) and s3rver, both
// on 127.0.0.1, started here and stopped afterwards.
import { startS3Server, type LocalS3Server } from '../../../examples/local-servers/s3-server.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';
import { marshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'chai';
import { itemSize } from '../../../runtime/dynamodb/item-size.js';
import { compiledPlan } from './fixtures.js';
import { handmadeExtract } from './handmade-extract.js';
import { incrementalScenarios } from './scenarios.js';
import { EXTRACTS_BUCKET, serversWorld } from './servers-world.js';

describe('on DynamoDB Local and s3rver', function () {
  const dynamo = useDynamoDbLocal();
  let s3: LocalS3Server;
  before(async () => {
    s3 = await startS3Server({ buckets: [EXTRACTS_BUCKET] });
  });
  after(async () => {
    await s3?.stop();
  });

  incrementalScenarios('DynamoDB Local, extracts from s3rver', () => serversWorld(dynamo, () => s3));

  describe('items near the 400 KB limit', function () {
    this.timeout(120_000);
    const plan = compiledPlan();
    const bigItemExtract = (nameLengths: [number, number]) =>
      handmadeExtract('2026-11-01T02:00:00Z', {
        customers: nameLengths.map(
          (length, i) => `${i + 1},${'n'.repeat(length)},c${i + 1}@example.com,RETAIL,2026-01-01T00:00:00Z,FR`,
        ),
        orders: ['10,1,2026-10-01,SHIPPED,web', '20,2,2026-10-01,SHIPPED,web'],
        order_lines: [10, 20].flatMap((order) =>
          Array.from({ length: 190 }, (_, i) => `${order},${i + 1},SKU-BIG,1,1.00`),
        ),
        products: [`SKU-BIG|${'d'.repeat(2000)}|kitchen|1.00`],
      });

    it('writes a 399 KB item and rejects a 401 KB one with its key', async () => {
      // The size of the item with a one-letter name, as DynamoDB stored it; the name pads it.
      const probe = await serversWorld(dynamo, () => s3);
      await probe.run(plan, await bigItemExtract([1, 1]));
      const stored = await probe.item('CUST#1', 'PROFILE');
      const base = itemSize(marshall(stored!, { convertClassInstanceToMap: true }) as never) - 1;
      const world = await serversWorld(dynamo, () => s3);
      const { report, rejects } = await world.run(plan, await bigItemExtract([399 * 1024 - base, 401 * 1024 - base]));
      expect(report.status, report.error).to.equal('ok');
      expect(report.reconciled).to.equal(true);
      const written = await world.item('CUST#1', 'PROFILE');
      expect(itemSize(marshall(written!, { convertClassInstanceToMap: true }) as never)).to.equal(399 * 1024);
      expect(await world.item('CUST#2', 'PROFILE')).to.equal(undefined);
      expect(report.tables.customers).to.include({ read: 2, used: 1, rejected: 1 });
      expect(rejects.map((r) => r.reason)).to.deep.equal([
        `its Customer item pk="CUST#2" sk="PROFILE" is ${401 * 1024} bytes, over DynamoDB's limit of ${400 * 1024} (400 KB); lower a collection's limit or keep fewer attributes in the mapping`,
      ]);
      // Its order and lines wait for a corrected customer row.
      expect(report.tables.orders).to.include({ used: 1, parked: 1 });
      expect(report.tables.order_lines).to.include({ used: 190, parked: 190 });
    });
  });
});
