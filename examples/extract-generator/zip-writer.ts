/*
 * A streaming ZIP writer, just enough for extracts: each entry is deflated as its text is
 * produced and written straight to the output, with its CRC-32 and sizes in a trailing data
 * descriptor (flag bit 3), so no entry is ever held in memory; the central directory goes at
 * the end. Output is byte-for-byte deterministic: entry times are a fixed value given by the
 * caller, never the clock. Entries and archives beyond 4 GiB (ZIP64) are refused with a
 * clear error — split the table into more parts instead.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { crc32 } from '../../runtime/archive/crc32.js';

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const DATA_DESCRIPTOR_SIGNATURE = 0x08074b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const EOCD_SIGNATURE = 0x06054b50;
const VERSION = 20;
const FLAGS = 0x0008 | 0x0800; // sizes in a data descriptor; names are UTF-8
const METHOD_DEFLATE = 8;
const LIMIT_32 = 0xffffffff;

interface WrittenEntry {
  name: Buffer;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  offset: number;
}

export interface EntrySummary {
  name: string;
  uncompressedSize: number;
  compressedSize: number;
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: WrittenEntry[] = [];
  private readonly dosTime: number;
  private readonly dosDate: number;

  constructor(
    private readonly output: Writable,
    modifiedAt: Date,
    private readonly level = 6,
  ) {
    this.dosTime =
      (modifiedAt.getUTCHours() << 11) | (modifiedAt.getUTCMinutes() << 5) | (modifiedAt.getUTCSeconds() >> 1);
    // A DOS date holds the years 1980 to 2107: an extract dated later says 2107-12-31.
    this.dosDate =
      modifiedAt.getUTCFullYear() > 2107
        ? (127 << 9) | (12 << 5) | 31
        : ((modifiedAt.getUTCFullYear() - 1980) << 9) | ((modifiedAt.getUTCMonth() + 1) << 5) | modifiedAt.getUTCDate();
  }

  /** Deflates the chunks into a new entry; resolves once they are all written. */
  async addEntry(
    name: string,
    chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
  ): Promise<EntrySummary> {
    const encodedName = Buffer.from(name, 'utf8');
    const offset = this.offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER_SIGNATURE, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(METHOD_DEFLATE, 8);
    header.writeUInt16LE(this.dosTime, 10);
    header.writeUInt16LE(this.dosDate, 12);
    header.writeUInt16LE(encodedName.length, 26);
    await this.write(Buffer.concat([header, encodedName]));

    let crc = 0;
    let uncompressedSize = 0;
    let compressedSize = 0;
    const deflate = zlib.createDeflateRaw({ level: this.level });
    const copied = (async () => {
      for await (const compressed of deflate as AsyncIterable<Buffer>) {
        compressedSize += compressed.length;
        await this.write(compressed);
      }
    })();
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      crc = crc32(bytes, crc);
      uncompressedSize += bytes.length;
      if (!deflate.write(bytes)) await once(deflate, 'drain');
    }
    deflate.end();
    await copied;

    if (uncompressedSize > LIMIT_32 || compressedSize > LIMIT_32 || this.offset > LIMIT_32) {
      throw new Error(`zip entry ${name}: over 4 GiB, which needs ZIP64; write the table in more parts`);
    }
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(DATA_DESCRIPTOR_SIGNATURE, 0);
    descriptor.writeUInt32LE(crc, 4);
    descriptor.writeUInt32LE(compressedSize, 8);
    descriptor.writeUInt32LE(uncompressedSize, 12);
    await this.write(descriptor);
    this.entries.push({ name: encodedName, crc, compressedSize, uncompressedSize, offset });
    return { name, uncompressedSize, compressedSize };
  }

  /** Writes the central directory and ends the output. */
  async finish(): Promise<void> {
    const directoryOffset = this.offset;
    for (const entry of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(CENTRAL_HEADER_SIGNATURE, 0);
      header.writeUInt16LE(VERSION, 4);
      header.writeUInt16LE(VERSION, 6);
      header.writeUInt16LE(FLAGS, 8);
      header.writeUInt16LE(METHOD_DEFLATE, 10);
      header.writeUInt16LE(this.dosTime, 12);
      header.writeUInt16LE(this.dosDate, 14);
      header.writeUInt32LE(entry.crc, 16);
      header.writeUInt32LE(entry.compressedSize, 20);
      header.writeUInt32LE(entry.uncompressedSize, 24);
      header.writeUInt16LE(entry.name.length, 28);
      header.writeUInt32LE(entry.offset, 42);
      await this.write(Buffer.concat([header, entry.name]));
    }
    const directorySize = this.offset - directoryOffset;
    if (this.offset > LIMIT_32 || this.entries.length > 0xffff) {
      throw new Error('zip archive over 4 GiB or 65,535 entries, which needs ZIP64; generate a smaller extract');
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(EOCD_SIGNATURE, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directorySize, 12);
    end.writeUInt32LE(directoryOffset, 16);
    await this.write(end);
    this.output.end();
    await once(this.output, 'finish');
  }

  private async write(bytes: Buffer): Promise<void> {
    this.offset += bytes.length;
    if (!this.output.write(bytes)) await once(this.output, 'drain');
  }
}
