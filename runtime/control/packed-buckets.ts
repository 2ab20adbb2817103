// Collections of keyed entries kept in the control table in buckets (bucket-codec.ts): stored
// rows by table, held-back items by target. A collection's bucket count is chosen when it is
// first written and kept in its layout row. A bucket is read and written whole:
//
//   pk                              sk                 what
//   layout#<collection>             layout             bits: the collection's buckets are 2^bits
//   bucket#<collection>#<bits>#<b>  head               version; entries (deflated JSON), or generation and parts
//   bucket#<collection>#<bits>#<b>  part#<gen>#<i>     entries of part i of a bucket past PART_BYTES
//
// A head's version counts its writes: each write puts the version it read plus one. A bucket
// read as absent is at 0, and so is a head an older mapc wrote (it has no version).
//
// A bucket that spills is written so that a crash never leaves it half old, half new: its
// parts under a new generation first, then the head that names them, then the old
// generation's parts are deleted. A crash before the head leaves the old bucket whole (and
// parts of the new generation, which the next write of the bucket overwrites when one writer
// writes, and which stay unnamed in the table when writers share).
//
// One writer (the default): the lease lets one run write at a time, so a bucket as this store
// read it (or kept it from an earlier read) is the bucket stored. A touched bucket's head is
// put with BatchWriteItem (25 a call), over whatever is there; its generation is the one read
// plus one.
//
// Shared (`shared: true`): several stores write the same collections at once, each its own
// keys (the shards of one extract). Each touched head is put on its own (PutItem, up to
// HEADS_IN_FLIGHT at once) on condition that it is still the head read: no head, for a
// bucket read as absent; no version, for a head read without one; else the version read. A
// writer whose head loses reads that bucket again, past its cache, puts its own changes over
// what is stored now, and tries again after a short random wait, up to WRITE_ATTEMPTS times:
// no writer's entries are lost. A spilled bucket's parts go under a random generation, so two
// writers' parts never share keys; a writer whose head loses deletes the parts it wrote for
// that try, and the winner deletes the parts of the generation it replaced. A reader that finds
// a head's parts gone (a writer replaced them between its reads of head and parts) reads that
// bucket again, up to READ_ATTEMPTS times. A store reads its own keys as stored; other
// writers' keys as of its last read of their bucket.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  PutItemCommand,
  type DynamoDBClient,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '../dynamodb/attribute-values.js';
import { batchGetAll, type DynamoItem } from '../dynamodb/batch-get.js';
import { bitsFor, bucketOf, bucketPk, layoutPk, packParts, unpackPart, type BucketEntries } from './bucket-codec.js';

export type ControlWrite = { put: DynamoItem } | { delete: DynamoItem };

/** New values of keys: an entry's value, null (a marker), or undefined (the entry is removed). */
export type BucketChanges = Map<string, AttributeValue | null | undefined>;

export interface PackedBucketsOptions {
  /**
   * Other stores write the same collections at the same time, each its own keys: heads are
   * put one by one on condition that they are as read, and a write that loses is tried again
   * over the bucket as stored (see above). Default false: one writer at a time (the lease).
   */
  shared?: boolean;
}

interface StoredBucket {
  entries: BucketEntries;
  /** Where the bucket's parts are when it spilled; null: its entries are in its head (or it has none). */
  spill: { generation: number; parts: number } | null;
  /** The head's version as read: 0 when it has none (an older mapc wrote it) or there is no head. */
  version: number;
  /** A head was read (false: the bucket was absent). */
  present: boolean;
}

const absent = (): StoredBucket => ({ entries: new Map(), spill: null, version: 0, present: false });

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const numberOf = (item: DynamoItem, name: string) => Number((item[name] as { N: string }).N);
const blobOf = (item: DynamoItem) => (item.entries as unknown as { B: Uint8Array }).B;
/**
 * A binary attribute. The runtime's AttributeValue has no binary kind (items never hold one);
 * the SDK sends it, and the writer sizes it (item-size.ts counts {B} by its bytes).
 */
const B = (bytes: Buffer): AttributeValue => ({ B: bytes }) as unknown as AttributeValue;

/** Entries of buckets read that a store keeps for the rest of its run, at most. */
const CACHED_ENTRIES = 500_000;

/** Shared: tries at a bucket's head (each after the first over the bucket read again) before the update fails. */
const WRITE_ATTEMPTS = 16;
/** Shared: reads of a bucket whose parts are missing before the read fails. */
const READ_ATTEMPTS = 5;
/** Shared: head PutItem calls in flight at once (buckets are independent). */
const HEADS_IN_FLIGHT = 8;
/** Shared: the wait before a retry is random, up to RETRY_BASE_MS doubling with each retry, at most RETRY_MAX_MS. */
const RETRY_BASE_MS = 10;
const RETRY_MAX_MS = 500;

const retryWait = (retry: number) =>
  sleep(Math.floor(Math.random() * Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(retry - 1, 30))));

export class PackedBuckets {
  /** Collections' bits once read or written (a layout never changes); null: read, and there was none. */
  private readonly layouts = new Map<string, number | null>();
  /**
   * Buckets read, as this store last read or wrote them, by pk: a run reads a bucket for its
   * rows' parents, then writes its own rows into it. One writer: no other run writes
   * meanwhile (the lease). Shared: a bucket kept may be behind the table, which the
   * conditional head write finds out. Buckets of a collection written for the first time are
   * not kept (a base load would keep all its state).
   */
  private readonly cache = new Map<string, StoredBucket>();
  private cachedEntries = 0;
  private readonly shared: boolean;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** Writes a phase's requests, all of them, before it returns. */
    private readonly write: (requests: ControlWrite[]) => Promise<void>,
    options: PackedBucketsOptions = {},
  ) {
    this.shared = options.shared ?? false;
  }

  /** The stored entries of these keys (absent: none stored). */
  async get(collection: string, keys: Iterable<string>): Promise<BucketEntries> {
    const found: BucketEntries = new Map();
    const wanted = [...keys];
    const bits = await this.layout(collection);
    if (bits === undefined || wanted.length === 0) return found;
    const buckets = await this.read(collection, bits, new Set(wanted.map((key) => bucketOf(key, bits))));
    for (const key of wanted) {
      const entries = buckets.get(bucketOf(key, bits))!.entries;
      if (entries.has(key)) found.set(key, entries.get(key)!);
    }
    return found;
  }

  /**
   * Applies the changes: the buckets they fall in are read, changed and written back whole.
   * A collection written for the first time gets buckets of `perBucket` to twice that many
   * entries for the changes' count, and nothing to read; `writers` other writers' about as
   * many (the shards of an extract, each writing its share of the collection) count too.
   */
  async update(collection: string, changes: BucketChanges, perBucket: number, writers = 1): Promise<void> {
    if (changes.size === 0) return;
    const known = await this.layout(collection);
    const chosen =
      known === undefined ? await this.chooseLayout(collection, bitsFor(changes.size * writers, perBucket)) : null;
    const bits = known ?? chosen!.bits;
    const byBucket = new Map<number, BucketChanges>();
    for (const [key, value] of changes) {
      const bucket = bucketOf(key, bits);
      const mine = byBucket.get(bucket) ?? new Map();
      mine.set(key, value);
      byBucket.set(bucket, mine);
    }
    // Nothing to read only when this call made the layout (a layout found already may have buckets).
    const buckets: Map<number, StoredBucket> = chosen?.made
      ? new Map([...byBucket.keys()].map((bucket) => [bucket, absent()]))
      : await this.read(collection, bits, new Set(byBucket.keys()));
    if (this.shared) await this.updateShared(collection, bits, buckets, byBucket, !chosen?.made);
    else await this.updateAlone(collection, bits, buckets, changes);
  }

  /** One writer: the buckets as read are changed in place (kept ones too) and written back with BatchWriteItem. */
  private async updateAlone(
    collection: string,
    bits: number,
    buckets: Map<number, StoredBucket>,
    changes: BucketChanges,
  ): Promise<void> {
    for (const [key, value] of changes) applyChange(buckets.get(bucketOf(key, bits))!.entries, key, value);
    const spilled: ControlWrite[] = [];
    const heads: ControlWrite[] = [];
    const old: ControlWrite[] = [];
    const written = new Map<StoredBucket, StoredBucket['spill']>();
    for (const [bucket, stored] of buckets) {
      const { entries, spill, version } = stored;
      const pk = S(bucketPk(collection, bits, bucket));
      const parts = packParts(entries);
      if (parts.length === 1) {
        heads.push({ put: { pk, sk: S('head'), version: N(version + 1), entries: B(parts[0]) } });
        written.set(stored, null);
      } else {
        const generation = (spill?.generation ?? 0) + 1;
        parts.forEach((part, i) => spilled.push({ put: { pk, sk: S(partSk(generation, i)), entries: B(part) } }));
        heads.push({
          put: { pk, sk: S('head'), version: N(version + 1), generation: N(generation), parts: N(parts.length) },
        });
        written.set(stored, { generation, parts: parts.length });
      }
      for (let i = 0; spill && i < spill.parts; i++) old.push({ delete: { pk, sk: S(partSk(spill.generation, i)) } });
    }
    await this.write(spilled);
    await this.write(heads);
    await this.write(old);
    // The buckets (kept ones among them) now hold what was written.
    for (const [stored, spill] of written) {
      stored.spill = spill;
      stored.version++;
      stored.present = true;
    }
  }

  /** Shared: each bucket's head put on condition, up to HEADS_IN_FLIGHT at once; the first failure stops the rest. */
  private async updateShared(
    collection: string,
    bits: number,
    buckets: Map<number, StoredBucket>,
    byBucket: Map<number, BucketChanges>,
    keep: boolean,
  ): Promise<void> {
    const queue = [...buckets];
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < queue.length) {
        const [bucket, stored] = queue[next++];
        try {
          await this.writeShared(collection, bits, bucket, stored, byBucket.get(bucket)!, keep);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(HEADS_IN_FLIGHT, queue.length) }, worker));
  }

  /** Shared: one bucket's changes over the bucket as read, then, while another writer's head beats this one's, as stored now. */
  private async writeShared(
    collection: string,
    bits: number,
    bucket: number,
    read: StoredBucket,
    changes: BucketChanges,
    keep: boolean,
  ): Promise<void> {
    const pk = bucketPk(collection, bits, bucket);
    let stored = read;
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      if (attempt > 1) {
        await retryWait(attempt - 1);
        stored = (await this.fetch(new Map([[pk, bucket]]))).get(bucket)!;
        this.remember(pk, stored, keep);
      }
      // A copy: what is kept stays what the table held until the head is written.
      const entries = new Map(stored.entries);
      for (const [key, value] of changes) applyChange(entries, key, value);
      const spill = await this.putHeadIfUnchanged(pk, stored, entries);
      if (spill === false) continue;
      this.remember(pk, { entries, spill, version: stored.version + 1, present: true }, keep);
      return;
    }
    throw new Error(
      `the control table ${this.tableName}: ${pk} was written by another writer before each of ${WRITE_ATTEMPTS} tries to write it; nothing of this update was lost to others, but its entries of that bucket are not stored: run again`,
    );
  }

  /**
   * Shared: the bucket's new head (its parts first, under a generation of its own) put on
   * condition that the head is as `stored` was read; then the replaced generation's parts
   * deleted. False: another writer's head came first (this try's parts are deleted).
   */
  private async putHeadIfUnchanged(
    pk: string,
    stored: StoredBucket,
    entries: BucketEntries,
  ): Promise<StoredBucket['spill'] | false> {
    const parts = packParts(entries);
    const head: DynamoItem = { pk: S(pk), sk: S('head'), version: N(stored.version + 1) };
    let spill: StoredBucket['spill'] = null;
    if (parts.length === 1) head.entries = B(parts[0]);
    else {
      spill = { generation: freshGeneration(stored.spill?.generation), parts: parts.length };
      await this.write(partKeys(pk, spill).map((key, i) => ({ put: { ...key, entries: B(parts[i]) } })));
      head.generation = N(spill.generation);
      head.parts = N(spill.parts);
    }
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: head, ...unchangedSince(stored) }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (spill) await this.write(partKeys(pk, spill).map((key) => ({ delete: key })));
      return false;
    }
    if (stored.spill) await this.write(partKeys(pk, stored.spill).map((key) => ({ delete: key })));
    return spill;
  }

  /**
   * A collection's bits, from its layout row; undefined while nothing of it is stored. A
   * collection found without one is not asked again (a run asks for held-back items batch
   * after batch): one writer, it stays so until this store writes it (the lease); shared,
   * another writer may make it meanwhile, but with none of this store's keys in it.
   */
  private async layout(collection: string): Promise<number | undefined> {
    const known = this.layouts.get(collection);
    if (known !== undefined) return known ?? undefined;
    const [item] = await batchGetAll(this.client, this.tableName, [{ pk: S(layoutPk(collection)), sk: S('layout') }]);
    if (!item) {
      this.layouts.set(collection, null);
      return undefined;
    }
    const bits = numberOf(item, 'bits');
    this.layouts.set(collection, bits);
    return bits;
  }

  /** Writes a collection's layout, unless one is there already (then that one holds, `made` false). */
  private async chooseLayout(collection: string, bits: number): Promise<{ bits: number; made: boolean }> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: S(layoutPk(collection)), sk: S('layout'), bits: N(bits) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      this.layouts.delete(collection);
      return { bits: (await this.layout(collection))!, made: false };
    }
    this.layouts.set(collection, bits);
    return { bits, made: true };
  }

  /** These buckets as this store last read or wrote them, else as stored (empty when none is). */
  private async read(collection: string, bits: number, buckets: Set<number>): Promise<Map<number, StoredBucket>> {
    const read = new Map<number, StoredBucket>();
    const byPk = new Map<string, number>();
    for (const bucket of buckets) {
      const pk = bucketPk(collection, bits, bucket);
      const cached = this.cache.get(pk);
      read.set(bucket, cached ?? absent());
      if (!cached) byPk.set(pk, bucket);
    }
    const fetched = await this.fetch(byPk);
    for (const [bucket, stored] of fetched) read.set(bucket, stored);
    for (const [pk, bucket] of byPk) {
      const stored = read.get(bucket)!;
      if (this.cachedEntries + stored.entries.size > CACHED_ENTRIES) break;
      this.cache.set(pk, stored);
      this.cachedEntries += stored.entries.size;
    }
    return read;
  }

  /**
   * Buckets (by pk) as stored now, past the cache; absent ones empty. Shared, a bucket whose
   * parts are missing is read again (a writer may have replaced them between the head read
   * and the parts read), up to READ_ATTEMPTS times; one writer, that is an error at once.
   */
  private async fetch(byPk: Map<string, number>): Promise<Map<number, StoredBucket>> {
    const fetched = new Map<number, StoredBucket>();
    let pending = byPk;
    for (let attempt = 1; pending.size > 0; attempt++) {
      if (attempt > 1) await retryWait(attempt - 1);
      const { read, lacking } = await this.fetchOnce(pending);
      for (const [bucket, stored] of read) fetched.set(bucket, stored);
      if (lacking.length === 0) break;
      if (!this.shared || attempt === READ_ATTEMPTS) {
        const { pk, found, parts } = lacking[0];
        throw new Error(
          `the control table ${this.tableName} lacks parts of ${pk} (${found} of ${parts}): it was changed by other than mapc`,
        );
      }
      pending = new Map(lacking.map(({ pk }) => [pk, byPk.get(pk)!]));
    }
    return fetched;
  }

  /** One read of these buckets' heads, then of the parts they name; `lacking`: buckets some of whose parts were not there. */
  private async fetchOnce(byPk: Map<string, number>): Promise<{
    read: Map<number, StoredBucket>;
    lacking: Array<{ pk: string; found: number; parts: number }>;
  }> {
    const read = new Map<number, StoredBucket>([...byPk.values()].map((bucket) => [bucket, absent()]));
    const heads = await batchGetAll(
      this.client,
      this.tableName,
      [...byPk.keys()].map((pk) => ({ pk: S(pk), sk: S('head') })),
    );
    const wantedParts: DynamoItem[] = [];
    for (const head of heads) {
      const bucket = read.get(byPk.get((head.pk as { S: string }).S)!)!;
      bucket.present = true;
      bucket.version = head.version ? numberOf(head, 'version') : 0;
      if (head.entries) {
        for (const [key, value] of unpackPart(blobOf(head))) bucket.entries.set(key, value);
        continue;
      }
      bucket.spill = { generation: numberOf(head, 'generation'), parts: numberOf(head, 'parts') };
      wantedParts.push(...partKeys((head.pk as { S: string }).S, bucket.spill));
    }
    const parts = await batchGetAll(this.client, this.tableName, wantedParts);
    // Parts in order, so that the entries come out as they were packed.
    parts.sort((a, b) => partIndex(a) - partIndex(b));
    const partsRead = new Map<number, number>();
    for (const part of parts) {
      const at = byPk.get((part.pk as { S: string }).S)!;
      for (const [key, value] of unpackPart(blobOf(part))) read.get(at)!.entries.set(key, value);
      partsRead.set(at, (partsRead.get(at) ?? 0) + 1);
    }
    const lacking: Array<{ pk: string; found: number; parts: number }> = [];
    for (const [pk, bucket] of byPk) {
      const { spill } = read.get(bucket)!;
      if (spill && partsRead.get(bucket) !== spill.parts) {
        lacking.push({ pk, found: partsRead.get(bucket) ?? 0, parts: spill.parts });
        read.delete(bucket);
      }
    }
    return { read, lacking };
  }

  /** Keeps a bucket as this store wrote or read it: over the one kept, else (`add`) while there is room. */
  private remember(pk: string, stored: StoredBucket, add: boolean): void {
    const before = this.cache.get(pk);
    if (!before && (!add || this.cachedEntries + stored.entries.size > CACHED_ENTRIES)) return;
    this.cache.set(pk, stored);
    this.cachedEntries += stored.entries.size - (before?.entries.size ?? 0);
  }
}

function applyChange(entries: BucketEntries, key: string, value: AttributeValue | null | undefined): void {
  if (value === undefined) entries.delete(key);
  else entries.set(key, value);
}

/** Shared: the condition that a head is still as read (absent, without a version, or at the version read). */
function unchangedSince(
  stored: StoredBucket,
): Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeValues'> {
  if (!stored.present) return { ConditionExpression: 'attribute_not_exists(pk)' };
  if (stored.version === 0) return { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(version)' };
  return { ConditionExpression: 'version = :read', ExpressionAttributeValues: { ':read': N(stored.version) } };
}

/**
 * Shared: a generation for one try at a spilled bucket, random so that no other writer's try
 * uses it (2^48 of them), and not the generation the head names now.
 */
function freshGeneration(current: number | undefined): number {
  let generation: number;
  do generation = randomInt(1, 2 ** 48);
  while (generation === current);
  return generation;
}

function partKeys(pk: string, spill: { generation: number; parts: number }): DynamoItem[] {
  return Array.from({ length: spill.parts }, (_, i) => ({ pk: S(pk), sk: S(partSk(spill.generation, i)) }));
}

function partSk(generation: number, index: number): string {
  return `part#${generation}#${index}`;
}

function partIndex(item: DynamoItem): number {
  return Number((item.sk as { S: string }).S.split('#')[2]);
}
