// Entries packed in buckets (docs/running.md, "The control table's layout"): an entry's
// bucket is the first `bits` bits of its key's hash (eval/key-hash.ts), so a
// key's bucket is known without an index. A bucket's entries are kept as deflated JSON (DynamoDB JSON values, so
// numbers keep every digit), one blob per control row, or several parts when the bucket grows
// past PART_BYTES of JSON. Pure: the control table reads and writes what these lay out.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AttributeValue } from '../dynamodb/attribute-values.js';
import { keyHash } from '../eval/key-hash.js';

/** 2^20 buckets: tens of millions of entries before buckets grow past twice their size. */
export const MAX_BITS = 20;
/** A part's entries as JSON, before deflating: DynamoDB takes 400 KB an item. */
export const PART_BYTES = 300 * 1024;

/** An entry as a bucket keeps it: its value, or null (a marker). */
export type BucketEntries = Map<string, AttributeValue | null>;

/** The bits of a collection first written with `count` entries: buckets of `perBucket` to twice that many. */
export function bitsFor(count: number, perBucket: number): number {
  let bits = 0;
  while (bits < MAX_BITS && count / 2 ** (bits + 1) >= perBucket) bits++;
  return bits;
}

/** The bucket of a key: its hash's first `bits` bits, as a number. */
export function bucketOf(key: string, bits: number): number {
  return bits === 0 ? 0 : keyHash(key) >>> (32 - bits);
}

export function bucketPk(collection: string, bits: number, bucket: number): string {
  return `bucket#${collection}#${bits}#${bucket.toString(16)}`;
}

export function layoutPk(collection: string): string {
  return `layout#${collection}`;
}

/** A bucket's entries in deflated parts of at most PART_BYTES of JSON each, in key order (at least one part). */
export function packParts(entries: BucketEntries): Buffer[] {
  const parts: string[][] = [[]];
  let size = 0;
  for (const key of [...entries.keys()].sort()) {
    const text = JSON.stringify([key, entries.get(key) ?? null]);
    const bytes = Buffer.byteLength(text);
    if (size + bytes > PART_BYTES && parts[parts.length - 1].length > 0) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1].push(text);
    size += bytes + 1;
  }
  return parts.map((texts) => deflateRawSync(`[${texts.join(',')}]`));
}

/** The entries of one part, as packParts laid them out. */
export function unpackPart(part: Uint8Array): Array<[string, AttributeValue | null]> {
  return JSON.parse(inflateRawSync(part).toString('utf8')) as Array<[string, AttributeValue | null]>;
}
