// Incremental runs on a store in memory (the same runs on DynamoDB Local are in
// test/runtime/dynamodb/): extract after extract gives the items of all of them at once.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'chai';
import { MemoryStateStore } from '../../../runtime/merge/memory-state-store.js';
import { combinedExtract, compiledPlan, generatedExtracts, itemLines, runOn } from './fixtures.js';
import { handmadeExtract } from './handmade-extract.js';

describe('runtime: incremental runs (store in memory)', function () {
  this.timeout(60_000);
  const plan = compiledPlan();
  let extracts: string[];
  let combined: string;

  before(async () => {
    extracts = await generatedExtracts(200, 2);
    combined = await combinedExtract(extracts);
  });

  it('base then deltas gives exactly the items of one combined extract', async () => {
    const stepwise = new MemoryStateStore();
    for (const extract of extracts) {
      const { report } = await runOn(stepwise, plan, extract);
      expect(report.status, report.error).to.equal('ok');
      expect(report.reconciled).to.equal(true);
    }
    const atOnce = new MemoryStateStore();
    const { report } = await runOn(atOnce, plan, combined);
    expect(report.status, report.error).to.equal('ok');
    const expected = itemLines(atOnce);
    expect(expected.length).to.be.greaterThan(150);
    expect(itemLines(stepwise)).to.deep.equal(expected);
  });

  it('a run that crashed halfway, run again, reaches the same items', async () => {
    const clean = new MemoryStateStore();
    for (const extract of extracts) await runOn(clean, plan, extract);
    const crashed = new MemoryStateStore();
    await runOn(crashed, plan, extracts[0]);
    const failed = await runOn(crashed, plan, extracts[1], { crashAfterWrites: 7 });
    expect(failed.report.status).to.equal('failed');
    expect(failed.report.error).to.include('crash injected');
    await runOn(crashed, plan, extracts[1]);
    await runOn(crashed, plan, extracts[2]);
    expect(itemLines(crashed)).to.deep.equal(itemLines(clean));
  });
});

describe('runtime: incremental runs, case by case (store in memory)', function () {
  this.timeout(30_000);
  const plan = compiledPlan();
  const customer = (id: number, name = `Customer ${id}`) => `${id},${name},c${id}@example.com,RETAIL,2026-01-01T00:00:00Z,FR`;
  const order = (id: number, customerId: number, date = '2026-10-01') => `${id},${customerId},${date},SHIPPED,web`;
  const line = (orderId: number, lineNo: number, sku: string, qty = 1, price = '10.00') => `${orderId},${lineNo},${sku},${qty},${price}`;

  const itemOf = (store: MemoryStateStore, customerId: number) => {
    const found = [...store.items.get('app_table')!.values()].find((item) => (item.pk as { S: string }).S === `CUST#${customerId}`);
    if (!found) throw new Error(`no item for customer ${customerId}`);
    return unmarshall(found as never, { wrapNumbers: true }) as Record<string, any>;
  };
  const linesOf = (item: Record<string, any>, orderId: number) => item.orders.find((o: any) => String(o.id) === String(orderId)).lines;

  it('parks a row whose parent has not arrived, reports it, and attaches it when the parent comes', async () => {
    const store = new MemoryStateStore();
    const first = await runOn(store, plan, await handmadeExtract('2026-11-01T02:00:00Z', {
      customers: [customer(1)], orders: [order(10, 1)],
      order_lines: [line(10, 1, 'SKU-1'), line(11, 1, 'SKU-1', 2)], products: ['SKU-1|Kettle|kitchen|9.99'],
    }));
    expect(first.report.status, first.report.error).to.equal('ok');
    expect(first.report.tables.order_lines).to.include({ read: 2, used: 1, parked: 1 });
    expect(first.report.reconciled).to.equal(true);
    expect(await store.parkedRows('customer', 'order_lines')).to.have.length(1);

    const second = await runOn(store, plan, await handmadeExtract('2026-11-01T08:00:00Z', { orders: [order(11, 1, '2026-10-02')] }));
    expect(second.report.status, second.report.error).to.equal('ok');
    expect(second.report.tables.order_lines).to.include({ read: 0, retried: 1, used: 1, parked: 0 });
    expect(second.report.reconciled).to.equal(true);
    expect(await store.parkedRows('customer', 'order_lines')).to.have.length(0);
    const item = itemOf(store, 1);
    expect(item.orders.map((o: any) => String(o.id))).to.deep.equal(['11', '10']);
    expect(linesOf(item, 11).map((l: any) => String(l.qty))).to.deep.equal(['2']);
    expect(linesOf(item, 11)[0].description).to.equal('Kettle');
  });

  it('lands a line of an old order in its customer, resolving an old product, and replaces a re-delivered row', async () => {
    const store = new MemoryStateStore();
    await runOn(store, plan, await handmadeExtract('2026-11-01T02:00:00Z', {
      customers: [customer(1), customer(2)], orders: [order(10, 1), order(20, 2)],
      order_lines: [line(10, 1, 'SKU-1', 1), line(20, 1, 'SKU-1')], products: ['SKU-1|Kettle|kitchen|9.99', 'SKU-2|Drill|tools|49.00'],
    }));
    const second = await runOn(store, plan, await handmadeExtract('2026-11-01T08:00:00Z', {
      order_lines: [line(10, 2, 'SKU-2', 3, '49.00'), line(10, 1, 'SKU-1', 5)],
    }));
    expect(second.report.status, second.report.error).to.equal('ok');
    expect(second.report.tables.order_lines).to.include({ read: 2, used: 2 });
    const lines = linesOf(itemOf(store, 1), 10);
    expect(lines.map((l: any) => [String(l.line), String(l.qty), l.description])).to.deep.equal([['1', '5', 'Kettle'], ['2', '3', 'Drill']]);
    const order10 = itemOf(store, 1).orders[0];
    expect(String(order10.total)).to.equal('197.00');
    expect(linesOf(itemOf(store, 2), 20)).to.have.length(1);
  });

  it('skips an extract applied already, and --force applies it again to the same items', async () => {
    const store = new MemoryStateStore();
    const extract = await handmadeExtract('2026-11-01T02:00:00Z', { customers: [customer(1)], orders: [order(10, 1)], order_lines: [line(10, 1, 'SKU-1')], products: ['SKU-1|Kettle|kitchen|9.99'] });
    await runOn(store, plan, extract);
    const before = itemLines(store);
    const again = await runOn(store, plan, extract);
    expect(again.report.status).to.equal('skipped');
    const forced = await runOn(store, plan, extract, { force: true });
    expect(forced.report.status, forced.report.error).to.equal('ok');
    expect(itemLines(store)).to.deep.equal(before);
  });

  it('writes TTL as epoch seconds from the data, the same whichever run wrote the item', async () => {
    const store = new MemoryStateStore();
    await runOn(store, plan, await handmadeExtract('2026-11-01T02:00:00Z', { customers: [customer(1)], orders: [order(10, 1, '2026-10-01')] }));
    // max(orders.date) + 9 months = 2027-07-01T00:00:00Z
    expect(String(itemOf(store, 1).expires_at)).to.equal(String(Date.UTC(2027, 6, 1) / 1000));
    await runOn(store, plan, await handmadeExtract('2026-11-01T08:00:00Z', { orders: [order(11, 1, '2026-10-20')] }));
    expect(String(itemOf(store, 1).expires_at)).to.equal(String(Date.UTC(2027, 6, 20) / 1000));
  });

  it('refuses to write while another run holds the lease', async () => {
    const store = new MemoryStateStore();
    expect(await store.acquireLease('other-run', 60_000)).to.deep.equal({ ok: true });
    const extract = await handmadeExtract('2026-11-01T02:00:00Z', { customers: [customer(1)], orders: [order(10, 1)] });
    const run = await runOn(store, plan, extract, { owner: 'this-run' });
    expect(run.report.status).to.equal('failed');
    expect(run.report.error).to.match(/another run \(other-run\) holds the lease/);
    expect(store.items.size).to.equal(0);
  });

  it('refuses a mapping whose stored elements could not be matched with later rows', async () => {
    const blind = structuredClone(plan);
    const orders = blind.items[0].shape.fields.find((f) => f.name === 'orders')!.value as { elementKey: { attributes: Array<string | null> } };
    orders.elementKey.attributes = [null];
    const store = new MemoryStateStore();
    const run = await runOn(store, blind, await handmadeExtract('2026-11-01T02:00:00Z', { customers: [customer(1)], orders: [order(10, 1)] }));
    expect(run.report.status).to.equal('failed');
    expect(run.report.error).to.include('Customer.orders: its elements carry no attribute for order_id');
    expect(run.report.error).to.include('add `order_id = o.order_id` to the element');
  });
});
