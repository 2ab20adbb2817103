// The run's lease: held while renewals succeed, given up as soon as it may have lapsed.
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { holdLease } from '../../../runtime/merge/lease.js';
import { MemoryStateStore } from '../../support/memory-state-store.js';
import { RunFailure } from '../../../runtime/report/run-state.js';

describe('runtime: the lease of an incremental run', () => {
  it('refuses a second holder, naming the first, until the first releases it', async () => {
    const store = new MemoryStateStore();
    const first = await holdLease(store, 'first', 60_000);
    expect(first.ok).to.equal(true);
    const second = await holdLease(store, 'second', 60_000);
    expect(second.ok).to.equal(false);
    expect(!second.ok && second.error).to.match(
      /another run \(first\) holds the lease until .* so this one writes nothing/,
    );
    if (first.ok) await first.release();
    const third = await holdLease(store, 'second', 60_000);
    expect(third.ok).to.equal(true);
    if (third.ok) await third.release();
  });

  it('stops the run once the lease may have lapsed without a confirmed renewal', async () => {
    const store = new MemoryStateStore();
    // Renewals come every second at the soonest: a 50 ms lease lapses before the first one.
    const lease = await holdLease(store, 'slow', 50);
    if (!lease.ok) throw new Error('no lease');
    expect(() => lease.check()).not.to.throw();
    await sleep(80);
    expect(() => lease.check()).to.throw(RunFailure, /lost its lease/);
    await lease.release();
  });
});
