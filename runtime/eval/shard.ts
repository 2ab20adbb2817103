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
  const [index, count] = [Number(match[1]), Number(match[2])];
  if (count < 1) return { error: `a run has at least one shard, not ${count}` };
  if (index >= count) return { error: `shards of ${count} are numbered 0 to ${count - 1}, not ${index}` };
  return { index, count };
}

export function shardText(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
