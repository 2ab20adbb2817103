// Found in review of incremental runs as shards (runtime/hold/shard-router.ts,
// run-incremental.ts): small hand-made mappings and extracts where an extract's shards, run
// one after another, must leave the items, parked rows, stored state and counts of the same
// extract run whole.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../../compiler/compile.js';
import { shardOfKey, type Shard } from '../../../runtime/eval/shard.js';
import type { Plan } from '../../../runtime/plan/types.js';
import type { RunReport, TableCounts } from '../../../runtime/report/run-report.js';
import { MemoryStateStore } from '../../support/memory-state-store.js';
import { zipBytes } from '../fixtures/zip-bytes.js';
import { memoryWorld, type World } from './fixtures.js';
import { countsOf, stateOf } from './shard-fixtures.js';

function planOf(source: string): Plan {
  const result = compile('/virtual/case.map', { readFile: () => source });
  if (!result.plan) throw new Error(`does not compile: ${JSON.stringify(result.diagnostics)}`);
  return result.plan;
}

const dir = mkdtempSync(join(tmpdir(), 'mapc-shards-review-'));
let made = 0;

/** An extract of CSV files (name: lines, header first) with its as_of in the manifest. */
async function extract(extractedAt: string, files: Record<string, string[]>): Promise<string> {
  const entries: Record<string, string> = {};
  for (const [name, lines] of Object.entries(files)) entries[name] = `${lines.join('\n')}\n`;
  entries['_manifest.json'] = JSON.stringify({ extractedAt });
  const path = join(dir, `extract${++made}.zip`);
  writeFileSync(path, await zipBytes(entries));
  return path;
}

/** Extracts run whole in one world, and as the given shards (in that order) in another: what each left, after each extract and at the end. */
async function wholeAndSharded(plan: Plan, extracts: Array<{ path: string; shards: Shard[] }>) {
  const stores = { whole: new MemoryStateStore(), sharded: new MemoryStateStore() };
  const worlds: Record<'whole' | 'sharded', World> = {
    whole: await memoryWorld(stores.whole),
    sharded: await memoryWorld(stores.sharded),
  };
  const steps: Array<{
    counts: { whole: Record<string, TableCounts>; sharded: Record<string, TableCounts> };
    state: { whole: Record<string, string[]>; sharded: Record<string, string[]> };
  }> = [];
  for (const { path, shards } of extracts) {
    const whole = await worlds.whole.run(plan, path);
    expect(whole.report.status, whole.report.error).to.equal('ok');
    const reports: RunReport[] = [];
    for (const shard of shards.length > 0 ? shards : [undefined]) {
      const { report } = await worlds.sharded.run(plan, path, shard ? { shard } : {});
      expect(report.status, `${report.shard}: ${report.error}`).to.equal('ok');
      reports.push(report);
    }
    steps.push({
      counts: { whole: countsOf([whole.report]), sharded: countsOf(reports) },
      state: { whole: stateOf(stores.whole), sharded: stateOf(stores.sharded) },
    });
  }
  return { steps, items: { whole: await worlds.whole.itemLines(), sharded: await worlds.sharded.itemLines() } };
}

/** Shard `index`s of `count`, in the order given. */
const inOrder = (count: number, indexes: number[]): Shard[] => indexes.map((index) => ({ index, count }));

const ORDERS = planOf(`mapping shop
table accounts from "accounts*.csv" {
  id   int key
  name string
}
table orders from "orders*.csv" {
  oid        int key
  account_id int -> accounts
  qty        int
}
table lines from "lines*.csv" {
  order_id int -> orders
  no       int
  units    int
  key (order_id, no)
}
target app_table { partition key pk }
item Account into app_table {
  from accounts as a
  pk = "A#{a.id}"
  orders = each o in a.orders {
    id    = o.oid
    lines = each l in o.lines { no = l.no  share = l.units / o.qty }
    per   = 10 / o.qty
  }
}
`);

describe('runtime: incremental runs as shards, cases found in review', function () {
  this.timeout(60_000);

  it("a parked order retried and rejected by its account's shard: a later shard still routes the order's new lines to that shard", async () => {
    // Account 1's shard of 2 is not order 10's key's shard: once account 1's shard has taken the
    // failed order out of the parking lot, the other shard finds order 10 nowhere and would
    // take its line (10,1) as its own.
    const count = 2;
    expect(shardOfKey(1, count)).to.not.equal(shardOfKey(10, count));
    const base = await extract('2026-11-01T00:00:00Z', {
      'accounts.csv': ['id,name'],
      // Order 10 of account 1, not yet arrived: parked. Its qty 0 fails its item (10 / 0).
      'orders.csv': ['oid,account_id,qty', '10,1,0'],
      'lines.csv': ['order_id,no,units'],
    });
    const delta = await extract('2026-11-02T00:00:00Z', {
      'accounts.csv': ['id,name', '1,Ada'],
      'orders.csv': ['oid,account_id,qty'],
      // A line of order 10, which fails under it too (5 / 0), before its order does: a whole run rejects it.
      'lines.csv': ['order_id,no,units', '10,1,5'],
    });
    // Order 10 sent again, mended: a whole run's item has it without lines.
    const mended = await extract('2026-11-03T00:00:00Z', {
      'accounts.csv': ['id,name'],
      'orders.csv': ['oid,account_id,qty', '10,1,1'],
      'lines.csv': ['order_id,no,units'],
    });
    const accountFirst = [shardOfKey(1, count), shardOfKey(10, count)];
    const outcome = await wholeAndSharded(ORDERS, [
      { path: base, shards: [] },
      { path: delta, shards: inOrder(count, accountFirst) },
      { path: mended, shards: [] },
    ]);
    const [, afterDelta] = outcome.steps;
    expect(afterDelta.counts.whole.lines, 'the whole run rejects line (10,1)').to.include({ read: 1, rejected: 1 });
    // The shards: account 1's rejects line (10,1), the other parks it (counted twice), and the
    // mended order 10 then takes it in: account 1's item has a line the whole runs rejected.
    expect(outcome.items.sharded, "account 1's item").to.deep.equal(outcome.items.whole);
    expect(afterDelta.state.sharded.parked, 'parked rows after the delta').to.deep.equal(afterDelta.state.whole.parked);
    expect(afterDelta.counts.sharded.lines, 'line (10,1) counted once').to.deep.equal(afterDelta.counts.whole.lines);
  });
});
