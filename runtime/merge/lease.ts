// The lease that keeps two runs from writing at once: taken before anything is read,
// renewed in the background while the run lasts, checked before the run commits, released
// at the end. A run that cannot take it stops with the holder's name and expiry.
import { RunFailure } from '../report/run-state.js';
import { WHOLE_RUN_LEASE, type StateStore } from './state-store.js';

export type HeldLease =
  /** check() throws RunFailure once the lease may have passed to another run: call it before writing. */
  { ok: true; check(): void; release(): Promise<void> } | { ok: false; error: string };

/** `scope`: the lease of one shard's runs ("shard i/N"), or of whole runs (the default). */
export async function holdLease(
  store: StateStore,
  owner: string,
  durationMs: number,
  scope = WHOLE_RUN_LEASE,
): Promise<HeldLease> {
  const taken = await store.acquireLease(owner, durationMs, scope);
  if (!taken.ok) {
    return {
      ok: false,
      error:
        `another run (${taken.holder}) holds the lease until ${taken.until}, so this one writes nothing; ` +
        "run again once it has finished (a crashed run's lease lapses at that time)",
    };
  }
  // Held until `heldUntil` as far as this run knows: each renewal the store confirms moves it
  // on; a renewal that fails or hangs does not, and once the time is past (or the store says
  // another run has it) the run stops writing.
  let heldUntil = Date.now() + durationMs;
  let takenOver = false;
  const renewal = setInterval(
    () => {
      const asked = Date.now();
      store.renewLease(owner, durationMs, scope).then(
        (renewed) => {
          if (renewed) heldUntil = Math.max(heldUntil, asked + durationMs);
          else takenOver = true;
        },
        () => undefined,
      );
    },
    Math.max(1000, durationMs / 3),
  );
  renewal.unref();
  return {
    ok: true,
    check() {
      if (takenOver || Date.now() >= heldUntil) {
        throw new RunFailure(
          'the run lost its lease (it could not renew it in time) and stopped writing; another run may be writing — run again once it has finished',
        );
      }
    },
    async release() {
      clearInterval(renewal);
      await store.releaseLease(owner, scope);
    },
  };
}
