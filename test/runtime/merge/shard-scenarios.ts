// Incremental runs as shards (runtime/hold/shard-router.ts, run-incremental.ts), written once
// and run in two worlds: a store in memory and DynamoDB Local. An extract's shards, each under
// its own lease and ledger entry, must leave exactly the items, parked rows and counts of the
// extract run whole, whatever the shard count of each extract.
import { expect } from 'chai';
import { shardOfKey, type Shard } from '../../../runtime/eval/shard.js';
import type { RunReport } from '../../../runtime/report/run-report.js';
import { listLedger } from '../../../runtime/merge/ledger.js';
import { compiledPlan, generatedExtracts, type World } from './fixtures.js';
import { handmadeExtract } from './handmade-extract.js';
import { countsOf } from './shard-fixtures.js';

const shardsOf = (count: number): Shard[] => Array.from({ length: count }, (_, index) => ({ index, count }));

export function shardScenarios(name: string, newWorld: () => Promise<World>): void {
  describe(`runtime: incremental runs as shards (${name})`, function () {
    this.timeout(180_000);
    const plan = compiledPlan();
    let extracts: string[];

    before(async () => {
      extracts = await generatedExtracts(300, 2);
    });

    /** Runs an extract as `count` shards, one after another; their reports. */
    const runAsShards = async (world: World, extract: string, count: number) => {
      const reports: RunReport[] = [];
      for (const shard of shardsOf(count)) {
        const { report } = await world.run(plan, extract, { shard });
        expect(report.status, `shard ${report.shard}: ${report.error}`).to.equal('ok');
        expect(report.reconciled).to.equal(true);
        expect(report.shard).to.equal(`${shard.index}/${count}`);
        reports.push(report);
      }
      return reports;
    };

    it('base as 4 shards, then deltas as 1 and as 3: the items, parked rows and counts of whole runs', async () => {
      const whole = await newWorld();
      const wholeReports: RunReport[] = [];
      for (const extract of extracts) wholeReports.push((await whole.run(plan, extract)).report);
      const sharded = await newWorld();
      const counts = [4, 1, 3];
      for (const [i, extract] of extracts.entries()) {
        const reports = await runAsShards(sharded, extract, counts[i]);
        expect(countsOf(reports), `extract ${i}: counts added over ${counts[i]} shards`).to.deep.equal(
          countsOf([wholeReports[i]]),
        );
      }
      expect(wholeReports[2].tables.order_lines.used).to.be.above(0);
      const expected = await whole.itemLines();
      expect(expected.length).to.be.above(200);
      expect(await sharded.itemLines()).to.deep.equal(expected);
      for (const table of plan.state.parkable.map((p) => p.table))
        expect((await sharded.store.parkedRows('customer', table)).map((r) => r.id).sort(), table).to.deep.equal(
          (await whole.store.parkedRows('customer', table)).map((r) => r.id).sort(),
        );
    });

    it("attaches a parked row in the shard of its parent's root, and a late line of an old order in its customer's", async () => {
      const customer = (id: number) => `${id},Customer ${id},c${id}@example.com,RETAIL,2026-01-01T00:00:00Z,FR`;
      const order = (id: number, customerId: number) => `${id},${customerId},2026-10-01,SHIPPED,web`;
      const line = (orderId: number, lineNo: number) => `${orderId},${lineNo},SKU-1,1,10.00`;
      // Base: customers 1 to 8 with an order each; lines of orders 91 and 92, which have not come.
      const base = await handmadeExtract('2026-11-01T02:00:00Z', {
        customers: [1, 2, 3, 4, 5, 6, 7, 8].map(customer),
        orders: [1, 2, 3, 4, 5, 6, 7, 8].map((c) => order(c * 10, c)),
        order_lines: [line(10, 1), line(91, 1), line(91, 2), line(92, 1)],
        products: ['SKU-1|Kettle|kitchen|9.99'],
      });
      // Delta: orders 91 and 92 arrive (of customers 3 and 4), and a new line of an old order
      // whose own key would go to another shard than its customer's.
      const late = [1, 2, 5, 6, 7, 8].filter((c) => shardOfKey(c * 10, 3) !== shardOfKey(c, 3)).slice(0, 1);
      expect(late).to.have.length(1);
      const delta = await handmadeExtract('2026-11-01T08:00:00Z', {
        orders: [order(91, 3), order(92, 4)],
        order_lines: late.map((c) => line(c * 10, 2)),
      });
      const whole = await newWorld();
      const wholeReports = [(await whole.run(plan, base)).report, (await whole.run(plan, delta)).report];
      expect(wholeReports[0].tables.order_lines).to.include({ parked: 3 });
      expect(wholeReports[1].tables.order_lines).to.include({ retried: 3, read: 1, used: 4, parked: 0 });

      const sharded = await newWorld();
      expect(countsOf(await runAsShards(sharded, base, 3))).to.deep.equal(countsOf([wholeReports[0]]));
      const deltaReports = await runAsShards(sharded, delta, 3);
      expect(countsOf(deltaReports)).to.deep.equal(countsOf([wholeReports[1]]));
      // Each retried line was taken by one shard only, and each item written by its customer's
      // shard: 3 and 4 (their orders, and the parked lines), and those with a new line of an old order.
      expect(deltaReports.map((r) => r.tables.order_lines.retried).reduce((a, b) => a + b)).to.equal(3);
      expect(deltaReports.map((r) => r.items.Customer.written)).to.deep.equal(
        shardsOf(3).map(({ index }) => [3, 4, ...late].filter((c) => shardOfKey(c, 3) === index).length),
      );
      expect(await sharded.store.parkedRows('customer', 'order_lines')).to.deep.equal([]);
      expect(await sharded.itemLines()).to.deep.equal(await whole.itemLines());
    });

    it('shards of an extract run at the same time leave the items of whole runs', async () => {
      const whole = await newWorld();
      for (const extract of extracts) await whole.run(plan, extract);
      const sharded = await newWorld();
      for (const [i, count] of [4, 2, 3].entries()) {
        const reports = await Promise.all(
          shardsOf(count).map((shard) => sharded.run(plan, extracts[i], { shard, owner: `shard ${shard.index}` })),
        );
        for (const { report } of reports) expect(report.status, `${report.shard}: ${report.error}`).to.equal('ok');
      }
      expect(await sharded.itemLines()).to.deep.equal(await whole.itemLines());
    });

    it('a shard that stops halfway, run again alone, reaches the items of whole runs', async () => {
      const whole = await newWorld();
      for (const extract of extracts.slice(0, 2)) await whole.run(plan, extract);
      const sharded = await newWorld();
      await runAsShards(sharded, extracts[0], 2);
      const crashed = await sharded.run(plan, extracts[1], { shard: { index: 1, count: 3 }, crashAfterWrites: 5 });
      expect(crashed.report.status).to.equal('failed');
      expect(crashed.report.error).to.contain('crash injected');
      for (const index of [0, 2])
        expect((await sharded.run(plan, extracts[1], { shard: { index, count: 3 } })).report.status).to.equal('ok');
      // The failed shard holds the extract back until it is run again.
      expect((await sharded.run(plan, extracts[2])).report.error).to.contain('failed');
      expect((await sharded.run(plan, extracts[1], { shard: { index: 1, count: 3 } })).report.status).to.equal('ok');
      expect(await sharded.itemLines()).to.deep.equal(await whole.itemLines());
    });

    it('counts an extract applied once every shard of a count has applied it, and a shard applied already is skipped', async () => {
      const world = await newWorld();
      await runAsShards(world, extracts[0], 2);
      const again = await world.run(plan, extracts[0], { shard: { index: 1, count: 2 } });
      expect(again.report.status).to.equal('skipped');
      // Every shard of 2 applied the base: the extract is applied, as a whole run also sees.
      expect((await world.run(plan, extracts[0])).report.status).to.equal('skipped');
      // A delta whose shards have not all run holds back the next one.
      const first = await world.run(plan, extracts[1], { shard: { index: 0, count: 2 } });
      expect(first.report.status).to.equal('ok');
      const next = await world.run(plan, extracts[2]);
      expect(next.report.status).to.equal('failed');
      expect(next.report.error).to.contain('did not finish');
      // mapc ledger shows each extract once: the base applied, delta 1 still running (delta 2, refused, is not in it).
      expect((await listLedger(world.store, 'customer')).map((e) => [e.shard, e.status])).to.deep.equal([
        [undefined, 'applied'],
        [undefined, 'running'],
      ]);
      const second = await world.run(plan, extracts[1], { shard: { index: 1, count: 2 } });
      expect(second.report.status).to.equal('ok');
      expect((await world.run(plan, extracts[2])).report.status).to.equal('ok');
    });
  });
}
