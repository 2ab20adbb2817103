/*
 * A local S3 for examples and tests: s3rver in this process, on 127.0.0.1 and a free port,
 * storing into a fresh temporary folder that is removed on stop.
 *
 *   node --import tsx examples/local-servers/s3-server.ts --bucket extracts [--bucket more]
 *
 * prints the endpoint (pass it to mapc as --endpoint) and runs until Ctrl-C.
 *
 * What s3rver 3.7 does and does not do, read from its source (lib/controllers/object.js,
 * lib/stores/filesystem.js), matters to the S3 byte source tested against it:
 * - Range GETs: yes (`bytes=a-b`, 206 with Content-Range). One quirk: `bytes=0-0` returns
 *   the whole object, because it reads the end with `end || Infinity`.
 * - ETag (quoted MD5) and Last-Modified: yes, on GET and HEAD (HEAD shares the GET handler).
 * - If-Match: ignored (only If-None-Match and If-Modified-Since are honoured), so a replaced
 *   object is not refused with 412 here. The S3 source therefore also compares the ETag of
 *   every response with the one it pinned, which catches a replacement on any server.
 * - Versioning: none, so no VersionId is ever returned.
 * - Credentials: V4 signatures are checked against one built-in key pair, S3RVER/S3RVER.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The one key pair s3rver accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

export interface LocalS3Server {
  /** `http://127.0.0.1:<port>`: the endpoint to give an S3 client (with forcePathStyle). */
  endpoint: string;
  port: number;
  /** Where s3rver keeps buckets and objects; removed by stop(). */
  directory: string;
  stop(): Promise<void>;
}

// s3rver ships no type declarations: describe the little of it used here.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;

export async function startS3Server(options: { buckets?: string[] } = {}): Promise<LocalS3Server> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const directory = await mkdtemp(join(tmpdir(), 'mapc-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | null = null;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    directory,
    stop() {
      stopped ??= server.close().finally(() => rm(directory, { recursive: true, force: true }));
      return stopped;
    },
  };
}

/** A client for the local server: path-style addressing (no bucket subdomains on 127.0.0.1). */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
}

/** Uploads a local file as `s3://bucket/key`; returns the object's ETag. */
export async function putFile(
  endpoint: string,
  bucket: string,
  key: string,
  path: string,
): Promise<string | undefined> {
  const client = localS3Client(endpoint);
  try {
    // A Buffer body, not a stream: the SDK then sends a plain signed PUT with a length,
    // which s3rver understands (it does not decode chunked uploads).
    const result = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(path) }));
    return result.ETag;
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { bucket: { type: 'string', multiple: true } }, strict: true });
  const buckets = values.bucket ?? [];
  const server = await startS3Server({ buckets });
  process.stdout.write(`s3rver at ${server.endpoint} (data in ${server.directory})\n`);
  process.stdout.write(
    `buckets: ${buckets.join(', ') || 'none (pass --bucket NAME)'}; credentials ${S3RVER_CREDENTIALS.accessKeyId}/${S3RVER_CREDENTIALS.secretAccessKey}\n`,
  );
  process.stdout.write('Ctrl-C stops it and removes the data.\n');
  process.once('SIGINT', () => {
    server.stop().then(
      () => process.stdout.write('stopped\n'),
      (error: unknown) => {
        process.stderr.write(`s3-server: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  });
}

// Run as a program only, not when a test imports startS3Server.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`s3-server: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
