import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { ByteSource } from '../../runtime/archive/byte-source.js';
import { listEntries, type ArchiveEntry } from '../../runtime/archive/central-directory.js';
import { crc32, tableCrc32 } from '../../runtime/archive/crc32.js';
import { openEntry } from '../../runtime/archive/entry-stream.js';
import { LocalFileSource } from '../../runtime/archive/local-file-source.js';
import { matchEntries } from '../../runtime/archive/match-entries.js';

/** An in-memory source that records every range read, to prove what was (not) touched. */
class MemorySource implements ByteSource {
  readonly reads: Array<{ offset: number; length: number }> = [];
  constructor(
    readonly name: string,
    readonly bytes: Buffer,
  ) {}
  async size() {
    return this.bytes.length;
  }
  async read(offset: number, length: number) {
    this.reads.push({ offset, length });
    if (offset + length > this.bytes.length) throw new Error(`${this.name}: read past the end`);
    return Buffer.from(this.bytes.subarray(offset, offset + length));
  }
  async close() {}
}

interface FixtureEntry {
  name: string;
  text: string;
  method?: 0 | 8;
}

/** A minimal ZIP writer for fixtures (independent of the generator's writer). */
function buildZip(entries: FixtureEntry[], options: { zip64?: boolean; comment?: string } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, text, method = 8 } of entries) {
    const data = Buffer.from(text, 'utf8');
    const stored = method === 8 ? zlib.deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(tableCrc32(data), 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(tableCrc32(data), 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, stored);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  const comment = Buffer.from(options.comment ?? '');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(comment.length, 20);
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 12);
    end.writeUInt32LE(0xffffffff, 16);
  } else {
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
  }
  return Buffer.concat([...locals, directory, ...tail, end, comment]);
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function entryNamed(entries: ArchiveEntry[], name: string): ArchiveEntry {
  const entry = entries.find((candidate) => candidate.name === name);
  if (entry === undefined) throw new Error(`no entry ${name}`);
  return entry;
}

const FIXTURE: FixtureEntry[] = [
  { name: 'customers_part2.csv', text: 'customer_id\n3\n' },
  { name: 'customers_part1.csv', text: `customer_id\n${'1\n2\n'.repeat(5000)}` },
  { name: 'products.txt', text: 'SKU-1|Lamp|\n', method: 0 },
  { name: 'extract/', text: '', method: 0 },
  { name: 'extract/orders_1.csv', text: 'order_id\n10\n' },
  { name: 'order_lines.csv', text: 'order_id,line_no\n10,1\n' },
];

describe('runtime/archive', () => {
  it('lists entries from the central directory', async () => {
    const entries = await listEntries(new MemorySource('x.zip', buildZip(FIXTURE, { comment: 'made by a test' })));
    expect(entries.map((entry) => entry.name)).to.deep.equal(FIXTURE.map((entry) => entry.name));
    expect(entryNamed(entries, 'products.txt')).to.include({ method: 0, uncompressedSize: 12, isDirectory: false });
    expect(entryNamed(entries, 'extract/').isDirectory).to.equal(true);
  });

  it('reads stored and deflated entries, and ZIP64 directories', async () => {
    for (const zip64 of [false, true]) {
      const source = new MemorySource('x.zip', buildZip(FIXTURE, { zip64 }));
      const entries = await listEntries(source);
      expect(await readAll(openEntry(source, entryNamed(entries, 'products.txt')))).to.equal('SKU-1|Lamp|\n');
      expect(await readAll(openEntry(source, entryNamed(entries, 'customers_part1.csv'), 64))).to.equal(
        FIXTURE[1].text,
      );
    }
  });

  it('reads an archive written by the zip command through a local file', async function () {
    try {
      execFileSync('zip', ['-v'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const folder = mkdtempSync(join(tmpdir(), 'mapc-archive-'));
    try {
      writeFileSync(join(folder, 'a.csv'), 'x,y\n1,2\n'.repeat(1000));
      writeFileSync(join(folder, 'b.csv'), 'z\n');
      execFileSync('zip', ['-q', '-X', 'out.zip', 'a.csv', 'b.csv'], { cwd: folder });
      const source = new LocalFileSource(join(folder, 'out.zip'));
      const entries = await listEntries(source);
      expect(entries.map((entry) => entry.name)).to.deep.equal(['a.csv', 'b.csv']);
      expect(await readAll(openEntry(source, entries[0]))).to.equal('x,y\n1,2\n'.repeat(1000));
      await source.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('detects a CRC mismatch and names the entry', async () => {
    const bytes = buildZip([{ name: 'a.csv', text: 'hello,world\n', method: 0 }]);
    const at = bytes.indexOf('hello');
    bytes[at] = 'j'.charCodeAt(0); // same size, different content
    const source = new MemorySource('bad.zip', bytes);
    const [entry] = await listEntries(source);
    let message = '';
    try {
      await readAll(openEntry(source, entry));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(
      /^bad\.zip: entry a\.csv: CRC-32 is [0-9a-f]{8}, the central directory declares [0-9a-f]{8} — the archive is corrupt/,
    );
  });

  it('detects a wrong uncompressed size and corrupt deflate data', async () => {
    const bytes = buildZip([{ name: 'a.csv', text: 'hello\n'.repeat(100) }]);
    const source = new MemorySource('bad.zip', bytes);
    const [entry] = await listEntries(source);
    let message = '';
    try {
      await readAll(openEntry(source, { ...entry, uncompressedSize: entry.uncompressedSize - 1 }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/bad\.zip: entry a\.csv: inflates to more than/);

    const data = Buffer.from(bytes);
    const dataStart = 30 + 'a.csv'.length;
    data.fill(0xff, dataStart, dataStart + 4);
    const corrupt = new MemorySource('bad.zip', data);
    message = '';
    try {
      await readAll(openEntry(corrupt, (await listEntries(corrupt))[0]));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/^bad\.zip: entry a\.csv: /);
  });

  it('reports a truncated archive clearly', async () => {
    const bytes = buildZip(FIXTURE);
    for (const cut of [10, bytes.length - 30]) {
      let message = '';
      try {
        await listEntries(new MemorySource('extract.zip', bytes.subarray(0, cut)));
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.equal(
        'extract.zip: not a ZIP archive or truncated: end of central directory not found — re-download the extract',
      );
    }
    let message = '';
    try {
      await listEntries(new MemorySource('empty.zip', Buffer.alloc(0)));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain('empty.zip: not a ZIP archive or truncated');
  });

  it('never reads entries that are not opened', async () => {
    const bytes = buildZip(FIXTURE);
    const skipped = entryNamed(await listEntries(new MemorySource('x.zip', bytes)), 'customers_part1.csv');
    // Destroy the skipped entry's data: reading anything else must still work.
    const dataStart = skipped.localHeaderOffset + 30 + skipped.name.length;
    bytes.fill(0, dataStart, dataStart + skipped.compressedSize);
    const source = new MemorySource('x.zip', bytes);
    const entries = await listEntries(source);
    source.reads.length = 0; // listing reads the tail (here: the whole small file) once
    expect(await readAll(openEntry(source, entryNamed(entries, 'order_lines.csv')))).to.equal(
      'order_id,line_no\n10,1\n',
    );
    expect(source.reads.length).to.be.greaterThan(0);
    const skippedEnd = dataStart + skipped.compressedSize;
    const touched = source.reads.filter(
      (read) => read.offset < skippedEnd && read.offset + read.length > skipped.localHeaderOffset,
    );
    expect(touched, 'reads overlapping the skipped entry').to.deep.equal([]);
  });

  it('computes CRC-32 the same natively and by table', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog');
    expect(tableCrc32(data)).to.equal(0x414fa339);
    expect(crc32(data)).to.equal(0x414fa339);
    expect(tableCrc32(data.subarray(10), tableCrc32(data.subarray(0, 10)))).to.equal(0x414fa339);
  });

  describe('matchEntries', () => {
    const entries = FIXTURE.map((entry, index): ArchiveEntry => ({
      name: entry.name,
      method: 8,
      flags: 0,
      crc32: 0,
      compressedSize: 0,
      uncompressedSize: 0,
      localHeaderOffset: index,
      isDirectory: entry.name.endsWith('/'),
    }));
    const names = (pattern: string) => matchEntries(entries, pattern).map((entry) => entry.name);

    it('matches * and ? against base names, sorted by name', () => {
      expect(names('customers*.csv')).to.deep.equal(['customers_part1.csv', 'customers_part2.csv']);
      expect(names('customers_part?.csv')).to.deep.equal(['customers_part1.csv', 'customers_part2.csv']);
      expect(names('orders*.csv')).to.deep.equal(['extract/orders_1.csv']);
      expect(names('order*.csv')).to.deep.equal(['extract/orders_1.csv', 'order_lines.csv']);
      expect(names('products*.txt')).to.deep.equal(['products.txt']);
      expect(names('*')).to.not.include('extract/');
    });

    it('matches patterns with a slash against the full path, * not crossing folders', () => {
      expect(names('extract/*.csv')).to.deep.equal(['extract/orders_1.csv']);
      expect(names('*/orders_1.csv')).to.deep.equal(['extract/orders_1.csv']);
      expect(names('*.csv')).to.include('extract/orders_1.csv');
      expect(names('x/*.csv')).to.deep.equal([]);
      expect(names('customers.csv')).to.deep.equal([]);
      expect(names('products.tx?')).to.deep.equal(['products.txt']);
      expect(names('products(1).txt')).to.deep.equal([]);
    });
  });
});
