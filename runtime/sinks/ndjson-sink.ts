/*
 * A sink that writes items to a newline-delimited JSON file, one item per line.
 *
 *   format 'plain'     {"item":"Customer","target":"app_table","attributes":{…plain JSON…}}
 *                      the item type and logical target, then the attributes (plain-json.ts)
 *   format 'dynamodb'  {"TableName":"app_table","Item":{…AttributeValues…}}
 *                      the shape of a PutItem request (dynamodb-json.ts), so each line can be
 *                      sent as is (`aws dynamodb put-item --cli-input-json`, BatchWriteItem);
 *                      TableName is the mapping's logical target, not a deployed table name
 *
 * Transactional, as ItemSink promises: lines go to `<path>.partial`; commit() flushes, syncs
 * it to disk and renames it onto `path` (atomic on one file system), so `path` holds either
 * the previous file or the whole new one; abort() deletes the partial file. What is written
 * is synced every SYNC_EVERY_BYTES in the background, so the sync at commit is short.
 *
 * Built for millions of items: lines collect in memory and go to the file stream in chunks
 * of about CHUNK_BYTES, so write() is synchronous for most items and returns a promise only
 * when a chunk is handed over and the stream asks to wait (backpressure). Callers must await
 * that promise before the next write. The file is opened on the first chunk, or by commit()
 * when there were no items (an empty run commits an empty file).
 */
import { once } from 'node:events';
import { createWriteStream, fdatasync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { BuiltItem } from '../eval/item-value.js';
import type { ItemSink, LineSink } from './item-sink.js';
import { ByteBuffer } from './byte-buffer.js';
import { appendNdjsonLine, type NdjsonFormat } from './ndjson-line.js';
import { refuseNonRegularTarget, writeFailure } from './output-file.js';

export type { NdjsonFormat };

export interface NdjsonSinkOptions {
  /** The file to create; it only appears (or is replaced) on commit. */
  path: string;
  format: NdjsonFormat;
  /** Bytes after which the file is synced in the background (default SYNC_EVERY_BYTES). */
  syncEveryBytes?: number;
}

/** Characters of lines gathered before they go to the stream as one chunk. */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Bytes after which what was written so far is synced to disk (fdatasync, in the
 * background), so that the sync of the whole file at commit has little left to do.
 */
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;
/** Bytes the stream may hold before it asks the writer to wait for 'drain'. */
const STREAM_HIGH_WATER_MARK = 1024 * 1024;

export class NdjsonSink implements ItemSink, LineSink {
  readonly path: string;
  readonly partialPath: string;
  readonly format: NdjsonFormat;
  #itemCount = 0;
  /** Lines encoded as they come, handed to the stream in chunks of about CHUNK_BYTES. */
  readonly #pending = new ByteBuffer(2 * CHUNK_BYTES);
  /** Bytes handed to the stream since the last data sync started. */
  #unsynced = 0;
  #syncing: Promise<void> | null = null;
  #stream: WriteStream | null = null;
  #state: 'writing' | 'committed' | 'aborted' = 'writing';
  #failure: Error | null = null;

  readonly #syncEveryBytes: number;

  constructor({ path, format, syncEveryBytes = SYNC_EVERY_BYTES }: NdjsonSinkOptions) {
    this.#syncEveryBytes = syncEveryBytes;
    this.path = path;
    this.partialPath = `${path}.partial`;
    this.format = format;
  }

  /** Items accepted so far (all of them are in the file once commit() resolves). */
  get itemCount(): number {
    return this.#itemCount;
  }

  write(item: BuiltItem): Promise<void> | void {
    this.#assertWriting('write');
    appendNdjsonLine(this.#pending, this.format, item);
    this.#itemCount++;
    if (this.#pending.length >= CHUNK_BYTES) return this.#flush();
  }

  /** Lines serialized elsewhere (appendNdjsonLine, by a build thread), `items` of them, after those written so far. */
  writeLines(bytes: Uint8Array, items: number, released?: () => void): Promise<void> | void {
    this.#assertWriting('write');
    this.#itemCount += items;
    if (bytes.length === 0) return released?.();
    const flushed = this.#pending.length > 0 ? this.#flush() : undefined;
    const handed = this.#hand(bytes, released);
    return flushed && handed ? Promise.all([flushed, handed]).then(() => undefined) : (flushed ?? handed);
  }

  /** See ItemSink.syncSoFar: lines still gathered here, or in the stream's buffer, are left to commit(). */
  syncSoFar(): void {
    if (this.#state === 'writing') this.#startSync();
  }

  async commit(): Promise<void> {
    this.#assertWriting('commit');
    if (this.#pending.length > 0) await this.#flush();
    const stream = this.#opened();
    // The close syncs what the last data sync has not: it must not overlap one.
    await this.#syncing;
    stream.end();
    // Resolves once the data is written, synced (flush: true) and the file closed.
    await finished(stream).catch((error: Error) => {
      this.#failure ??= writeFailure(this.partialPath, 'the items file', error);
    });
    this.#throwIfFailed();
    // Checked before the run too; again here, in case a device or folder took its place since.
    refuseNonRegularTarget(this.path, 'the items file');
    await rename(this.partialPath, this.path);
    this.#state = 'committed';
  }

  /** Deletes the partial file; nothing to do after a successful commit, or a second time. */
  async abort(): Promise<void> {
    if (this.#state !== 'writing') return;
    this.#state = 'aborted';
    this.#pending.length = 0;
    const stream = this.#stream;
    await this.#syncing;
    if (stream !== null) {
      // With an error, a write waiting for 'drain' rejects instead of waiting forever.
      stream.destroy(new Error(`${this.path}: the write was aborted`));
      // The file may still be opening: remove it only once the stream has let go of it.
      if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()));
    }
    await rm(this.partialPath, { force: true });
  }

  #flush(): Promise<void> | undefined {
    // The stream keeps the chunk until it is written: hand it over and start a new buffer.
    return this.#hand(this.#pending.take());
  }

  /**
   * Gives bytes to the stream; a promise when it asks to wait ('drain'). Starts a data sync
   * every #syncEveryBytes. `released`: called once the stream is done with the chunk
   * (written, or failed).
   */
  #hand(chunk: Uint8Array, released?: () => void): Promise<void> | undefined {
    const stream = this.#opened();
    const written = released ? stream.write(chunk, () => released()) : stream.write(chunk);
    this.#unsynced += chunk.length;
    if (this.#unsynced >= this.#syncEveryBytes) this.#startSync();
    if (written) return undefined;
    // once() rejects if the stream reports an error before it drains.
    return once(stream, 'drain').then(() => undefined);
  }

  /** Starts a data sync of what the stream has written, unless one is running (or the file is not open yet). */
  #startSync(): void {
    // The stream's file descriptor, once the file is open (not in its type declarations).
    const fd = (this.#stream as (WriteStream & { fd: number | null }) | null)?.fd;
    if (this.#syncing !== null || typeof fd !== 'number') return;
    this.#unsynced = 0;
    this.#syncing = new Promise<void>((resolve) => {
      fdatasync(fd, (error) => {
        if (error) this.#failure ??= writeFailure(this.partialPath, 'the items file', error);
        this.#syncing = null;
        resolve();
      });
    });
  }

  #opened(): WriteStream {
    if (this.#stream === null) {
      // flush: true syncs the file to disk before it is closed, so the rename in commit()
      // never publishes a file whose contents are still only in the page cache.
      const stream = createWriteStream(this.partialPath, {
        flags: 'w',
        highWaterMark: STREAM_HIGH_WATER_MARK,
        flush: true,
      });
      // Kept for the next write or commit; without a listener an I/O error would crash the process.
      stream.on('error', (error: Error) => {
        this.#failure ??= writeFailure(this.partialPath, 'the items file', error);
      });
      this.#stream = stream;
    }
    return this.#stream;
  }

  #throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  #assertWriting(action: string): void {
    if (this.#state !== 'writing')
      throw new Error(`${this.path}: cannot ${action}, the sink was already ${this.#state}`);
    this.#throwIfFailed();
  }
}
