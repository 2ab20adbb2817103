/*
 * A ByteSource over a local file: positional reads on one file handle, opened on first use,
 * so concurrent reads of different entries do not disturb each other.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from './byte-source.js';

export class LocalFileSource implements ByteSource {
  private handle: Promise<FileHandle> | null = null;

  constructor(readonly name: string) {}

  async size(): Promise<number> {
    const stats = await (await this.fileHandle()).stat();
    return stats.size;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const handle = await this.fileHandle();
    const buffer = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) {
        throw new Error(
          `${this.name}: file ends at byte ${offset + filled}, expected ${length - filled} more bytes — the archive is truncated; re-download the extract`,
        );
      }
      filled += bytesRead;
    }
    return buffer;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle !== null) await (await handle).close();
  }

  private fileHandle(): Promise<FileHandle> {
    this.handle ??= open(this.name, 'r');
    return this.handle;
  }
}
