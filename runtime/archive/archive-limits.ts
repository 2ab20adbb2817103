/*
 * Checks of an archive's central directory against the run's caps, before any entry is
 * inflated: how many entries it holds, what the entries to read declare they inflate to (each,
 * together, and per compressed byte), and that no two of them share a name. Inflating is
 * then held to the declared size (entry-stream.ts stops an entry that inflates past it), so
 * these checks bound what a run inflates, whatever the archive claims. Each message names
 * the archive, the entry, what to do, and the cap (its run option and its `mapc run` flag).
 */
import type { ArchiveEntry } from './central-directory.js';

export interface ArchiveCaps {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxCompressionRatio: number;
}

/** The ratio cap is not applied below this size: a small file of one repeated value may compress very well. */
const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;

/** The archive's entry count: checked before its entries are matched to tables. */
export function checkEntryCount(archive: string, entries: readonly ArchiveEntry[], caps: ArchiveCaps): void {
  if (entries.length > caps.maxEntries) {
    throw new Error(
      `${archive} holds ${entries.length} entries, more than the limit of ${caps.maxEntries} (maxEntries, --max-entries) — ` +
        'an extract holds a few files per table; check that this is the right archive, or raise the limit if it is',
    );
  }
}

/** The entries a run will read (every table's, each once): sizes, ratios and names. */
export function checkEntriesToRead(archive: string, toRead: readonly ArchiveEntry[], caps: ArchiveCaps): void {
  const names = new Set<string>();
  let total = 0;
  for (const entry of toRead) {
    const where = `${archive}: entry ${entry.name}`;
    if (names.has(entry.name)) {
      throw new Error(
        `${where} appears more than once in the archive, so which one holds the table's rows cannot be told — ` +
          're-create the archive with each file once, or ask for the extract again',
      );
    }
    names.add(entry.name);
    if (entry.uncompressedSize > caps.maxEntryBytes) {
      throw new Error(
        `${where} declares ${entry.uncompressedSize} bytes once inflated, more than the limit of ${caps.maxEntryBytes} (maxEntryBytes, --max-entry-size) — ` +
          'split the table into several files, or raise the limit if the file is this large',
      );
    }
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize >= RATIO_CHECKED_FROM_BYTES && ratio > caps.maxCompressionRatio) {
      throw new Error(
        `${where} inflates ${Math.round(ratio)} times (${entry.compressedSize} bytes to ${entry.uncompressedSize}), more than the limit of ${caps.maxCompressionRatio}:1 (maxCompressionRatio, --max-compression-ratio); ` +
          'CSV text rarely compresses past 20:1, so this looks like a zip bomb — ask for the extract again, or raise the limit if you trust it',
      );
    }
    total += entry.uncompressedSize;
  }
  if (total > caps.maxTotalBytes) {
    throw new Error(
      `${archive}: the files to read declare ${total} bytes once inflated, more than the limit of ${caps.maxTotalBytes} (maxTotalBytes, --max-total-size) — ` +
        'split the extract into several archives, or raise the limit if it is this large',
    );
  }
}
