// Which extract a user means, as the ledger names it, and what the ledger records of one no
// run has recorded (to skip it): its identity, and its as_of as a run takes it — the given
// time, else the archive's _manifest.json, else the file's modification time. The last is
// also taken when the archive cannot be read, as a broken extract often cannot.
import { resolve } from 'node:path';
import { openExtract, parseExtractLocation } from '../archive/extract-location.js';
import type { S3SourceOptions } from '../archive/s3-source.js';
import { extractAsOf } from '../read/extract-time.js';
import { formatIsoTimestamp } from '../values/calendar.js';
import type { DescribedExtract } from './ledger.js';

/**
 * The URI the ledger (and a job's listing) shows for an extract argument: s3://bucket/key, or a
 * local file's absolute path. A malformed s3:// URI throws, saying what is missing; `given`
 * names the argument in that message ("--once", "the extract").
 */
export function extractUri(argument: string, given = 'the extract'): string {
  const location = parseExtractLocation(argument, given);
  return location.kind === 's3' ? `s3://${location.bucket}/${location.key}` : resolve(location.path);
}

/** Opens the extract (a HEAD on S3, a stat locally; the manifest when no as_of is given) and closes it again. */
export async function describeExtract(
  argument: string,
  options: S3SourceOptions = {},
  givenAsOf?: string,
): Promise<DescribedExtract> {
  const opened = await openExtract(argument, options);
  try {
    const dated = await extractAsOf(opened, { given: givenAsOf, tolerant: true });
    const because =
      dated.unreadable === undefined
        ? ' (it has no _manifest.json)'
        : ` (its manifest could not be read: ${dated.unreadable})`;
    const asOfFrom =
      dated.from === 'given'
        ? 'the given --as-of'
        : dated.from === 'manifest'
          ? 'its _manifest.json'
          : `its modification time${because}`;
    return { identity: opened.identity, asOf: formatIsoTimestamp(dated.asOf), asOfFrom };
  } finally {
    await opened.source.close();
  }
}
