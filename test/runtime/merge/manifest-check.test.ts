// Incremental runs check the records read from each file against the extract's manifest
// (docs/manifest.md) once every table is held, before any item is written: a mismatch
// leaves the stored items as they were and the ledger saying the extract failed.
import { expect } from 'chai';
import { LocalFileSource } from '../../../runtime/archive/local-file-source.js';
import { listEntries } from '../../../runtime/archive/central-directory.js';
import { readManifest } from '../../../runtime/read/manifest.js';
import { compiledPlan, generatedExtracts, memoryWorld } from './fixtures.js';
import { handmadeExtract, type HandmadeTables } from './handmade-extract.js';

describe("runtime: incremental runs check the manifest's record counts (store in memory)", function () {
  this.timeout(60_000);
  const plan = compiledPlan();
  const customer = (id: number) => `${id},Customer ${id},c${id}@example.com,RETAIL,2026-01-01T00:00:00Z,FR`;
  const order = (id: number, customerId: number) => `${id},${customerId},2026-10-01,SHIPPED,web`;
  const line = (orderId: number, lineNo: number) => `${orderId},${lineNo},SKU-1,1,10.00`;
  const BASE: HandmadeTables = {
    customers: [customer(1)],
    orders: [order(10, 1)],
    order_lines: [line(10, 1)],
    products: ['SKU-1|Kettle|kitchen|9.99'],
  };
  const DELTA: HandmadeTables = {
    orders: [order(11, 1), order(12, 1)],
    order_lines: [line(11, 1), line(11, 2), line(12, 1)],
  };
  /** mapc's form, counting every file of handmadeExtract: the tables given, and the others empty. */
  const filesOf = (tables: HandmadeTables, changed: Record<string, number> = {}) => {
    const records: Record<string, number> = {};
    for (const table of ['customers', 'orders', 'order_lines', 'payments', 'warehouses', 'stock_moves'])
      records[`${table}.csv`] = tables[table as keyof HandmadeTables]?.length ?? 0;
    records['products.txt'] = tables.products?.length ?? 0;
    return {
      files: Object.fromEntries(Object.entries({ ...records, ...changed }).map(([name, rows]) => [name, { rows }])),
    };
  };

  it('a file holding other than its count stops the run with nothing written, and the ledger records it failed', async () => {
    const world = await memoryWorld();
    const base = await world.run(
      plan,
      await handmadeExtract('2026-11-01T02:00:00Z', BASE, { manifest: filesOf(BASE) }),
    );
    expect(base.report.status, base.report.error).to.equal('ok');
    const stored = await world.itemLines();
    expect(stored).to.have.length(1);

    const delta = await handmadeExtract('2026-11-01T08:00:00Z', DELTA, {
      manifest: filesOf(DELTA, { 'order_lines.csv': 4 }),
    });
    const { report } = await world.run(plan, delta);
    expect(report.status).to.equal('failed');
    expect(report.error).to.equal(
      `${delta} does not hold the records its manifest counts: ` +
        'order_lines.csv (table order_lines): _manifest.json counts 4 records, the run read 3. ' +
        'The extract is incomplete, or its manifest is wrong: ask for the extract again. No item was written.',
    );
    expect(await world.itemLines(), 'the stored items are as the base left them').to.deep.equal(stored);
    const ledger = await world.store.ledger(plan.mapping);
    expect(ledger.map((e) => [e.identity.uri, e.status])).to.deep.include.members([[delta, 'failed']]);
  });

  it("applies an extract whose files hold their counts, in mapc's form or Redshift's; tables the plan does not read are not checked", async () => {
    const world = await memoryWorld();
    // warehouses.csv is counted wrong, but the customer mapping never reads it.
    const base = await world.run(
      plan,
      await handmadeExtract('2026-11-01T02:00:00Z', BASE, { manifest: filesOf(BASE, { 'warehouses.csv': 7 }) }),
    );
    expect(base.report.status, base.report.error).to.equal('ok');
    const redshift = {
      entries: Object.entries(filesOf(DELTA).files).map(([name, { rows }]) => ({
        url: `s3://bucket/unload/${name}`,
        meta: { record_count: rows },
      })),
    };
    const delta = await world.run(plan, await handmadeExtract('2026-11-01T08:00:00Z', DELTA, { manifest: redshift }));
    expect(delta.report.status, delta.report.error).to.equal('ok');
    expect((await world.item('CUST#1', 'PROFILE'))!.orders).to.have.length(3);
  });

  it('a Redshift count that is wrong stops the run too', async () => {
    const world = await memoryWorld();
    const redshift = { entries: [{ url: 's3://bucket/unload/orders.csv', meta: { record_count: 0 } }] };
    const { report } = await world.run(
      plan,
      await handmadeExtract('2026-11-01T02:00:00Z', BASE, { manifest: redshift }),
    );
    expect(report.error).to.include('orders.csv (table orders): _manifest.json counts 0 records, the run read 1');
    expect(await world.itemLines()).to.deep.equal([]);
  });

  it('extracts from the generator count every file the plan reads, and pass their own check', async () => {
    const world = await memoryWorld();
    for (const extract of await generatedExtracts(60, 1, 3)) {
      const source = new LocalFileSource(extract);
      try {
        const data = (await listEntries(source)).map((e) => e.name).filter((name) => name !== '_manifest.json');
        expect([...(await readManifest(source))!.records!.keys()].sort()).to.deep.equal(data.sort());
      } finally {
        await source.close();
      }
      const { report } = await world.run(plan, extract);
      expect(report.status, report.error).to.equal('ok');
    }
  });
});
