// Found in review of `mapc run --shard i/N` (runtime/hold/shard-router.ts): small hand-made
// mappings and extracts where the shards, pooled, must give what one run gives, and a shard
// that cannot be run must say so.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { compile } from '../../compiler/compile.js';
import { ZipWriter } from '../../examples/extract-generator/zip-writer.js';
import type { BuiltItem } from '../../runtime/eval/item-value.js';
import type { Shard } from '../../runtime/eval/shard.js';
import type { Plan } from '../../runtime/plan/types.js';
import type { RunReport } from '../../runtime/report/run-report.js';
import { runPlan } from '../../runtime/run/run-plan.js';
import { MemoryByteSource } from './differential/memory-extract.js';

function planOf(source: string): Plan {
  const result = compile('/virtual/case.map', { readFile: () => source });
  if (!result.plan) throw new Error(`does not compile: ${JSON.stringify(result.diagnostics)}`);
  return result.plan;
}

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const zip = new ZipWriter(output, new Date(Date.UTC(2024, 0, 1)), 1);
  for (const [name, text] of Object.entries(files)) await zip.addEntry(name, [text]);
  await zip.finish();
  return Buffer.concat(chunks);
}

async function run(
  plan: Plan,
  zip: Buffer,
  options: { shard?: Shard; maxRejects?: number } = {},
): Promise<{ report: RunReport; items: BuiltItem[] }> {
  const items: BuiltItem[] = [];
  const report = await runPlan({
    plan,
    source: new MemoryByteSource('case.zip', zip),
    asOf: { kind: 'timestamp', epochMillis: Date.parse('2024-06-01T00:00:00Z') },
    sink: { write: (item) => void items.push(item), commit: async () => {}, abort: async () => {} },
    rejects: { write: () => {} },
    ...options,
  });
  return { report, items };
}

const ACCOUNTS = planOf(`mapping accounts
table accounts from "accounts*.csv" {
  id   int key
  name string
}
table orders from "orders*.csv" {
  oid        int key
  account_id int? -> accounts
}
target app_table { partition key pk }
item Account into app_table {
  from accounts as a
  pk = "A#{a.id}"
  orders = each o in a.orders { id = o.oid }
}
`);

describe('runtime: shards, cases found in review', function () {
  this.timeout(60_000);

  it("applies --max-rejects to each shard's own rejects: a shard past it stops and writes nothing, the others go on", async () => {
    // Shards of 3: keys 4, 5 | 1, 2 | 3, 6. Accounts 4 and 5 sent twice (two rejects in shard
    // 0), account 1 sent twice (one in shard 1).
    const accounts = ['id,name', ...[1, 2, 3, 4, 5, 6].map((id) => `${id},first`), '4,again', '5,again', '1,again'];
    const zip = await zipOf({ 'accounts.csv': `${accounts.join('\n')}\n`, 'orders.csv': 'oid,account_id\n' });
    const single = await run(ACCOUNTS, zip, { maxRejects: 1 });
    expect(single.report.status, 'the single run').to.equal('failed');
    const shards = await Promise.all(
      [0, 1, 2].map((index) => run(ACCOUNTS, zip, { shard: { index, count: 3 }, maxRejects: 1 })),
    );
    expect(shards.map((s) => `${s.report.shard} ${s.report.status} ${s.report.rejects}`)).to.deep.equal([
      '0/3 failed 2',
      '1/3 ok 1',
      '2/3 ok 0',
    ]);
    expect(shards[0].report.error).to.contain('more than 1 rows were rejected');
    expect(shards[0].report.items.Account.written).to.equal(0);
  });

  it('refuses a shard outside 0 <= i < N given to the library (no silent empty run)', async () => {
    const zip = await zipOf({ 'accounts.csv': 'id,name\n1,a\n2,b\n3,c\n', 'orders.csv': 'oid,account_id\n' });
    for (const shard of [
      { index: 2, count: 2 },
      { index: 0, count: 0 },
      { index: -1, count: 2 },
      { index: 0.5, count: 2 },
    ]) {
      const { report, items } = await run(ACCOUNTS, zip, { shard });
      expect(report.status, `${JSON.stringify(shard)}: ${items.length} items, error ${report.error}`).to.equal(
        'failed',
      );
      expect(report.error).to.match(/shard/);
    }
  });
});
