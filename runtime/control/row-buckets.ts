// Stored rows packed in buckets (docs/running.md, "The control table's layout"): a row's
// bucket is the first `bits` bits of the SHA-256 of its key text, so a key's bucket is known
// without an index; a bucket is one control row, or several parts when it grows past
// PART_BYTES. Pure: the control table reads and writes what these functions lay out.
import { createHash } from 'node:crypto';
import type { AttributeValue } from '../dynamodb/attribute-values.js';

/** A bucket holds ROWS_PER_BUCKET to twice that many rows when its table's layout is chosen. */
export const ROWS_PER_BUCKET = 64;
/** 2^20 buckets: 64 million rows before buckets grow past 128 rows. */
export const MAX_BITS = 20;
/** A part's rows, sized generously (as JSON text): DynamoDB takes 400 KB an item. */
export const PART_BYTES = 300 * 1024;

/** A stored row as a bucket keeps it: its values as an attribute map, or null (a marker). */
export type PackedRow = { key: string; values: AttributeValue | null };

/** The bits of a table first written with `rowCount` rows: buckets of 64 to 128 rows. */
export function bitsFor(rowCount: number): number {
  let bits = 0;
  while (bits < MAX_BITS && rowCount / 2 ** (bits + 1) >= ROWS_PER_BUCKET) bits++;
  return bits;
}

/** The bucket of a key: its hash's first `bits` bits, as a number. */
export function bucketOf(key: string, bits: number): number {
  if (bits === 0) return 0;
  const first = createHash('sha256').update(key).digest().readUInt32BE(0);
  return Math.floor(first / 2 ** (32 - bits));
}

export function bucketPk(mapping: string, table: string, bits: number, bucket: number): string {
  return `rows#${mapping}#${table}#${bits}#${bucket.toString(16)}`;
}

export function layoutPk(mapping: string, table: string): string {
  return `layout#${mapping}#${table}`;
}

/** A bucket's rows in parts of at most PART_BYTES each, in key order (at least one part, maybe empty). */
export function packParts(rows: Map<string, AttributeValue | null>): AttributeValue[] {
  const parts: AttributeValue[][] = [[]];
  let size = 0;
  for (const key of [...rows.keys()].sort()) {
    const entry: AttributeValue = { L: [{ S: key }, rows.get(key) ?? { NULL: true }] };
    const bytes = Buffer.byteLength(JSON.stringify(entry));
    if (size + bytes > PART_BYTES && parts[parts.length - 1].length > 0) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1].push(entry);
    size += bytes;
  }
  return parts.map((entries) => ({ L: entries }));
}

/** The rows of one part, as packParts laid them out. */
export function unpackPart(rows: AttributeValue | undefined): PackedRow[] {
  if (!rows || !('L' in rows)) return [];
  return rows.L.map((entry) => {
    const [key, values] = (entry as { L: AttributeValue[] }).L;
    return { key: (key as { S: string }).S, values: 'NULL' in values ? null : values };
  });
}
