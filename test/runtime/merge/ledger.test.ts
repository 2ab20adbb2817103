// The ledger for people (runtime/merge/ledger.ts), its order rules (ledger-order.ts) and
// reading an extract no run recorded (describe-extract.ts), on a store in memory.
import { expect } from 'chai';
import { utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeExtract, extractUri } from '../../../runtime/merge/describe-extract.js';
import { listLedger, skipExtract, type DescribedExtract, type SkipRequest } from '../../../runtime/merge/ledger.js';
import { latestPerUri, unfinishedBefore } from '../../../runtime/merge/ledger-order.js';
import { MemoryStateStore } from '../../support/memory-state-store.js';
import {
  identityKey,
  type ExtractIdentity,
  type LedgerEntry,
  type LedgerStatus,
} from '../../../runtime/merge/state-store.js';
import { handmadeExtract } from './handmade-extract.js';

const identity = (uri: string, etag = 'e1'): ExtractIdentity => ({ uri, etag, size: 100 });

function entry(uri: string, status: LedgerStatus, startedAt: string, more: Partial<LedgerEntry> = {}): LedgerEntry {
  const id = more.identity ?? identity(uri);
  return {
    mapping: 'customer',
    extract: identityKey(id),
    identity: id,
    planHash: 'h',
    asOf: startedAt,
    status,
    startedAt,
    ...more,
  };
}

describe('runtime: the ledger for people', () => {
  describe('which entry holds an extract back', () => {
    it('counts only the newest entry of each URI', () => {
      const failed = entry('s3://b/a.zip', 'failed', '2026-11-01T01:00:00.000Z');
      const redelivered = entry('s3://b/a.zip', 'applied', '2026-11-01T03:00:00.000Z', {
        identity: identity('s3://b/a.zip', 'e2'),
      });
      expect(latestPerUri([redelivered, failed])).to.deep.equal([redelivered]);
      expect(unfinishedBefore([failed, redelivered], 's3://b/later.zip')).to.equal(undefined);
    });

    it('is a failed or running entry of another URI, the oldest by as_of; never one of the URI itself; never applied or skipped', () => {
      const running = entry('s3://b/b.zip', 'running', '2026-11-01T05:00:00.000Z');
      const failed = entry('s3://b/a.zip', 'failed', '2026-11-01T04:00:00.000Z', { asOf: '2026-11-01T02:00:00.000Z' });
      const skipped = entry('s3://b/c.zip', 'skipped', '2026-11-01T01:00:00.000Z');
      const applied = entry('s3://b/d.zip', 'applied', '2026-11-01T00:00:00.000Z');
      expect(unfinishedBefore([running, failed, skipped, applied], 's3://b/later.zip')).to.equal(failed);
      expect(unfinishedBefore([running, failed, skipped, applied], 's3://b/a.zip')).to.equal(running);
      expect(unfinishedBefore([skipped, applied], 's3://b/later.zip')).to.equal(undefined);
    });

    it('is the newer attempt when an applied extract is delivered again and fails', () => {
      const applied = entry('s3://b/a.zip', 'applied', '2026-11-01T01:00:00.000Z');
      const failedAgain = entry('s3://b/a.zip', 'failed', '2026-11-01T03:00:00.000Z', {
        identity: identity('s3://b/a.zip', 'e2'),
      });
      expect(unfinishedBefore([applied, failedAgain], 's3://b/later.zip')).to.equal(failedAgain);
    });
  });

  describe('listLedger', () => {
    it('lists oldest as_of first, with the counts of the run report and how long the run took', async () => {
      const store = new MemoryStateStore();
      const report = JSON.stringify({
        tables: {
          customers: { read: 3, retried: 0, rejected: 1, parked: 0 },
          order_lines: { read: 5, retried: 2, rejected: 0, parked: 4 },
        },
        items: { Customer: { built: 3, written: 2, filtered: 1 } },
        rejects: 1,
      });
      await store.recordLedger(
        entry('s3://b/late.zip', 'applied', '2026-11-02T00:00:00.000Z', {
          asOf: '2026-11-01T08:00:00.000Z',
          finishedAt: '2026-11-02T00:00:02.500Z',
          report,
        }),
      );
      await store.recordLedger(
        entry('s3://b/early.zip', 'skipped', '2026-11-03T00:00:00.000Z', {
          asOf: '2026-11-01T02:00:00.000Z',
          skipReason: 'broken',
        }),
      );
      await store.recordLedger(
        entry('s3://b/other.zip', 'applied', '2026-11-01T00:00:00.000Z', { mapping: 'product' }),
      );
      const listed = await listLedger(store, 'customer');
      expect(listed.map((e) => e.identity.uri)).to.deep.equal(['s3://b/early.zip', 's3://b/late.zip']);
      expect(listed[0]).to.not.have.property('counts');
      expect(listed[0]).to.include({ status: 'skipped', skipReason: 'broken' });
      expect(listed[1].counts).to.deep.equal({
        rowsRead: 8,
        rowsRetried: 2,
        rowsRejected: 1,
        rowsParked: 4,
        itemsWritten: 2,
      });
      expect(listed[1].seconds).to.equal(2.5);
      expect(listed[1]).to.not.have.property('report');
    });
  });

  describe('skipExtract', () => {
    const request = (store: MemoryStateStore, more: Partial<SkipRequest> = {}): SkipRequest => ({
      mappings: [
        { mapping: 'customer', planHash: 'h-customer' },
        { mapping: 'product', planHash: 'h-product' },
      ],
      uri: 's3://b/a.zip',
      reason: 'truncated upload',
      by: 'ann@host',
      now: () => new Date('2026-11-04T09:00:00.000Z'),
      describeExtract: async () => {
        throw new Error('the extract was read, but the ledger has it');
      },
      ...more,
    });

    it('records the skip against the newest entry of the URI, keeping its identity and error', async () => {
      const store = new MemoryStateStore();
      const older = entry('s3://b/a.zip', 'failed', '2026-11-01T01:00:00.000Z', { error: 'first try' });
      const newer = entry('s3://b/a.zip', 'failed', '2026-11-01T03:00:00.000Z', {
        identity: identity('s3://b/a.zip', 'e2'),
        error: 'has no file for table orders',
      });
      for (const e of [older, newer, { ...newer, mapping: 'product' }]) await store.recordLedger(e);
      const result = await skipExtract(store, request(store));
      const skip = {
        status: 'skipped',
        skippedAt: '2026-11-04T09:00:00.000Z',
        skippedBy: 'ann@host',
        skipReason: 'truncated upload',
      };
      expect(result).to.deep.equal({
        ok: true,
        skipped: [
          { entry: { ...newer, ...skip }, previously: 'failed' },
          { entry: { ...newer, mapping: 'product', ...skip }, previously: 'failed' },
        ],
      });
      expect((await store.ledger('customer')).find((e) => e.extract === newer.extract)).to.deep.equal({
        ...newer,
        ...skip,
      });
      expect(unfinishedBefore(await store.ledger('customer'), 's3://b/later.zip')).to.equal(undefined);
    });

    it('reads an extract no run recorded, once, and records it skipped with its identity and as_of', async () => {
      const store = new MemoryStateStore();
      let reads = 0;
      const described: DescribedExtract = {
        identity: identity('s3://b/a.zip', 'e9'),
        asOf: '2026-11-01T02:00:00.000Z',
        asOfFrom: 'its _manifest.json',
      };
      const result = await skipExtract(store, request(store, { describeExtract: async () => (reads++, described) }));
      expect(reads).to.equal(1);
      expect(result.ok).to.equal(true);
      const [recorded] = await store.ledger('product');
      expect(recorded).to.deep.equal({
        mapping: 'product',
        extract: identityKey(described.identity),
        identity: described.identity,
        planHash: 'h-product',
        asOf: '2026-11-01T02:00:00.000Z',
        status: 'skipped',
        startedAt: '2026-11-04T09:00:00.000Z',
        skippedAt: '2026-11-04T09:00:00.000Z',
        skippedBy: 'ann@host',
        skipReason: 'truncated upload',
      });
    });

    it('refuses an extract a mapping applied, naming it, and records nothing for any mapping', async () => {
      const store = new MemoryStateStore();
      const failed = entry('s3://b/a.zip', 'failed', '2026-11-01T01:00:00.000Z');
      await store.recordLedger(failed);
      await store.recordLedger({ ...entry('s3://b/a.zip', 'applied', '2026-11-01T01:00:00.000Z'), mapping: 'product' });
      const result = await skipExtract(store, request(store));
      expect(result).to.deep.equal({
        ok: false,
        error:
          's3://b/a.zip was applied for mapping product: its rows are merged, so it cannot be skipped there, and nothing was skipped',
        appliedFor: ['product'],
      });
      expect(await store.ledger('customer')).to.deep.equal([failed]);
    });

    it('refuses while a run holds the lease, and without a reason', async () => {
      const store = new MemoryStateStore();
      await store.acquireLease('nightly', 60_000);
      const held = await skipExtract(store, request(store));
      expect(held.ok).to.equal(false);
      expect(!held.ok && held.error).to.match(
        /^a run \(nightly\) holds the lease until .*, so nothing was skipped: skip once it has finished/,
      );
      await store.releaseLease('nightly');
      const reasonless = await skipExtract(store, request(store, { reason: '  ' }));
      expect(!reasonless.ok && reasonless.error).to.equal(
        'give the reason for skipping the extract: the ledger shows it to whoever looks later',
      );
      expect(await store.ledger('customer')).to.deep.equal([]);
      expect(await store.acquireLease('next', 1000)).to.deep.equal({ ok: true });
    });

    it('says what to do when an unrecorded extract cannot be read, and records nothing', async () => {
      const store = new MemoryStateStore();
      await store.recordLedger({ ...entry('s3://b/a.zip', 'failed', '2026-11-01T01:00:00.000Z'), mapping: 'product' });
      let error: Error | undefined;
      await skipExtract(
        store,
        request(store, {
          describeExtract: async () => {
            throw new Error('/nope.zip: no such file');
          },
        }),
      ).catch((e: Error) => (error = e));
      expect(error?.message).to.equal(
        's3://b/a.zip is not in the ledger, and reading it to record the skip failed: /nope.zip: no such file. ' +
          "Give the extract as `mapc ledger` shows it (s3://bucket/key, or the file's path)",
      );
      expect(await store.ledger('customer')).to.deep.equal([]);
      expect((await store.ledger('product'))[0].status).to.equal('failed');
      expect(await store.acquireLease('next', 1000)).to.deep.equal({ ok: true });
    });
  });

  describe('describeExtract', () => {
    it('names an extract as the ledger does', () => {
      expect(extractUri('S3://bucket/dir/x.zip')).to.equal('s3://bucket/dir/x.zip');
      expect(extractUri('out/x.zip')).to.equal(resolve('out/x.zip'));
    });

    it('takes as_of as given, else from the manifest, else (also when the archive is broken) from the modification time', async () => {
      const path = await handmadeExtract('2026-11-01T02:00:00Z', {});
      const fromManifest = await describeExtract(path);
      expect(fromManifest).to.include({ asOf: '2026-11-01T02:00:00.000Z', asOfFrom: 'its _manifest.json' });
      expect(fromManifest.identity.uri).to.equal(resolve(path));
      expect(await describeExtract(path, {}, '2026-10-31')).to.include({
        asOf: '2026-10-31T00:00:00.000Z',
        asOfFrom: 'the given --as-of',
      });

      const broken = join(path, '..', 'broken.zip');
      writeFileSync(broken, 'not a zip archive');
      utimesSync(broken, new Date('2026-11-01T05:00:00Z'), new Date('2026-11-01T05:00:00Z'));
      const fromTime = await describeExtract(broken);
      expect(fromTime.asOf).to.equal('2026-11-01T05:00:00.000Z');
      expect(fromTime.asOfFrom).to.match(/^its modification time \(its manifest could not be read: .+\)$/);
    });
  });
});
