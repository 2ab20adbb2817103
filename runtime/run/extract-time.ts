// The run's reference time (`as_of`) when no --as-of is given: the extract's own timestamp,
// never the wall clock, so running the same extract again writes the same items.
import type { ByteSource } from '../archive/byte-source.js';
import { listEntries } from '../archive/central-directory.js';
import { openEntry } from '../archive/entry-stream.js';
import type { TimestampValue } from '../values/value.js';

/** An extract may carry `_manifest.json` with `{"extractedAt": "<ISO timestamp>"}`. */
export const MANIFEST_ENTRY = '_manifest.json';

export function parseAsOf(text: string): TimestampValue {
  const millis = Date.parse(/T|\s/.test(text) || text.length > 10 ? text : `${text}T00:00:00Z`);
  if (!Number.isFinite(millis) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new Error(`"${text}" is not a date or timestamp: write it as 2026-11-01 or 2026-11-01T02:00:00Z`);
  }
  return { kind: 'timestamp', epochMillis: millis };
}

export async function manifestTime(source: ByteSource): Promise<TimestampValue | null> {
  const entry = (await listEntries(source)).find((e) => e.name === MANIFEST_ENTRY);
  if (!entry) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of openEntry(source, entry)) chunks.push(chunk as Buffer);
  let manifest: { extractedAt?: unknown };
  try {
    manifest = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new Error(`${source.name}: ${MANIFEST_ENTRY} is not JSON (${(error as Error).message}); fix the extract or give --as-of`);
  }
  if (typeof manifest.extractedAt !== 'string') throw new Error(`${source.name}: ${MANIFEST_ENTRY} has no "extractedAt" timestamp; give --as-of`);
  return parseAsOf(manifest.extractedAt);
}
