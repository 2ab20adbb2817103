/*
 * An extract's `_manifest.json`, read once into plain data (docs/manifest.md):
 *
 *   {"extractedAt": "2026-11-01T02:00:00Z",              the run's as_of (unless --as-of)
 *    "files": {"orders_part1.csv": {"rows": 123}, …}}     data records per archive entry
 *
 * or, for record counts, the form of Amazon Redshift's UNLOAD … MANIFEST VERBOSE:
 *
 *   {"entries": [{"url": "s3://bucket/unload/orders_part1.csv", "meta": {"record_count": 123}}, …]}
 *
 * where a url names the archive entry of that name, else the entry named by its last path
 * segment. Other members are ignored. Only the central directory and the manifest's own entry
 * are read: a job runner can learn an extract's as_of without reading its data.
 */
import type { ByteSource } from '../archive/byte-source.js';
import { listEntries, type ArchiveEntry } from '../archive/central-directory.js';
import { openEntry } from '../archive/entry-stream.js';
import { RunFailure } from '../report/run-state.js';

export const MANIFEST_ENTRY = '_manifest.json';

export interface ExtractManifest {
  /** "extractedAt" as written, when it is a string (parseAsOf in extract-time.ts reads it). */
  extractedAt?: string;
  /** Data records (the header not counted) of archive entries, by entry name, when the manifest counts them. */
  records?: ReadonlyMap<string, number>;
}

/** The extract's manifest, or null when it has none; `entries` spares a second read of the central directory. */
export async function readManifest(
  source: ByteSource,
  entries?: readonly ArchiveEntry[],
): Promise<ExtractManifest | null> {
  const archive = entries ?? (await listEntries(source));
  const entry = archive.find((e) => e.name === MANIFEST_ENTRY);
  if (!entry) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of openEntry(source, entry)) chunks.push(chunk as Buffer);
  return parseManifest(
    Buffer.concat(chunks).toString('utf8'),
    source.name,
    archive.map((e) => e.name),
  );
}

/** The manifest's text as data; `archiveNames` are the extract's entries, which Redshift urls are matched against. */
export function parseManifest(text: string, extract: string, archiveNames: readonly string[]): ExtractManifest {
  const where = `${extract}: ${MANIFEST_ENTRY}`;
  const fix = 'ask for the extract again, or have its manifest fixed';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RunFailure(`${where} is not JSON (${(error as Error).message}); ${fix}`);
  }
  if (!isObject(json)) throw new RunFailure(`${where} is not a JSON object; ${fix}`);
  const records = new Map<string, number>();
  const count = (name: string, value: unknown, member: string) => {
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new RunFailure(
        `${where} gives ${JSON.stringify(value)} as the ${member} of ${name}, which is not a whole number of records; ${fix}`,
      );
    }
    const earlier = records.get(name);
    if (earlier !== undefined && earlier !== value) {
      throw new RunFailure(`${where} counts ${name} twice, ${earlier} and ${value as number} records; ${fix}`);
    }
    records.set(name, value as number);
  };
  if (json.files !== undefined) {
    if (!isObject(json.files))
      throw new RunFailure(`${where}: "files" is not an object of {"<entry name>": {"rows": <count>}}; ${fix}`);
    for (const [name, file] of Object.entries(json.files)) {
      if (!isObject(file))
        throw new RunFailure(
          `${where}: "files" gives ${JSON.stringify(file)} for ${name} instead of {"rows": <count>}; ${fix}`,
        );
      if (file.rows !== undefined) count(name, file.rows, '"rows"');
    }
  }
  if (json.entries !== undefined) {
    if (!Array.isArray(json.entries))
      throw new RunFailure(
        `${where}: "entries" is not a list of {"url": …, "meta": {"record_count": <count>}}; ${fix}`,
      );
    const names = new Set(archiveNames);
    for (const listed of json.entries) {
      if (!isObject(listed) || typeof listed.url !== 'string')
        throw new RunFailure(`${where}: "entries" holds ${JSON.stringify(listed)}, which has no "url"; ${fix}`);
      const recordCount = isObject(listed.meta) ? listed.meta.record_count : undefined;
      if (recordCount !== undefined) count(entryNameOf(listed.url, names), recordCount, '"record_count"');
    }
  }
  return {
    ...(typeof json.extractedAt === 'string' ? { extractedAt: json.extractedAt } : {}),
    ...(records.size > 0 ? { records } : {}),
  };
}

/** The archive entry a Redshift manifest url names: the whole url when an entry is named so, else its last path segment. */
function entryNameOf(url: string, archiveNames: ReadonlySet<string>): string {
  return archiveNames.has(url) ? url : url.slice(url.lastIndexOf('/') + 1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
