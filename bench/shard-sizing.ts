/*
 * Checks the plan step's memory model (runtime/job/shard-sizing.ts, `mapc job --plan`)
 * against the peak RSS of real runs, on the sample generator's extracts at two sizes:
 *
 *   node --import tsx bench/shard-sizing.ts [--sizes 20000,60000] [--shard-counts 1,2,4] [--no-dynamodb]
 *
 * For each size and shard count N, every shard i of N runs as its own process, one after
 * another, with --threads 1:
 *   - a preview: `mapc run mappings/customer.map --extract … --out … --shard i/N`;
 *   - a run into DynamoDB Local: `mapc init` (fresh tables per N), then `mapc run … --shard i/N`.
 * Each process's peak RSS comes from the bench/max-rss.mjs preload (getrusage's maxRSS, its
 * threads included). The table prints the model's estimate for a shard of N next to the
 * largest shard's measured peak, and the ratio; the issue asks for within 1.5x.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPlan } from '../api/load-plan.js';
import { writeExtract } from '../examples/extract-generator/write-extract.js';
import { startDynamoDbLocal } from '../examples/local-servers/dynamodb-local.js';
import { listEntries } from '../runtime/archive/central-directory.js';
import { openExtract } from '../runtime/archive/extract-location.js';
import { estimateMiB, sizeMapping, SIZING_MODELS } from '../runtime/job/shard-sizing.js';
import { entriesByTable } from '../runtime/read/extract-tables.js';
import { readLimits } from '../runtime/report/read-limits.js';
import { mapc as mapcChild, readPeak } from './mapc-child.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAPPING = 'mappings/customer.map';
const PRELOAD = pathToFileURL(join(ROOT, 'bench', 'max-rss.mjs')).href;
const MIB = 1024 * 1024;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ENV = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20000,60000' },
    'shard-counts': { type: 'string', default: '1,2,4' },
    'no-dynamodb': { type: 'boolean', default: false },
  },
});
const wholeNumbers = (text: string, flag: string) =>
  text.split(',').map((part) => {
    const n = Number(part);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${flag} takes whole numbers, such as 1,2,4`);
    return n;
  });
const sizes = wholeNumbers(values.sizes!, 'sizes');
const counts = wholeNumbers(values['shard-counts']!, 'shard-counts');

const work = await mkdtemp(join(tmpdir(), 'mapc-shard-sizing-'));
const server = values['no-dynamodb'] ? null : await startDynamoDbLocal();
const plan = loadPlan(join(ROOT, MAPPING));
const rows: string[] = [];
let tables = 0;

try {
  for (const customers of sizes) {
    const extract = join(work, `base-${customers}.zip`);
    await writeExtract({
      customers,
      deltaCustomers: Math.max(1, Math.ceil(customers / 20)),
      seed: 1,
      extractedAt: new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      sequence: 0,
      out: extract,
    });
    const bytes = await tableBytes(extract);
    const read = [...bytes.values()].reduce((a, b) => a + b, 0);
    console.log(`${customers} customers: ${(read / MIB).toFixed(1)} MiB of CSV read by ${MAPPING}`);
    for (const kind of server ? (['preview', 'dynamodb'] as const) : (['preview'] as const)) {
      const sizing = sizeMapping(plan, bytes, kind);
      for (const count of counts) {
        const peaks: number[] = [];
        const control = `sizing_control_${++tables}`;
        const target = `sizing_app_${tables}`;
        const tableArgs = ['--table', `app_table=${target}`, '--control-table', control];
        if (kind === 'dynamodb') await mapc(['init', MAPPING, ...tableArgs, '--endpoint', server!.endpoint]);
        for (let index = 0; index < count; index++) {
          const shard = count > 1 ? ['--shard', `${index}/${count}`] : [];
          const out = join(work, `${customers}-${kind}-${index}-of-${count}`);
          const args =
            kind === 'preview'
              ? ['run', MAPPING, '--extract', extract, '--out', `${out}.ndjson`, ...shard]
              : ['run', MAPPING, '--extract', extract, ...tableArgs, '--endpoint', server!.endpoint, ...shard];
          peaks.push(
            await peakMiB([...args, '--threads', '1', '--report', `${out}.report.json`, '--rejects', `${out}.rej`]),
          );
          await rm(`${out}.ndjson`, { force: true });
        }
        const estimate = estimateMiB(sizing, count, SIZING_MODELS[kind]);
        const peak = Math.max(...peaks);
        const ratio = estimate / peak;
        rows.push(
          `| ${customers} | ${kind === 'preview' ? 'preview' : 'into DynamoDB Local'} | ${count} | ${estimate} | ` +
            `${peak.toFixed(0)} (${peaks.map((p) => p.toFixed(0)).join(', ')}) | ${ratio.toFixed(2)} | ${ratio <= 1.5 && ratio >= 1 / 1.5 ? 'yes' : 'NO'} |`,
        );
        console.log(rows.at(-1));
      }
    }
  }
  console.log(
    '\n| customers | run | shards | estimate (MiB) | peak RSS, largest shard (each) MiB | estimate / peak | within 1.5x |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
} finally {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
}

/** Each table's uncompressed bytes in the extract, as the plan step reads them. */
async function tableBytes(path: string): Promise<Map<string, number>> {
  const extract = await openExtract(path);
  try {
    const byTable = entriesByTable(plan, await listEntries(extract.source), path, readLimits());
    return new Map([...byTable].map(([table, list]) => [table, list.reduce((sum, e) => sum + e.uncompressedSize, 0)]));
  } finally {
    await extract.source.close();
  }
}

/** Runs `mapc …` under the max-rss preload; its peak RSS in MiB. */
async function peakMiB(args: string[]): Promise<number> {
  const file = join(work, `rss-${Math.random().toString(36).slice(2)}`);
  await mapc(args, { MAX_RSS_FILE: file }, ['--import', PRELOAD]);
  return (await readPeak(file)).maxRssKiB / 1024;
}

function mapc(args: string[], env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = []): Promise<void> {
  return mapcChild(args, { ...ENV, ...env }, nodeFlags);
}
