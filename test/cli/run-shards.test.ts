// `mapc run --shard i/N --out …` as a user runs it, on the sample generator's base extract and
// on its first delta (orders of customers it does not carry, late lines of old orders): for N
// of 1, 2, 3 and 7, the shards' items files, their lines pooled and sorted, are the single
// run's byte for byte; so are the rejects, and the reports' counts add up to the single run's.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunReport } from '../../runtime/report/run-report.js';
import { mapc, REPO_ROOT } from '../runtime/fixtures/mapc-process.js';

const CUSTOMERS = 400;
const SHARD_COUNTS = [1, 2, 3, 7];
const COUNTED = ['read', 'used', 'filtered', 'rejected', 'orphaned', 'retried', 'parked'] as const;

const sortedLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .sort();
const reportOf = (out: string) => JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as RunReport;

/** Each table's counts, and the items', as a single run reports them or as shards add them up. */
function counts(reports: RunReport[]): Record<string, number> {
  const sums: Record<string, number> = {};
  const add = (name: string, n: number) => (sums[name] = (sums[name] ?? 0) + n);
  for (const report of reports) {
    for (const [table, c] of Object.entries(report.tables)) for (const k of COUNTED) add(`${table}.${k}`, c[k]);
    for (const [item, c] of Object.entries(report.items)) {
      add(`${item}.built`, c.built);
      add(`${item}.written`, c.written);
      add(`${item}.filtered`, c.filtered);
    }
    add('rejects', report.rejects);
  }
  return sums;
}

describe('mapc run --shard i/N (previews)', function () {
  this.timeout(240_000);
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-shards-'));
    const generate = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'examples/generate-extract.ts', '--customers', String(CUSTOMERS), ...args],
        { cwd: REPO_ROOT },
      );
    await Promise.all([
      generate('--out', join(dir, 'base.zip')),
      generate('--delta', '1', '--out', join(dir, 'delta1.zip')),
    ]);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const extract of ['base', 'delta1']) {
    it(`pools, over 1, 2, 3 and 7 shards of the ${extract} extract, to the single run's items, rejects and counts`, async () => {
      const zip = join(dir, `${extract}.zip`);
      const single = join(dir, `${extract}.ndjson`);
      const runs: Array<Promise<{ code: number; stderr: string }>> = [
        mapc('run', 'mappings/customer.map', '--extract', zip, '--out', single),
      ];
      const shardFiles = new Map<number, string[]>();
      for (const count of SHARD_COUNTS) {
        const files = Array.from({ length: count }, (_, i) => join(dir, `${extract}.${i}-of-${count}.ndjson`));
        shardFiles.set(count, files);
        files.forEach((out, i) =>
          runs.push(mapc('run', 'mappings/customer.map', '--extract', zip, '--out', out, '--shard', `${i}/${count}`)),
        );
      }
      for (const result of await Promise.all(runs)) expect(result.code, result.stderr).to.equal(0);

      const singleLines = sortedLines(single);
      expect(singleLines.length).to.be.at.least(extract === 'base' ? 300 : 5);
      const singleRejects = sortedLines(`${single}.rejects.ndjson`);
      const singleCounts = counts([reportOf(single)]);
      if (extract === 'delta1')
        expect(singleCounts['orders.orphaned'] + singleCounts['order_lines.orphaned'], 'orphans').to.be.above(0);
      for (const [count, files] of shardFiles) {
        const pooled = files.flatMap(sortedLines).sort();
        expect(pooled.join('\n'), `${count} shards: items`).to.equal(singleLines.join('\n'));
        expect(
          files.flatMap((out) => sortedLines(`${out}.rejects.ndjson`)).sort(),
          `${count} shards: rejects`,
        ).to.deep.equal(singleRejects);
        const reports = files.map(reportOf);
        expect(counts(reports), `${count} shards: counts`).to.deep.equal(singleCounts);
        reports.forEach((report, i) => {
          expect(report.shard).to.equal(`${i}/${count}`);
          expect(report.reconciled).to.equal(true);
        });
        // Every shard of several has a share: none is left with all the items.
        if (count > 1) for (const out of files) expect(sortedLines(out).length).to.be.below(singleLines.length);
      }
    });
  }

  it('refuses a malformed --shard before reading anything', async () => {
    const zip = join(dir, 'base.zip');
    const bad = await mapc(
      'run',
      'mappings/customer.map',
      '--extract',
      zip,
      '--out',
      join(dir, 'x.ndjson'),
      '--shard',
      '3/3',
    );
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('--shard: shards of 3 are numbered 0 to 2, not 3');
  });
});
