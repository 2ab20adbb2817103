// Differential property test of incremental runs: a random warehouse of the differential test
// (test/runtime/differential/), its rows dealt into two or three extracts, loaded one after the
// other, must give exactly the items of the whole warehouse loaded at once. Rows sharing a key
// go to the same extract (within one extract the first row read wins; across extracts the
// later one replaces it, so twins split over extracts would rightly differ). Looked-up rows
// (regions) come in the first extract, as a warehouse creates a row before rows refer to it:
// an item is not built again when a row it looked up in vain arrives later (docs/running.md).
import { expect } from 'chai';
import fc from 'fast-check';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { differentialPlan } from '../differential/run-both.js';
import { zipWarehouse } from '../differential/memory-extract.js';
import {
  TABLE_NAMES,
  warehouseArbitrary,
  type RawRow,
  type RawWarehouse,
  type TableName,
} from '../differential/random-warehouse.js';
import { memoryWorld } from './fixtures.js';

const SEED = 20261126;
const KEY_COLUMNS: Record<TableName, string[]> = {
  regions: ['code'],
  accounts: ['account_id'],
  orders: ['order_id'],
  lines: ['order_id', 'line_no'],
  contacts: ['contact_id'],
};

const LOOKED_UP = new Set<TableName>(['regions']);

const dir = mkdtempSync(join(tmpdir(), 'mapc-merge-differential-'));
let written = 0;

async function extractFile(warehouse: RawWarehouse): Promise<string> {
  const path = join(dir, `extract${++written}.zip`);
  writeFileSync(path, await zipWarehouse(warehouse));
  return path;
}

/** The warehouse's rows dealt into `parts` warehouses by `partOf` (a number per key text). */
function deal(warehouse: RawWarehouse, parts: number, partOf: (key: string) => number): RawWarehouse[] {
  return Array.from({ length: parts }, (_, part) => {
    const tables = {} as Record<TableName, RawRow[]>;
    const layout = {} as RawWarehouse['layout'];
    for (const table of TABLE_NAMES) {
      const partOfRow = (row: RawRow) =>
        LOOKED_UP.has(table) ? 0 : partOf(`${table}:${KEY_COLUMNS[table].map((c) => row[c] ?? '∅').join('|')}`) % parts;
      tables[table] = warehouse.tables[table].filter((row) => partOfRow(row) === part);
      layout[table] = { ...warehouse.layout[table], splitAt: Math.ceil(tables[table].length / 2) };
    }
    return { asOf: warehouse.asOf, tables, layout };
  });
}

function hashOf(text: string, salt: number): number {
  let hash = salt;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash;
}

// MERGE_SEED and MERGE_RUNS explore further than the suite's fixed seed and 60 warehouses.
describe('runtime: incremental runs against one combined run (property)', function () {
  this.timeout(120_000);

  it('loads random warehouses dealt into several extracts to the same items as all at once', async () => {
    const plan = differentialPlan('optimized');
    await fc.assert(
      fc.asyncProperty(
        warehouseArbitrary({ twinsAcrossScanFilter: true }),
        fc.integer({ min: 2, max: 3 }),
        fc.integer(),
        async (warehouse, parts, salt) => {
          const atOnce = await memoryWorld();
          const whole = await atOnce.run(plan, await extractFile(warehouse), { asOf: warehouse.asOf });
          expect(whole.report.status, whole.report.error).to.equal('ok');
          const stepwise = await memoryWorld();
          for (const part of deal(warehouse, parts, (key) => hashOf(key, salt))) {
            const { report } = await stepwise.run(plan, await extractFile(part), { asOf: warehouse.asOf });
            expect(report.status, report.error).to.equal('ok');
            expect(report.reconciled, JSON.stringify(report.tables)).to.equal(true);
          }
          expect(await stepwise.itemLines()).to.deep.equal(await atOnce.itemLines());
        },
      ),
      { seed: Number(process.env.MERGE_SEED ?? SEED), numRuns: Number(process.env.MERGE_RUNS ?? 60) },
    );
  });

  it('holds tables on two threads to the same items, counts and rejects as on one, parked rows included', async () => {
    const plan = differentialPlan('optimized');
    let retried = 0;
    await fc.assert(
      fc.asyncProperty(
        warehouseArbitrary({ twinsAcrossScanFilter: true }),
        fc.integer({ min: 2, max: 3 }),
        fc.integer(),
        async (warehouse, parts, salt) => {
          const worlds = [await memoryWorld(), await memoryWorld()];
          for (const part of deal(warehouse, parts, (key) => hashOf(key, salt))) {
            const extract = await extractFile(part);
            const [one, two] = [
              await worlds[0].run(plan, extract, { asOf: warehouse.asOf, threads: 1 }),
              await worlds[1].run(plan, extract, { asOf: warehouse.asOf, threads: 2 }),
            ];
            expect(two.report.status, two.report.error).to.equal('ok');
            expect(two.report.tables).to.deep.equal(one.report.tables);
            expect(two.rejects).to.deep.equal(one.rejects);
            retried += Object.values(two.report.tables).reduce((sum, counts) => sum + counts.retried, 0);
          }
          expect(await worlds[1].itemLines()).to.deep.equal(await worlds[0].itemLines());
        },
      ),
      { seed: Number(process.env.MERGE_SEED ?? SEED), numRuns: 8 },
    );
    expect(retried, 'rows parked by one extract and retried by the next').to.be.greaterThan(0);
  });
});
