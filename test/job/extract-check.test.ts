// checkExtract: one extract's state in each mapping's ledger, as the check step of a sharded
// job prints it: done when applied (whole, or by every shard of one count) or skipped, and per
// shard count which shards applied it, failed, still run, or never started.
import { expect } from 'chai';
import { checkExtract } from '../../runtime/job/extract-check.js';
import type { ListedExtract } from '../../runtime/job/list-extracts.js';
import type { LedgerEntry, LedgerStatus } from '../../runtime/merge/state-store.js';

const URI = 's3://extracts/daily/base.zip';
const listed: ListedExtract = {
  uri: URI,
  name: 'base.zip',
  size: 100,
  etag: 'e1',
  location: { kind: 's3', bucket: 'extracts', key: 'daily/base.zip' },
};
const identity = { uri: URI, size: 100, etag: 'e1' };

function entry(mapping: string, status: LedgerStatus, shard?: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    mapping,
    extract: `${URI}|e1|100`,
    identity,
    planHash: 'h',
    status,
    startedAt: `2026-01-01T00:00:0${shard ? shard[0] : '9'}Z`,
    ...(shard ? { shard } : {}),
    ...extra,
  };
}

describe('checkExtract: is an extract applied, by every shard of a count', () => {
  it('is applied when every mapping applied it whole or by every shard of one count, or skipped it', () => {
    const check = checkExtract(
      listed,
      new Map([
        ['whole', [entry('whole', 'applied')]],
        ['sharded', ['0/2', '1/2'].map((s) => entry('sharded', 'applied', s))],
        ['skipped', [entry('skipped', 'skipped')]],
      ]),
    );
    expect(check.applied).to.equal(true);
    expect(check.mappings.map((m) => [m.mapping, m.done, m.status, m.whole])).to.deep.equal([
      ['whole', true, 'applied', 'applied'],
      ['sharded', true, 'applied', undefined],
      ['skipped', true, 'skipped', 'skipped'],
    ]);
    expect(check.mappings[1].shards).to.deep.equal([
      { count: 2, applied: ['0/2', '1/2'], failed: [], running: [], missing: [] },
    ]);
  });

  it('names the shards of each count that applied it, failed, still run or never started', () => {
    const check = checkExtract(
      listed,
      new Map([
        [
          'customer',
          [
            entry('customer', 'applied', '0/4'),
            entry('customer', 'failed', '1/4', { error: 'throttled' }),
            entry('customer', 'running', '3/4'),
            // An earlier try with another count, one shard applied: it does not make the extract applied.
            entry('customer', 'applied', '1/2'),
          ],
        ],
        ['product', []],
      ]),
    );
    expect(check.applied).to.equal(false);
    expect(check.mappings[0]).to.deep.equal({
      mapping: 'customer',
      done: false,
      status: 'failed',
      error: 'shard 1/4: throttled',
      shards: [
        { count: 2, applied: ['1/2'], failed: [], running: [], missing: ['0/2'] },
        { count: 4, applied: ['0/4'], failed: ['1/4'], running: ['3/4'], missing: ['2/4'] },
      ],
    });
    expect(check.mappings[1]).to.deep.equal({ mapping: 'product', done: false, status: 'not run', shards: [] });
  });

  it("looks at this object's entries only: the same key delivered again is another extract", () => {
    const older = { ...identity, etag: 'e0' };
    const check = checkExtract(
      listed,
      new Map([['customer', [entry('customer', 'applied', undefined, { identity: older, extract: `${URI}|e0|100` })]]]),
    );
    expect(check.applied).to.equal(false);
    expect(check.mappings[0].status).to.equal('not run');
  });
});
