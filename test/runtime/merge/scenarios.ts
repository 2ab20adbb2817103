// What must hold of incremental runs, written once and run in two worlds: a store in memory
// (incremental-memory.test.ts) and the real servers, DynamoDB Local and s3rver
// (incremental-servers.test.ts).
import { expect } from 'chai';
import { skipExtract } from '../../../runtime/merge/ledger.js';
import { combinedExtract, compiledPlan, generatedExtracts, type World } from './fixtures.js';
import { handmadeExtract } from './handmade-extract.js';

export function incrementalScenarios(name: string, newWorld: () => Promise<World>): void {
  describe(`runtime: incremental runs (${name})`, function () {
    this.timeout(120_000);
    const plan = compiledPlan();
    let extracts: string[];
    let combined: string;

    before(async () => {
      extracts = await generatedExtracts(200, 2);
      combined = await combinedExtract(extracts);
    });

    it('base then deltas gives exactly the items of one combined extract', async () => {
      const stepwise = await newWorld();
      for (const extract of extracts) {
        const { report } = await stepwise.run(plan, extract);
        expect(report.status, report.error).to.equal('ok');
        expect(report.reconciled).to.equal(true);
      }
      const atOnce = await newWorld();
      const { report } = await atOnce.run(plan, combined);
      expect(report.status, report.error).to.equal('ok');
      const expected = await atOnce.itemLines();
      expect(expected.length).to.be.greaterThan(150);
      expect(await stepwise.itemLines()).to.deep.equal(expected);
    });

    it('a run that crashed halfway, run again, reaches the same items', async () => {
      const clean = await newWorld();
      for (const extract of extracts) await clean.run(plan, extract);
      const crashed = await newWorld();
      await crashed.run(plan, extracts[0]);
      const failed = await crashed.run(plan, extracts[1], { crashAfterWrites: 7 });
      expect(failed.report.status).to.equal('failed');
      expect(failed.report.error).to.include('crash injected');
      await crashed.run(plan, extracts[1]);
      await crashed.run(plan, extracts[2]);
      expect(await crashed.itemLines()).to.deep.equal(await clean.itemLines());
    });
  });

  describe(`runtime: incremental runs, case by case (${name})`, function () {
    this.timeout(60_000);
    const plan = compiledPlan();
    const customer = (id: number, name = `Customer ${id}`) =>
      `${id},${name},c${id}@example.com,RETAIL,2026-01-01T00:00:00Z,FR`;
    const order = (id: number, customerId: number, date = '2026-10-01') => `${id},${customerId},${date},SHIPPED,web`;
    const line = (orderId: number, lineNo: number, sku: string, qty = 1, price = '10.00') =>
      `${orderId},${lineNo},${sku},${qty},${price}`;

    const itemOf = async (world: World, customerId: number) => {
      const found = await world.item(`CUST#${customerId}`, 'PROFILE');
      if (!found) throw new Error(`no item for customer ${customerId}`);
      return found;
    };
    const linesOf = (item: Record<string, any>, orderId: number) =>
      item.orders.find((o: any) => String(o.id) === String(orderId)).lines;

    it('parks a row whose parent has not arrived, reports it, and attaches it when the parent comes', async () => {
      const world = await newWorld();
      const first = await world.run(
        plan,
        await handmadeExtract('2026-11-01T02:00:00Z', {
          customers: [customer(1)],
          orders: [order(10, 1)],
          order_lines: [line(10, 1, 'SKU-1'), line(11, 1, 'SKU-1', 2)],
          products: ['SKU-1|Kettle|kitchen|9.99'],
        }),
      );
      expect(first.report.status, first.report.error).to.equal('ok');
      expect(first.report.tables.order_lines).to.include({ read: 2, used: 1, parked: 1 });
      expect(first.report.reconciled).to.equal(true);
      expect(await world.store.parkedRows('customer', 'order_lines')).to.have.length(1);

      const second = await world.run(
        plan,
        await handmadeExtract('2026-11-01T08:00:00Z', { orders: [order(11, 1, '2026-10-02')] }),
      );
      expect(second.report.status, second.report.error).to.equal('ok');
      expect(second.report.tables.order_lines).to.include({ read: 0, retried: 1, used: 1, parked: 0 });
      expect(second.report.reconciled).to.equal(true);
      expect(await world.store.parkedRows('customer', 'order_lines')).to.have.length(0);
      const item = await itemOf(world, 1);
      expect(item.orders.map((o: any) => String(o.id))).to.deep.equal(['11', '10']);
      expect(linesOf(item, 11).map((l: any) => String(l.qty))).to.deep.equal(['2']);
      expect(linesOf(item, 11)[0].description).to.equal('Kettle');
    });

    it("resolves lines' products from stored rows when an extract has no products file, and reports the absent tables", async () => {
      const world = await newWorld();
      await world.run(
        plan,
        await handmadeExtract('2026-11-01T02:00:00Z', {
          customers: [customer(1)],
          orders: [order(10, 1)],
          order_lines: [line(10, 1, 'SKU-1')],
          products: ['SKU-1|Kettle|kitchen|9.99', 'SKU-2|Drill|tools|49.00'],
        }),
      );
      // products and payments are optional (examples/warehouse.map): a delta without new rows of them leaves them out.
      const delta = await world.run(
        plan,
        await handmadeExtract(
          '2026-11-01T08:00:00Z',
          { order_lines: [line(10, 2, 'SKU-2', 3, '49.00')] },
          { omit: ['products', 'payments'] },
        ),
      );
      expect(delta.report.status, delta.report.error).to.equal('ok');
      expect(delta.report.tables.products).to.deep.include({ files: [], absent: true, read: 0, used: 0 });
      expect(delta.report.tables.payments).to.deep.include({ files: [], absent: true, read: 0 });
      expect(delta.report.tables.order_lines).to.include({ read: 1, used: 1 }).and.not.have.property('absent');
      expect(delta.report.reconciled).to.equal(true);
      expect(linesOf(await itemOf(world, 1), 10).map((l: any) => [String(l.line), l.description])).to.deep.equal([
        ['1', 'Kettle'],
        ['2', 'Drill'],
      ]);
      // The run without products kept the stored ones: a later delta without them still finds them.
      const later = await world.run(
        plan,
        await handmadeExtract(
          '2026-11-01T14:00:00Z',
          { order_lines: [line(10, 3, 'SKU-1')] },
          { omit: ['products', 'payments'] },
        ),
      );
      expect(later.report.status, later.report.error).to.equal('ok');
      expect(linesOf(await itemOf(world, 1), 10).map((l: any) => l.description)).to.deep.equal([
        'Kettle',
        'Drill',
        'Kettle',
      ]);
    });

    it('merges stock moves into stored product items when the extract has neither products nor warehouses', async () => {
      const products = compiledPlan('mappings/product.map');
      const world = await newWorld();
      await world.run(
        products,
        await handmadeExtract('2026-11-01T02:00:00Z', {
          products: ['SKU-1|Kettle|kitchen|9.99'],
          warehouses: ['1,Lyon'],
        }),
      );
      const delta = await world.run(
        products,
        await handmadeExtract(
          '2026-11-02T08:00:00Z',
          {
            stock_moves: ['1,1,SKU-1,2026-11-02T07:00:00Z,5', '2,1,SKU-9,2026-11-02T07:30:00Z,1'],
          },
          { omit: ['products', 'warehouses'] },
        ),
      );
      expect(delta.report.status, delta.report.error).to.equal('ok');
      expect(delta.report.tables.products).to.deep.include({ absent: true, read: 0 });
      expect(delta.report.tables.warehouses).to.deep.include({ absent: true, read: 0 });
      // SKU-9 was never delivered: its move waits for it, as with a products file of no rows.
      expect(delta.report.tables.stock_moves).to.include({ read: 2, used: 1, parked: 1 });
      expect(delta.report.reconciled).to.equal(true);
      const merged = (await world.item('PROD#SKU-1', 'DETAILS'))!;
      expect(merged.description).to.equal('Kettle');
      expect(merged.moves.map((m: any) => [String(m.qty), m.warehouse])).to.deep.equal([['5', 'Lyon']]);
    });

    it('stops before writing when a table that is not optional has no file', async () => {
      const world = await newWorld();
      await world.run(
        plan,
        await handmadeExtract('2026-11-01T02:00:00Z', { customers: [customer(1)], orders: [order(10, 1)] }),
      );
      const before = await world.itemLines();
      const run = await world.run(
        plan,
        await handmadeExtract('2026-11-01T08:00:00Z', { customers: [customer(1, 'Renamed')] }, { omit: ['orders'] }),
      );
      expect(run.report.status).to.equal('failed');
      expect(run.report.error).to.match(/has no file for table orders \(pattern "orders\*\.csv"\)/);
      expect(await world.itemLines()).to.deep.equal(before);
    });

    it('lands a line of an old order in its customer, resolving an old product, and replaces a re-delivered row', async () => {
      const world = await newWorld();
      await world.run(
        plan,
        await handmadeExtract('2026-11-01T02:00:00Z', {
          customers: [customer(1), customer(2)],
          orders: [order(10, 1), order(20, 2)],
          order_lines: [line(10, 1, 'SKU-1', 1), line(20, 1, 'SKU-1')],
          products: ['SKU-1|Kettle|kitchen|9.99', 'SKU-2|Drill|tools|49.00'],
        }),
      );
      const second = await world.run(
        plan,
        await handmadeExtract('2026-11-01T08:00:00Z', {
          order_lines: [line(10, 2, 'SKU-2', 3, '49.00'), line(10, 1, 'SKU-1', 5)],
        }),
      );
      expect(second.report.status, second.report.error).to.equal('ok');
      expect(second.report.tables.order_lines).to.include({ read: 2, used: 2 });
      const lines = linesOf(await itemOf(world, 1), 10);
      expect(lines.map((l: any) => [String(l.line), String(l.qty), l.description])).to.deep.equal([
        ['1', '5', 'Kettle'],
        ['2', '3', 'Drill'],
      ]);
      const order10 = (await itemOf(world, 1)).orders[0];
      expect(String(order10.total)).to.equal('197.00');
      expect(linesOf(await itemOf(world, 2), 20)).to.have.length(1);
    });

    it('takes an element out of its item when a re-delivered row is one the mapping filters out (even at scan time)', async () => {
      const world = await newWorld();
      await world.run(
        plan,
        await handmadeExtract('2026-11-01T02:00:00Z', {
          customers: [customer(1)],
          orders: [order(10, 1), order(11, 1, '2026-10-05')],
          order_lines: [line(10, 1, 'SKU-1')],
          products: ['SKU-1|Kettle|kitchen|9.99'],
        }),
      );
      // `where o.status != "CANCELLED"` runs at scan time (mapc explain: "filter at scan").
      const cancelled = await world.run(
        plan,
        await handmadeExtract('2026-11-01T08:00:00Z', { orders: ['10,1,2026-10-01,CANCELLED,web'] }),
      );
      expect(cancelled.report.tables.orders).to.include({ read: 1, filtered: 1 });
      expect(cancelled.report.reconciled).to.equal(true);
      expect((await itemOf(world, 1)).orders.map((o: any) => String(o.id))).to.deep.equal(['11']);
      // A later line of the cancelled order is filtered, not parked.
      const late = await world.run(
        plan,
        await handmadeExtract('2026-11-01T14:00:00Z', { order_lines: [line(10, 2, 'SKU-1')] }),
      );
      expect(late.report.tables.order_lines).to.include({ read: 1, filtered: 1, parked: 0 });
    });

    it('skips an extract applied already, and --force applies it again to the same items', async () => {
      const world = await newWorld();
      const extract = await handmadeExtract('2026-11-01T02:00:00Z', {
        customers: [customer(1)],
        orders: [order(10, 1)],
        order_lines: [line(10, 1, 'SKU-1')],
        products: ['SKU-1|Kettle|kitchen|9.99'],
      });
      await world.run(plan, extract);
      const before = await world.itemLines();
      const again = await world.run(plan, extract);
      expect(again.report.status).to.equal('skipped');
      const forced = await world.run(plan, extract, { force: true });
      expect(forced.report.status, forced.report.error).to.equal('ok');
      expect(await world.itemLines()).to.deep.equal(before);
    });

    it('writes TTL as epoch seconds from the data, the same whichever run wrote the item', async () => {
      const world = await newWorld();
      await world.run(
        plan,
        await handmadeExtract('2026-11-01T02:00:00Z', {
          customers: [customer(1)],
          orders: [order(10, 1, '2026-10-01')],
        }),
      );
      // max(orders.date) + 9 months = 2027-07-01T00:00:00Z
      expect(String((await itemOf(world, 1)).expires_at)).to.equal(String(Date.UTC(2027, 6, 1) / 1000));
      await world.run(plan, await handmadeExtract('2026-11-01T08:00:00Z', { orders: [order(11, 1, '2026-10-20')] }));
      expect(String((await itemOf(world, 1)).expires_at)).to.equal(String(Date.UTC(2027, 6, 20) / 1000));
    });

    it('writes TTL as epoch seconds from as_of where the mapping says so, refreshed when the item is merged again', async () => {
      const products = compiledPlan('mappings/product.map');
      const world = await newWorld();
      await world.run(
        products,
        await handmadeExtract('2026-11-01T02:00:00Z', {
          products: ['SKU-1|Kettle|kitchen|9.99'],
          warehouses: ['1,Lyon'],
        }),
      );
      // as_of + 9 months = 2027-08-01T02:00:00Z
      expect(String((await world.item('PROD#SKU-1', 'DETAILS'))!.expires_at)).to.equal(
        String(Date.UTC(2027, 7, 1, 2) / 1000),
      );
      await world.run(
        products,
        await handmadeExtract('2026-11-02T08:00:00Z', { stock_moves: ['1,1,SKU-1,2026-11-02T07:00:00Z,5'] }),
      );
      const merged = (await world.item('PROD#SKU-1', 'DETAILS'))!;
      expect(String(merged.expires_at)).to.equal(String(Date.UTC(2027, 7, 2, 8) / 1000));
      expect(merged.moves.map((m: any) => [String(m.qty), m.warehouse])).to.deep.equal([['5', 'Lyon']]);
      expect(merged.description).to.equal('Kettle');
    });

    it('keeps the rows an extract parked when the extract is applied again (--force, or a run again after a crash)', async () => {
      const world = await newWorld();
      const extract = await handmadeExtract('2026-11-01T02:00:00Z', {
        customers: [customer(1)],
        orders: [order(10, 1)],
        order_lines: [line(10, 1, 'SKU-1'), line(99, 1, 'SKU-1')],
        products: ['SKU-1|Kettle|kitchen|9.99'],
      });
      await world.run(plan, extract);
      const again = await world.run(plan, extract, { force: true });
      expect(again.report.status, again.report.error).to.equal('ok');
      expect(again.report.tables.order_lines).to.include({ read: 2, retried: 0, rejected: 0, parked: 1 });
      expect(again.rejects).to.deep.equal([]);
      expect(await world.store.parkedRows('customer', 'order_lines')).to.have.length(1);
      await world.run(plan, await handmadeExtract('2026-11-01T08:00:00Z', { orders: [order(99, 1, '2026-10-02')] }));
      expect(linesOf(await itemOf(world, 1), 99)).to.have.length(1);
    });

    it('takes an item out of its table when it no longer passes require, and merges it whole once it does again', async () => {
      const world = await newWorld();
      await world.run(
        plan,
        await handmadeExtract('2026-02-01T00:00:00Z', {
          customers: [customer(1)],
          orders: [order(10, 1, '2026-01-15')],
        }),
      );
      expect(await world.item('CUST#1', 'PROFILE')).to.not.equal(undefined);
      // Nine months later a payment touches the customer: `keep` drops order 10, `require` fails.
      const late = await world.run(
        plan,
        await handmadeExtract('2026-11-01T00:00:00Z', { payments: ['1,10,2026-10-31T10:00:00Z,card,1.00'] }),
      );
      expect(late.report.items.Customer).to.include({ written: 0, filtered: 1, deleted: 1 });
      expect(await world.item('CUST#1', 'PROFILE')).to.equal(undefined);
      await world.run(plan, await handmadeExtract('2026-11-02T00:00:00Z', { orders: [order(11, 1, '2026-11-01')] }));
      const item = await itemOf(world, 1);
      expect(item.orders.map((o: any) => String(o.id))).to.deep.equal(['11']);
      expect(item.name).to.equal('Customer 1');
    });

    it('refuses to apply an extract before a failed or unfinished one, or one older than an extract applied already', async () => {
      const world = await newWorld();
      const first = await handmadeExtract('2026-11-01T02:00:00Z', { customers: [customer(1)], orders: [order(10, 1)] });
      const second = await handmadeExtract('2026-11-01T08:00:00Z', { orders: [order(11, 1)] });
      const crashed = await world.run(plan, first, { crashAfterWrites: 0 });
      expect(crashed.report.status).to.equal('failed');
      const afterFailed = await world.run(plan, second);
      expect(afterFailed.report.status).to.equal('failed');
      expect(afterFailed.report.error).to.include(' failed (').and.include('crash injected after 0 writes');
      // A process killed halfway leaves its entry running: it did not record how it ended.
      const [entry] = await world.store.ledger('customer');
      const { mapping, extract, identity, planHash, asOf, startedAt } = entry;
      await world.store.recordLedger({ mapping, extract, identity, planHash, asOf, startedAt, status: 'running' });
      const early = await world.run(plan, second);
      expect(early.report.status).to.equal('failed');
      expect(early.report.error).to.match(/did not finish: run it again first/);
      expect((await world.run(plan, first)).report.status).to.equal('ok');
      expect((await world.run(plan, second)).report.status).to.equal('ok');
      const older = await world.run(plan, await handmadeExtract('2026-11-01T05:00:00Z', { orders: [order(12, 1)] }));
      expect(older.report.error).to.match(/is older than that of .* applied already/);
      expect(
        (
          await world.run(plan, await handmadeExtract('2026-11-01T05:00:00Z', { orders: [order(12, 1)] }), {
            force: true,
          })
        ).report.status,
      ).to.equal('ok');
    });

    it('records a run that stops before writing as failed with its error, and a later extract names both and what to do', async () => {
      const world = await newWorld();
      const broken = await handmadeExtract('2026-11-01T02:00:00Z', { customers: [customer(1)] }, { omit: ['orders'] });
      const failed = await world.run(plan, broken);
      expect(failed.report.status).to.equal('failed');
      expect(failed.report.error).to.include('has no file for table orders');
      const [entry] = await world.store.ledger('customer');
      expect(entry).to.include({ status: 'failed', error: failed.report.error });
      const uri = entry.identity.uri;
      const next = await world.run(plan, await handmadeExtract('2026-11-01T08:00:00Z', { customers: [customer(2)] }));
      expect(next.report.status).to.equal('failed');
      expect(next.report.error).to.include(
        `${uri} failed (${entry.finishedAt}): ${failed.report.error!.replace(/\.$/, '')}. Extracts apply in order`,
      );
      expect(next.report.error).to.include('fix that extract and deliver it again under the same name');
      expect(next.report.error).to.include(`mapc ledger skip ${uri} --reason`);
      expect(await world.itemLines()).to.deep.equal([]);
    });

    it('applies an extract delivered again under the name of a failed one, and then the extracts after it', async () => {
      const world = await newWorld();
      const tables = { customers: [customer(1)], orders: [order(10, 1)] };
      const path = await handmadeExtract('2026-11-01T02:00:00Z', tables, { omit: ['order_lines'] });
      expect((await world.run(plan, path)).report.status).to.equal('failed');
      await handmadeExtract('2026-11-01T02:00:00Z', tables, { path });
      const redelivered = await world.run(plan, path);
      expect(redelivered.report.status, redelivered.report.error).to.equal('ok');
      const later = await world.run(
        plan,
        await handmadeExtract('2026-11-01T08:00:00Z', { orders: [order(11, 1, '2026-10-02')] }),
      );
      expect(later.report.status, later.report.error).to.equal('ok');
      expect((await itemOf(world, 1)).orders.map((o: any) => String(o.id))).to.deep.equal(['11', '10']);
      const ledger = await world.store.ledger('customer');
      expect(ledger.map((e) => e.status).sort()).to.deep.equal(['applied', 'applied', 'failed']);
    });

    it('applies the extracts after a skipped one, and not the skipped one when it is run again', async () => {
      const world = await newWorld();
      const broken = await handmadeExtract(
        '2026-11-01T02:00:00Z',
        { customers: [customer(1)], orders: [order(10, 1)] },
        { omit: ['order_lines'] },
      );
      await world.run(plan, broken);
      const [failed] = await world.store.ledger('customer');
      const skip = await skipExtract(world.store, {
        mappings: [{ mapping: 'customer', planHash: plan.sourceHash }],
        uri: failed.identity.uri,
        reason: 'no order lines: the warehouse sends them again tomorrow',
        by: 'tester',
        describeExtract: async () => {
          throw new Error('not to be read: the ledger has the extract');
        },
      });
      expect(skip.ok, JSON.stringify(skip)).to.equal(true);
      const later = await world.run(
        plan,
        await handmadeExtract('2026-11-01T08:00:00Z', { customers: [customer(2)], orders: [order(20, 2)] }),
      );
      expect(later.report.status, later.report.error).to.equal('ok');
      const again = await world.run(plan, broken);
      expect(again.report.status).to.equal('skipped');
      expect(again.report.error).to.include(
        'was skipped (no order lines: the warehouse sends them again tomorrow; see mapc ledger)',
      );
      expect(await world.item('CUST#1', 'PROFILE')).to.equal(undefined);
      expect(await world.item('CUST#2', 'PROFILE')).to.not.equal(undefined);
    });

    it('refuses to write while another run holds the lease', async () => {
      const world = await newWorld();
      expect(await world.store.acquireLease('other-run', 60_000)).to.deep.equal({ ok: true });
      const extract = await handmadeExtract('2026-11-01T02:00:00Z', {
        customers: [customer(1)],
        orders: [order(10, 1)],
      });
      const run = await world.run(plan, extract, { owner: 'this-run' });
      expect(run.report.status).to.equal('failed');
      expect(run.report.error).to.match(/another run \(other-run\) holds the lease/);
      expect(await world.itemLines()).to.deep.equal([]);
    });

    it('refuses a mapping whose stored elements could not be matched with later rows', async () => {
      const blind = structuredClone(plan);
      const orders = blind.items[0].shape.fields.find((f) => f.name === 'orders')!.value as {
        elementKey: { attributes: Array<string | null> };
      };
      orders.elementKey.attributes = [null];
      const world = await newWorld();
      const run = await world.run(
        blind,
        await handmadeExtract('2026-11-01T02:00:00Z', { customers: [customer(1)], orders: [order(10, 1)] }),
      );
      expect(run.report.status).to.equal('failed');
      expect(run.report.error).to.include('Customer.orders: its elements carry no attribute for order_id');
      expect(run.report.error).to.include('add `order_id = o.order_id` to the element');
    });
  });
}
