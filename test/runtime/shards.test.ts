// One extract run as N shards (runtime/hold/shard-router.ts): random small warehouses, full
// of orphans, twins with different parents, rows that cannot be read and rows the scan
// filters drop, each run once and as 2, 3 and 7 shards. The shards' items, rejects and
// counts together must be the single run's, exactly.
import { expect } from 'chai';
import fc from 'fast-check';
import { keyHash } from '../../runtime/eval/key-hash.js';
import { fieldOf, type BuiltItem } from '../../runtime/eval/item-value.js';
import { parseShard, shardOfKey, type Shard } from '../../runtime/eval/shard.js';
import { ShardRouter, whyNotShardable } from '../../runtime/hold/shard-router.js';
import type { Plan } from '../../runtime/plan/types.js';
import { emptyCounts, type RunReport, type TableCounts } from '../../runtime/report/run-report.js';
import { runPlan } from '../../runtime/run/run-plan.js';
import { canonical, show } from './differential/canonical-item.js';
import { MemoryByteSource, zipWarehouse } from './differential/memory-extract.js';
import { warehouseArbitrary, type RawWarehouse } from './differential/random-warehouse.js';
import { differentialPlan } from './differential/run-both.js';

interface Outcome {
  /** Each item as canonical text, sorted. */
  items: string[];
  /** Each item's partition key. */
  pks: string[];
  /** Each reject as JSON text, sorted. */
  rejects: string[];
  tables: Record<string, TableCounts>;
  itemCounts: Record<string, { built: number; written: number; filtered: number }>;
  reports: RunReport[];
}

async function run(warehouse: RawWarehouse, zip: Buffer, shard?: Shard): Promise<Outcome> {
  const items: BuiltItem[] = [];
  const rejects: string[] = [];
  const report = await runPlan({
    plan: differentialPlan(),
    source: new MemoryByteSource('differential.zip', zip),
    asOf: { kind: 'timestamp', epochMillis: Date.parse(warehouse.asOf) },
    sink: { write: (item) => void items.push(item), commit: async () => {}, abort: async () => {} },
    rejects: { write: (reject) => void rejects.push(JSON.stringify(reject)) },
    ...(shard ? { shard } : {}),
  });
  const tables = Object.fromEntries(
    Object.entries(report.tables).map(([name, { read, used, filtered, rejected, orphaned, retried, parked }]) => [
      name,
      { read, used, filtered, rejected, orphaned, retried, parked },
    ]),
  );
  return {
    items: items.map((item) => `${item.item} ${show(canonical(item.attributes))}`).sort(),
    pks: items.map((item) => String(fieldOf(item.attributes, 'pk'))),
    rejects: rejects.sort(),
    tables,
    itemCounts: structuredClone(report.items),
    reports: [report],
  };
}

/** The shards' outcomes as one: items and rejects pooled, counts added. */
function together(outcomes: Outcome[]): Outcome {
  const tables: Record<string, TableCounts> = {};
  const itemCounts: Outcome['itemCounts'] = {};
  for (const outcome of outcomes) {
    for (const [name, counts] of Object.entries(outcome.tables)) {
      const sum = (tables[name] ??= emptyCounts());
      for (const key of Object.keys(sum) as Array<keyof TableCounts>) sum[key] += counts[key];
    }
    for (const [name, counts] of Object.entries(outcome.itemCounts)) {
      const sum = (itemCounts[name] ??= { built: 0, written: 0, filtered: 0 });
      sum.built += counts.built;
      sum.written += counts.written;
      sum.filtered += counts.filtered;
    }
  }
  return {
    items: outcomes.flatMap((o) => o.items).sort(),
    pks: outcomes.flatMap((o) => o.pks),
    rejects: outcomes.flatMap((o) => o.rejects).sort(),
    tables,
    itemCounts,
    reports: outcomes.flatMap((o) => o.reports),
  };
}

async function expectShardsAddUp(warehouse: RawWarehouse, count: number): Promise<void> {
  const zip = await zipWarehouse(warehouse);
  const single = await run(warehouse, zip);
  const shards = together(
    await Promise.all(Array.from({ length: count }, (_, index) => run(warehouse, zip, { index, count }))),
  );
  expect(shards.items, 'items').to.deep.equal(single.items);
  expect(shards.rejects, 'rejects').to.deep.equal(single.rejects);
  expect(shards.tables, 'table counts').to.deep.equal(single.tables);
  expect(shards.itemCounts, 'item counts').to.deep.equal(single.itemCounts);
  for (const report of shards.reports) {
    expect(report.status).to.equal('ok');
    expect(report.reconciled, `shard ${report.shard} reconciles`).to.equal(true);
    expect(report.shard).to.match(new RegExp(`^\\d+/${count}$`));
  }
}

describe('runtime: an extract run as N shards', function () {
  this.timeout(120_000);

  it('reads i/N and refuses anything else, saying what it takes', () => {
    expect(parseShard('0/4')).to.deep.equal({ index: 0, count: 4 });
    expect(parseShard(' 6/7 ')).to.deep.equal({ index: 6, count: 7 });
    expect(parseShard('4/4')).to.deep.equal({ error: 'shards of 4 are numbered 0 to 3, not 4' });
    expect(parseShard('0/0')).to.deep.equal({ error: 'a run has at least one shard, not 0' });
    expect((parseShard('1 of 4') as { error: string }).error).to.contain('expected i/N');
    expect((parseShard('-1/4') as { error: string }).error).to.contain('expected i/N');
  });

  it("gives a root key the same shard every time: its canonical text's keyHash mod N", () => {
    // Fixed: a key's shard must not move between versions, machines or runs.
    expect([7, 42, 'CUST-9', '1.5\u001f2024-01-31'].map((key) => shardOfKey(key, 7))).to.deep.equal(
      [7, 42, 'CUST-9', '1.5\u001f2024-01-31'].map((key) => keyHash(String(key)) % 7),
    );
    expect(keyHash('42')).to.equal(686566589);
    expect(shardOfKey(42, 1)).to.equal(0);
    expect(shardOfKey(42n, 3)).to.equal(shardOfKey('42', 3));
    // Consecutive ids spread evenly enough over the shards.
    const counts = new Array<number>(4).fill(0);
    for (let id = 1; id <= 40_000; id++) counts[shardOfKey(id, 4)]++;
    for (const n of counts) expect(n).to.be.within(9_500, 10_500);
  });

  it('runs a mapping whose rows sit under one root each, and names what stops one that does not', () => {
    const plan = differentialPlan();
    expect(whyNotShardable(plan)).to.deep.equal([]);
    const looked: Plan = structuredClone(plan);
    const orders = looked.tables.find((t) => t.name === 'orders')!;
    orders.roles.push({ kind: 'lookup', keyColumns: ['order_id'] });
    const reasons = whyNotShardable(looked);
    expect(reasons).to.have.length(1);
    expect(reasons[0]).to.contain('orders is looked up and is also collected under a parent');
    expect(() => new ShardRouter(looked, { index: 0, count: 2 })).to.throw(/cannot run as shards: orders is looked up/);
  });

  it('gives, over 2, 3 or 7 shards, the items, rejects and counts of one run (random warehouses)', async () => {
    await fc.assert(
      fc.asyncProperty(
        warehouseArbitrary({ twinsAcrossScanFilter: true }),
        fc.constantFrom(2, 3, 7),
        async (warehouse, count) => expectShardsAddUp(warehouse, count),
      ),
      { seed: 20261202, numRuns: 80 },
    );
  });

  it('has each shard build the items of its own root keys, hold only the rows under them, and count lookups once', async () => {
    const warehouses = fc.sample(warehouseArbitrary({ twinsAcrossScanFilter: false }), { seed: 7, numRuns: 20 });
    const warehouse = warehouses.reduce((a, b) => (b.tables.lines.length > a.tables.lines.length ? b : a));
    const zip = await zipWarehouse(warehouse);
    const single = await run(warehouse, zip);
    const shards = await Promise.all([0, 1, 2].map((index) => run(warehouse, zip, { index, count: 3 })));
    for (const [index, outcome] of shards.entries()) {
      // Account items: pk "ACC#<account_id>", an int key.
      for (const pk of outcome.pks) expect(shardOfKey(Number(pk.slice(4)), 3), pk).to.equal(index);
      expect(outcome.tables.lines.read).to.be.below(single.tables.lines.read);
      // regions is only looked up: every shard holds it, shard 0 counts it.
      expect(outcome.tables.regions.read).to.equal(index === 0 ? single.tables.regions.read : 0);
    }
    expect(single.tables.lines.read).to.be.above(10);
  });
});
