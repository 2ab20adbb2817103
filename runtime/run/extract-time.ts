// The run's reference time (`as_of`) when no --as-of is given: the extract's own timestamp,
// never the wall clock, so running the same extract again writes the same items.
import type { ByteSource } from '../archive/byte-source.js';
import type { TimestampValue } from '../values/value.js';
import { MANIFEST_ENTRY, readManifest } from './manifest.js';

export { MANIFEST_ENTRY };

export function parseAsOf(text: string): TimestampValue {
  const millis = Date.parse(/T|\s/.test(text) || text.length > 10 ? text : `${text}T00:00:00Z`);
  if (!Number.isFinite(millis) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new Error(`"${text}" is not a date or timestamp: write it as 2026-11-01 or 2026-11-01T02:00:00Z`);
  }
  return { kind: 'timestamp', epochMillis: millis };
}

/** `extractedAt` of the extract's `_manifest.json` (manifest.ts), or null when it has no manifest. */
export async function manifestTime(source: ByteSource): Promise<TimestampValue | null> {
  const manifest = await readManifest(source);
  if (!manifest) return null;
  if (manifest.extractedAt === undefined) throw new Error(`${source.name}: ${MANIFEST_ENTRY} has no "extractedAt" timestamp; give --as-of`);
  return parseAsOf(manifest.extractedAt);
}
