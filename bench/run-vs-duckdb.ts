/*
 * Benchmark: `mapc run mappings/customer.map` against DuckDB building the same Customer
 * documents, on one generated extract, in one run.
 *
 *   npm run build      # mapc runs the compiled JavaScript in build/
 *   node --import tsx bench/run-vs-duckdb.ts [--customers 200000] [--extract base.zip] [--runs 3] [--keep]
 *
 * Steps (each child is wrapped in /usr/bin/time, which reports its peak RSS):
 *   0. generate the extract under os.tmpdir() with examples/generate-extract.ts (unless --extract)
 *   1. floor: `unzip -p <zip> > /dev/null`, inflating every entry
 *   2. unzip the five tables the mapping reads to a directory (timed apart: DuckDB reads plain
 *      files)
 *   3. --runs times, in turn: mapc (`node bin/mapc.js run mappings/customer.map --extract <zip>
 *      --out <tmp>/items.ndjson --as-of <as_of>`, its default threads: one per core; rows read
 *      = the sum of tables.*.read in its run report), then bench/duckdb/build-documents.ts
 *      running bench/duckdb/customer-documents.sql in DuckDB (default settings: one thread
 *      per core) and writing NDJSON. This machine's speed drifts by 10-20 % from minute to
 *      minute: the medians of runs in turn compare the two under the same conditions.
 *   4. a table of median wall time (best in brackets), rows/s, peak RSS (highest) and
 *      mapc/DuckDB ratios of the medians, then a comparison of the
 *      two outputs: number of documents, total orders, and for ~20 sampled customers the order
 *      ids and the whole document (nulls dropped: mapc leaves out `email` when it is null)
 *
 * Rows/s divides the rows mapc read (the five tables of the mapping) by each tool's wall time.
 * Everything generated goes to a temporary directory, removed at the end unless --keep.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';
const MAPPING = 'mappings/customer.map';
/** The entries of the tables customer.map reads (the patterns of examples/warehouse.map). */
const MAPPING_ENTRIES = ['customers*.csv', 'orders*.csv', 'order_lines*.csv', 'products*.txt', 'payments*.csv'];

const USAGE = `usage: node --import tsx bench/run-vs-duckdb.ts [options]

  --customers N   customers in the generated extract (default 200000: about 1M orders,
                  4M order lines, 1M payments)
  --extract ZIP   use this extract instead of generating one (never deleted)
  --as-of T       the run's as_of (default 2026-11-01T02:00:00Z, the generator's extractedAt)
  --sample N      customers whose documents are compared in full (default 20)
  --runs N        runs of mapc and of DuckDB, in turn (default 3); the table gives medians
  --keep          keep the temporary directory (extract, items, unzipped files)
`;

class BenchError extends Error {}

interface Measured {
  wallSeconds: number;
  peakRssMb: number;
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Fails with a clear message when a tool the benchmark needs is missing. */
function checkTools(): void {
  const unzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' });
  if (unzip.error !== undefined || unzip.status !== 0) {
    throw new BenchError('`unzip` was not found on PATH: install it (Debian/Ubuntu: apt-get install unzip)');
  }
  if (!existsSync(TIME)) {
    throw new BenchError(
      `${TIME} was not found: install GNU time (Debian/Ubuntu: apt-get install time); the shell builtin \`time\` cannot report peak RSS`,
    );
  }
  const probe = spawnSync(TIME, ['-f', '%e %M', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0 || !/^\d+(\.\d+)? \d+\s*$/m.test(probe.stderr)) {
    throw new BenchError(
      `${TIME} does not understand -f '%e %M' (GNU time is needed): ${probe.stderr.trim() || probe.error?.message}`,
    );
  }
  if (!existsSync(join(ROOT, 'build', 'bin', 'cli', 'main.js'))) {
    throw new BenchError('build/ is missing: run `npm run build` first (bin/mapc.js runs the compiled JavaScript)');
  }
  try {
    import.meta.resolve('@duckdb/node-api');
  } catch {
    throw new BenchError('@duckdb/node-api is not installed: run `npm install` (it is a devDependency)');
  }
}

/**
 * Runs a command under /usr/bin/time: wall time from this process's clock (finer than time's
 * %e), peak RSS from time's %M (KiB). stdout and stderr go to files in `dir` named after
 * `label`; a failure throws with the tail of stderr.
 */
async function measured(
  label: string,
  dir: string,
  command: string,
  args: string[],
  stdoutFile?: string,
): Promise<Measured & { stdout: string }> {
  const timeFile = join(dir, `${label}.time`);
  const outPath = stdoutFile ?? join(dir, `${label}.stdout`);
  const errPath = join(dir, `${label}.stderr`);
  const out = await open(outPath, 'w');
  const err = await open(errPath, 'w');
  const started = performance.now();
  let code: number | null;
  try {
    code = await new Promise<number | null>((resolvePromise, reject) => {
      const child = spawn(TIME, ['-f', '%e %M', '-o', timeFile, command, ...args], {
        cwd: ROOT,
        stdio: ['ignore', out.fd, err.fd],
      });
      child.on('error', reject);
      child.on('exit', (exitCode) => resolvePromise(exitCode));
    });
  } finally {
    await out.close();
    await err.close();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  if (code !== 0) {
    const stderr = (await readFile(errPath, 'utf8').catch(() => '')).trim().split('\n').slice(-15).join('\n');
    throw new BenchError(`${label} failed (exit ${code}): ${command} ${args.join(' ')}\n${stderr}`);
  }
  const timeLines = (await readFile(timeFile, 'utf8')).trim().split('\n');
  const match = /^(\d+(?:\.\d+)?) (\d+)$/.exec(timeLines[timeLines.length - 1] ?? '');
  if (match === null) throw new BenchError(`${label}: cannot read ${TIME}'s output: ${timeLines.join(' | ')}`);
  const stdout = stdoutFile === undefined ? await readFile(outPath, 'utf8') : '';
  return { wallSeconds, peakRssMb: Number(match[2]) / 1024, stdout };
}

// ---------------------------------------------------------------------------------------------
// Comparing the outputs

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Output {
  documents: number;
  orders: number;
  sample: Map<string, Json>;
  /** pk → SHA-1 of the document's text as comparable(line) gives it. */
  digests: Map<string, string>;
}

const PK = /"pk":"([^"]*)"/;
const ORDER_COUNT = /"order_count":(\d+)/;

/**
 * Streams an NDJSON file: counts documents and their order_count (a top-level attribute, the
 * only one of that name), keeps the parsed documents of the sampled customers, and a digest
 * of every document's text.
 */
async function readOutput(
  path: string,
  sampled: (pk: string) => boolean,
  unwrap: (line: Json) => Json,
  comparable: (line: string) => string,
): Promise<Output> {
  const output: Output = { documents: 0, orders: 0, sample: new Map(), digests: new Map() };
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    output.documents++;
    output.orders += Number(ORDER_COUNT.exec(line)?.[1] ?? 0);
    const pk = PK.exec(line)?.[1];
    if (pk === undefined) continue;
    if (sampled(pk)) output.sample.set(pk, unwrap(JSON.parse(line) as Json));
    output.digests.set(pk, createHash('sha1').update(comparable(line)).digest('base64'));
  }
  return output;
}

/** Drops null-valued attributes, so "left out" and "null" compare equal. */
function withoutNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    const result: { [key: string]: Json } = {};
    for (const [key, inner] of Object.entries(value)) if (inner !== null) result[key] = withoutNulls(inner);
    return result;
  }
  return value;
}

/** The first difference between two documents, as "path: a vs b", or null. */
function firstDifference(a: Json, b: Json, path = ''): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path || '.'}: ${a.length} elements vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const difference = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (difference !== null) return difference;
    }
    return null;
  }
  if (
    a !== null &&
    b !== null &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a)) return `${path}.${key}: missing in mapc's vs ${JSON.stringify(b[key])}`;
      if (!(key in b)) return `${path}.${key}: ${JSON.stringify(a[key])} vs missing in DuckDB's`;
      const difference = firstDifference(a[key], b[key], `${path}.${key}`);
      if (difference !== null) return difference;
    }
    return null;
  }
  return a === b ? null : `${path || '.'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

function orderIds(document: Json | undefined): string {
  const orders =
    document !== null && typeof document === 'object' && !Array.isArray(document) ? document.orders : undefined;
  if (!Array.isArray(orders)) return '-';
  return orders
    .map((order) => (order !== null && typeof order === 'object' && !Array.isArray(order) ? String(order.id) : '?'))
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// Output

/** The run with the median wall time (the lower middle one of an even count). */
function median<T extends Measured>(measuredRuns: T[]): T {
  const sorted = [...measuredRuns].sort((a, b) => a.wallSeconds - b.wallSeconds);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const log = (text: string) => process.stdout.write(`${text}\n`);

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '200000' },
      extract: { type: 'string' },
      'as-of': { type: 'string', default: '2026-11-01T02:00:00Z' },
      sample: { type: 'string', default: '20' },
      keep: { type: 'boolean', default: false },
      runs: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const customers = Number(values.customers);
  if (!Number.isInteger(customers) || customers < 1)
    throw new BenchError(`--customers needs a whole number, got ${values.customers}`);
  const sampleSize = Number(values.sample);
  if (!Number.isInteger(sampleSize) || sampleSize < 1)
    throw new BenchError(`--sample needs a whole number, got ${values.sample}`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new BenchError(`--runs needs a whole number, got ${values.runs}`);
  const asOf = values['as-of'] ?? '2026-11-01T02:00:00Z';
  checkTools();

  const work = await mkdtemp(join(tmpdir(), 'mapc-vs-duckdb-'));
  const cleanUp = async () => {
    if (values.keep) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  };
  try {
    // 0. The extract.
    let zip: string;
    if (values.extract !== undefined) {
      zip = resolve(values.extract);
      if (!existsSync(zip)) throw new BenchError(`--extract: no such file: ${zip}`);
      log(`extract: ${zip} (${fixed((await stat(zip)).size / 1e6, 1)} MB)`);
    } else {
      zip = join(work, `extract-${customers}.zip`);
      log(`generating an extract of ${customers} customers …`);
      const generated = await measured('generate', work, process.execPath, [
        '--import',
        'tsx',
        'examples/generate-extract.ts',
        '--customers',
        String(customers),
        '--out',
        zip,
      ]);
      log(
        `${generated.stdout.trimEnd()}\n  (generation ${fixed(generated.wallSeconds, 1)} s, not part of the benchmark)`,
      );
    }

    // 1. The floor: inflating the whole archive, output thrown away.
    log('unzip -p > /dev/null …');
    const floor = await measured('unzip-p', work, 'unzip', ['-p', zip], '/dev/null');

    // 2, 3. mapc, then DuckDB on the unzipped files of the mapping's tables, `runs` times in
    // turn: both meet the same machine, and the median tells a steady figure from a lucky one.
    log("unzip the mapping's tables to a directory …");
    const csvDir = join(work, 'csv');
    await mkdir(csvDir);
    const unzipped = await measured('unzip-d', work, 'unzip', ['-q', '-o', zip, ...MAPPING_ENTRIES, '-d', csvDir]);
    const mapcOut = join(work, 'mapc-items.ndjson');
    const duckOut = join(work, 'duckdb-items.ndjson');
    const mapcRuns: Measured[] = [];
    const duckRuns: Array<Measured & { stdout: string }> = [];
    for (let run = 1; run <= runs; run++) {
      log(`run ${run} of ${runs}: mapc run …`);
      mapcRuns.push(
        await measured('mapc', work, process.execPath, [
          'bin/mapc.js',
          'run',
          MAPPING,
          '--extract',
          zip,
          '--out',
          mapcOut,
          '--as-of',
          asOf,
        ]),
      );
      log(`  ${fixed(mapcRuns[run - 1].wallSeconds, 2)} s; DuckDB …`);
      duckRuns.push(
        await measured('duckdb', work, process.execPath, [
          '--import',
          'tsx',
          'bench/duckdb/build-documents.ts',
          '--dir',
          csvDir,
          '--out',
          duckOut,
          '--as-of',
          asOf,
        ]),
      );
      log(`  ${fixed(duckRuns[run - 1].wallSeconds, 2)} s`);
    }
    const mapc = median(mapcRuns);
    const duck = median(duckRuns);
    const report = JSON.parse(await readFile(`${mapcOut}.report.json`, 'utf8')) as {
      tables: Record<string, { read: number }>;
      seconds?: number;
    };
    const rows = Object.values(report.tables).reduce((sum, entry) => sum + entry.read, 0);
    const readsByTable = Object.entries(report.tables)
      .map(([name, entry]) => `${name} ${entry.read}`)
      .join(', ');
    log(`  rows read: ${thousands(rows)} (${readsByTable})`);
    const duckInfo = JSON.parse(duck.stdout.trim().split('\n').pop() ?? '{}') as {
      seconds: number;
      documents: number;
      threads: number;
      version: string;
    };

    // 4. The figures.
    const rate = (seconds: number) => thousands(rows / seconds);
    log('');
    log(
      `extract: ${values.extract === undefined ? `${customers} customers, ` : ''}${thousands(rows)} rows read by the mapping; as_of ${asOf}; ` +
        `DuckDB ${duckInfo.version}, ${duckInfo.threads} threads; ${runs} run(s) each, in turn: medians (best in brackets)`,
    );
    const best = (measuredRuns: Measured[]) => Math.min(...measuredRuns.map((m) => m.wallSeconds));
    log(
      table(
        ['tool', 'wall s', 'rows/s', 'peak RSS MB'],
        [
          [
            'unzip -p > /dev/null (floor)',
            fixed(floor.wallSeconds, 2),
            rate(floor.wallSeconds),
            fixed(floor.peakRssMb, 0),
          ],
          [
            'mapc run',
            `${fixed(mapc.wallSeconds, 2)} (${fixed(best(mapcRuns), 2)})`,
            rate(mapc.wallSeconds),
            fixed(Math.max(...mapcRuns.map((m) => m.peakRssMb)), 0),
          ],
          ['unzip to directory (for DuckDB)', fixed(unzipped.wallSeconds, 2), '', fixed(unzipped.peakRssMb, 0)],
          [
            'DuckDB (process)',
            `${fixed(duck.wallSeconds, 2)} (${fixed(best(duckRuns), 2)})`,
            rate(duck.wallSeconds),
            fixed(Math.max(...duckRuns.map((m) => m.peakRssMb)), 0),
          ],
          ['  of which the query', fixed(duckInfo.seconds, 2), rate(duckInfo.seconds), ''],
          [
            'DuckDB + unzip',
            fixed(duck.wallSeconds + unzipped.wallSeconds, 2),
            rate(duck.wallSeconds + unzipped.wallSeconds),
            '',
          ],
        ],
      ),
    );
    log('');
    log(
      table(
        ['mapc / DuckDB', 'wall', 'rows/s', 'peak RSS'],
        [
          [
            'vs DuckDB process',
            `${fixed(mapc.wallSeconds / duck.wallSeconds, 2)}x`,
            `${fixed(duck.wallSeconds / mapc.wallSeconds, 2)}x`,
            `${fixed(mapc.peakRssMb / duck.peakRssMb, 2)}x`,
          ],
          [
            'vs DuckDB + unzip',
            `${fixed(mapc.wallSeconds / (duck.wallSeconds + unzipped.wallSeconds), 2)}x`,
            `${fixed((duck.wallSeconds + unzipped.wallSeconds) / mapc.wallSeconds, 2)}x`,
            '',
          ],
          ['mapc / floor', `${fixed(mapc.wallSeconds / floor.wallSeconds, 2)}x`, '', ''],
        ],
      ),
    );

    // 5. The same documents?
    log('');
    const step = Math.max(1, Math.floor((report.tables.customers?.read ?? customers) / Math.ceil(sampleSize * 1.2)));
    const sampled = (pk: string) => {
      const id = Number(pk.slice(pk.indexOf('#') + 1));
      return Number.isInteger(id) && (id - 1) % step === 0;
    };
    // Text comparison: mapc's attributes object vs DuckDB's line without its null email
    // (mapc leaves the attribute out: `email = … when c.email is not null`).
    const mapcOutput = await readOutput(
      mapcOut,
      sampled,
      (line) => withoutNulls((line as { attributes: Json }).attributes),
      (line) => line.slice(line.indexOf('"attributes":') + '"attributes":'.length, -1),
    );
    const duckOutput = await readOutput(duckOut, sampled, withoutNulls, (line) => line.replace(',"email":null', ''));
    log(
      `documents: mapc ${mapcOutput.documents}, DuckDB ${duckOutput.documents}` +
        `${mapcOutput.documents === duckOutput.documents ? ' (same)' : ` (DIFFERENT by ${mapcOutput.documents - duckOutput.documents})`}`,
    );
    log(
      `orders in them: mapc ${mapcOutput.orders}, DuckDB ${duckOutput.orders}${mapcOutput.orders === duckOutput.orders ? ' (same)' : ' (DIFFERENT)'}`,
    );
    let identical = 0;
    for (const [pk, digest] of mapcOutput.digests) if (duckOutput.digests.get(pk) === digest) identical++;
    log(
      `identical document text (email null dropped): ${identical}/${mapcOutput.documents}` +
        `${identical === mapcOutput.documents && identical === duckOutput.documents ? ' (all)' : ''}`,
    );
    const pks = [...new Set([...mapcOutput.sample.keys(), ...duckOutput.sample.keys()])]
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
      .slice(0, Math.ceil(sampleSize * 1.2));
    let sameIds = 0;
    let sameDocuments = 0;
    const differences: string[] = [];
    for (const pk of pks) {
      const a = mapcOutput.sample.get(pk);
      const b = duckOutput.sample.get(pk);
      if (a === undefined || b === undefined) {
        differences.push(`  ${pk}: only in ${a === undefined ? 'DuckDB' : 'mapc'}'s output`);
        continue;
      }
      if (orderIds(a) === orderIds(b)) sameIds++;
      else differences.push(`  ${pk}: order ids ${orderIds(a)} vs ${orderIds(b)}`);
      const difference = firstDifference(a, b);
      if (difference === null) sameDocuments++;
      else differences.push(`  ${pk}: first difference ${difference}`);
    }
    log(
      `sample of ${pks.length} customers: same order ids ${sameIds}/${pks.length}, same documents (nulls dropped) ${sameDocuments}/${pks.length}`,
    );
    for (const line of differences.slice(0, 20)) log(line);
    if (differences.length > 20) log(`  … ${differences.length - 20} more`);

    const larger = Math.max(mapcOutput.documents, duckOutput.documents);
    if (larger > 0 && Math.abs(mapcOutput.documents - duckOutput.documents) > larger * 0.05) {
      throw new BenchError(
        `the document counts differ by more than 5% (mapc ${mapcOutput.documents}, DuckDB ${duckOutput.documents}): the two are not building the same thing`,
      );
    }
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  if (error instanceof BenchError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`run-vs-duckdb: ${(error as Error).message}\n`);
    if (!(error instanceof BenchError)) process.stderr.write(`\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`run-vs-duckdb: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
});
