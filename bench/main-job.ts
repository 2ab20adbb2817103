/*
 * Benchmark: the main job (`mapc run` into DynamoDB) against the least any loader must do,
 * a plain BatchWriteItem loop writing exactly the same items, on one DynamoDB Local.
 *
 *   npm run build      # mapc runs the compiled JavaScript in build/
 *   node --import tsx bench/main-job.ts [--customers 20000] [--runs 4] [--concurrency 8] [--keep]
 *   # 200,000 customers: the loop's items (about 800 MB of DynamoDB JSON) are held parsed
 *   node --max-old-space-size=12288 --import tsx bench/main-job.ts --customers 200000 --runs 2
 *
 * Steps:
 *   0. start DynamoDB Local; generate the base extract and delta 1 (dated today, so that the
 *      items' TTL does not let DynamoDB Local delete them while the benchmark reads them);
 *      compile mappings/customer.map; preview the base in DynamoDB JSON: the loop's items.
 *   1. warm-up: the loop writes a few thousand items and the main job runs once on a small
 *      extract, because the first writes into a fresh DynamoDB Local run on a cold JVM.
 *   2. --runs times, turning which goes first: the loop into a fresh table (chunks of 25,
 *      --concurrency calls in flight, unprocessed items retried), the same loop asking
 *      ReturnConsumedCapacity TOTAL as the main job does on every call (DynamoDB Local spends
 *      CPU working it out), and `mapc run` into a fresh target table and control table made
 *      by `mapc init` (init is not timed; neither is the loop's table creation).
 *   3. once more, the main job through a counting proxy (not timed): requests by operation,
 *      the items and keys they carry; then the control table's rows and bytes per item.
 *   4. the delta: delta 1 applied by the main job over the base of step 3, timed, against
 *      the loop writing only the items delta 1 changed (found by scanning the target table
 *      before and after), into a fresh table; both through the counting proxy.
 *
 * DynamoDB Local's speed swings by 10-20 % between runs (its JVM collects garbage; the two
 * cores are shared by both programs): read the medians of the alternating runs.
 */
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeExtract } from '../examples/extract-generator/write-extract.js';
import { countingHttpProxy, type ProxiedRequests } from '../examples/local-servers/counting-http-proxy.js';
import { dynamoDbLocalClientConfig, startDynamoDbLocal } from '../examples/local-servers/dynamodb-local.js';
import { itemSize } from '../runtime/dynamodb/item-size.js';
import { mapc as mapcChild } from './mapc-child.js';

const MAPPING = 'mappings/customer.map';
const TARGET = 'app_table';
const BATCH = 25;
/** DynamoDB Local takes any credentials; the SDK's note about Node versions is left out. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const MAPC_ENV = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: 'us-east-1',
};

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
  },
});
const customers = Number(values.customers);
const runs = Number(values.runs);
const concurrency = Number(values.concurrency);
for (const [name, value] of [
  ['customers', customers],
  ['runs', runs],
  ['concurrency', concurrency],
] as const) {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
}

type Item = Record<string, AttributeValue>;

const work = await mkdtemp(join(tmpdir(), 'mapc-main-job-'));
const server = await startDynamoDbLocal();
const client = new DynamoDBClient({ ...dynamoDbLocalClientConfig(server.endpoint), maxAttempts: 10 });
let tableCount = 0;

try {
  // Dated a day ago, so that TTLs (nine months after each order) lie ahead of the wall clock.
  const extractedAt = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const size = { customers, deltaCustomers: Math.max(1, Math.ceil(customers / 20)), seed: 1, extractedAt };
  const base = join(work, 'base.zip');
  const delta = join(work, 'delta1.zip');
  await writeExtract({ ...size, sequence: 0, out: base });
  await writeExtract({ ...size, sequence: 1, out: delta });
  const warmUpExtract = join(work, 'warm-up.zip');
  await writeExtract({ ...size, customers: 500, sequence: 0, out: warmUpExtract });
  const plan = join(work, 'customer.plan.json');
  await mapc(['compile', MAPPING, '-o', plan]);
  const previewFile = join(work, 'base.items.ndjson');
  await mapc(['run', plan, '--extract', base, '--out', previewFile, '--format', 'dynamodb']);
  // Line by line: at 200,000 customers the file is larger than a string can be.
  const items: Item[] = [];
  for await (const line of createInterface({ input: createReadStream(previewFile), crlfDelay: Infinity }))
    if (line !== '') items.push((JSON.parse(line) as { Item: Item }).Item);
  console.log(`${customers} customers: ${items.length} items in the preview (${work})`);

  // 1. Warm-up.
  await plainLoop(await freshTable(plan), items.slice(0, 5000));
  await mainJob(plan, warmUpExtract, freshTables());

  // 2. Alternating timed runs. The loop also runs asking for the consumed capacity, as the main
  // job asks on every call for its report: DynamoDB Local spends CPU on working it out.
  const loopSeconds: number[] = [];
  const capacityLoopSeconds: number[] = [];
  const jobSeconds: number[] = [];
  const kinds = ['loop', 'capacity', 'job'] as const;
  for (let run = 0; run < runs; run++) {
    for (let turn = 0; turn < kinds.length; turn++) {
      const which = kinds[(run + turn) % kinds.length];
      if (which === 'job') {
        jobSeconds.push((await mainJob(plan, base, freshTables())).seconds);
      } else {
        const table = await freshTable(plan);
        const seconds = await timed(() => plainLoop(table, items, client, which === 'capacity'));
        (which === 'loop' ? loopSeconds : capacityLoopSeconds).push(seconds);
      }
    }
    console.log(
      `run ${run + 1}: loop ${loopSeconds.at(-1)!.toFixed(2)} s, loop asking capacity ${capacityLoopSeconds.at(-1)!.toFixed(2)} s, main job ${jobSeconds.at(-1)!.toFixed(2)} s`,
    );
  }

  // 3. Requests and control-table rows of one more main job, through the counting proxy.
  const proxy = await countingHttpProxy(server.endpoint);
  const counted = freshTables();
  await mainJob(plan, base, counted, proxy.endpoint);
  const baseRequests = proxy.take();
  const control = await scanAll(counted.control);
  const controlBytes = control.reduce((sum, row) => sum + itemSize(row as Parameters<typeof itemSize>[0]), 0);

  // 4. The delta, over the base of step 3.
  const before = keyed(await scanAll(counted.target));
  const deltaJob = await mainJob(plan, delta, counted, proxy.endpoint);
  const deltaRequests = proxy.take();
  const after = keyed(await scanAll(counted.target));
  const changed = [...after]
    .filter(([key, text]) => before.get(key) !== text)
    .map(([, text]) => JSON.parse(text) as Item);
  const deltaLoopTable = await freshTable(plan);
  // Through the proxy too, as the delta's main job went.
  const proxyClient = new DynamoDBClient({ ...dynamoDbLocalClientConfig(proxy.endpoint), maxAttempts: 10 });
  const deltaLoopSeconds = await timed(() => plainLoop(deltaLoopTable, changed, proxyClient));
  proxyClient.destroy();
  await proxy.close();

  const loopMedian = median(loopSeconds);
  const capacityLoopMedian = median(capacityLoopSeconds);
  const jobMedian = median(jobSeconds);
  const row = (what: string, seconds: number[]) =>
    console.log(
      `| ${what} | ${median(seconds).toFixed(2)} s (${Math.min(...seconds).toFixed(2)}) | ${Math.round(items.length / median(seconds))} |`,
    );
  console.log('');
  console.log(`| ${customers} customers, ${items.length} items | median (best) | items/s |`);
  console.log('| --- | --- | --- |');
  row(`plain BatchWriteItem loop (concurrency ${concurrency})`, loopSeconds);
  row('the loop asking ReturnConsumedCapacity TOTAL, as the main job does', capacityLoopSeconds);
  row('main job (mapc run)', jobSeconds);
  console.log(`| **main job / loop** | **${(jobMedian / loopMedian).toFixed(2)}x** | |`);
  console.log(`| main job / the loop asking capacity | ${(jobMedian / capacityLoopMedian).toFixed(2)}x | |`);
  console.log('');
  console.log(`base, requests by operation: ${describeRequests(baseRequests)}`);
  console.log(
    `control table after the base: ${control.length} rows (${(control.length / items.length).toFixed(2)} per item), ${controlBytes} bytes (${Math.round(controlBytes / items.length)} per item)`,
  );
  console.log('');
  console.log(
    `delta 1: ${changed.length} items changed; main job ${deltaJob.seconds.toFixed(2)} s, loop writing those items ${deltaLoopSeconds.toFixed(2)} s (${(deltaJob.seconds / deltaLoopSeconds).toFixed(2)}x)`,
  );
  console.log(`delta 1, requests by operation: ${describeRequests(deltaRequests)}`);
} finally {
  client.destroy();
  await server.stop();
  if (!values.keep) await rm(work, { recursive: true, force: true });
}

interface Tables {
  target: string;
  control: string;
}

function freshTables(): Tables {
  tableCount++;
  return { target: `bench_items_${tableCount}`, control: `bench_control_${tableCount}` };
}

/** A fresh target table made by `mapc init` (its control table is made too, and not used). */
async function freshTable(plan: string): Promise<string> {
  const tables = freshTables();
  await mapc([
    'init',
    plan,
    '--table',
    `${TARGET}=${tables.target}`,
    '--control-table',
    tables.control,
    '--endpoint',
    server.endpoint,
  ]);
  return tables.target;
}

/** `mapc init` (not timed), then `mapc run` into DynamoDB, timed. */
async function mainJob(
  plan: string,
  extract: string,
  tables: Tables,
  endpoint = server.endpoint,
): Promise<{ seconds: number }> {
  const tableArgs = [
    '--table',
    `${TARGET}=${tables.target}`,
    '--control-table',
    tables.control,
    '--endpoint',
    endpoint,
  ];
  await mapc(['init', plan, ...tableArgs]);
  const report = join(work, `${tables.target}-${extract.replace(/.*\//, '')}.report.json`);
  const started = performance.now();
  await mapc([
    'run',
    plan,
    '--extract',
    extract,
    ...tableArgs,
    '--concurrency',
    String(concurrency),
    '--report',
    report,
    '--rejects',
    `${report}.rejects.ndjson`,
  ]);
  return { seconds: (performance.now() - started) / 1000 };
}

/** Runs mapc as a child; asynchronously, so that the counting proxy in this process serves it. */
function mapc(args: string[]): Promise<void> {
  return mapcChild(args, MAPC_ENV);
}

/** Chunks of 25, `concurrency` calls in flight, unprocessed items sent again; `askCapacity`: ReturnConsumedCapacity TOTAL. */
async function plainLoop(table: string, items: readonly Item[], through = client, askCapacity = false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      let requests: WriteRequest[] = items.slice(next, (next += BATCH)).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const answer = await through.send(
          new BatchWriteItemCommand({
            RequestItems: { [table]: requests },
            ...(askCapacity ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}),
          }),
        );
        requests = answer.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function scanAll(table: string): Promise<Item[]> {
  const segments = 4;
  const parts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const rows: Item[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: table, Segment: segment, TotalSegments: segments, ExclusiveStartKey: start }),
        );
        rows.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return rows;
    }),
  );
  return parts.flat();
}

/** Items by key (pk and sk) → their canonical JSON text. */
function keyed(items: Item[]): Map<string, string> {
  return new Map(items.map((item) => [JSON.stringify([item.pk, item.sk]), canonicalJson(item)]));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** "BatchGetItem 40 (4000 keys), BatchWriteItem 567 (14126 writes), …": entries summed over the tables. */
function describeRequests(counts: ProxiedRequests): string {
  const entries = new Map<string, number>();
  for (const [tableAndOperation, n] of counts.entries) {
    const operation = tableAndOperation.slice(tableAndOperation.lastIndexOf(' ') + 1);
    entries.set(operation, (entries.get(operation) ?? 0) + n);
  }
  return [...counts.calls]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([operation, calls]) => {
      const carried = entries.get(operation);
      return carried === undefined
        ? `${operation} ${calls}`
        : `${operation} ${calls} (${carried} ${operation === 'BatchGetItem' ? 'keys' : 'writes'})`;
    })
    .join(', ');
}

async function timed(action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
