// Collections of keyed entries kept in the control table in buckets (bucket-codec.ts): stored
// rows by table, held-back items by target. A collection's bucket count is chosen when it is
// first written and kept in its layout row. A bucket is read and written whole:
//
//   pk                              sk                 what
//   layout#<collection>             layout             bits: the collection's buckets are 2^bits
//   bucket#<collection>#<bits>#<b>  head               entries (deflated JSON), or generation and parts
//   bucket#<collection>#<bits>#<b>  part#<gen>#<i>     entries of part i of a bucket past PART_BYTES
//
// A bucket that spills is written so that a crash never leaves it half old, half new: its
// parts under a new generation first, then the head that names them, then the old
// generation's parts are deleted. A crash before the head leaves the old bucket whole (and
// parts of the new generation that the next write of the bucket overwrites).
import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '../dynamodb/attribute-values.js';
import { batchGetAll, type DynamoItem } from '../dynamodb/batch-get.js';
import { bitsFor, bucketOf, bucketPk, layoutPk, packParts, unpackPart, type BucketEntries } from './bucket-codec.js';

export type ControlWrite = { put: DynamoItem } | { delete: DynamoItem };

/** New values of keys: an entry's value, null (a marker), or undefined (the entry is removed). */
export type BucketChanges = Map<string, AttributeValue | null | undefined>;

interface StoredBucket {
  entries: BucketEntries;
  /** Where the bucket's parts are when it spilled; null: its entries are in its head (or it has none). */
  spill: { generation: number; parts: number } | null;
}

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

export class PackedBuckets {
  /** Collections' bits once read or written (a layout never changes); null: read, and there was none. */
  private readonly layouts = new Map<string, number | null>();
  /**
   * Buckets read, as this store last read or wrote them, by pk: a run reads a bucket for its
   * rows' parents, then writes its own rows into it, and no other run writes meanwhile (the
   * lease). Buckets of a collection written for the first time are not kept (a base load
   * would keep all its state).
   */
  private readonly cache = new Map<string, StoredBucket>();
  private cachedEntries = 0;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** Writes a phase's requests, all of them, before it returns. */
    private readonly write: (requests: ControlWrite[]) => Promise<void>,
  ) {}

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
   * entries for the changes' count, and nothing to read.
   */
  async update(collection: string, changes: BucketChanges, perBucket: number): Promise<void> {
    if (changes.size === 0) return;
    const known = await this.layout(collection);
    const chosen = known === undefined ? await this.chooseLayout(collection, bitsFor(changes.size, perBucket)) : null;
    const bits = known ?? chosen!.bits;
    const touched = new Set<number>();
    for (const key of changes.keys()) touched.add(bucketOf(key, bits));
    // Nothing to read only when this call made the layout (a layout found already may have buckets).
    const buckets: Map<number, StoredBucket> = chosen?.made
      ? new Map([...touched].map((bucket) => [bucket, { entries: new Map(), spill: null }]))
      : await this.read(collection, bits, touched);
    for (const [key, value] of changes) {
      const entries = buckets.get(bucketOf(key, bits))!.entries;
      if (value === undefined) entries.delete(key);
      else entries.set(key, value);
    }
    const spilled: ControlWrite[] = [];
    const heads: ControlWrite[] = [];
    const old: ControlWrite[] = [];
    const written = new Map<number, StoredBucket['spill']>();
    for (const [bucket, { entries, spill }] of buckets) {
      const pk = S(bucketPk(collection, bits, bucket));
      const parts = packParts(entries);
      if (parts.length === 1) {
        heads.push({ put: { pk, sk: S('head'), entries: B(parts[0]) } });
        written.set(bucket, null);
      } else {
        const generation = (spill?.generation ?? 0) + 1;
        parts.forEach((part, i) => spilled.push({ put: { pk, sk: S(partSk(generation, i)), entries: B(part) } }));
        heads.push({ put: { pk, sk: S('head'), generation: N(generation), parts: N(parts.length) } });
        written.set(bucket, { generation, parts: parts.length });
      }
      for (let i = 0; spill && i < spill.parts; i++) old.push({ delete: { pk, sk: S(partSk(spill.generation, i)) } });
    }
    await this.write(spilled);
    await this.write(heads);
    await this.write(old);
    // Kept buckets now hold what was written (their entries were changed in place).
    for (const [bucket, spill] of written) {
      const cached = this.cache.get(bucketPk(collection, bits, bucket));
      if (cached) cached.spill = spill;
    }
  }

  /**
   * A collection's bits, from its layout row; undefined while nothing of it is stored. A
   * collection found without one stays so until this store writes it (one writer: the lease),
   * so it is not asked again (a run asks for held-back items batch after batch).
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

  /** These buckets as stored (empty when none is). */
  private async read(collection: string, bits: number, buckets: Set<number>): Promise<Map<number, StoredBucket>> {
    const read = new Map<number, StoredBucket>();
    const byPk = new Map<string, number>();
    for (const bucket of buckets) {
      const pk = bucketPk(collection, bits, bucket);
      const cached = this.cache.get(pk);
      if (cached) {
        read.set(bucket, cached);
        continue;
      }
      read.set(bucket, { entries: new Map(), spill: null });
      byPk.set(pk, bucket);
    }
    const heads = await batchGetAll(
      this.client,
      this.tableName,
      [...byPk.keys()].map((pk) => ({ pk: S(pk), sk: S('head') })),
    );
    const partKeys: Array<{ pk: AttributeValue; sk: AttributeValue }> = [];
    for (const head of heads) {
      const bucket = read.get(byPk.get((head.pk as { S: string }).S)!)!;
      if (head.entries) {
        for (const [key, value] of unpackPart(blobOf(head))) bucket.entries.set(key, value);
        continue;
      }
      bucket.spill = { generation: numberOf(head, 'generation'), parts: numberOf(head, 'parts') };
      for (let i = 0; i < bucket.spill.parts; i++)
        partKeys.push({ pk: head.pk, sk: S(partSk(bucket.spill.generation, i)) });
    }
    const parts = await batchGetAll(this.client, this.tableName, partKeys);
    // Parts in order, so that the entries come out as they were packed.
    parts.sort((a, b) => partIndex(a) - partIndex(b));
    const partsRead = new Map<number, number>();
    for (const part of parts) {
      const at = byPk.get((part.pk as { S: string }).S)!;
      for (const [key, value] of unpackPart(blobOf(part))) read.get(at)!.entries.set(key, value);
      partsRead.set(at, (partsRead.get(at) ?? 0) + 1);
    }
    for (const [bucket, { spill }] of read) {
      if (spill && partsRead.get(bucket) !== spill.parts)
        throw new Error(
          `the control table ${this.tableName} lacks parts of ${bucketPk(collection, bits, bucket)} (${partsRead.get(bucket) ?? 0} of ${spill.parts}): it was changed by other than mapc`,
        );
    }
    for (const [pk, bucket] of byPk) {
      const stored = read.get(bucket)!;
      if (this.cachedEntries + stored.entries.size > CACHED_ENTRIES) break;
      this.cache.set(pk, stored);
      this.cachedEntries += stored.entries.size;
    }
    return read;
  }
}

function partSk(generation: number, index: number): string {
  return `part#${generation}#${index}`;
}

function partIndex(item: DynamoItem): number {
  return Number((item.sk as { S: string }).S.split('#')[2]);
}
