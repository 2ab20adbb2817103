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
