// Differential property test of incremental runs as shards: random warehouses dealt into two or
// three extracts (merge-differential.test.ts), each extract run whole, or as 1 to 4 shards one
// after another in a random order or all at once, one of them maybe crashing part way and run
// again, and maybe forced again afterwards (whole or as shards), must leave exactly the items,
// parked rows, stored rows and held-back items of the same extracts run whole (and forced
// again whole), and the shards' counts must add up to the whole run's.
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
import type { RunReport } from '../../../runtime/report/run-report.js';
import { MemoryStateStore } from '../../support/memory-state-store.js';
import { memoryWorld } from './fixtures.js';
import { countsOf, stateOf } from './shard-fixtures.js';

const SEED = 104;
const KEY_COLUMNS: Record<TableName, string[]> = {
  regions: ['code'],
  accounts: ['account_id'],
  orders: ['order_id'],
  lines: ['order_id', 'line_no'],
  contacts: ['contact_id'],
};

const dir = mkdtempSync(join(tmpdir(), 'mapc-shards-differential-'));
let written = 0;

async function extractFile(warehouse: RawWarehouse): Promise<string> {
  const path = join(dir, `extract${++written}.zip`);
  writeFileSync(path, await zipWarehouse(warehouse));
  return path;
}

/** The warehouse's rows dealt into `parts` warehouses (twins together; regions in the first). */
function deal(warehouse: RawWarehouse, parts: number, salt: number): RawWarehouse[] {
  return Array.from({ length: parts }, (_, part) => {
    const tables = {} as Record<TableName, RawRow[]>;
    const layout = {} as RawWarehouse['layout'];
    for (const table of TABLE_NAMES) {
      const partOfRow = (row: RawRow) =>
        table === 'regions'
          ? 0
          : hashOf(`${table}:${KEY_COLUMNS[table].map((c) => row[c] ?? '∅').join('|')}`, salt) % parts;
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

/** How one extract is run in the sharded world. */
interface Sharding {
  /** Shards of N (0: a whole run). */
  count: number;
  /** Orders the shards (a salt). */
  order: number;
  /** The shards run at the same time (else one after another). */
  atOnce: boolean;
  /** One shard (this one mod N) crashes after so many items, and is run again (one after another only). */
  crash: { shard: number; afterWrites: number } | null;
  /** Forced again afterwards as shards of N (0: whole), in both worlds (whole in the other). */
  force: number | null;
}

const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 }));
const shardingArbitrary: fc.Arbitrary<Sharding> = fc.record({
  count,
  order: fc.integer(),
  atOnce: fc.boolean(),
  crash: fc.option(fc.record({ shard: fc.nat(3), afterWrites: fc.nat(6) }), { freq: 3 }),
  force: fc.option(count, { freq: 4 }),
});

describe('runtime: incremental runs as random shards against whole runs (property)', function () {
  this.timeout(300_000);

  it('leaves the items, parked rows and stored state of whole runs, the counts added up', async () => {
    const plan = differentialPlan('optimized');
    await fc.assert(
      fc.asyncProperty(
        warehouseArbitrary({ twinsAcrossScanFilter: true }),
        fc.integer({ min: 2, max: 3 }),
        fc.integer(),
        fc.array(shardingArbitrary, { minLength: 3, maxLength: 3 }),
        async (warehouse, parts, salt, shardings) => {
          const asOf = warehouse.asOf;
          const stores = { whole: new MemoryStateStore(), sharded: new MemoryStateStore() };
          const whole = await memoryWorld(stores.whole);
          const sharded = await memoryWorld(stores.sharded);
          /** Runs an extract as shards of `count` (0: whole) in the sharded world; their reports. */
          const runSharded = async (extract: string, sharding: Sharding, force: boolean) => {
            const { count, order, atOnce, crash } = sharding;
            if (count === 0) return [(await sharded.run(plan, extract, { asOf, force })).report];
            const indexes = Array.from({ length: count }, (_, i) => i).sort(
              (a, b) => hashOf(String(a), order) - hashOf(String(b), order),
            );
            const run = (index: number, crashAfterWrites?: number) =>
              sharded.run(plan, extract, {
                asOf,
                force,
                shard: { index, count },
                owner: `shard ${index}`,
                ...(crashAfterWrites === undefined ? {} : { crashAfterWrites }),
              });
            if (atOnce) return (await Promise.all(indexes.map((index) => run(index)))).map((r) => r.report);
            const reports: RunReport[] = [];
            for (const index of indexes) {
              if (crash && !force && index === crash.shard % count) {
                const crashed = await run(index, crash.afterWrites);
                if (crashed.report.status === 'ok') {
                  reports.push(crashed.report);
                  continue;
                }
              }
              reports.push((await run(index)).report);
            }
            return reports;
          };
          const compare = async (what: string, expected: RunReport, reports: RunReport[]) => {
            for (const report of reports)
              expect(report.status, `${what} ${report.shard}: ${report.error}`).to.equal('ok');
            expect(countsOf(reports), `${what}: counts`).to.deep.equal(countsOf([expected]));
            expect(await sharded.itemLines(), `${what}: items`).to.deep.equal(await whole.itemLines());
            expect(stateOf(stores.sharded), `${what}: state`).to.deep.equal(stateOf(stores.whole));
          };
          for (const [step, part] of deal(warehouse, parts, salt).entries()) {
            const extract = await extractFile(part);
            const sharding = shardings[step];
            const what = `extract ${step + 1} of ${parts} as ${JSON.stringify(sharding)}`;
            const expected = await whole.run(plan, extract, { asOf });
            expect(expected.report.status, expected.report.error).to.equal('ok');
            await compare(what, expected.report, await runSharded(extract, sharding, false));
            if (sharding.force === null) continue;
            const again = await whole.run(plan, extract, { asOf, force: true });
            expect(again.report.status, again.report.error).to.equal('ok');
            const forced = await runSharded(extract, { ...sharding, count: sharding.force, crash: null }, true);
            await compare(`${what}, forced again`, again.report, forced);
          }
        },
      ),
      { seed: Number(process.env.MERGE_SEED ?? SEED), numRuns: Number(process.env.MERGE_RUNS ?? 40) },
    );
  });
});
