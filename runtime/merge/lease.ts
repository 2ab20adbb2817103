// The lease that keeps two runs from writing at once: taken before anything is read,
// renewed in the background while the run lasts, checked before the run commits, released
// at the end. A run that cannot take it stops with the holder's name and expiry.
import { RunFailure } from '../run/run-state.js';
import type { StateStore } from './state-store.js';

export type HeldLease =
  | { ok: true; check(): void; release(): Promise<void> }
  | { ok: false; error: string };

export async function holdLease(store: StateStore, owner: string, durationMs: number): Promise<HeldLease> {
  const taken = await store.acquireLease(owner, durationMs);
  if (!taken.ok) {
    return {
      ok: false,
      error: `another run (${taken.holder}) holds the lease until ${taken.until}, so this one writes nothing; ` +
        'run again once it has finished (a crashed run\'s lease lapses at that time)',
    };
  }
  let lost = false;
  const renewal = setInterval(() => {
    store.renewLease(owner, durationMs).then((renewed) => { if (!renewed) lost = true; }, () => { lost = true; });
  }, Math.max(1000, durationMs / 3));
  renewal.unref();
  return {
    ok: true,
    check() {
      if (lost) throw new RunFailure(`the run lost its lease (it could not renew it in time); another run may be writing — run again`);
    },
    async release() {
      clearInterval(renewal);
      await store.releaseLease(owner);
    },
  };
}
