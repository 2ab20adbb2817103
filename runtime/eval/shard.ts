// One extract run as N shards: shard i of N owns the items whose root key hashes to i mod N
// (keyHash of the key's canonical text, row-key.ts: a composite key's values joined by U+001F,
// "1.50" and "1.5" one text). The same key always goes to the same shard, on any machine.
import { keyHash } from './key-hash.js';
import type { RowKey } from './row-key.js';

/** Shard `index` of `count` (0 <= index < count). */
export interface Shard {
  index: number;
  count: number;
}

/** The shard that owns a root key, of `count`. */
export function shardOfKey(key: RowKey, count: number): number {
  return count === 1 ? 0 : keyHash(String(key)) % count;
}

/** "i/N" as a Shard, or what is wrong with it. */
export function parseShard(text: string): Shard | { error: string } {
  const match = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  if (!match) return { error: `expected i/N, shard i of N counted from 0 (such as 0/4), not ${JSON.stringify(text)}` };
  const shard = { index: Number(match[1]), count: Number(match[2]) };
  const error = shardError(shard);
  return error === null ? shard : { error };
}

/** What is wrong with a shard (given to the library, say), or null: whole numbers, 0 <= index < count. */
export function shardError({ index, count }: Shard): string | null {
  if (!Number.isInteger(count) || count < 1) return `a run has at least one shard, not ${count}`;
  if (!Number.isInteger(index) || index < 0 || index >= count)
    return `shards of ${count} are numbered 0 to ${count - 1}, not ${index}`;
  return null;
}

export function shardText(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
