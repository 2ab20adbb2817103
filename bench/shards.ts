/*
 * Benchmark: a preview run as N shards (`mapc run --shard i/N`, hold/shard-router.ts) for
 * N = 1, 2 and 4, on one generated extract: what each shard's memory and time come to, and
 * what every shard parsing the whole extract costs.
 *
 *   npm run build      # mapc runs the compiled JavaScript in build/
 *   node --import tsx bench/shards.ts [--customers 200000] [--extract ZIP] [--threads 1]
 *                                     [--shard-counts 1,2,4] [--keep]
 *
 * Every shard is a process of its own:
 *   node --import bench/max-rss.mjs bin/mapc.js run mappings/customer.map --extract ZIP
 *        --out <tmp>/items….ndjson --shard i/N --threads T
 * Its peak RSS is process.resourceUsage().maxRSS, written on exit by the preload
 * bench/max-rss.mjs with its CPU time (user + system; both of the whole process, its threads
 * included); its wall time is this process's clock around it (node's start and the
 * mapping's compilation included). Side by side, the shards' CPU time summed, against the
 * wall time times the cores, tells whether the cores were what they waited for.
 *
 * Steps:
 *   0. the extract: --extract ZIP, generated there by examples/generate-extract.ts when
 *      absent; else <os tmpdir>/mapc-bench-<customers>.zip, generated when absent (or when
 *      its manifest is not that of `--customers N`, seed 1) and kept for the next run. Its
 *      central directory gives the uncompressed bytes of each table's entries.
 *   1. a plain run without --shard, for reference (and to bring the extract into the page
 *      cache): what the shards' items and counts must add up to; and a plain run on a
 *      10-customer extract: the baseline memory of node and mapc, which a model of memory
 *      against the extract's bytes subtracts.
 *   2. for each N of --shard-counts: the N shards one after another (each alone on the
 *      machine), then all N side by side (started together; the wall time of the whole).
 *      After each shard: the lines of its items file (counted, not sorted), the rows it
 *      counted (the sum of tables[*].read of its report: the shards' add up to one run's) and
 *      the rows it parsed (every shard reads the whole extract: the manifest's rows of the
 *      tables the mapping reads). Its files are then deleted, unless --keep.
 *   3. markdown tables: the extract's tables beside the single run's peak RSS (the inputs of
 *      a memory model), each shard, and each N: wall times, peak RSS (max shard / single
 *      run), rows counted and parsed, and whether items and reads add up; then the CPU time
 *      other processes took meanwhile (from /proc/stat, on Linux): this machine is shared.
 *
 * "Single run" is the 1-shard run (--shard 0/1) when 1 is among --shard-counts, else the
 * plain run. --threads defaults to 1, so that side-by-side runs compare fairly on a 2-core
 * machine: a shard holds its tables on one thread anyway, and with one thread each, every
 * run asks for one core, alone or beside others (2 shards side by side fill the 2 cores, 4
 * run two to a core); with more threads each, shards side by side would fight over the cores
 * that a single run has to itself. Pass --threads to see that.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from '../compiler/compile.js';
import { listEntries, type ArchiveEntry } from '../runtime/archive/central-directory.js';
import { openEntry } from '../runtime/archive/entry-stream.js';
import { LocalFileSource } from '../runtime/archive/local-file-source.js';
import { matchEntries } from '../runtime/archive/match-entries.js';
import type { Plan } from '../runtime/plan/types.js';
import { readPeak } from './mapc-child.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAPPING = 'mappings/customer.map';
const PRELOAD = pathToFileURL(join(ROOT, 'bench', 'max-rss.mjs')).href;

const USAGE = `usage: node --import tsx bench/shards.ts [options]

  --customers N        customers in the generated extract (default 200000: about 6.1M rows)
  --extract ZIP        the extract; generated there when absent (default
                       <tmpdir>/mapc-bench-<customers>.zip, kept for the next run)
  --threads T          --threads of every mapc run (default 1, see the header)
  --shard-counts LIST  the shard counts to compare (default 1,2,4)
  --keep               keep the items, reports and rejects (default: deleted once counted)
`;

class BenchError extends Error {}

interface Report {
  seconds: number;
  status: string;
  shard?: string;
  tables: Record<string, { read: number; used: number }>;
  items: Record<string, { written: number }>;
}

interface Measured {
  label: string;
  wallSeconds: number;
  peakRssKb: number;
  /** User plus system CPU time, all threads. */
  cpuSeconds: number;
  report: Report;
  itemLines: number;
  rejectLines: number;
}

interface ShardCount {
  count: number;
  alone: Measured[];
  alongside: { wallSeconds: number; shards: Measured[] };
}

const log = (text = '') => process.stdout.write(`${text}\n`);
const mb = (kb: number) => (kb / 1024).toFixed(0);
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const seconds = (value: number) => value.toFixed(2);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const rowsCounted = (report: Report) => sum(Object.values(report.tables).map((t) => t.read));
const itemsWritten = (report: Report) => sum(Object.values(report.items).map((i) => i.written));

/** A markdown table; `align` has an "l" or "r" per column (default: the first left, the rest right). */
function markdown(header: string[], rows: string[][], align = `l${'r'.repeat(header.length - 1)}`): string {
  const widths = header.map((cell, i) => Math.max(cell.length, 3, ...rows.map((row) => row[i].length)));
  const right = (i: number) => align[i] === 'r';
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (right(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Runs a child to its end, stdout ignored, stderr to `errFile`; a failure throws with stderr's tail. */
async function run(args: string[], errFile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const err = await open(errFile, 'w');
  let code: number | null;
  try {
    code = await new Promise<number | null>((resolveExit, reject) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', err.fd] });
      child.on('error', reject);
      child.on('exit', (exitCode) => resolveExit(exitCode));
    });
  } finally {
    await err.close();
  }
  if (code !== 0) {
    const stderr = (await readFile(errFile, 'utf8').catch(() => '')).trim().split('\n').slice(-15).join('\n');
    throw new BenchError(`node ${args.join(' ')} exited with ${code}:\n${stderr}`);
  }
}

/**
 * One `mapc run` preview (a shard when `shard` is given) under the max-rss preload: its wall
 * time, peak RSS, report and the lines of its items and rejects files, which are then deleted
 * unless `keep`.
 */
async function mapcRun(
  work: string,
  label: string,
  extract: string,
  threads: number,
  keep: boolean,
  shard?: string,
): Promise<Measured> {
  const base = join(work, label);
  const out = `${base}.ndjson`;
  const rssFile = `${base}.maxrss`;
  const args = ['--import', PRELOAD, 'bin/mapc.js', 'run', MAPPING, '--extract', extract, '--out', out];
  args.push('--threads', String(threads), ...(shard === undefined ? [] : ['--shard', shard]));
  const started = performance.now();
  await run(args, `${base}.stderr`, { ...process.env, MAX_RSS_FILE: rssFile });
  const wallSeconds = (performance.now() - started) / 1000;
  const { maxRssKiB: peakRssKb, userMicros, systemMicros } = await readPeak(rssFile);
  const report = JSON.parse(await readFile(`${out}.report.json`, 'utf8')) as Report;
  if (report.status !== 'ok') throw new BenchError(`${label}: the run's status is ${report.status}`);
  const measured: Measured = {
    label,
    wallSeconds,
    peakRssKb,
    cpuSeconds: (userMicros + systemMicros) / 1e6,
    report,
    itemLines: await lineCount(out),
    rejectLines: await lineCount(`${out}.rejects.ndjson`),
  };
  if (!keep)
    for (const file of [out, `${out}.report.json`, `${out}.rejects.ndjson`, rssFile, `${base}.stderr`])
      await rm(file, { force: true });
  return measured;
}

/** Newlines in a file (0 when there is none), streamed. */
async function lineCount(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  let lines = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

/** CPU seconds the machine has spent busy, and in all, from /proc/stat (Linux; USER_HZ 100); null elsewhere. */
async function machineCpu(): Promise<{ busy: number; total: number } | null> {
  try {
    const ticks = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = sum(ticks);
    return { busy: (total - ticks[3] - ticks[4]) / 100, total: total / 100 };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The extract

interface RawManifest {
  customers?: number;
  seed?: number;
  sequence?: number;
  rows?: Record<string, number>;
}

interface Extract {
  path: string;
  entries: ArchiveEntry[];
  manifest: RawManifest;
}

async function readExtract(path: string): Promise<Extract> {
  const source = new LocalFileSource(path);
  try {
    const entries = await listEntries(source);
    const entry = entries.find((e) => e.name === '_manifest.json');
    let manifest: RawManifest = {};
    if (entry !== undefined) {
      const chunks: Buffer[] = [];
      for await (const chunk of openEntry(source, entry)) chunks.push(chunk as Buffer);
      manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RawManifest;
    }
    return { path, entries, manifest };
  } finally {
    await source.close();
  }
}

/** --extract, generated when absent; else the default path, generated unless it holds this extract already. */
async function theExtract(work: string, given: string | undefined, customers: number): Promise<Extract> {
  const path = given === undefined ? join(tmpdir(), `mapc-bench-${customers}.zip`) : resolve(given);
  if (existsSync(path)) {
    const extract = await readExtract(path);
    const { manifest } = extract;
    const ours = manifest.customers === customers && manifest.seed === 1 && manifest.sequence === 0;
    if (given !== undefined || ours) {
      log(`extract: ${path} (${((await stat(path)).size / 1e6).toFixed(1)} MB, ${describe(manifest)})`);
      return extract;
    }
  }
  log(`generating ${path}: ${customers} customers, seed 1 …`);
  const started = performance.now();
  const args = ['--import', 'tsx', 'examples/generate-extract.ts', '--customers', String(customers)];
  await run([...args, '--out', path], join(work, 'generate.stderr'));
  const extract = await readExtract(path);
  log(`  ${describe(extract.manifest)}, in ${seconds((performance.now() - started) / 1000)} s (not measured)`);
  return extract;
}

function describe(manifest: RawManifest): string {
  if (manifest.customers === undefined) return 'no generator manifest';
  const rows = manifest.rows === undefined ? 0 : sum(Object.values(manifest.rows));
  return `${manifest.customers} customers, seed ${manifest.seed}, sequence ${manifest.sequence}, ${thousands(rows)} rows`;
}

/** How customer.map uses a table. */
function roleOf(plan: Plan, table: string): string {
  const roles = plan.tables.find((t) => t.name === table)!.roles;
  return roles
    .map((role) =>
      role.kind === 'root'
        ? 'root, streamed'
        : role.kind === 'grouped'
          ? `under ${role.parentTable}, held`
          : 'looked up, held',
    )
    .join('; ');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '200000' },
      extract: { type: 'string' },
      threads: { type: 'string', default: '1' },
      'shard-counts': { type: 'string', default: '1,2,4' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const whole = (flag: string, text: string) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1) throw new BenchError(`--${flag} needs a positive whole number, got ${text}`);
    return value;
  };
  const customers = whole('customers', values.customers);
  const threads = whole('threads', values.threads);
  const shardCounts = [...new Set(values['shard-counts'].split(',').map((n) => whole('shard-counts', n.trim())))];
  if (!existsSync(join(ROOT, 'build', 'bin', 'cli', 'main.js')))
    throw new BenchError('build/ is missing: run `npm run build` first (bin/mapc.js runs the compiled JavaScript)');
  const plan = compile(join(ROOT, MAPPING)).plan;
  if (plan === null) throw new BenchError(`${MAPPING} does not compile`);

  const work = await mkdtemp(join(tmpdir(), 'mapc-shards-'));
  try {
    // 0. The extract, and what the mapping reads of it.
    const extract = await theExtract(work, values.extract, customers);
    const tables = plan.tables.map((table) => {
      const entries = matchEntries(extract.entries, table.pattern);
      return { name: table.name, entries, bytes: sum(entries.map((e) => e.uncompressedSize)) };
    });
    const read = new Set(tables.flatMap((t) => t.entries.map((e) => e.name)));
    const unread = extract.entries.filter((e) => !e.isDirectory && !read.has(e.name));

    // 1. The plain run, and one on a tiny extract: the memory of node and mapc themselves.
    const tiny = join(work, 'tiny.zip');
    await run(
      ['--import', 'tsx', 'examples/generate-extract.ts', '--customers', '10', '--out', tiny],
      join(work, 'tiny.stderr'),
    );
    const machineBefore = await machineCpu();
    const ownBefore = process.cpuUsage();
    const baseline = await mapcRun(work, 'baseline', tiny, threads, values.keep);
    log(`plain run (no --shard), --threads ${threads} …`);
    const plain = await mapcRun(work, 'plain', extract.path, threads, values.keep);
    log(`  ${seconds(plain.wallSeconds)} s, ${mb(plain.peakRssKb)} MB, ${thousands(plain.itemLines)} items`);
    const rowsOf = (table: string) => extract.manifest.rows?.[table] ?? plain.report.tables[table]?.read ?? 0;
    const rowsParsed = sum(tables.map((t) => rowsOf(t.name)));

    // 2. The shards: alone, then side by side.
    const results: ShardCount[] = [];
    for (const count of shardCounts) {
      const shardsOf = (how: string) =>
        Array.from({ length: count }, (_, index) => ({
          label: `n${count}-${how}-${index}`,
          shard: `${index}/${count}`,
        }));
      const alone: Measured[] = [];
      for (const { label, shard } of shardsOf('alone')) {
        log(`shard ${shard}, alone …`);
        alone.push(await mapcRun(work, label, extract.path, threads, values.keep, shard));
        const last = alone[alone.length - 1];
        log(`  ${seconds(last.wallSeconds)} s, ${mb(last.peakRssKb)} MB, ${thousands(last.itemLines)} items`);
      }
      let alongside = { wallSeconds: alone[0].wallSeconds, shards: alone };
      if (count > 1) {
        log(`${count} shards side by side …`);
        const started = performance.now();
        const shards = await Promise.all(
          shardsOf('side').map(({ label, shard }) => mapcRun(work, label, extract.path, threads, values.keep, shard)),
        );
        alongside = { wallSeconds: (performance.now() - started) / 1000, shards };
        log(`  ${seconds(alongside.wallSeconds)} s`);
      }
      results.push({ count, alone, alongside });
    }

    const machineAfter = await machineCpu();
    const ownCpu = process.cpuUsage(ownBefore);

    // 3. The figures.
    const single = results.find((r) => r.count === 1)?.alone[0] ?? plain;
    const singleName = single === plain ? 'the plain run' : 'the 1-shard run';
    log();
    log(
      `## ${MAPPING} on ${extract.path} (${describe(extract.manifest)}); --threads ${threads}; ` +
        `node ${process.version}`,
    );
    log();
    log("### The extract's tables, beside the single run's peak RSS");
    log();
    const tableRows = tables.map((t) => [
      t.name,
      roleOf(plan, t.name),
      String(t.entries.length),
      thousands(rowsOf(t.name)),
      (t.bytes / 1e6).toFixed(1),
      (t.bytes / Math.max(1, rowsOf(t.name))).toFixed(0),
      thousands(single.report.tables[t.name]?.read ?? 0),
      thousands(single.report.tables[t.name]?.used ?? 0),
    ]);
    const held = tables.filter((t) => plan.tables.find((p) => p.name === t.name)!.roles.some((r) => r.kind !== 'root'));
    const readBytes = sum(tables.map((t) => t.bytes));
    const heldBytes = sum(held.map((t) => t.bytes));
    const heldRows = sum(held.map((t) => rowsOf(t.name)));
    tableRows.push([
      '**read by the mapping**',
      '',
      String(sum(tables.map((t) => t.entries.length))),
      thousands(rowsParsed),
      (readBytes / 1e6).toFixed(1),
      (readBytes / Math.max(1, rowsParsed)).toFixed(0),
      thousands(rowsCounted(single.report)),
      thousands(sum(Object.values(single.report.tables).map((t) => t.used))),
    ]);
    tableRows.push(['of which held', '', '', thousands(heldRows), (heldBytes / 1e6).toFixed(1), '', '', '']);
    for (const entry of unread)
      tableRows.push([entry.name, 'not read', '1', '', (entry.uncompressedSize / 1e6).toFixed(1), '', '', '']);
    log(
      markdown(
        [
          'table',
          'in customer.map',
          'entries',
          'rows',
          'uncompressed MB',
          'bytes/row',
          'read (single)',
          'used (single)',
        ],
        tableRows,
        'llrrrrrr',
      ),
    );
    log();
    const aboveBaseline = (m: Measured) => (m.peakRssKb - baseline.peakRssKb) * 1024;
    const runRows = [
      ['plain run (no --shard)', plain] as const,
      ...(single === plain ? [] : [['1-shard run (--shard 0/1)', single] as const]),
    ].map(([name, m]) => [
      name,
      seconds(m.wallSeconds),
      seconds(m.cpuSeconds),
      mb(m.peakRssKb),
      (aboveBaseline(m) / 2 ** 20).toFixed(0),
      (aboveBaseline(m) / readBytes).toFixed(2),
      (aboveBaseline(m) / heldBytes).toFixed(2),
      (aboveBaseline(m) / heldRows).toFixed(0),
    ]);
    runRows.push([
      'baseline: plain run on 10 customers',
      seconds(baseline.wallSeconds),
      seconds(baseline.cpuSeconds),
      mb(baseline.peakRssKb),
    ]);
    runRows[runRows.length - 1].push('', '', '', '');
    log(
      markdown(
        [
          'run',
          'wall s',
          'CPU s',
          'peak RSS MB',
          'above baseline MB',
          'above baseline / uncompressed read',
          '/ uncompressed held',
          'bytes / held row',
        ],
        runRows,
      ),
    );
    log();

    log('### Each shard');
    log();
    const shardRows = results.flatMap(({ count, alone, alongside }) =>
      alone.map((m, index) => {
        const side = alongside.shards[index];
        return [
          `${index}/${count}`,
          seconds(m.wallSeconds),
          seconds(m.cpuSeconds),
          mb(m.peakRssKb),
          count === 1 ? '(alone)' : seconds(side.wallSeconds),
          count === 1 ? '(alone)' : seconds(side.cpuSeconds),
          count === 1 ? '(alone)' : mb(side.peakRssKb),
          thousands(rowsCounted(m.report)),
          thousands(rowsParsed),
          thousands(m.itemLines),
          thousands(m.rejectLines),
          seconds(m.report.seconds),
        ];
      }),
    );
    log(
      markdown(
        [
          'shard',
          'alone: wall s',
          'CPU s',
          'peak RSS MB',
          'side by side: wall s',
          'CPU s',
          'peak RSS MB',
          'rows counted',
          'rows parsed',
          'items',
          'rejects',
          "mapc's seconds (alone)",
        ],
        shardRows,
      ),
    );
    log();

    log(`### Each shard count (single run: ${singleName}, ${mb(single.peakRssKb)} MB)`);
    log();
    const countRows = results.map(({ count, alone, alongside }) => {
      const maxRss = Math.max(...alone.map((m) => m.peakRssKb));
      return [
        String(count),
        seconds(sum(alone.map((m) => m.wallSeconds))),
        seconds(Math.max(...alone.map((m) => m.wallSeconds))),
        seconds(sum(alone.map((m) => m.cpuSeconds))),
        seconds(alongside.wallSeconds),
        seconds(sum(alongside.shards.map((m) => m.cpuSeconds))),
        mb(maxRss),
        mb(sum(alone.map((m) => m.peakRssKb))),
        mb(sum(alongside.shards.map((m) => m.peakRssKb))),
        (maxRss / single.peakRssKb).toFixed(2),
        thousands(sum(alone.map((m) => rowsCounted(m.report)))),
        thousands(rowsParsed * count),
      ];
    });
    log(
      markdown(
        [
          'N',
          'one after another: wall s (sum)',
          'longest shard s',
          'CPU s (sum)',
          'side by side: wall s',
          'CPU s (sum)',
          'peak RSS MB: max shard',
          'sum of shards',
          'sum, side by side',
          'max shard / single',
          'rows counted (sum)',
          'rows parsed (sum)',
        ],
        countRows,
      ),
    );
    log();

    log('### Do the shards add up to the plain run?');
    log();
    const checkRows = results.flatMap(({ count, alone, alongside }) =>
      (count === 1
        ? [['alone', alone] as const]
        : [['alone', alone] as const, ['side by side', alongside.shards] as const]
      ).map(([how, shards]) => {
        const lines = sum(shards.map((m) => m.itemLines));
        const written = sum(shards.map((m) => itemsWritten(m.report)));
        const rejects = sum(shards.map((m) => m.rejectLines));
        const differing = Object.keys(plain.report.tables).filter(
          (t) => sum(shards.map((m) => m.report.tables[t]?.read ?? 0)) !== plain.report.tables[t].read,
        );
        const ok =
          lines === plain.itemLines && written === lines && rejects === plain.rejectLines && differing.length === 0;
        return [
          `${count}, ${how}`,
          `${thousands(lines)} / ${thousands(plain.itemLines)}`,
          `${thousands(written)}`,
          `${thousands(rejects)} / ${thousands(plain.rejectLines)}`,
          differing.length === 0 ? 'every table' : `differ: ${differing.join(', ')}`,
          ok ? 'yes' : '**NO**',
        ];
      }),
    );
    log(
      markdown(
        [
          'N',
          'items lines: shards / plain',
          'items written (reports)',
          'rejects: shards / plain',
          'reads add up',
          'ok',
        ],
        checkRows,
        'lrrrll',
      ),
    );
    if (machineBefore !== null && machineAfter !== null) {
      // What else ran: the machine's busy CPU time less that of these runs and of this process (counting lines).
      const measured = [
        baseline,
        plain,
        ...results.flatMap((r) => [...r.alone, ...(r.count > 1 ? r.alongside.shards : [])]),
      ];
      const ours = sum(measured.map((m) => m.cpuSeconds)) + (ownCpu.user + ownCpu.system) / 1e6;
      const busy = machineAfter.busy - machineBefore.busy;
      const available = machineAfter.total - machineBefore.total;
      const others = Math.max(0, busy - ours);
      log();
      log(
        `Other processes used ${seconds(others)} s of CPU while the runs ran (${((100 * others) / available).toFixed(0)} % of the ` +
          `machine's ${seconds(available)} s on ${availableParallelism()} cores; these runs ${seconds(ours)} s): ` +
          'the wall times are as good as that is small; peak RSS does not depend on it.',
      );
    }
    if (values.keep) log(`\nkept ${work}`);
  } finally {
    if (!values.keep) await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench/shards: ${error instanceof BenchError ? error.message : String((error as Error).stack)}\n`,
  );
  process.exitCode = error instanceof BenchError ? 2 : 1;
});
