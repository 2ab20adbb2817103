/*
 * The extracts waiting under a job's source: every `.zip` object under an S3 prefix
 * (ListObjectsV2, so the job needs s3:ListBucket on the prefix) or every `.zip` file under a
 * local folder (its subfolders included, as a prefix lists its "subfolders"). Other files,
 * such as a manifest written beside the archives, are not extracts.
 *
 * What a listing says of each object (size, ETag or modification time) is enough to tell
 * whether the ledger has seen it already (sameObject), without opening it.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ExtractIdentity, ExtractLocation } from '../archive/extract-location.js';
import { createS3Client, type S3SourceOptions } from '../archive/s3-source.js';
import { describeConnectionError } from '../dynamodb/connection-error.js';

export type JobSource = { kind: 'local'; folder: string } | { kind: 's3'; bucket: string; prefix: string };

export interface ListedExtract {
  /** s3://bucket/key, or the absolute path of a local file: the ledger's URI. */
  uri: string;
  /** The key below the prefix, or the path below the folder. */
  name: string;
  size: number;
  /** S3 only, without quotes. */
  etag?: string;
  /** ISO 8601. */
  lastModified?: string;
  location: ExtractLocation;
}

const S3_SCHEME = /^s3:\/\//i;
const EXTRACT_NAME = /\.zip$/i;

export function parseJobSource(text: string): JobSource {
  if (!S3_SCHEME.test(text)) return { kind: 'local', folder: resolve(text) };
  const rest = text.replace(S3_SCHEME, '');
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (bucket === '') throw new Error(`--source ${text}: no bucket — write it as s3://my-bucket/extracts/`);
  return { kind: 's3', bucket, prefix: slash < 0 ? '' : rest.slice(slash + 1) };
}

export function describeSource(source: JobSource): string {
  return source.kind === 's3' ? `s3://${source.bucket}/${source.prefix}` : source.folder;
}

export async function listExtracts(source: JobSource, s3: S3SourceOptions = {}): Promise<ListedExtract[]> {
  const listed = source.kind === 's3' ? await listS3(source, s3) : await listFolder(source.folder);
  return listed.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}

/** True when the ledger's identity is the object listed: same URI and size, and same ETag (S3) or modification time (a file). */
export function sameObject(listed: ListedExtract, identity: ExtractIdentity): boolean {
  if (identity.uri !== listed.uri || identity.size !== listed.size) return false;
  return listed.etag !== undefined ? identity.etag === listed.etag : identity.lastModified === listed.lastModified;
}

/** The settings that choose where S3 is, as `mapc job` takes them. */
const S3_ENDPOINT_FLAGS = '--s3-endpoint (MAPC_S3_ENDPOINT) and --region (MAPC_REGION)';

/** A listing's requests are retried by the SDK (unlike the byte source's, which retries itself). */
const LIST_ATTEMPTS = 3;

/** Listed with the given client (left open), else with one made here. */
async function listS3(source: { bucket: string; prefix: string }, settings: S3SourceOptions): Promise<ListedExtract[]> {
  const client = settings.client ?? createS3Client(settings, LIST_ATTEMPTS);
  const where = `s3://${source.bucket}/${source.prefix}`;
  const found: ListedExtract[] = [];
  try {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await client.send(
          new ListObjectsV2Command({
            Bucket: source.bucket,
            Prefix: source.prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (error) {
        const unreachable = describeConnectionError(error, {
          service: 'S3',
          endpoint: settings.endpoint,
          region: settings.region,
          flags: S3_ENDPOINT_FLAGS,
        });
        if (unreachable !== null)
          throw new Error(`${where}: cannot list the extracts: ${unreachable}`, { cause: error });
        throw new Error(
          `${where}: cannot list the extracts (${(error as Error).name}: ${(error as Error).message}); ` +
            'check the bucket and prefix, and that the job may s3:ListBucket on them',
        );
      }
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || !EXTRACT_NAME.test(object.Key)) continue;
        found.push({
          uri: `s3://${source.bucket}/${object.Key}`,
          name: object.Key.slice(source.prefix.length),
          size: object.Size ?? 0,
          ...(object.ETag !== undefined ? { etag: object.ETag.replace(/^"|"$/g, '') } : {}),
          ...(object.LastModified !== undefined ? { lastModified: object.LastModified.toISOString() } : {}),
          location: { kind: 's3', bucket: source.bucket, key: object.Key },
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    if (!settings.client) client.destroy();
  }
  return found;
}

async function listFolder(folder: string): Promise<ListedExtract[]> {
  let names: string[];
  try {
    names = await readdir(folder, { recursive: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new Error(
      code === 'ENOENT'
        ? `${folder}: no such folder — check --source`
        : `${folder}: cannot list the extracts: ${(error as Error).message}`,
    );
  }
  const found: ListedExtract[] = [];
  for (const name of names) {
    if (!EXTRACT_NAME.test(name)) continue;
    const path = join(folder, name);
    const stats = await stat(path);
    if (!stats.isFile()) continue;
    found.push({
      uri: path,
      name: relative(folder, path),
      size: stats.size,
      lastModified: stats.mtime.toISOString(),
      location: { kind: 'local', path },
    });
  }
  return found;
}
