// The run's reference time (`as_of`) when no --as-of is given: the extract's own timestamp,
// never the wall clock, so running the same extract again writes the same items.
import type { ByteSource } from '../archive/byte-source.js';
import type { TimestampValue } from '../values/value.js';
import { asOfFromName } from './as-of-from-name.js';
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
  if (manifest.extractedAt === undefined)
    throw new Error(`${source.name}: ${MANIFEST_ENTRY} has no "extractedAt" timestamp; give --as-of`);
  return parseAsOf(manifest.extractedAt);
}

/** Where an extract's as_of came from. */
export type AsOfOrigin = 'given' | 'manifest' | 'name' | 'modification time';

export interface ExtractAsOf {
  asOf: TimestampValue;
  from: AsOfOrigin;
  /** Why the manifest could not be read, when `tolerant` let the next source decide instead. */
  unreadable?: string;
}

/**
 * An extract's as_of: the one given, else its manifest's extractedAt, else (for the job, which
 * knows the object's name under its prefix) a timestamp in `name` (as-of-from-name.ts), else
 * its modification time. A manifest that cannot be read throws, unless `tolerant` (ordering or
 * describing a broken extract), when the next source decides and `unreadable` says why.
 */
export async function extractAsOf(
  extract: { source: ByteSource; identity: { uri: string; lastModified?: string } },
  options: { given?: string; name?: string; tolerant?: boolean } = {},
): Promise<ExtractAsOf> {
  if (options.given !== undefined) return { asOf: parseAsOf(options.given), from: 'given' };
  let unreadable: string | undefined;
  try {
    const fromManifest = await manifestTime(extract.source);
    if (fromManifest) return { asOf: fromManifest, from: 'manifest' };
  } catch (error) {
    if (!options.tolerant) throw error;
    unreadable = (error as Error).message;
  }
  const because = unreadable === undefined ? {} : { unreadable };
  const fromName = options.name === undefined ? null : asOfFromName(options.name);
  if (fromName !== null) return { asOf: parseAsOf(fromName), from: 'name', ...because };
  if (extract.identity.lastModified !== undefined)
    return { asOf: parseAsOf(extract.identity.lastModified), from: 'modification time', ...because };
  throw new Error(
    `${extract.identity.uri}: ${unreadable ?? `no ${MANIFEST_ENTRY}`} and no modification time; give --as-of`,
  );
}
