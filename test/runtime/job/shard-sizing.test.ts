// The plan step's arithmetic (runtime/job/shard-sizing.ts): how each of customer.map's tables
// counts towards a shard's memory, the model's sum, and the fewest shards within a limit.
import { expect } from 'chai';
import { loadPlan } from '../../../api/load-plan.js';
import {
  estimateMiB,
  planShards,
  sizeMapping,
  type MappingSizing,
  type SizingModel,
} from '../../../runtime/job/shard-sizing.js';

const MIB = 1024 * 1024;
const BYTES = new Map([
  ['customers', 16 * MIB],
  ['orders', 40 * MIB],
  ['order_lines', 120 * MIB],
  ['payments', 48 * MIB],
  ['products', MIB],
]);
const MODEL: SizingModel = { baseMiB: 100, readPerByte: 0.5, heldPerByte: 2, keysPerByte: 1 };

describe('runtime: sizing an extract for shards', () => {
  const plan = loadPlan('mappings/customer.map');

  it("counts a table as its shard's share, whole, or streamed, and keeps the keys the router keeps", () => {
    const held = (sizing: MappingSizing) =>
      Object.fromEntries(sizing.tables.map((t) => [t.table, `${t.held}${t.keys ? '+keys' : ''}`]));
    expect(held(sizeMapping(plan, BYTES, 'dynamodb'))).to.deep.equal({
      customers: 'split',
      orders: 'split+keys',
      order_lines: 'split',
      payments: 'split+keys',
      products: 'whole',
    });
    // A preview streams its root rows: they are never held.
    expect(held(sizeMapping(plan, BYTES, 'preview')).customers).to.equal('streamed');
    expect(sizeMapping(plan, BYTES, 'dynamodb').tables.find((t) => t.table === 'order_lines')!.bytes).to.equal(
      120 * MIB,
    );
  });

  it('adds up base, bytes read, held bytes over the shards, and shared keys', () => {
    const sizing = sizeMapping(plan, BYTES, 'dynamodb');
    // read 225 MiB; split 224 MiB; whole 1 MiB; keys 88 MiB (orders and payments, only when sharded).
    expect(estimateMiB(sizing, 1, MODEL)).to.equal(Math.ceil(100 + 112.5 + 2 * (224 + 1)));
    expect(estimateMiB(sizing, 4, MODEL)).to.equal(Math.ceil(100 + 112.5 + 2 * (56 + 1) + 88));
  });

  it('takes the fewest shards whose every mapping fits the limit, and says when none does', () => {
    const sizing = sizeMapping(plan, BYTES, 'dynamodb');
    const plan4 = planShards([sizing], { memoryLimitMiB: 420, maxShards: 16, model: MODEL });
    expect(plan4.shards).to.equal(4);
    expect(plan4.shardList).to.deep.equal(['0/4', '1/4', '2/4', '3/4']);
    expect(plan4.memoryMiB)
      .to.equal(estimateMiB(sizing, 4, MODEL))
      .and.at.most(420);
    expect(estimateMiB(sizing, 3, MODEL)).to.be.above(420);
    expect(plan4.fits).to.equal(true);
    expect(plan4.mappings[0].singleRunMiB).to.equal(estimateMiB(sizing, 1, MODEL));

    const tooSmall = planShards([sizing], { memoryLimitMiB: 300, maxShards: 8, model: MODEL });
    expect(tooSmall).to.include({ shards: 8, fits: false });
    expect(planShards([sizing], { memoryLimitMiB: 8192, maxShards: 8, model: MODEL }).shards).to.equal(1);
  });

  it('keeps an extract to one shard when a mapping cannot be sharded, and names why', () => {
    const sizing = sizeMapping(plan, BYTES, 'dynamodb');
    const stuck: MappingSizing = {
      ...sizing,
      mapping: 'two-roots',
      unshardable: ['its items come from 2 root tables'],
    };
    const planned = planShards([sizing, stuck], { memoryLimitMiB: 300, maxShards: 8, model: MODEL });
    expect(planned).to.include({ shards: 1, fits: false });
    expect(planned.mappings[1].unshardable).to.deep.equal(['its items come from 2 root tables']);
  });
});
