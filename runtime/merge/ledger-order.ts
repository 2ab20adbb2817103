// Which entry of a mapping's ledger stands in the way of applying an extract. Extracts apply
// in order, so one that is not done (a run that crashed, or failed) holds back the others
// until it is run again, delivered again or skipped. Only the newest entry of each URI counts:
// the same object delivered again (a new ETag or version, a new modification time) replaces
// the earlier attempts, failed or applied.
import type { LedgerEntry } from './state-store.js';

/** The newest entry (by start) of each extract URI. */
export function latestPerUri(ledger: LedgerEntry[]): LedgerEntry[] {
  const latest = new Map<string, LedgerEntry>();
  for (const entry of ledger) {
    const known = latest.get(entry.identity.uri);
    if (!known || known.startedAt < entry.startedAt) latest.set(entry.identity.uri, entry);
  }
  return [...latest.values()];
}

/**
 * The entry of another URI that is not done (running: it did not finish; failed), the oldest
 * by as_of: it must be dealt with before the extract at `uri` is applied. Entries of `uri`
 * itself never block it: running it again is how they are dealt with.
 */
export function unfinishedBefore(ledger: LedgerEntry[], uri: string): LedgerEntry | undefined {
  return latestPerUri(ledger)
    .filter((e) => e.identity.uri !== uri && (e.status === 'running' || e.status === 'failed'))
    .sort((a, b) => compareText(a.asOf ?? a.startedAt, b.asOf ?? b.startedAt))[0];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A mapping's ledger with the entries of each extract's shards folded into one entry for the
 * extract (without `shard`): applied when every shard of one count applied it, failed when one
 * failed, running while a shard runs or has not run. An entry of the extract's run as a whole
 * stands beside them; the newer one (by start) counts, unless one of them is done. Entries of
 * extracts run whole pass unchanged.
 */
export function byExtract(ledger: LedgerEntry[]): LedgerEntry[] {
  const groups = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) groups.set(entry.extract, [...(groups.get(entry.extract) ?? []), entry]);
  return [...groups.values()].map((entries) => {
    const whole = entries.find((e) => e.shard === undefined);
    const shards = entries.filter((e) => e.shard !== undefined);
    if (shards.length === 0) return whole!;
    const folded = foldShards(shards);
    if (!whole) return folded;
    if (isDone(whole) !== isDone(folded)) return isDone(whole) ? whole : folded;
    return whole.startedAt >= folded.startedAt ? whole : folded;
  });
}

const isDone = (entry: LedgerEntry) => entry.status === 'applied' || entry.status === 'skipped';

/** An extract's shard entries by shard count, then shard index. */
export function shardSets(shards: LedgerEntry[]): Map<number, Map<number, LedgerEntry>> {
  const byCount = new Map<number, Map<number, LedgerEntry>>();
  for (const entry of shards) {
    const [index, count] = entry.shard!.split('/').map(Number);
    const set = byCount.get(count) ?? new Map<number, LedgerEntry>();
    byCount.set(count, set);
    set.set(index, entry);
  }
  return byCount;
}

/** One extract's shard entries as one entry. */
function foldShards(shards: LedgerEntry[]): LedgerEntry {
  const byCount = shardSets(shards);
  const base = (entries: LedgerEntry[], status: LedgerEntry['status']): LedgerEntry => {
    const { shard: _shard, ...first } = [...entries].sort((a, b) => compareText(a.startedAt, b.startedAt))[0];
    const finished = entries.map((e) => e.finishedAt).filter((t): t is string => t !== undefined);
    const failed = entries.find((e) => e.status === 'failed');
    return {
      ...first,
      status,
      ...(status === 'applied' && finished.length > 0 ? { finishedAt: finished.sort().at(-1)! } : {}),
      ...(failed?.error ? { error: `shard ${failed.shard}: ${failed.error}` } : {}),
    };
  };
  for (const [count, set] of byCount) {
    const all = [...set.values()];
    if (set.size === count && all.every((e) => e.status === 'applied')) return base(all, 'applied');
  }
  if (shards.some((e) => e.status === 'failed')) return base(shards, 'failed');
  return base(shards, 'running');
}
