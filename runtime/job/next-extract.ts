/*
 * The extract a sharded job applies next: the oldest under the source that some mapping has
 * not applied (nor skipped), found as a pass of the job finds it (list-extracts.ts, then
 * order-extracts.ts over the ledgers folded by extract), without applying anything.
 *
 * It blocks instead of being applied next when it was not last time, or cannot be:
 *
 *   - a mapping's ledger has this very object failed ("failed"): a shard of it failed, and the
 *     execution that ran it is the one to redrive, so that only that shard runs again (or it is
 *     delivered again, or skipped with `mapc ledger skip`). An extract whose shards did not
 *     finish (a task stopped, a timeout) is "running" in the ledger, not failed: it is planned
 *     again, and the shards applied already are skipped when they run;
 *   - it cannot be opened, or its manifest cannot be read ("unreadable"): a run would only
 *     record it failed.
 *
 * Later extracts wait for it either way (a delta's rows replace older ones).
 */
import type { S3SourceOptions } from '../archive/s3-source.js';
import type { LedgerEntry } from '../merge/state-store.js';
import { sameObject, type ListedExtract } from './list-extracts.js';
import { closeExtracts, orderExtracts } from './order-extracts.js';

export interface BlockingExtract {
  extract: string;
  asOf: string;
  status: 'failed' | 'unreadable';
  /** failed: the mappings whose ledger has it failed. */
  mappings?: string[];
  error: string;
}

export type NextExtract =
  | { status: 'none'; pending: 0 }
  | { status: 'next'; extract: ListedExtract; asOf: string; pending: number }
  | { status: 'blocked'; blockedBy: BlockingExtract; pending: number };

/**
 * The oldest extract not applied to every mapping, opened only to be dated (and closed again).
 * `ledgers`: each mapping's entries folded by extract (byExtract), so that a sharded extract
 * counts once every shard of a count applied it.
 */
export async function nextExtract(
  listed: ListedExtract[],
  ledgers: Map<string, LedgerEntry[]>,
  options: { s3?: S3SourceOptions; spoolFolder?: string } = {},
): Promise<NextExtract> {
  const ordered = await orderExtracts(listed, ledgers, options);
  try {
    const pending = ordered.filter((e) => e.doneFor.size < ledgers.size);
    if (pending.length === 0) return { status: 'none', pending: 0 };
    const [first] = pending;
    const uri = first.listed.uri;
    const failed = [...ledgers]
      .filter(([mapping]) => !first.doneFor.has(mapping))
      .flatMap(([mapping, entries]) =>
        entries
          .filter((e) => e.status === 'failed' && sameObject(first.listed, e.identity))
          .map((e) => ({ mapping, error: e.error ?? 'no error recorded' })),
      );
    if (failed.length > 0) {
      return {
        status: 'blocked',
        pending: pending.length,
        blockedBy: {
          extract: uri,
          asOf: first.asOf,
          status: 'failed',
          mappings: failed.map((f) => f.mapping),
          error: failed.map((f) => `mapping ${f.mapping}: ${f.error}`).join('; '),
        },
      };
    }
    if (first.error !== undefined) {
      return {
        status: 'blocked',
        pending: pending.length,
        blockedBy: { extract: uri, asOf: first.asOf, status: 'unreadable', error: `cannot be read: ${first.error}` },
      };
    }
    return { status: 'next', extract: first.listed, asOf: first.asOf, pending: pending.length };
  } finally {
    await closeExtracts(ordered);
  }
}
