// The tables of a plan found in an extract, before any row is read: each table's files
// (checked against the caps), every file's header read up front so that a header that does
// not match stops the run before any item is written, and the manifest. The first step of a
// preview and of an incremental run alike.
import type { ByteSource } from '../archive/byte-source.js';
import { listEntries, type ArchiveEntry } from '../archive/central-directory.js';
import { checkEntriesToRead, checkEntryCount } from '../archive/archive-limits.js';
import { openEntry } from '../archive/entry-stream.js';
import { matchEntries } from '../archive/match-entries.js';
import { readCsvRecords } from '../csv/read-records.js';
import type { Plan, PlanTable } from '../plan/types.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../report/read-limits.js';
import { RunFailure } from '../report/run-state.js';
import { readManifest, type ExtractManifest } from './manifest.js';

export interface ExtractTables {
  /** Each table's entries, by table name (empty for an optional table the extract lacks). */
  entries: Map<string, ArchiveEntry[]>;
  /** Each table's file names, as the run report lists them. */
  files: Map<string, string[]>;
  manifest: ExtractManifest | null;
}

export async function openExtractTables(plan: Plan, source: ByteSource, limits: ReadLimits): Promise<ExtractTables> {
  const entries = entriesByTable(plan, await listEntries(source), source.name, limits);
  const files = new Map([...entries].map(([table, list]) => [table, list.map((e) => e.name)]));
  for (const table of plan.tables) await checkHeaders(source, table, entries.get(table.name)!, limits);
  return { entries, files, manifest: await readManifest(source) };
}

/**
 * Each table's files in the archive. A table without one stops the run, unless it is declared
 * `optional`: then its list is empty, and the run reads no rows of it (the report marks it absent).
 * The archive and the files to read are checked against the caps first (archive-limits.ts).
 */
export function entriesByTable(
  plan: Plan,
  entries: ArchiveEntry[],
  extract: string,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Map<string, ArchiveEntry[]> {
  checkEntryCount(extract, entries, limits);
  const files = entries.filter((e) => !e.isDirectory);
  const result = new Map<string, ArchiveEntry[]>();
  for (const table of plan.tables) {
    const matched = matchEntries(files, table.pattern);
    if (matched.length === 0 && !table.optional) {
      const names = files
        .map((e) => e.name)
        .slice(0, 20)
        .join(', ');
      throw new RunFailure(
        `${extract} has no file for table ${table.name} (pattern "${table.pattern}"). The archive holds: ${names || 'nothing'}. ` +
          'Check the table\'s `from "…"` pattern in the mapping, or ask for the extract again.',
      );
    }
    result.set(table.name, matched);
  }
  checkEntriesToRead(extract, [...new Set([...result.values()].flat())], limits);
  return result;
}

const HEADER_READ_CHUNK = 64 * 1024;

async function checkHeaders(
  source: ByteSource,
  table: PlanTable,
  entries: ArchiveEntry[],
  limits: ReadLimits = DEFAULT_READ_LIMITS,
) {
  // A header that does not match must stop the run before any item is written, even when the
  // file is the last one read: look at every file's first lines up front.
  for (const entry of entries) {
    // A header takes the first few kilobytes: a small read spares S3 a 1 MiB range per file.
    const records = readCsvRecords(
      openEntry(source, entry, HEADER_READ_CHUNK),
      table,
      entry.name,
      limits.maxRecordChars,
    );
    try {
      await records.next();
    } finally {
      await records.return(undefined);
    }
  }
}
