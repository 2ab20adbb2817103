// Benchmark: read a generated CSV file (1,000,000 rows by default, about 90 MB; a third of the
// text fields quoted, some of those holding delimiters, doubled quotes and line breaks) with
// readCsvBatches, projecting 4 of its 7 columns as a plan would, and in the same run with
// csv-parse as the peer (all fields, no line tracking). The file is generated in memory and
// fed in 64 KiB chunks, so the figures are the readers' own: no disk, no inflate.
// With --extract, also reads the order_lines entries of a real extract (inflate included),
// with the order_lines table of mappings/customer.map.
//   node --import tsx bench/csv-read.ts [--rows 1000000] [--runs 3] [--extract /tmp/big/base.zip]
import { parse as csvParse } from 'csv-parse';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from '../compiler/compile.js';
import type { ByteSource } from '../runtime/archive/byte-source.js';
import { listEntries, type ArchiveEntry } from '../runtime/archive/central-directory.js';
import { openEntry } from '../runtime/archive/entry-stream.js';
import { LocalFileSource } from '../runtime/archive/local-file-source.js';
import { matchEntries } from '../runtime/archive/match-entries.js';
import { readCsvBatches } from '../runtime/csv/read-records.js';
import type { PlanColumn, PlanTable } from '../runtime/plan/types.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    extract: { type: 'string' },
  },
});
const rowCount = Number(values.rows);
const runs = Number(values.runs);
const CHUNK = 64 * 1024;

const HEADERS = ['order_id', 'line_no', 'customer', 'note', 'sku', 'qty', 'unit_price'];
const PROJECTED = ['order_id', 'customer', 'note', 'unit_price'];

function generateCsv(rows: number): Buffer {
  const names = ['Ada Lovelace', 'Grace Hopper', 'Zoë Müller', 'Smith, John', "O'Brien", 'Jean-Luc "JL" Picard'];
  const notes = [
    '',
    'leave at the door',
    'fragile, handle with care',
    'call "before" delivery',
    'line one\nline two',
    'ok',
  ];
  const quoteIfNeeded = (text: string, always: boolean) =>
    always || /[,"\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  const lines: string[] = [HEADERS.join(',')];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < rows; i++) {
    lines.push(
      [
        String(1 + Math.floor(i / 3)),
        String(1 + (i % 3)),
        quoteIfNeeded(names[Math.floor(random() * names.length)], random() < 0.3),
        quoteIfNeeded(notes[Math.floor(random() * notes.length)], random() < 0.3),
        `SKU-${String(Math.floor(random() * 5000)).padStart(6, '0')}`,
        String(1 + Math.floor(random() * 9)),
        (random() * 1000).toFixed(2),
      ].join(','),
    );
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

function generatedTable(): PlanTable {
  const columns: PlanColumn[] = HEADERS.map((name, position) => ({
    name,
    header: name,
    position,
    type: 'string',
    nullable: true,
  }));
  return {
    name: 'generated',
    pattern: 'generated.csv',
    format: {
      delimiter: ',',
      quote: '"',
      escape: '"',
      header: true,
      trailingDelimiter: false,
      encoding: 'utf-8',
      nullTokens: [''],
      dateFormat: '%Y-%m-%d',
      timestampFormat: '%Y-%m-%dT%H:%M:%S',
    },
    declaredHeaders: HEADERS,
    columns: PROJECTED.map((name) => columns.find((column) => column.name === name) as PlanColumn),
    key: [],
    filters: [],
    roles: [],
  };
}

function chunksOf(bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) chunks.push(bytes.subarray(at, at + CHUNK));
  return chunks;
}

interface Counted {
  rows: number;
  faults: number;
}

async function readOurs(input: Readable, table: PlanTable): Promise<Counted> {
  let rows = 0;
  let faults = 0;
  for await (const batch of readCsvBatches(input, table, 'bench.csv')) {
    for (const item of batch) {
      if (item.kind === 'record') rows++;
      else faults++;
    }
  }
  return { rows, faults };
}

async function readPeer(input: Readable, table: PlanTable): Promise<Counted> {
  const { format } = table;
  const parser = input.pipe(
    csvParse({
      delimiter: format.delimiter,
      quote: format.quote || false,
      escape: format.escape || format.quote || null,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      from_line: format.header ? 2 : 1,
    }),
  );
  let rows = 0;
  for await (const _ of parser) rows++;
  return { rows, faults: 0 };
}

async function measure(label: string, bytes: number, read: () => Promise<Counted>): Promise<void> {
  await read(); // warm-up: JIT
  const seconds: number[] = [];
  let counted: Counted = { rows: 0, faults: 0 };
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    counted = await read();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  const best = seconds[0];
  const median = seconds[Math.floor(seconds.length / 2)];
  const rate = (s: number) =>
    `${counted.rows > 0 ? `${(counted.rows / s / 1e6).toFixed(2)} M rows/s, ` : ''}${(bytes / s / 1e6).toFixed(0)} MB/s`;
  const rows = counted.rows > 0 ? `${counted.rows} rows${counted.faults ? ` (+${counted.faults} faults)` : ''}` : '';
  console.log(
    `${label.padEnd(34)} ${rows.padEnd(14)} best ${best.toFixed(2)} s = ${rate(best)}   median ${median.toFixed(2)} s = ${rate(median)}`,
  );
}

const csv = generateCsv(rowCount);
const chunks = chunksOf(csv);
const table = generatedTable();
console.log(
  `generated: ${rowCount} rows, ${(csv.length / 1e6).toFixed(1)} MB, ${chunks.length} chunks of ${CHUNK / 1024} KiB; ${runs} runs each after a warm-up`,
);
await measure('readCsvBatches (4 of 7 columns)', csv.length, () => readOurs(Readable.from(chunks), table));
await measure('csv-parse (peer, all columns)', csv.length, () => readPeer(Readable.from(chunks), table));

if (values.extract !== undefined) {
  const compiled = compile(fileURLToPath(new URL('../mappings/customer.map', import.meta.url)));
  const orderLines = compiled.plan?.tables.find((candidate) => candidate.name === 'order_lines');
  if (orderLines === undefined) throw new Error('mappings/customer.map did not compile to a plan reading order_lines');
  const source: ByteSource = new LocalFileSource(values.extract);
  const entries: ArchiveEntry[] = matchEntries(await listEntries(source), orderLines.pattern);
  const bytes = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  const readAll = async (reader: (input: Readable, t: PlanTable) => Promise<Counted>): Promise<Counted> => {
    const total: Counted = { rows: 0, faults: 0 };
    for (const entry of entries) {
      const { rows, faults } = await reader(openEntry(source, entry), orderLines);
      total.rows += rows;
      total.faults += faults;
    }
    return total;
  };
  const inflateOnly = async (): Promise<Counted> => {
    for (const entry of entries)
      for await (const _ of openEntry(source, entry)) {
        /* inflate only */
      }
    return { rows: 0, faults: 0 };
  };
  console.log(
    `extract: ${values.extract}, ${entries.length} order_lines entries, ${(bytes / 1e6).toFixed(1)} MB inflated; columns ${orderLines.columns.map((column) => column.name).join(', ')}`,
  );
  await measure('inflate only (floor)', bytes, inflateOnly);
  await measure('inflate + readCsvBatches', bytes, () => readAll(readOurs));
  await measure('inflate + csv-parse (peer)', bytes, () => readAll(readPeer));
}
