/*
 * A mutation fuzzer over extracts: a small valid extract (the warehouse of bad-input.map)
 * has its CSV bytes or its ZIP structures damaged at random (bytes flipped, quotes, line
 * breaks, BOMs and invalid bytes inserted, ranges cut or repeated, header fields, sizes,
 * CRCs, names and offsets changed, the archive truncated), and each run must end cleanly:
 *
 *   - runPlan never throws: every fault is a failed report with a message that names the
 *     archive or the file (never an internal error such as "Cannot read properties");
 *   - a failed run commits nothing;
 *   - a run that finishes read each file it lists once and to its end, and reconciles (every
 *     row read is used, filtered, rejected or orphaned);
 *   - memory stays bounded.
 *
 * Bounded and seeded: MAPC_FUZZ_SEED=<n> replays a run; the seed is printed either way.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { compileMapping, runRecorded, type RecordedRun } from './fixtures/recorded-run.js';
import { zipBytes, type ExtractFiles } from './fixtures/zip-bytes.js';

const MAPPING = fileURLToPath(new URL('./fixtures/bad-input.map', import.meta.url));
const CSV_CASES = 500;
const ZIP_CASES = 1000;
/** Caps lowered so that the fuzzer reaches them with small inputs. */
const LIMITS = { maxRecordChars: 4096, maxEntries: 64 };

function baseFiles(): ExtractFiles {
  const customers = ['customer_id,name,score,born,seen_at,active,weight'];
  for (let id = 1; id <= 30; id++)
    customers.push(
      `${id},"Name ${id}, the ${id % 3 === 0 ? '""third""' : 'other'}",${id}.50,1990-01-${String((id % 28) + 1).padStart(2, '0')},2026-01-02T03:04:05,${id % 2 === 0},${id}`,
    );
  const orders = ['order_id,customer_id,qty,divisor,amount,code'];
  for (let id = 1; id <= 40; id++)
    orders.push(`${100 + id},${(id % 30) + 1},${id % 5},${(id % 3) + 1},${id}.25,${id % 2 === 0 ? 'A' : 'B'}`);
  const lines = ['order_id,line_no,sku'];
  for (let id = 1; id <= 40; id++) for (let n = 1; n <= 2; n++) lines.push(`${100 + id},${n},"S-${id}-${n}"`);
  return {
    'customers.csv': `${customers.join('\n')}\n`,
    'orders.csv': `${orders.join('\r\n')}\r\n`,
    'order_lines.csv': `${lines.join('\n')}\n`,
    'codes.txt': 'A|Apple|\nB|Banana|\n',
  };
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const below = (random: Random, n: number) => Math.floor(random() * n);

const SNIPPETS = [
  '"',
  '""',
  ',',
  '\n',
  '\r',
  '\r\n',
  '\uFEFF',
  '|',
  '"x"y',
  '\\',
  '1e309',
  '-',
  '99999999999999999999999999999999999999999',
];

/** One mutation of a CSV file's bytes. */
function mutateCsv(bytes: Buffer, random: Random): Buffer {
  const at = below(random, bytes.length + 1);
  switch (below(random, 8)) {
    case 0: {
      const copy = Buffer.from(bytes);
      if (copy.length > 0) copy[Math.min(at, copy.length - 1)] ^= 1 << below(random, 8);
      return copy;
    }
    case 1:
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from(SNIPPETS[below(random, SNIPPETS.length)], 'utf8'),
        bytes.subarray(at),
      ]);
    case 2:
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from([0xff, 0xc3, 0x28].slice(0, 1 + below(random, 3))),
        bytes.subarray(at),
      ]);
    case 3:
      return Buffer.concat([
        bytes.subarray(0, at),
        bytes.subarray(Math.min(bytes.length, at + 1 + below(random, 200))),
      ]);
    case 4:
      return Buffer.concat([
        bytes.subarray(0, at),
        bytes.subarray(Math.max(0, at - below(random, 300)), at),
        bytes.subarray(at),
      ]);
    case 5:
      return bytes.subarray(0, at);
    case 6:
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.alloc(LIMITS.maxRecordChars + below(random, 2) * 100, 'z'),
        bytes.subarray(at),
      ]);
    default:
      return Buffer.concat([Buffer.from('\uFEFF'.repeat(below(random, 3)), 'utf8'), bytes]);
  }
}

const SIGNATURES = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50 };
/** Offsets of fields worth damaging, per header: version, flags, method, CRC-32, sizes, name length, offset. */
const FIELDS = {
  local: [
    [4, 2],
    [6, 2],
    [8, 2],
    [14, 4],
    [18, 4],
    [22, 4],
    [26, 2],
  ],
  central: [
    [8, 2],
    [10, 2],
    [16, 4],
    [20, 4],
    [24, 4],
    [28, 2],
    [42, 4],
    [46, 1],
    [47, 1],
  ],
  end: [
    [8, 2],
    [10, 2],
    [12, 4],
    [16, 4],
    [20, 2],
  ],
} as const;

function headersOf(archive: Buffer, signature: number): number[] {
  const found: number[] = [];
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(signature);
  for (let at = archive.indexOf(bytes); at >= 0; at = archive.indexOf(bytes, at + 1)) found.push(at);
  return found;
}

/** One mutation of the archive's structure (or bytes). */
function mutateZip(archive: Buffer, random: Random): Buffer {
  const copy = Buffer.from(archive);
  const kind = below(random, 6);
  if (kind <= 2) {
    const header = (['local', 'central', 'end'] as const)[kind];
    const starts = headersOf(copy, SIGNATURES[header]);
    if (starts.length === 0) return copy;
    const start = starts[below(random, starts.length)];
    const [offset, size] = FIELDS[header][below(random, FIELDS[header].length)];
    if (start + offset + size > copy.length) return copy;
    const value = [0, 1, 0xff, 0xffff, 0xffffffff, below(random, 2 ** 32)][below(random, 6)];
    if (size === 1) copy.writeUInt8(value & 0xff, start + offset);
    else if (size === 2) copy.writeUInt16LE(value & 0xffff, start + offset);
    else copy.writeUInt32LE(value >>> 0, start + offset);
    return copy;
  }
  if (kind === 3) return copy.subarray(0, below(random, copy.length));
  if (kind === 4) {
    // Give one entry another's name (same length: the headers stay whole), in both headers.
    const names = ['orders.csv', 'codes.txt', 'order_lines.csv', 'customers.csv'];
    const from = names[below(random, names.length)];
    const to = names.find((name) => name !== from && name.length === from.length) ?? 'orderx.csv'.slice(0, from.length);
    let at = copy.indexOf(from);
    while (at >= 0) {
      copy.write(to.padEnd(from.length, 'x').slice(0, from.length), at);
      at = copy.indexOf(from, at + 1);
    }
    return copy;
  }
  for (let flips = 1 + below(random, 4); flips > 0; flips--) copy[below(random, copy.length)] ^= 1 << below(random, 8);
  return copy;
}

const INTERNAL_ERROR =
  /Cannot read propert|is not a function|is not iterable|Invalid string length|Maximum call stack|undefined|NaN|out of range of|ERR_/;

function checkRun(run: RecordedRun, what: string): void {
  const { report } = run;
  expect(['ok', 'failed'], what).to.include(report.status);
  if (report.status === 'failed') {
    expect(run.committed, `${what}: a failed run committed`).to.equal(false);
    expect(report.error, `${what}: a failed run without a message`).to.be.a('string').and.not.equal('');
    expect(report.error, `${what}: the message names no archive or file`).to.match(
      /^(extract\.zip|[\w.-]+\.(csv|txt)(:\d+)?:|more than \d+ rows were rejected)/,
    );
    expect(report.error, `${what}: an internal error`).not.to.match(INTERNAL_ERROR);
    return;
  }
  expect(run.committed, `${what}: committed`).to.equal(true);
  // A finished run read every file it lists, each once, to its end.
  const files = Object.values(report.tables).flatMap((t) => t.files);
  expect(new Set(files).size, `${what}: a file read twice: ${files.join(', ')}`).to.equal(files.length);
  const cutShort = run.rejects.find((r) => /not read|to its end/.test(r.reason));
  expect(cutShort, `${what}: a finished run left part of a file unread`).to.equal(undefined);
  for (const [table, c] of Object.entries(report.tables)) {
    expect(c.read, `${what}: ${table} does not reconcile`).to.equal(c.used + c.filtered + c.rejected + c.orphaned);
  }
  expect(report.reconciled, `${what}: not reconciled`).to.equal(true);
  expect(report.rejects, `${what}: rejects`).to.equal(run.rejects.length);
}

describe('input fuzzer: damaged CSV bytes and ZIP structures end in a clean reject or a clean stop', function () {
  this.timeout(120000);
  const seed = process.env.MAPC_FUZZ_SEED ? Number(process.env.MAPC_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  const plan = compileMapping(MAPPING);
  const names = Object.keys(baseFiles());

  before(() => console.log(`      input fuzzer seed: ${seed} (replay with MAPC_FUZZ_SEED=${seed})`));

  const runChecked = async (archive: Buffer, what: string) => {
    let run: RecordedRun;
    try {
      run = await runRecorded(plan, archive, { limits: LIMITS });
    } catch (error) {
      throw new Error(`${what}: runPlan threw instead of reporting: ${(error as Error).stack}`);
    }
    checkRun(run, what);
    return run;
  };

  it(`${CSV_CASES} extracts with damaged CSV bytes`, async () => {
    const random = randomFrom(seed);
    const heapBefore = process.memoryUsage().heapUsed;
    const statuses = { ok: 0, failed: 0 };
    for (let i = 0; i < CSV_CASES; i++) {
      const files = baseFiles();
      const name = names[below(random, names.length)];
      let bytes: Buffer = Buffer.from(files[name] as string, 'utf8');
      for (let n = 1 + below(random, 3); n > 0; n--) bytes = mutateCsv(bytes, random);
      files[name] = bytes;
      const run = await runChecked(await zipBytes(files), `seed ${seed}, CSV case ${i} (${name})`);
      statuses[run.report.status as 'ok' | 'failed']++;
      expect(process.memoryUsage().heapUsed - heapBefore, `seed ${seed}, CSV case ${i}: heap grown`).to.be.below(
        200 * 1024 * 1024,
      );
    }
    expect(statuses.ok, 'some runs finish').to.be.above(0);
  });

  it(`${ZIP_CASES} extracts with damaged ZIP structures`, async () => {
    const random = randomFrom(seed ^ 0x5a5a5a5a);
    // Deflated, and stored (level 0: the text appears as it is, so flips hit rows, not the deflate stream).
    const bases = [await zipBytes(baseFiles()), await zipBytes(baseFiles(), 0)];
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < ZIP_CASES; i++) {
      let archive = bases[i % 2];
      for (let n = 1 + below(random, 2); n > 0; n--) archive = mutateZip(archive, random);
      await runChecked(archive, `seed ${seed}, ZIP case ${i}`);
      expect(process.memoryUsage().heapUsed - heapBefore, `seed ${seed}, ZIP case ${i}: heap grown`).to.be.below(
        200 * 1024 * 1024,
      );
    }
  });
});
