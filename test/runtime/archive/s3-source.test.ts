// The S3 byte source against a real S3 API (s3rver, in this process): the same entries and
// bytes as the local file, no GET of a skipped entry, errors that name s3://bucket/key, a
// replaced object refused, and a stalled response aborted and resumed.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { ByteSource } from '../../../runtime/archive/byte-source.js';
import { listEntries, type ArchiveEntry } from '../../../runtime/archive/central-directory.js';
import { openEntry } from '../../../runtime/archive/entry-stream.js';
import { openExtract, parseExtractLocation } from '../../../runtime/archive/extract-location.js';
import { LocalFileSource } from '../../../runtime/archive/local-file-source.js';
import { S3ByteSource, type S3SourceOptions } from '../../../runtime/archive/s3-source.js';
import { writeExtract } from '../../../examples/extract-generator/write-extract.js';
import {
  localS3Client,
  putFile,
  startS3Server,
  type LocalS3Server,
} from '../../../examples/local-servers/s3-server.js';
import { zipBytes } from '../fixtures/zip-bytes.js';

const BUCKET = 'extracts';
const KEY = 'warehouse/2026-11-01/base.zip';
/** Fast failure paths: tests must not wait for production timeouts and backoffs. */
const QUICK: S3SourceOptions = { idleTimeoutMs: 300, maxAttempts: 3, baseBackoffMs: 1, maxBackoffMs: 5 };

interface SentCommand {
  command: string;
  input: { Key?: string; Range?: string; IfMatch?: string };
}

/** A client for the server that records every command it sends (the server is real). */
function recordingClient(endpoint: string): { client: S3Client; sent: SentCommand[] } {
  const client = localS3Client(endpoint);
  const sent: SentCommand[] = [];
  const send = client.send.bind(client);
  client.send = ((command: { constructor: { name: string }; input: SentCommand['input'] }, options?: unknown) => {
    sent.push({ command: command.constructor.name, input: command.input });
    return (send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
  }) as S3Client['send'];
  return { client, sent };
}

function getRanges(sent: SentCommand[]): Array<{ first: number; last: number }> {
  return sent
    .filter((s) => s.command === 'GetObjectCommand')
    .map((s) => {
      const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(s.input.Range ?? '') ?? [];
      return { first: Number(first), last: Number(last) };
    });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

async function upload(server: LocalS3Server, key: string, bytes: Buffer): Promise<void> {
  const client = localS3Client(server.endpoint);
  try {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
  } finally {
    client.destroy();
  }
}

function entryNamed(entries: ArchiveEntry[], name: string): ArchiveEntry {
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no entry ${name}`);
  return entry;
}

/**
 * The stall injector: an HTTP proxy in front of s3rver that passes every request through,
 * except that up to `stalls` GETs get their status, headers and half of their body and then
 * nothing more (or, with `beforeHeaders`, not even the headers). With `firstTriesOnly`, only
 * a GET for a range end not asked for before stalls, so every retry of a read goes through.
 */
async function startStallInjector(upstreamPort: number) {
  const state = { stalls: 0, beforeHeaders: false, firstTriesOnly: false, stalled: 0, rangeEnds: new Set<string>() };
  const server = http.createServer((request, response) => {
    const rangeEnd = String(request.headers.range).replace(/^.*-/, '');
    const retry = state.rangeEnds.has(rangeEnd);
    state.rangeEnds.add(rangeEnd);
    const stall = request.method === 'GET' && state.stalls > 0 && !(state.firstTriesOnly && retry);
    if (stall) {
      state.stalls--;
      state.stalled++;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: request.method, path: request.url, headers: request.headers },
      async (answer) => {
        if (!stall) {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        }
        const body = await readAll(answer);
        if (state.beforeHeaders) return;
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        response.write(body.subarray(0, Math.floor(body.length / 2)));
      },
    );
    request.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('S3 byte source (against s3rver)', function () {
  let server: LocalS3Server;
  let folder: string;
  let extractPath: string;
  let local: ByteSource;
  let localEntries: ArchiveEntry[];
  const sourcesToClose: ByteSource[] = [];

  function s3Source(client: S3Client, options: S3SourceOptions = {}, key = KEY): S3ByteSource {
    const source = new S3ByteSource({ bucket: BUCKET, key }, { client, ...QUICK, ...options });
    sourcesToClose.push(source);
    return source;
  }

  before(async () => {
    server = await startS3Server({ buckets: [BUCKET] });
    folder = await mkdtemp(join(tmpdir(), 'mapc-s3-source-'));
    extractPath = join(folder, 'base.zip');
    await writeExtract({ seed: 1, customers: 40, deltaCustomers: 2, sequence: 0, out: extractPath, rowsPerPart: 150 });
    await putFile(server.endpoint, BUCKET, KEY, extractPath);
    local = new LocalFileSource(extractPath);
    localEntries = await listEntries(local);
  });

  afterEach(async () => {
    await Promise.all(sourcesToClose.splice(0).map((source) => source.close()));
  });

  after(async () => {
    await local?.close();
    await server?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('lists the same entries and reads the same bytes as the local file', async () => {
    const { client, sent } = recordingClient(server.endpoint);
    const source = s3Source(client);
    const entries = await listEntries(source);
    expect(entries).to.deep.equal(localEntries);
    expect(entries.length).to.be.greaterThan(8);
    for (const entry of entries) {
      const [fromS3, fromDisk] = await Promise.all([
        readAll(openEntry(source, entry)),
        readAll(openEntry(local, entry)),
      ]);
      expect(fromS3.equals(fromDisk), entry.name).to.equal(true);
    }
    // One HEAD; then the tail, the central directory, and per entry its local header and data.
    expect(sent.filter((s) => s.command === 'HeadObjectCommand')).to.have.length(1);
    expect(getRanges(sent)).to.have.length(2 + 2 * entries.length);
    client.destroy();
  });

  it('reads an entry in the chunks the entry stream asks for, one GET each', async () => {
    const { client, sent } = recordingClient(server.endpoint);
    const source = s3Source(client);
    const entry = [...localEntries].sort((a, b) => b.compressedSize - a.compressedSize)[0];
    const chunk = 4096;
    sent.length = 0;
    expect((await readAll(openEntry(source, entry, chunk))).equals(await readAll(openEntry(local, entry)))).to.equal(
      true,
    );
    const [header, ...data] = getRanges(sent);
    expect(header).to.deep.equal({ first: entry.localHeaderOffset, last: entry.localHeaderOffset + 29 });
    expect(data).to.have.length(Math.ceil(entry.compressedSize / chunk));
    expect(data.slice(0, -1).every((range) => range.last - range.first + 1 === chunk)).to.equal(true);
    client.destroy();
  });

  it('sends no GET for the bytes of entries that are not opened', async () => {
    const { client, sent } = recordingClient(server.endpoint);
    const source = s3Source(client);
    const entries = await listEntries(source);
    const wanted = entryNamed(entries, 'warehouses.csv');
    sent.length = 0;
    await readAll(openEntry(source, wanted));
    const ranges = getRanges(sent);
    expect(ranges.length).to.equal(2);
    const ordered = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    const next = ordered[ordered.indexOf(wanted) + 1];
    for (const range of ranges) {
      expect(range.first).to.be.at.least(wanted.localHeaderOffset);
      expect(range.last).to.be.below(next.localHeaderOffset);
    }
    client.destroy();
  });

  it('pins the object: every GET carries If-Match with the ETag of the HEAD', async () => {
    const { client, sent } = recordingClient(server.endpoint);
    const source = s3Source(client);
    const { etag } = await source.head();
    await listEntries(source);
    const gets = sent.filter((s) => s.command === 'GetObjectCommand');
    expect(etag).to.match(/^"[0-9a-f]+"$/);
    expect(gets.map((s) => s.input.IfMatch)).to.deep.equal([etag, etag]);
    client.destroy();
  });

  it('fails with "object changed" when the object is replaced mid-read', async () => {
    const key = 'replaced/extract.zip';
    await upload(server, key, await readFile(extractPath));
    const client = localS3Client(server.endpoint);
    const source = s3Source(client, {}, key);
    const entries = await listEntries(source);
    // Same size, one byte different: only the ETag tells the two objects apart.
    const replacement = await readFile(extractPath);
    replacement[entries[0].localHeaderOffset + 40] ^= 0x01;
    await upload(server, key, replacement);
    const message = await failure(readAll(openEntry(source, entries[0])));
    expect(message).to.match(/^s3:\/\/extracts\/replaced\/extract\.zip: the object changed while it was being read/);
    expect(message).to.contain('run again');
    client.destroy();
  });

  it('names s3://bucket/key and what to do when the key or the bucket is missing', async () => {
    const client = localS3Client(server.endpoint);
    const missingKey = await failure(openExtract(`s3://${BUCKET}/no/such.zip`, { client, ...QUICK }));
    expect(missingKey).to.equal(
      `s3://${BUCKET}/no/such.zip: no such object in bucket ${BUCKET} — check the key (it is the full path inside the bucket, case-sensitive)`,
    );
    const missingBucket = await failure(openExtract('s3://no-such-bucket/x.zip', { client, ...QUICK }));
    expect(missingBucket).to.equal(
      's3://no-such-bucket/x.zip: bucket no-such-bucket does not exist — check the bucket name, and --s3-endpoint or --region',
    );
    client.destroy();
  });

  it('names S3, the endpoint and --s3-endpoint (the S3 flag) when nothing answers', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
    try {
      const message = await failure(
        openExtract(`s3://${BUCKET}/x.zip`, {
          endpoint: 'http://127.0.0.1:1',
          region: 'us-east-1',
          ...QUICK,
          maxAttempts: 1,
        }),
      );
      expect(message).to.contain('nothing answers at S3 at http://127.0.0.1:1: check --s3-endpoint');
      expect(message).not.to.match(/check --endpoint/);
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('gives an identity that stays for the same object and changes when it is replaced', async () => {
    const client = localS3Client(server.endpoint);
    const key = 'identity/extract.zip';
    await upload(server, key, await readFile(extractPath));
    const first = await openExtract(`s3://${BUCKET}/${key}`, { client });
    const again = await openExtract(`s3://${BUCKET}/${key}`, { client });
    sourcesToClose.push(first.source, again.source);
    expect(first.identity).to.deep.equal(again.identity);
    expect(first.identity).to.include({ uri: `s3://${BUCKET}/${key}`, size: (await readFile(extractPath)).length });
    expect(first.identity.etag).to.match(/^[0-9a-f]{32}$/);
    expect(first.identity.lastModified).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await upload(server, key, await zipBytes({ 'customers.csv': 'customer_id\n1\n' }));
    const replaced = await openExtract(`s3://${BUCKET}/${key}`, { client });
    sourcesToClose.push(replaced.source);
    expect(replaced.identity.etag).to.not.equal(first.identity.etag);
    expect(await listEntries(replaced.source)).to.have.length(1);
    client.destroy();
  });

  it('opens a local path as a local file, with its absolute path, size and time as identity', async () => {
    const { source, identity } = await openExtract(extractPath);
    sourcesToClose.push(source);
    expect(source).to.be.instanceOf(LocalFileSource);
    expect(identity).to.deep.equal({
      uri: resolve(extractPath),
      size: (await readFile(extractPath)).length,
      lastModified: identity.lastModified,
    });
    expect(await listEntries(source)).to.deep.equal(localEntries);
    expect(await failure(openExtract(join(folder, 'missing.zip')))).to.equal(
      `${join(folder, 'missing.zip')}: no such file — check the --extract path`,
    );
  });

  it('parses --extract: s3://bucket/key (slashes in the key) or a local path', () => {
    expect(parseExtractLocation('s3://extracts/a/b/c.zip')).to.deep.equal({
      kind: 's3',
      bucket: 'extracts',
      key: 'a/b/c.zip',
    });
    expect(parseExtractLocation('./a/b.zip')).to.deep.equal({ kind: 'local', path: './a/b.zip' });
    expect(parseExtractLocation('/data/s3:/x.zip')).to.deep.equal({ kind: 'local', path: '/data/s3:/x.zip' });
    expect(() => parseExtractLocation('s3://extracts')).to.throw(
      '--extract s3://extracts: no object key after the bucket',
    );
    expect(() => parseExtractLocation('s3://extracts/')).to.throw('no object key after the bucket');
    expect(() => parseExtractLocation('s3://extracts/daily/')).to.throw('names a folder, not an object');
    expect(() => parseExtractLocation('s3://')).to.throw('--extract s3://: no bucket');
  });

  describe('through a stall injector', function () {
    let injector: Awaited<ReturnType<typeof startStallInjector>>;

    before(async () => {
      injector = await startStallInjector(server.port);
    });
    after(async () => {
      await injector?.stop();
    });
    beforeEach(() => {
      Object.assign(injector.state, {
        stalls: 0,
        beforeHeaders: false,
        firstTriesOnly: false,
        stalled: 0,
        rangeEnds: new Set<string>(),
      });
    });

    it('aborts a body that stalls and resumes from the first byte not received', async () => {
      const { client, sent } = recordingClient(injector.endpoint);
      const source = s3Source(client);
      const entries = await listEntries(source);
      const entry = entryNamed(entries, 'customers.csv');
      sent.length = 0;
      Object.assign(injector.state, { stalls: 2, firstTriesOnly: true }); // the local header, then the data
      const started = Date.now();
      const bytes = await readAll(openEntry(source, entry));
      expect(bytes.equals(await readAll(openEntry(local, entry)))).to.equal(true);
      expect(injector.state.stalled).to.equal(2);
      const [header, headerRest, data, dataRest] = getRanges(sent);
      expect(headerRest).to.deep.equal({ first: header.first + 15, last: header.last });
      expect(dataRest.first).to.equal(data.first + Math.floor((data.last - data.first + 1) / 2));
      expect(dataRest.last).to.equal(data.last);
      expect(Date.now() - started).to.be.within(2 * 300, 3000);
      client.destroy();
    });

    it('retries a response whose headers never come', async () => {
      const { client } = recordingClient(injector.endpoint);
      const source = s3Source(client);
      Object.assign(injector.state, { stalls: 1, beforeHeaders: true });
      expect(await listEntries(source)).to.deep.equal(localEntries);
      expect(injector.state.stalled).to.equal(1);
      client.destroy();
    });

    it('gives up after maxAttempts with an error that names the object', async () => {
      const { client } = recordingClient(injector.endpoint);
      const source = s3Source(client, { maxAttempts: 2 });
      await source.head();
      injector.state.stalls = 2;
      const message = await failure(source.read(0, 100));
      expect(message).to.equal(
        `s3://${BUCKET}/${KEY}: bytes 0-99 failed 2 times, last: GET bytes 50-99: no data for 0.3 s — S3 or the network is unavailable; run again later`,
      );
      client.destroy();
    });
  });
});
