// An incremental run (docs/design.md, "Running incrementally"): under a lease, once per extract
// (the ledger), hold the extract's tables with the rows parked by earlier runs, load the
// stored rows they hang under or look up, build every root's items merged into the stored
// items, then park what still has no parent and keep the rows later extracts will need.
// Crash-safe by being repeatable: items are written before the state that records them, and
// a rerun of the same extract merges to the same items.
import type { ByteSource } from '../archive/byte-source.js';
import type { Plan } from '../plan/types.js';
import type { Row } from '../eval/compile-expr.js';
import { accountHeldRows } from '../assemble/account-held-rows.js';
import { checkRecordsRead } from '../read/check-records-read.js';
import type { RetriedRow } from '../hold/hold-tables.js';
import { holdAsAsked } from './hold-as-asked.js';
import { openExtractTables } from '../read/extract-tables.js';
import { RootItems } from '../assemble/root-items.js';
import { storedElementKeys } from '../merge/stored-element-keys.js';
import { readLimits, type ReadLimits } from '../report/read-limits.js';
import type { RunReport } from '../report/run-report.js';
import { RunState, type RejectSink, type RunProgress } from '../report/run-state.js';
import { streamRoots } from '../assemble/stream-roots.js';
import type { ItemSink } from '../sinks/item-sink.js';
import { formatIsoTimestamp } from '../values/calendar.js';
import type { TimestampValue } from '../values/value.js';
import { mergeProblems } from '../merge/check-mergeable.js';
import { hydrateFromStore } from '../merge/hydrate.js';
import { allDone, isParkedBy, keepRowsAndParked } from '../merge/keep-state.js';
import { holdLease } from '../merge/lease.js';
import { byExtract, unfinishedBefore } from '../merge/ledger-order.js';
import { ShardRouter, type StoredParents } from '../hold/shard-router.js';
import { shardText, type Shard } from '../eval/shard.js';
import { mergeRootsInto } from '../merge/merge-roots.js';
import {
  identityKey,
  type ExtractIdentity,
  type ItemReader,
  type LedgerEntry,
  type ParkedRow,
  type StateStore,
  WHOLE_RUN_LEASE,
} from '../merge/state-store.js';
import { StoredItems } from '../merge/stored-items.js';
import { findStoredRoots } from '../merge/stored-roots.js';
import { decodeRow } from '../merge/stored-values.js';

export interface IncrementalRunInput {
  plan: Plan;
  source: ByteSource;
  identity: ExtractIdentity;
  asOf: TimestampValue;
  store: StateStore;
  items: ItemReader;
  /** Where merged items go (the DynamoDB writer); committed once every item is written. */
  sink: ItemSink;
  rejects: RejectSink;
  maxRejects?: number;
  /** Apply the extract even if the ledger says it was applied. */
  force?: boolean;
  /** Who holds the lease (shown to a run that finds it taken). */
  owner: string;
  leaseMs?: number;
  onProgress?: (progress: RunProgress) => void;
  /** Caps on what is read (see RunInput.limits). */
  limits?: Partial<ReadLimits>;
  /** Threads holding tables: as asked, or 'auto' (the default) as for a preview (thread-count.ts). */
  threads?: number | 'auto';
  /** How a failure is told in the report and the ledger (default: its message); the run into DynamoDB names an endpoint that stopped answering. */
  describeFailure?: (error: Error) => string;
  /**
   * Run as shard i of N (hold/shard-router.ts): only the items whose root key is this shard's,
   * under a lease of the shard's own, recorded in the ledger as the shard's. The extract is
   * applied once every shard of N has applied it.
   */
  shard?: Shard;
}

export async function runIncremental(input: IncrementalRunInput): Promise<RunReport> {
  const { plan, source, asOf, sink, store } = input;
  const started = Date.now();
  const limits = readLimits(input.limits);
  const state = new RunState(plan, input.rejects, input.maxRejects ?? Infinity, input.onProgress, limits);
  const run = { extract: input.identity.uri, asOf, started, files: new Map<string, string[]>() };
  const shard = input.shard && shardText(input.shard);
  const report = (status: RunReport['status'], error?: string) =>
    state.report(plan, run, status, { error, incremental: true, shard });

  const problems = mergeProblems(plan);
  if (problems.length > 0)
    return report('failed', `the mapping cannot be merged into stored items: ${problems.join('; ')}`);
  let router: ShardRouter | undefined;
  try {
    router = input.shard && new ShardRouter(plan, input.shard, storedParentsOf(plan, store));
  } catch (error) {
    return report('failed', (error as Error).message);
  }
  const lease = await holdLease(
    store,
    input.owner,
    input.leaseMs ?? 5 * 60_000,
    shard ? `shard ${shard}` : WHOLE_RUN_LEASE,
  );
  if (!lease.ok) return report('failed', lease.error);
  const extract = identityKey(input.identity);
  const ledgerEntry = (status: LedgerEntry['status'], finished?: RunReport): LedgerEntry => ({
    mapping: plan.mapping,
    extract,
    identity: input.identity,
    planHash: plan.sourceHash,
    asOf: formatIsoTimestamp(asOf),
    ...(shard ? { shard } : {}),
    status,
    startedAt: new Date(started).toISOString(),
    ...(finished
      ? {
          finishedAt: new Date().toISOString(),
          report: JSON.stringify({ tables: finished.tables, items: finished.items, rejects: finished.rejects }),
        }
      : {}),
    ...(status === 'failed' && finished?.error ? { error: finished.error } : {}),
  });
  let failed: RunReport | undefined;
  try {
    const ledger = await store.ledger(plan.mapping);
    const done = (e: LedgerEntry) => e.extract === extract && (e.status === 'applied' || e.status === 'skipped');
    // Applied as a whole (by one run, or by every shard of a count), or by this shard.
    const settled = byExtract(ledger).find(done) ?? ledger.find((e) => done(e) && e.shard === shard);
    if (settled && !input.force) {
      await sink.abort();
      return report(
        'skipped',
        settled.status === 'applied'
          ? `${input.identity.uri} was applied already (see the ledger); pass --force to apply it again`
          : `${input.identity.uri} was skipped (${settled.skipReason ?? 'no reason given'}; see mapc ledger); pass --force to apply it after all`,
      );
    }
    const refusal = input.force ? null : outOfOrder(byExtract(ledger), input.identity, formatIsoTimestamp(asOf));
    if (refusal) {
      await sink.abort();
      return report('failed', refusal);
    }
    await store.recordLedger(ledgerEntry('running'));

    const { entries, files, manifest } = await openExtractTables(plan, source, limits);
    for (const [table, names] of files) run.files.set(table, names);

    // Rows parked by earlier runs are read again after the extract's. Those this same extract
    // parked (a run again after a crash, or --force) are not: they are in the extract itself.
    const parked = new Map<string, ParkedRow[]>();
    const parkedHere = new Map<string, ParkedRow[]>();
    const retried = new Map<string, RetriedRow[]>();
    // Tombstones (ParkedRow.settledBy): of this extract, another shard settled the row; of an earlier one, they go.
    const settledElsewhere = new Map<string, Row[]>();
    const staleTombstones = new Map<string, ParkedRow[]>();
    for (const { table } of plan.state.parkable) {
      const planTable = plan.tables.find((t) => t.name === table)!;
      const all = await store.parkedRows(plan.mapping, table);
      const rows = all.filter((p) => p.settledBy === undefined);
      settledElsewhere.set(
        table,
        all
          .filter((p) => p.settledBy === extract)
          .map((p) => decodeRow(planTable, p.values, `parked row ${p.file}:${p.line}`)),
      );
      staleTombstones.set(
        table,
        all.filter((p) => p.settledBy !== undefined && p.settledBy !== extract),
      );
      parked.set(
        table,
        rows.filter((p) => !isParkedBy(p, extract)),
      );
      parkedHere.set(
        table,
        rows.filter((p) => isParkedBy(p, extract)),
      );
      retried.set(
        table,
        parked.get(table)!.map((p) => ({
          values: decodeRow(planTable, p.values, `parked row ${p.file}:${p.line}`),
          file: `${p.file} (parked)`,
          line: p.line,
          heldIndex: -1,
        })),
      );
    }
    const held = await holdAsAsked(plan, source, entries, asOf, state, input.threads ?? 'auto', {
      retried,
      holdRoots: true,
      holdScanFiltered: true,
      shard: router,
      settledElsewhere,
    });
    // Rows of this extract parked by an earlier attempt at it: a shard takes out only its own.
    if (router)
      for (const [table, rows] of parkedHere) {
        const planTable = plan.tables.find((t) => t.name === table)!;
        parkedHere.set(
          table,
          rows.filter((p) => router.owns(table, decodeRow(planTable, p.values, `parked row ${p.file}:${p.line}`))),
        );
      }
    // Every table is read, and no item written yet.
    checkRecordsRead(manifest, state.recordsRead, source.name);
    await hydrateFromStore(plan, held, store, state);

    // The mapping's first extract (a run again of it included): nothing was written before it.
    const firstRun = ledger.every((e) => e.extract === extract);
    const storedRoots = await findStoredRoots(plan, held, store, firstRun);
    const stored = new StoredItems(plan, input.items, store, input.shard?.count);
    const roots = new RootItems(plan, held, asOf, storedElementKeys);
    const seenRootKeys = await streamRoots(
      plan,
      source,
      entries,
      held,
      asOf,
      state,
      mergeRootsInto(sink, roots, stored, storedRoots, state, lease.check),
    );
    const toPark = new Map<string, number[]>();
    accountHeldRows(
      plan,
      held,
      seenRootKeys,
      state,
      (table, index) => {
        const list = toPark.get(table) ?? [];
        list.push(index);
        toPark.set(table, list);
      },
      router && ((table) => router.counts(table)),
    );
    lease.check();
    await sink.commit();
    lease.check();
    // Held-back items and the rows later extracts need go to buckets of their own: at once.
    await allDone([
      stored.persistHeldBack(),
      keepRowsAndParked({
        plan,
        held,
        store,
        extract,
        identity: input.identity,
        parked,
        parkedHere,
        retried,
        toPark,
        state,
        firstRun,
        staleTombstones,
        ...(router
          ? { keeps: (table: string) => router.counts(table), shareOf: (table: string) => router.shareOf(table) }
          : {}),
      }),
    ]);
    const finished = report('ok');
    await store.recordLedger(ledgerEntry('applied', finished));
    return finished;
  } catch (error) {
    await sink.abort();
    if (!(error instanceof Error)) throw error;
    failed = report('failed', input.describeFailure?.(error) ?? error.message);
    await store.recordLedger(ledgerEntry('failed', failed)).catch(() => undefined);
    return failed;
  } finally {
    // After a failure the store may be out of reach too (DynamoDB went away): the lease then
    // lapses at its time, and the failure, not the release, is what the run reports.
    if (failed === undefined) await lease.release();
    else await lease.release().catch(() => undefined);
  }
}

/**
 * Why applying this extract now would put older rows over newer ones, if it would: another
 * extract did not finish (it must be run again first) or failed (it must be delivered again
 * or skipped), or one applied already is newer. --force goes on regardless.
 */
function outOfOrder(ledger: LedgerEntry[], identity: ExtractIdentity, asOf: string): string | null {
  const unfinished = unfinishedBefore(ledger, identity.uri);
  if (unfinished?.status === 'running') {
    return (
      `${unfinished.identity.uri} (started ${unfinished.startedAt}) did not finish: run it again first, so that extracts apply in order; ` +
      'pass --force to go on without it'
    );
  }
  if (unfinished?.status === 'failed') {
    const uri = unfinished.identity.uri;
    const error = (unfinished.error ?? 'no error was recorded').replace(/\.$/, '');
    return (
      `${uri} failed (${unfinished.finishedAt ?? unfinished.startedAt}): ${error}. ` +
      'Extracts apply in order, so this one waits: fix that extract and deliver it again under the same name (the new delivery replaces the failed one), ' +
      `or skip it with \`mapc ledger skip ${uri} --reason "…"\` (if the error has passed, such as throttling, run it again); ` +
      'pass --force to go on without it'
    );
  }
  const extract = identityKey(identity);
  const newer = ledger
    .filter((e) => e.extract !== extract && e.status === 'applied' && e.asOf !== undefined && e.asOf > asOf)
    .sort((a, b) => (a.asOf! < b.asOf! ? 1 : -1))[0];
  if (newer) {
    return (
      `this extract's as_of ${asOf} is older than that of ${newer.identity.uri} (${newer.asOf}), applied already: its rows would replace newer ones; ` +
      'pass --force if that is what you want'
    );
  }
  return null;
}

/** How a shard finds the rows earlier extracts stored, read again as rows of their table. */
function storedParentsOf(plan: Plan, store: StateStore): StoredParents {
  return async (table, keys) => {
    const planTable = plan.tables.find((t) => t.name === table)!;
    const stored = await store.getRows(plan.mapping, table, keys.map(String));
    return new Map(
      [...stored].map(([text, values]) => [
        text,
        values === null ? null : decodeRow(planTable, values, `the stored ${table} row ${text}`),
      ]),
    );
  };
}
