/*
 * A ByteSource that fetches each byte of another source at most once: what is read is kept
 * in a temporary spool file, and a later read of the same bytes is served from it. `mapc job`
 * applies one extract to several mappings; each reads the central directory and some of the
 * same entries, and over S3 each of those reads would be a GET again.
 *
 *   read(offset, length) ──► which parts are not spooled yet? ──► fetch only those from the
 *                            source, write them into the spool at their own offsets
 *                        ──► read the whole range from the spool
 *
 * The spool is a sparse file the size of the archive at most, created on the first read that
 * misses, in the given folder (the OS's temporary folder by default), and removed by close().
 * Two reads of the same missing bytes at once may both fetch them (they write the same bytes):
 * the ZIP reader's concurrent reads are of different entries, so this costs nothing in practice.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteSource } from './byte-source.js';
import { ByteRanges } from './byte-ranges.js';

export class ReadOnceSource implements ByteSource {
  readonly name: string;
  private readonly spooled = new ByteRanges();
  private spool: Promise<{ folder: string; file: FileHandle }> | null = null;
  /** Bytes fetched from the source, for reports and tests. */
  fetchedBytes = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly folder: string = tmpdir(),
  ) {
    this.name = source.name;
  }

  size(): Promise<number> {
    return this.source.size();
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const missing = this.spooled.missing(offset, offset + length);
    if (missing.length === 0 && length > 0) return this.readSpool(offset, length);
    if (length === 0) return this.source.read(offset, 0);
    const { file } = await this.spoolFile();
    for (const [start, end] of missing) {
      const bytes = await this.source.read(start, end - start);
      await writeFully(file, bytes, start);
      this.fetchedBytes += bytes.length;
      this.spooled.add(start, end);
    }
    return this.readSpool(offset, length);
  }

  async close(): Promise<void> {
    const spool = this.spool;
    this.spool = null;
    try {
      if (spool !== null) {
        const { folder, file } = await spool;
        await file.close();
        await rm(folder, { recursive: true, force: true });
      }
    } finally {
      await this.source.close();
    }
  }

  private async readSpool(offset: number, length: number): Promise<Buffer> {
    const { file } = await this.spoolFile();
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await file.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0)
        throw new Error(`${this.name}: the spool file ends at byte ${offset + filled}, before the bytes it was given`);
      filled += bytesRead;
    }
    return buffer;
  }

  private spoolFile(): Promise<{ folder: string; file: FileHandle }> {
    this.spool ??= (async () => {
      const folder = await mkdtemp(join(this.folder, 'mapc-spool-'));
      return { folder, file: await open(join(folder, 'extract.zip'), 'w+') };
    })();
    return this.spool;
  }
}

async function writeFully(file: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await file.write(bytes, written, bytes.length - written, position + written);
    written += bytesWritten;
  }
}
