/*
 * A ByteSource over one S3 object, read with range GETs: the ZIP reader asks for the tail,
 * the central directory and each opened entry's range (in the entry stream's 1 MiB chunks),
 * and each ask is one GET of exactly those bytes, so entries a plan skips are never fetched.
 *
 * The object is pinned by one HEAD (size, ETag, VersionId, LastModified). Every GET carries
 * If-Match with that ETag (and the VersionId when the bucket is versioned), and the ETag and
 * total size of every answer are compared too (a local S3 may ignore If-Match): an object
 * replaced mid-run fails loudly instead of mixing two archives into one run.
 *
 * A response that sends no byte for `idleTimeoutMs` is aborted. Transient failures (5xx,
 * throttling, connection resets, that idle timeout) are retried with exponential backoff
 * and full jitter; a retry asks only for the bytes not yet received. The clients built here
 * leave retrying to this file (maxAttempts 1), because the SDK cannot see a body that stalls.
 *
 * Every error names s3://bucket/key and says what to do.
 */
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ByteSource } from './byte-source.js';

export interface S3ObjectAddress {
  bucket: string;
  key: string;
}

/** What one HEAD said about the object; every later GET must see the same object. */
export interface S3ObjectFacts {
  size: number;
  /** As S3 sends it, quoted. */
  etag?: string;
  versionId?: string;
  lastModified?: Date;
}

export interface S3ClientSettings {
  region?: string;
  /** A local or compatible S3 (http://127.0.0.1:4568): addressed path-style. */
  endpoint?: string;
}

export interface S3SourceOptions extends S3ClientSettings {
  /** Used as it is (with its own retry settings); else one is built from region and endpoint and destroyed on close. */
  client?: S3Client;
  /** A request whose response sends no byte for this long is aborted and retried. Default 30 s. */
  idleTimeoutMs?: number;
  /** Tries per request, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff before the n-th retry: a random delay up to min(maxBackoffMs, baseBackoffMs·2^(n-1)). Defaults 250 ms, 10 s. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Why a read failed, for callers that act on it (a changed object: run again on the new one). */
export type S3FailureReason =
  'changed' | 'missing-key' | 'missing-bucket' | 'access-denied' | 'unavailable' | 'configuration' | 'other';

export class S3ReadError extends Error {
  constructor(
    message: string,
    readonly reason: S3FailureReason,
  ) {
    super(message);
    this.name = 'S3ReadError';
  }
}

export function s3Uri(address: S3ObjectAddress): string {
  return `s3://${address.bucket}/${address.key}`;
}

/**
 * A client with the default credential chain; with an endpoint, path-style and (unless given)
 * region us-east-1. One attempt per request by default: the byte source retries itself.
 */
export function createS3Client(settings: S3ClientSettings = {}, maxAttempts = 1): S3Client {
  const region = settings.region ?? (settings.endpoint !== undefined ? 'us-east-1' : undefined);
  return new S3Client({
    ...(region !== undefined ? { region } : {}),
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    // A bucket in another region than the configured one answers with a redirect: follow it.
    followRegionRedirects: true,
    maxAttempts,
  });
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_BACKOFF_MS = 250;
const DEFAULT_MAX_BACKOFF_MS = 10_000;

export class S3ByteSource implements ByteSource {
  readonly name: string;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly idleTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private facts: Promise<S3ObjectFacts> | null = null;
  private closed = false;

  constructor(
    readonly address: S3ObjectAddress,
    options: S3SourceOptions = {},
  ) {
    this.name = s3Uri(address);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createS3Client(options);
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.baseBackoffMs = options.baseBackoffMs ?? DEFAULT_BASE_BACKOFF_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    this.endpoint = options.endpoint;
  }

  /** The S3-compatible endpoint given (--s3-endpoint), for messages; undefined for AWS S3. */
  private readonly endpoint?: string;

  /** The pinned object: one HEAD, on first use. */
  head(): Promise<S3ObjectFacts> {
    this.facts ??= this.withRetries('HEAD', () => this.headOnce(), false).catch((error: unknown) => {
      this.facts = null;
      throw error;
    });
    return this.facts;
  }

  async size(): Promise<number> {
    return (await this.head()).size;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (this.closed) throw new Error(`${this.name}: read after close`);
    const facts = await this.head();
    if (offset + length > facts.size) {
      throw new S3ReadError(
        `${this.name}: object ends at byte ${facts.size}, asked for bytes up to ${offset + length} — the archive is truncated; upload the extract again`,
        'other',
      );
    }
    const target = Buffer.allocUnsafe(length);
    const progress = { filled: 0 };
    if (length === 0) return target;
    await this.withRetries(
      `bytes ${offset}-${offset + length - 1}`,
      () => this.fetchRest(target, offset, progress, facts),
      true,
    );
    return target;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsClient) this.client.destroy();
  }

  private async headOnce(): Promise<S3ObjectFacts> {
    const { bucket: Bucket, key: Key } = this.address;
    const response = await this.withIdleTimeout('HEAD', (signal) =>
      this.client.send(new HeadObjectCommand({ Bucket, Key }), { abortSignal: signal }),
    );
    if (response.ContentLength === undefined)
      throw new S3ReadError(`${this.name}: HEAD returned no Content-Length`, 'other');
    return {
      size: response.ContentLength,
      ...(response.ETag !== undefined ? { etag: response.ETag } : {}),
      ...(response.VersionId !== undefined && response.VersionId !== 'null' ? { versionId: response.VersionId } : {}),
      ...(response.LastModified !== undefined ? { lastModified: response.LastModified } : {}),
    };
  }

  // Fetches target's bytes from progress.filled on; what arrives stays in target when the
  // response fails midway, so a retry asks only for the rest.
  private async fetchRest(
    target: Buffer,
    offset: number,
    progress: { filled: number },
    facts: S3ObjectFacts,
  ): Promise<void> {
    const first = offset + progress.filled;
    const last = offset + target.length - 1;
    const { bucket: Bucket, key: Key } = this.address;
    const command = new GetObjectCommand({
      Bucket,
      Key,
      Range: `bytes=${first}-${last}`,
      ...(facts.etag !== undefined ? { IfMatch: facts.etag } : {}),
      ...(facts.versionId !== undefined ? { VersionId: facts.versionId } : {}),
    });
    await this.withIdleTimeout(`GET bytes ${first}-${last}`, async (signal, touch, adopt) => {
      const response = await this.client.send(command, { abortSignal: signal });
      const body = response.Body;
      if (!(body instanceof Readable)) throw new S3ReadError(`${this.name}: GET returned no readable body`, 'other');
      adopt(body);
      touch();
      this.checkSameObject(facts, response.ETag, response.ContentRange, first);
      for await (const chunk of body as AsyncIterable<Buffer>) {
        touch();
        if (progress.filled + chunk.length > target.length) {
          throw new S3ReadError(
            `${this.name}: the server sent more bytes than bytes=${first}-${last} asks for — it does not honour range requests`,
            'other',
          );
        }
        chunk.copy(target, progress.filled);
        progress.filled += chunk.length;
      }
      if (progress.filled < target.length)
        throw new ShortResponse(`the response ended after ${progress.filled} of ${target.length} bytes`);
    });
  }

  private checkSameObject(
    facts: S3ObjectFacts,
    etag: string | undefined,
    contentRange: string | undefined,
    first: number,
  ): void {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '');
    if (etag !== undefined && facts.etag !== undefined && etag !== facts.etag) {
      throw this.changed(`its ETag was ${facts.etag} when the run began and is ${etag} now`);
    }
    if (range !== null && range[3] !== '*' && Number(range[3]) !== facts.size) {
      throw this.changed(`it was ${facts.size} bytes when the run began and is ${range[3]} bytes now`);
    }
    if (range !== null && Number(range[1]) !== first) {
      throw new S3ReadError(
        `${this.name}: asked for bytes from ${first}, the server sent ${contentRange} — it does not honour range requests`,
        'other',
      );
    }
  }

  /**
   * Runs one request with a watchdog: no response, or no byte of its body, for idleTimeoutMs
   * aborts it (signal) and destroys its body (adopt), and the request fails with IdleTimeout.
   */
  private async withIdleTimeout<T>(
    what: string,
    request: (signal: AbortSignal, touch: () => void, adopt: (body: Readable) => void) => Promise<T>,
  ): Promise<T> {
    const abort = new AbortController();
    let body: Readable | null = null;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
        body?.destroy();
      }, this.idleTimeoutMs);
    };
    touch();
    try {
      return await request(abort.signal, touch, (adopted) => {
        body = adopted;
      });
    } catch (error) {
      if (timedOut) throw new IdleTimeout(`${what}: no data for ${this.idleTimeoutMs / 1000} s`);
      throw error;
    } finally {
      clearTimeout(timer);
      // A body left unread (a failed check) would hold its connection open.
      const unread = body as Readable | null;
      if (unread !== null && !unread.readableEnded) unread.destroy();
    }
  }

  // `pinned`: the HEAD succeeded before, so a missing object now was deleted mid-run.
  private async withRetries<T>(what: string, attempt: () => Promise<T>, pinned: boolean): Promise<T> {
    for (let tried = 1; ; tried++) {
      try {
        return await attempt();
      } catch (error) {
        if (this.closed) throw new Error(`${this.name}: ${what}: the source was closed`);
        if (!isTransient(error) || tried >= this.maxAttempts) throw await this.explain(error, what, tried, pinned);
        const ceiling = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (tried - 1));
        await sleep(Math.random() * ceiling);
      }
    }
  }

  private async explain(error: unknown, what: string, tried: number, pinned: boolean): Promise<Error> {
    if (error instanceof S3ReadError) return error;
    const { name, status, code, message } = describe(error);
    const uri = this.name;
    const { bucket } = this.address;
    if (name === 'PreconditionFailed' || status === 412 || name === 'InvalidRange' || status === 416) {
      return this.changed('S3 refused the pinned version (precondition failed)');
    }
    if (pinned && (name === 'NoSuchKey' || name === 'NoSuchVersion')) return this.changed('it was deleted');
    if (name === 'NoSuchKey') return missingKey(uri, bucket);
    if (name === 'NoSuchBucket') return missingBucket(uri, bucket);
    if (name === 'NotFound' || status === 404) return this.whichIsMissing();
    if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
      return new S3ReadError(
        `${uri}: access denied — the AWS credentials in use (AWS_PROFILE, AWS_ACCESS_KEY_ID, or the attached role) need s3:GetObject on this object` +
          ' (and s3:GetObjectVersion on a versioned bucket); without s3:ListBucket on the bucket, S3 also answers "access denied" for a key that does not exist',
        'access-denied',
      );
    }
    if (name === 'CredentialsProviderError') {
      return new S3ReadError(
        `${uri}: no AWS credentials found — set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run where a role is attached`,
        'configuration',
      );
    }
    if (/region is missing/i.test(message)) {
      return new S3ReadError(`${uri}: no AWS region configured — pass --region or set AWS_REGION`, 'configuration');
    }
    if (name === 'PermanentRedirect' || status === 301) {
      return new S3ReadError(
        `${uri}: the bucket lives in another region — pass --region with the bucket's region`,
        'configuration',
      );
    }
    if (isTransient(error)) {
      const at = this.endpoint ? `S3 at ${this.endpoint}` : 'S3';
      const hint =
        code === 'ECONNREFUSED'
          ? ` — nothing answers at ${at}: check --s3-endpoint (and that the server is running)`
          : ` — ${at} or the network is unavailable; run again later`;
      return new S3ReadError(`${uri}: ${what} failed ${tried} times, last: ${message}${hint}`, 'unavailable');
    }
    if (code === 'ENOTFOUND')
      return new S3ReadError(
        `${uri}: ${message} — the host of ${this.endpoint ? `S3 at ${this.endpoint}` : 'S3'} does not resolve: check --s3-endpoint and --region`,
        'configuration',
      );
    return new S3ReadError(`${uri}: ${what}: ${name}: ${message}`, 'other');
  }

  // A HEAD on a missing object and on a missing bucket both answer a bare 404: ask the bucket.
  private async whichIsMissing(): Promise<S3ReadError> {
    const { bucket } = this.address;
    try {
      await this.withIdleTimeout('HEAD bucket', (signal) =>
        this.client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal }),
      );
    } catch (error) {
      if (describe(error).status === 404) return missingBucket(this.name, bucket);
    }
    return missingKey(this.name, bucket);
  }

  private changed(detail: string): S3ReadError {
    return new S3ReadError(
      `${this.name}: the object changed while it was being read (${detail}) — it was replaced mid-run; ` +
        'nothing from it is used: run again once the new upload is complete',
      'changed',
    );
  }
}

function missingKey(uri: string, bucket: string): S3ReadError {
  return new S3ReadError(
    `${uri}: no such object in bucket ${bucket} — check the key (it is the full path inside the bucket, case-sensitive)`,
    'missing-key',
  );
}

function missingBucket(uri: string, bucket: string): S3ReadError {
  return new S3ReadError(
    `${uri}: bucket ${bucket} does not exist — check the bucket name, and --s3-endpoint or --region`,
    'missing-bucket',
  );
}

/** No byte arrived for the idle timeout: the request was aborted and may be retried. */
class IdleTimeout extends Error {}
/** The body ended before the range did, without an error from the connection. */
class ShortResponse extends Error {}

const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function isTransient(error: unknown): boolean {
  if (error instanceof IdleTimeout || error instanceof ShortResponse) return true;
  if (error instanceof S3ReadError) return false;
  const { name, status, code, retryable } = describe(error);
  return (
    retryable ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    TRANSIENT_NAMES.has(name) ||
    (code !== undefined && TRANSIENT_CODES.has(code))
  );
}

function describe(error: unknown): {
  name: string;
  status?: number;
  code?: string;
  message: string;
  retryable: boolean;
} {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  return {
    name: typeof fields.name === 'string' ? fields.name : 'Error',
    status: fields.$metadata?.httpStatusCode,
    code: typeof fields.code === 'string' ? fields.code : undefined,
    message: typeof fields.message === 'string' && fields.message !== '' ? fields.message : String(error),
    retryable: fields.$retryable !== undefined && fields.$retryable !== null,
  };
}
