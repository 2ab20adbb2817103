/*
 * The extracts a job pass has to apply, oldest first. For each extract listed under the
 * source that some mapping's ledger has not applied (nor skipped):
 *
 *   open it: an S3 object (one HEAD) through a ReadOnceSource, so that the runs of every
 *   mapping share one read of its directory and one download of each entry; a local file in
 *   place ──► its as_of: the manifest's extractedAt, else a timestamp in its name, else its
 *   upload time ──► sort by as_of, then URI
 *
 * An extract that cannot be opened or whose manifest cannot be read is kept, ordered by its
 * name or upload time, with the error: the pass fails when it comes to it, not before the
 * extracts older than it are applied.
 */
import { mkdir } from 'node:fs/promises';
import { openExtract, type OpenedExtract } from '../archive/extract-location.js';
import { ReadOnceSource } from '../archive/read-once-source.js';
import type { S3SourceOptions } from '../archive/s3-source.js';
import type { LedgerEntry } from '../merge/state-store.js';
import { asOfFromName } from '../read/as-of-from-name.js';
import { extractAsOf, type AsOfOrigin } from '../read/extract-time.js';
import { formatIsoTimestamp } from '../values/calendar.js';
import { sameObject, type ListedExtract } from './list-extracts.js';

export interface OrderedExtract {
  listed: ListedExtract;
  asOf: string;
  asOfFrom: AsOfOrigin | 'ledger';
  /** Mappings whose ledger has it applied or skipped. */
  doneFor: Set<string>;
  /** Open, read once for every mapping; absent when opening failed (then `error`). */
  opened?: OpenedExtract;
  error?: string;
}

/** Ledger statuses after which an extract needs nothing more from a mapping. */
const DONE = new Set<string>(['applied', 'skipped']);

export function doneFor(listed: ListedExtract, ledgers: Map<string, LedgerEntry[]>): Set<string> {
  const done = new Set<string>();
  for (const [mapping, entries] of ledgers) {
    if (entries.some((entry) => DONE.has(entry.status) && sameObject(listed, entry.identity))) done.add(mapping);
  }
  return done;
}

/** The listed extracts with their as_of, oldest first; those every mapping is done with are not opened. */
export async function orderExtracts(
  listed: ListedExtract[],
  ledgers: Map<string, LedgerEntry[]>,
  options: { s3?: S3SourceOptions; spoolFolder?: string } = {},
): Promise<OrderedExtract[]> {
  if (options.spoolFolder) await mkdir(options.spoolFolder, { recursive: true });
  const ordered: OrderedExtract[] = [];
  for (const extract of listed) {
    const done = doneFor(extract, ledgers);
    if (done.size === ledgers.size) {
      ordered.push({ listed: extract, doneFor: done, ...doneAsOf(extract, ledgers) });
      continue;
    }
    ordered.push({ listed: extract, doneFor: done, ...(await openAndDate(extract, options)) });
  }
  return ordered.sort((a, b) =>
    a.asOf !== b.asOf
      ? a.asOf < b.asOf
        ? -1
        : 1
      : a.listed.uri < b.listed.uri
        ? -1
        : a.listed.uri > b.listed.uri
          ? 1
          : 0,
  );
}

/** Closes what orderExtracts opened. */
export async function closeExtracts(extracts: OrderedExtract[]): Promise<void> {
  for (const extract of extracts) {
    const opened = extract.opened;
    extract.opened = undefined;
    await opened?.source.close();
  }
}

/** An extract done already is dated by its ledger entries, without opening it. */
function doneAsOf(
  extract: ListedExtract,
  ledgers: Map<string, LedgerEntry[]>,
): { asOf: string; asOfFrom: AsOfOrigin | 'ledger' } {
  for (const entries of ledgers.values()) {
    const entry = entries.find((e) => sameObject(extract, e.identity) && e.asOf !== undefined);
    if (entry) return { asOf: entry.asOf!, asOfFrom: 'ledger' };
  }
  return fallbackAsOf(extract);
}

async function openAndDate(
  extract: ListedExtract,
  options: { s3?: S3SourceOptions; spoolFolder?: string },
): Promise<Omit<OrderedExtract, 'listed' | 'doneFor'>> {
  let opened: OpenedExtract | undefined;
  try {
    const raw = await openExtract(extract.location, options.s3 ?? {});
    opened =
      extract.location.kind === 's3'
        ? { identity: raw.identity, source: new ReadOnceSource(raw.source, options.spoolFolder) }
        : raw;
    // Ordered by its name or upload time when its manifest cannot be read; it fails when its turn comes.
    const dated = await extractAsOf(opened, { name: extract.name, tolerant: true });
    const ordered = { asOf: formatIsoTimestamp(dated.asOf), asOfFrom: dated.from };
    if (dated.unreadable === undefined) return { opened, ...ordered };
    await opened.source.close();
    return { ...ordered, error: dated.unreadable };
  } catch (error) {
    await opened?.source.close();
    return { ...fallbackAsOf(extract), error: (error as Error).message };
  }
}

/** An extract that cannot be opened (or is done already) is dated by its listing: its name, else its upload time. */
function fallbackAsOf(extract: ListedExtract): { asOf: string; asOfFrom: AsOfOrigin } {
  const fromName = asOfFromName(extract.name);
  if (fromName) return { asOf: fromName, asOfFrom: 'name' };
  return { asOf: extract.lastModified ?? '', asOfFrom: 'modification time' };
}
