// `mapc ledger` as a readable table: one line per extract, oldest as_of first, with the error
// of a failed run or the reason of a skip on the line below.
import type { ExtractIdentity } from '../../runtime/archive/extract-location.js';
import type { LedgerListing } from '../../runtime/merge/ledger.js';

const COLUMNS = [
  'AS_OF',
  'STATUS',
  'READ',
  'REJECTED',
  'PARKED',
  'ITEMS',
  'STARTED',
  'FINISHED',
  'TOOK',
  'EXTRACT',
] as const;
const NUMERIC = new Set<string>(['READ', 'REJECTED', 'PARKED', 'ITEMS', 'TOOK']);

/** How the extract is known: S3 by version or ETag, a local file by size and modification time. */
export function identityText(identity: ExtractIdentity): string {
  if (identity.versionId !== undefined) return `version ${identity.versionId}`;
  if (identity.etag !== undefined) return `etag ${identity.etag}`;
  return `${identity.size} bytes, modified ${identity.lastModified ?? 'unknown'}`;
}

/** ISO timestamps without milliseconds that say nothing: 2026-11-01T02:00:00Z. */
function time(iso: string | undefined): string {
  return iso === undefined ? '-' : iso.replace(/\.000Z$/, 'Z');
}

function row(entry: LedgerListing): string[] {
  const c = entry.counts;
  const count = (n: number | undefined) => (n === undefined ? '-' : String(n));
  return [
    time(entry.asOf),
    entry.status,
    count(c?.rowsRead),
    count(c?.rowsRejected),
    count(c?.rowsParked),
    count(c?.itemsWritten),
    time(entry.startedAt),
    time(entry.finishedAt),
    entry.seconds === undefined ? '-' : `${entry.seconds.toFixed(1)} s`,
    `${entry.identity.uri} (${identityText(entry.identity)})`,
  ];
}

function note(entry: LedgerListing): string | null {
  if (entry.status === 'skipped') {
    return (
      `skipped ${time(entry.skippedAt)}${entry.skippedBy ? ` by ${entry.skippedBy}` : ''}: ${entry.skipReason ?? 'no reason given'}` +
      (entry.error ? `\n    (its run had failed: ${entry.error})` : '')
    );
  }
  if (entry.status === 'failed') return `error: ${entry.error ?? 'none recorded (see the run report)'}`;
  if (entry.status === 'running') return 'did not finish: a run is going on, or crashed (then run the extract again)';
  return null;
}

export function ledgerTable(mapping: string, listings: LedgerListing[]): string {
  const heading = `mapping ${mapping}: ${listings.length === 0 ? 'no extracts in the ledger' : `${listings.length} extract${listings.length === 1 ? '' : 's'}, oldest as_of first`}`;
  if (listings.length === 0) return `${heading}\n`;
  const rows = listings.map(row);
  const widths = COLUMNS.map((name, i) => Math.max(name.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        i === cells.length - 1 ? cell : NUMERIC.has(COLUMNS[i]) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
      )
      .join('  ');
  const lines = [heading, line(COLUMNS)];
  listings.forEach((entry, i) => {
    lines.push(line(rows[i]));
    const text = note(entry);
    if (text) lines.push(`    ${text}`);
  });
  return `${lines.join('\n')}\n`;
}
