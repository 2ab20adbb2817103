/*
 * Writes items to one DynamoDB table with BatchWriteItem: up to 25 requests per call, several
 * calls at once, retrying what DynamoDB did not take, in the order the writes were given.
 *
 *   const writer = new BatchWriter(client, { tableName, key: { partition: 'pk', sort: 'sk' }, onRejected });
 *   for (const item of items) await writer.write(item);   // waits while the writer is full
 *   await writer.flush();                                  // everything written, or throws
 *
 * Order: a key is never twice in one call, and a write of a key is not sent while an earlier
 * write of that key is still in flight (or being retried), so the last write given is the one
 * that stays. Two writes of a key that are both still waiting collapse into the later one
 * (counted as superseded): DynamoDB would keep only the later anyway.
 *
 * Rejections: an item DynamoDB could never take (over 400 KB, a key attribute missing, empty
 * or too long) is not sent; onRejected gets its key and the reason, the run goes on.
 *
 * Retries: UnprocessedItems and failed calls that may succeed later (throttling, 5xx, broken
 * connections: retry-policy.ts) are sent again after an exponential backoff with full jitter,
 * for at most `retryForMs` after the first send of those items, and for at most `refusedForMs`
 * of connections refused one after the other (nothing listens there). Past that, or on an error
 * that will not go away (a missing table, a validation error), the writer stops: no new call
 * starts, calls in flight end, and flush() (and any write() still waiting) rejects with a
 * BatchWriteError naming every key not written.
 *
 * The SDK client should be created with maxAttempts: 1 (WRITER_CLIENT_SETTINGS): this writer
 * does the retrying, with backoff and a deadline. The SDK's default (3 attempts) still works,
 * but then each of our attempts may hide up to two more, stretching the deadline and making
 * the retry counts low.
 *
 * Numbers stay as the {N} texts they came in: items are sent as given, never converted.
 */
import { BatchWriteItemCommand, type BatchWriteItemCommandOutput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from './attribute-values.js';
import { BatchWriteError, describeError } from './batch-write-error.js';
import { readKey, type ItemKey, type KeyAttributeNames } from './item-key.js';
import { markResent, type ResendReason } from './resend-marker.js';
import { itemSize, MAX_ITEM_BYTES } from './item-size.js';
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  isRefused,
  isRetryable,
  isThrottling,
  REFUSED_RETRY_MS,
  type Backoff,
} from './retry-policy.js';

/** BatchWriteItem's limit on requests per call. */
export const MAX_BATCH_REQUESTS = 25;

/** Settings for the DynamoDBClient given to a BatchWriter: the writer retries by itself. */
export const WRITER_CLIENT_SETTINGS = { maxAttempts: 1 } as const;

/** What the writer needs of a DynamoDBClient (a wrapper recording calls will do too). */
export interface BatchWriteClient {
  send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput>;
}

export type Item = Record<string, AttributeValue>;

export interface ItemRejection {
  kind: 'put' | 'delete';
  /** The key attributes the item has (some may be missing: the reason says). */
  key: ItemKey;
  reason: string;
}

export interface BatchWriterOptions {
  tableName: string;
  key: KeyAttributeNames;
  /** Called for each item that is not sent because DynamoDB could never take it. */
  onRejected: (rejection: ItemRejection) => void;
  /** BatchWriteItem calls in flight at once (default 8). */
  concurrency?: number;
  /** How long items may keep being retried after they were first sent (default 60 s). */
  retryForMs?: number;
  /** How long calls whose connection is refused, one after the other, are retried (default REFUSED_RETRY_MS, 10 s). */
  refusedForMs?: number;
  backoff?: Partial<Backoff>;
  /** Items waiting unsent before write() makes its caller wait (default concurrency × 50). */
  queueLimit?: number;
}

export interface BatchWriterStats {
  /** Put requests DynamoDB confirmed. */
  written: number;
  /** Delete requests DynamoDB confirmed. */
  deleted: number;
  /** Items never sent (onRejected was told). */
  rejected: number;
  /** Writes replaced, before they were sent, by a later write of the same key. */
  superseded: number;
  /** Requests sent again (unprocessed, or their whole call failed). */
  retried: number;
  /** BatchWriteItem calls made. */
  calls: number;
  /** Calls that failed with an error worth retrying (throttling, 5xx, network). */
  failedCalls: number;
}

interface PendingWrite {
  identity: string;
  key: ItemKey;
  kind: 'put' | 'delete';
  request: WriteRequest;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

const RESOLVED = Promise.resolve();

export class BatchWriter {
  private readonly concurrency: number;
  private readonly retryForMs: number;
  private readonly refusedForMs: number;
  private readonly backoff: Backoff;
  private readonly queueLimit: number;
  private readonly counts: BatchWriterStats = {
    written: 0,
    deleted: 0,
    rejected: 0,
    superseded: 0,
    retried: 0,
    calls: 0,
    failedCalls: 0,
  };

  /** Writes not sent yet, oldest first; at most one per key (see supersede). */
  private queue: PendingWrite[] = [];
  private readonly queuedByKey = new Map<string, PendingWrite>();
  /** Keys of the writes in calls in flight or waiting to be retried. */
  private readonly keysInFlight = new Set<string>();
  private callsInFlight = 0;
  private flushes = 0;
  private roomWaiters: Waiter[] = [];
  private idleWaiters: Waiter[] = [];
  /** Set by the first write that cannot succeed; the writer then stops sending. */
  private stopping: { reason: string; cause: unknown; unwritten: PendingWrite[] } | undefined;
  private failure: BatchWriteError | undefined;

  constructor(
    private readonly client: BatchWriteClient,
    private readonly options: BatchWriterOptions,
  ) {
    this.concurrency = positive(options.concurrency ?? 8, 'concurrency');
    this.retryForMs = options.retryForMs ?? 60_000;
    this.refusedForMs = options.refusedForMs ?? REFUSED_RETRY_MS;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.queueLimit = positive(options.queueLimit ?? this.concurrency * 2 * MAX_BATCH_REQUESTS, 'queueLimit');
  }

  get stats(): Readonly<BatchWriterStats> {
    return { ...this.counts };
  }

  /**
   * Queues a PutRequest; resolves when the writer has room for more (await it). `sizeChecked`:
   * the caller sized the item already (item-limits.ts), it is not sized again.
   */
  write(item: Item, { sizeChecked = false }: { sizeChecked?: boolean } = {}): Promise<void> {
    const reading = readKey(item, this.options.key);
    if (!reading.ok) return this.reject('put', reading.key, reading.reason);
    if (sizeChecked)
      return this.enqueue({
        identity: reading.identity,
        key: reading.key,
        kind: 'put',
        request: { PutRequest: { Item: item } },
      });
    let size: number;
    try {
      size = itemSize(item);
    } catch (error) {
      return this.reject('put', reading.key, (error as Error).message);
    }
    if (size > MAX_ITEM_BYTES) {
      return this.reject(
        'put',
        reading.key,
        `the item is ${size} bytes; DynamoDB takes at most ${MAX_ITEM_BYTES} (400 KB)`,
      );
    }
    return this.enqueue({
      identity: reading.identity,
      key: reading.key,
      kind: 'put',
      request: { PutRequest: { Item: item } },
    });
  }

  /** Queues a DeleteRequest for the item with this key (other attributes are ignored). */
  delete(key: ItemKey): Promise<void> {
    const reading = readKey(key, this.options.key);
    if (!reading.ok) return this.reject('delete', reading.key, reading.reason);
    return this.enqueue({
      identity: reading.identity,
      key: reading.key,
      kind: 'delete',
      request: { DeleteRequest: { Key: reading.key } },
    });
  }

  /** Sends everything queued, partial batches too; resolves when all is written, or rejects with a BatchWriteError. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    this.flushes++;
    try {
      const idle = new Promise<void>((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
      this.dispatch();
      await idle;
    } finally {
      this.flushes--;
    }
  }

  private reject(kind: 'put' | 'delete', key: ItemKey, reason: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.counts.rejected++;
    this.options.onRejected({ kind, key, reason });
    return RESOLVED;
  }

  private enqueue(write: PendingWrite): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const waiting = this.queuedByKey.get(write.identity);
    if (waiting !== undefined) {
      // Still unsent: take the later write's place-holder, keep the queue's one-per-key rule.
      waiting.kind = write.kind;
      waiting.request = write.request;
      this.counts.superseded++;
    } else {
      this.queue.push(write);
      this.queuedByKey.set(write.identity, write);
    }
    this.dispatch();
    if (this.stopping === undefined && this.queue.length < this.queueLimit) return RESOLVED;
    return new Promise((resolve, reject) => this.roomWaiters.push({ resolve, reject }));
  }

  private dispatch(): void {
    while (this.stopping === undefined && this.callsInFlight < this.concurrency) {
      const partialAllowed = this.flushes > 0 || this.queue.length >= this.queueLimit;
      const batch = this.takeBatch(partialAllowed);
      if (batch === null) break;
      this.callsInFlight++;
      void this.send(batch);
    }
    if (this.stopping !== undefined) return;
    if (this.queue.length < this.queueLimit && this.roomWaiters.length > 0) settle(this.takeWaiters('room'));
    if (this.queue.length === 0 && this.callsInFlight === 0 && this.idleWaiters.length > 0)
      settle(this.takeWaiters('idle'));
  }

  /** Up to 25 queued writes whose keys are not in flight, oldest first; null if not worth a call yet. */
  private takeBatch(partialAllowed: boolean): PendingWrite[] | null {
    const batch: PendingWrite[] = [];
    let held: PendingWrite[] | undefined;
    let index = 0;
    for (; index < this.queue.length && batch.length < MAX_BATCH_REQUESTS; index++) {
      const write = this.queue[index];
      if (this.keysInFlight.has(write.identity)) (held ??= []).push(write);
      else batch.push(write);
    }
    if (batch.length === 0 || (batch.length < MAX_BATCH_REQUESTS && !partialAllowed)) return null;
    const rest = this.queue.slice(index);
    this.queue = held === undefined ? rest : held.concat(rest);
    for (const write of batch) {
      this.queuedByKey.delete(write.identity);
      this.keysInFlight.add(write.identity);
    }
    return batch;
  }

  /** One batch until all of it is written or the writer stops; never throws. */
  private async send(batch: PendingWrite[]): Promise<void> {
    const giveUpAt = Date.now() + this.retryForMs;
    /** When the refusals in a row began (undefined: the last call was not refused). */
    let refusedSince: number | undefined;
    let pending = batch;
    /** Why the next call repeats the last one (none for the first call). */
    let resend: ResendReason | undefined;
    try {
      for (let retry = 1; ; retry++) {
        let lastProblem: string;
        let cause: unknown;
        try {
          this.counts.calls++;
          const output = await this.client.send(
            new BatchWriteItemCommand(
              markResent({ RequestItems: { [this.options.tableName]: pending.map((write) => write.request) } }, resend),
            ),
          );
          refusedSince = undefined;
          pending = this.unprocessed(pending, output);
          if (pending.length === 0) return;
          lastProblem = `DynamoDB kept returning them as UnprocessedItems`;
          resend = 'throttled';
        } catch (error) {
          if (!isRetryable(error)) {
            this.stop(`BatchWriteItem failed with ${describeError(error)}`, error, pending);
            return;
          }
          this.counts.failedCalls++;
          resend = isThrottling(error) ? 'throttled' : 'failed';
          lastProblem = `the last call failed with ${describeError(error)}`;
          cause = error;
          refusedSince = isRefused(error) ? (refusedSince ?? Date.now()) : undefined;
        }
        const delay = backoffDelay(retry, this.backoff);
        if (this.stopping === undefined && Date.now() + delay > giveUpAt) {
          this.stop(`still not written after ${this.retryForMs} ms of retries: ${lastProblem}`, cause, pending);
          return;
        }
        if (
          this.stopping === undefined &&
          refusedSince !== undefined &&
          Date.now() + delay > refusedSince + this.refusedForMs
        ) {
          this.stop(
            `the connection was refused for ${Date.now() - refusedSince} ms of retries: ${lastProblem}`,
            cause,
            pending,
          );
          return;
        }
        if (this.stopping === undefined) await sleep(delay);
        // Another batch made the writer stop: no more calls, these are reported unwritten.
        if (this.stopping !== undefined) {
          this.stopping.unwritten.push(...pending);
          return;
        }
        this.counts.retried += pending.length;
      }
    } catch (error) {
      // A bug here must not leave flush() waiting forever.
      this.stop(`the writer failed: ${describeError(error)}`, error, pending);
    } finally {
      this.callsInFlight--;
      for (const write of batch) this.keysInFlight.delete(write.identity);
      if (this.stopping !== undefined) {
        if (this.callsInFlight === 0) this.fail();
      } else {
        this.dispatch();
      }
    }
  }

  /** Counts what DynamoDB took and returns the writes it left (ours, not its echo: same texts as given). */
  private unprocessed(sent: PendingWrite[], output: BatchWriteItemCommandOutput): PendingWrite[] {
    const returned = output.UnprocessedItems?.[this.options.tableName] ?? [];
    let left: PendingWrite[] = [];
    if (returned.length > 0) {
      const byIdentity = new Map(sent.map((write) => [write.identity, write]));
      for (const request of returned) {
        const attributes = (request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {}) as Item;
        const reading = readKey(attributes, this.options.key);
        const write = reading.ok ? byIdentity.get(reading.identity) : undefined;
        if (write === undefined)
          throw new Error(
            `DynamoDB returned an unprocessed request this call did not send: ${JSON.stringify(request)}`,
          );
        left.push(write);
      }
      const leftSet = new Set(left);
      left = sent.filter((write) => leftSet.has(write)); // keep the given order
    }
    const leftSet = new Set(left);
    for (const write of sent) {
      if (leftSet.has(write)) continue;
      if (write.kind === 'put') this.counts.written++;
      else this.counts.deleted++;
    }
    return left;
  }

  private stop(reason: string, cause: unknown, unwritten: PendingWrite[]): void {
    this.stopping ??= { reason, cause, unwritten: [] };
    this.stopping.unwritten.push(...unwritten);
  }

  /** Once the last call in flight has ended: everything unsent is reported, waiters rejected. */
  private fail(): void {
    const stopping = this.stopping!;
    const unwritten = [...stopping.unwritten, ...this.queue];
    this.queue = [];
    this.queuedByKey.clear();
    this.failure = new BatchWriteError(
      this.options.tableName,
      unwritten.map((write) => write.key),
      stopping.reason,
      { cause: stopping.cause },
    );
    settle(this.takeWaiters('room'), this.failure);
    settle(this.takeWaiters('idle'), this.failure);
  }

  private takeWaiters(which: 'room' | 'idle'): Waiter[] {
    const waiters = which === 'room' ? this.roomWaiters : this.idleWaiters;
    if (which === 'room') this.roomWaiters = [];
    else this.idleWaiters = [];
    return waiters;
  }
}

function settle(waiters: Waiter[], error?: unknown): void {
  for (const waiter of waiters) {
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`BatchWriter: ${name} must be a whole number >= 1, got ${value}`);
  return value;
}
