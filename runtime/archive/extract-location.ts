/*
 * Where an extract is (the `--extract` argument) and opening it: `s3://bucket/key` reads the
 * S3 object with range requests, anything else is a local file.
 *
 * Opening also says which extract it is (ExtractIdentity), for a ledger of applied extracts:
 * the same for the same object, different once it is replaced. On S3 the ETag and VersionId
 * pin the object (the source refuses a replacement mid-run). A local file is known by its
 * absolute path, size and modification time; it is not hashed, which would read the whole
 * file before the run (copying with preserved times and equal size keeps the identity).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ByteSource } from './byte-source.js';
import { LocalFileSource } from './local-file-source.js';
import type { S3SourceOptions } from './s3-source.js';

export type ExtractLocation = { kind: 'local'; path: string } | { kind: 's3'; bucket: string; key: string };

export interface ExtractIdentity {
  /** s3://bucket/key, or the absolute path of a local file. */
  uri: string;
  /** S3 only, without the quotes S3 puts around it. */
  etag?: string;
  /** S3 only, on a versioned bucket. */
  versionId?: string;
  size: number;
  /** ISO 8601: S3's Last-Modified (whole seconds), or the local file's modification time. */
  lastModified?: string;
}

export interface OpenedExtract {
  source: ByteSource;
  identity: ExtractIdentity;
}

const S3_SCHEME = /^s3:\/\//i;

/** `argument` as a place; `given` is how the messages name it ("--extract", "--once", "the extract"). */
export function parseExtractLocation(argument: string, given = '--extract'): ExtractLocation {
  if (!S3_SCHEME.test(argument)) return { kind: 'local', path: argument };
  const rest = argument.replace(S3_SCHEME, '');
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  const example = 's3://my-bucket/extracts/2026-11-01.zip';
  if (bucket === '') throw new Error(`${given} ${argument}: no bucket — write it as ${example}`);
  if (key === '')
    throw new Error(`${given} ${argument}: no object key after the bucket — name the ZIP itself, as in ${example}`);
  if (key.endsWith('/'))
    throw new Error(`${given} ${argument}: names a folder, not an object — name the ZIP itself, as in ${example}`);
  return { kind: 's3', bucket, key };
}

/**
 * Opens the extract and learns its identity (a HEAD on S3, a stat locally) before anything
 * is read, so a missing file or object fails here with its name. Options apply to S3 only.
 */
export async function openExtract(
  location: ExtractLocation | string,
  options: S3SourceOptions = {},
): Promise<OpenedExtract> {
  const where = typeof location === 'string' ? parseExtractLocation(location) : location;
  return where.kind === 's3' ? openS3Extract(where, options) : openLocalExtract(where.path);
}

async function openS3Extract(
  address: { bucket: string; key: string },
  options: S3SourceOptions,
): Promise<OpenedExtract> {
  // Loaded here, not with this module: a run on a local file does not load the AWS SDK.
  const { S3ByteSource, s3Uri } = await import('./s3-source.js');
  const source = new S3ByteSource(address, options);
  try {
    const facts = await source.head();
    return {
      source,
      identity: {
        uri: s3Uri(address),
        ...(facts.etag !== undefined ? { etag: facts.etag.replace(/^"|"$/g, '') } : {}),
        ...(facts.versionId !== undefined ? { versionId: facts.versionId } : {}),
        size: facts.size,
        ...(facts.lastModified !== undefined ? { lastModified: facts.lastModified.toISOString() } : {}),
      },
    };
  } catch (error) {
    await source.close();
    throw error;
  }
}

async function openLocalExtract(path: string): Promise<OpenedExtract> {
  let stats;
  try {
    stats = await stat(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new Error(`${path}: no such file — check the --extract path`);
    throw new Error(`${path}: cannot read the extract: ${(error as Error).message}`);
  }
  if (!stats.isFile()) throw new Error(`${path}: is not a file — --extract names the ZIP itself`);
  return {
    source: new LocalFileSource(path),
    identity: { uri: resolve(path), size: stats.size, lastModified: stats.mtime.toISOString() },
  };
}
