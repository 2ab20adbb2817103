// The records a run read from each file, against the counts of the extract's manifest
// (manifest.ts): a file that holds fewer or more records than the warehouse wrote means the
// extract is incomplete, or its manifest wrong. Called before any item is written or
// committed, so that a mismatch leaves nothing behind. Files the manifest does not count, and
// files the run did not read, are not checked.
import { MANIFEST_ENTRY, type ExtractManifest } from './manifest.js';
import { RunFailure } from '../report/run-state.js';

/** Throws a RunFailure naming every file whose records read (`recordsRead`: by table, then file) differ from the manifest's count. */
export function checkRecordsRead(
  manifest: ExtractManifest | null,
  recordsRead: ReadonlyMap<string, ReadonlyMap<string, number>>,
  extract: string,
): void {
  const counted = manifest?.records;
  if (!counted) return;
  const mismatches: string[] = [];
  for (const [table, files] of recordsRead) {
    for (const [file, read] of files) {
      const expected = counted.get(file);
      if (expected !== undefined && expected !== read) {
        mismatches.push(`${file} (table ${table}): ${MANIFEST_ENTRY} counts ${expected} records, the run read ${read}`);
      }
    }
  }
  if (mismatches.length === 0) return;
  throw new RunFailure(
    `${extract} does not hold the records its manifest counts: ${mismatches.join('; ')}. ` +
      'The extract is incomplete, or its manifest is wrong: ask for the extract again. No item was written.',
  );
}
