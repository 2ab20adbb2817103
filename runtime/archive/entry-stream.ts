/*
 * Opening one archive entry as a byte stream: read its local header (only to learn where
 * the data starts; sizes and CRC come from the central directory, which is authoritative
 * even when the entry used a trailing data descriptor), then read the compressed range in
 * chunks, inflate it (raw deflate, method 8) or pass it through (stored, method 0), and
 * check the CRC-32 and the uncompressed size ourselves at the end. zlib checks neither for
 * a raw stream, so without this a damaged extract would load silently wrong rows.
 *
 * The stream errors with a message naming the archive and the entry. Nothing is read from
 * the source until the stream is read, and only this entry's range is ever read.
 */
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import type { ByteSource } from './byte-source.js';
import type { ArchiveEntry } from './central-directory.js';
import { crc32 } from './crc32.js';

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const FLAG_ENCRYPTED = 0x0001;
/** Bytes fetched per read: large enough for few round trips on S3, small enough to bound memory. */
export const DEFAULT_READ_CHUNK = 1 << 20;
/** Bytes per inflated chunk: 16 times zlib's default, which made holding tables about 15 % slower (callbacks and buffers per chunk). */
const INFLATED_CHUNK = 256 * 1024;

export function openEntry(source: ByteSource, entry: ArchiveEntry, readChunk = DEFAULT_READ_CHUNK): Readable {
  const where = `${source.name}: entry ${entry.name}`;
  if (entry.flags & FLAG_ENCRYPTED) throw new Error(`${where} is encrypted; mapc reads unencrypted archives only`);
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
    throw new Error(
      `${where} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported — re-create the archive with deflate`,
    );
  }
  const compressed = Readable.from(readCompressedRange(source, entry, where, readChunk), { objectMode: false });
  const verified = new VerifyingPassThrough(entry, where);
  const onDone = (error: Error | null | undefined) => {
    // pipeline destroys every stage with the first error; make sure ours names the entry.
    if (error && !error.message.startsWith(source.name)) {
      // zlib's own words ("invalid distance too far back") say nothing about what to do.
      const code = (error as Error & { code?: unknown }).code;
      const isInflateError = typeof code === 'string' && code.startsWith('Z_');
      error.message = `${where}: ${error.message}${isInflateError ? ' — the compressed data is damaged, the archive is corrupt; re-download the extract' : ''}`;
    }
  };
  if (entry.method === METHOD_DEFLATE)
    pipeline(compressed, zlib.createInflateRaw({ chunkSize: INFLATED_CHUNK }), verified, onDone);
  else pipeline(compressed, verified, onDone);
  return verified;
}

async function* readCompressedRange(
  source: ByteSource,
  entry: ArchiveEntry,
  where: string,
  readChunk: number,
): AsyncGenerator<Buffer> {
  const header = await source.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE);
  if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
    throw new Error(
      `${where}: local header not found at byte ${entry.localHeaderOffset} — the archive is corrupt; re-download the extract`,
    );
  }
  const dataStart = entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
  const dataEnd = dataStart + entry.compressedSize;
  for (let at = dataStart; at < dataEnd; at += readChunk) {
    yield await source.read(at, Math.min(readChunk, dataEnd - at));
  }
}

class VerifyingPassThrough extends Transform {
  private crc = 0;
  private size = 0;

  constructor(
    private readonly entry: ArchiveEntry,
    private readonly where: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    // Stop early on an entry inflating past its declared size (a damaged or hostile archive).
    if (this.size > this.entry.uncompressedSize) {
      callback(
        this.mismatch(`inflates to more than the ${this.entry.uncompressedSize} bytes the central directory declares`),
      );
      return;
    }
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.size !== this.entry.uncompressedSize) {
      callback(
        this.mismatch(`inflates to ${this.size} bytes, the central directory declares ${this.entry.uncompressedSize}`),
      );
    } else if (this.crc !== this.entry.crc32) {
      callback(this.mismatch(`CRC-32 is ${hex(this.crc)}, the central directory declares ${hex(this.entry.crc32)}`));
    } else {
      callback();
    }
  }

  private mismatch(detail: string): Error {
    return new Error(`${this.where}: ${detail} — the archive is corrupt; re-download the extract`);
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
