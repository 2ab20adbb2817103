// A stable 32-bit hash of a key's text: the same on every run, machine and version, because
// it places things that outlive a run (stored entries in the control table's buckets, an
// item's shard). FNV-1a over the text's UTF-16 code units, then MurmurHash3's finalizer, so
// that the high bits (which buckets use) and the low ones (which shards use) are both spread.
// Tests pin its values: changing it moves every stored entry and every shard's share.
export function keyHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
