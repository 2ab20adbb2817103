// Runs a plan on one extract: hold the tables other rows need (lookups, groups), stream the
// root rows to build and write their items, then account for every row read.
import type { ByteSource } from '../archive/byte-source.js';
import type { Plan } from '../plan/types.js';
import { isLineSink, type ItemSink } from '../sinks/item-sink.js';
import type { TimestampValue } from '../values/value.js';
import { accountHeldRows } from '../assemble/account-held-rows.js';
import { BuildThreads, canBuildInParallel } from '../assemble/build-threads.js';
import { checkRecordsRead } from '../read/check-records-read.js';
import { openExtractTables } from '../read/extract-tables.js';
import { readLimits, type ReadLimits } from '../report/read-limits.js';
import { threadCount } from './thread-count.js';
import { ShardRouter } from '../hold/shard-router.js';
import { shardText, type Shard } from '../eval/shard.js';
import { holdAsAsked } from './hold-as-asked.js';
import type { RunReport } from '../report/run-report.js';
import { RunFailure, RunState, type RejectSink, type RunProgress } from '../report/run-state.js';
import { RootItems } from '../assemble/root-items.js';
import { streamRoots } from '../assemble/stream-roots.js';
import { writeRootsTo } from '../assemble/write-root-items.js';

export { RunFailure, type RejectSink, type RunProgress };

export interface RunInput {
  plan: Plan;
  source: ByteSource;
  asOf: TimestampValue;
  sink: ItemSink;
  rejects: RejectSink;
  /** The run stops (non-zero) when more rows than this are rejected. */
  maxRejects?: number;
  onProgress?: (progress: RunProgress) => void;
  /**
   * Threads that hold tables and build items (1: the main thread does it all). 'auto': one
   * per core for a phase whose files hold AUTO_THREADS_FROM_BYTES, below which starting
   * threads costs more than they save. Tables are held on threads when there are two or
   * more; items are built on threads when the sink takes lines (NDJSON) and the plan allows
   * it (see canBuildInParallel).
   */
  threads?: number | 'auto';
  /** Caps on what is read (record size, inflated bytes, entries); each defaults as in DEFAULT_READ_LIMITS. */
  limits?: Partial<ReadLimits>;
  /**
   * Run as shard i of N: only the items whose root key is this shard's, and only the rows
   * under them (hold/shard-router.ts). The shards' files, rejects and counts add up to one
   * run's. The plan must be shardable (whyNotShardable).
   */
  shard?: Shard;
}

export async function runPlan(input: RunInput): Promise<RunReport> {
  const { plan, source, asOf, sink } = input;
  const started = Date.now();
  const limits = readLimits(input.limits);
  const state = new RunState(plan, input.rejects, input.maxRejects ?? Infinity, input.onProgress, limits);
  const run = { extract: source.name, asOf, started, files: new Map<string, string[]>() };
  const shard = input.shard && shardText(input.shard);
  const report = (status: RunReport['status'], error?: string) => state.report(plan, run, status, { error, shard });

  try {
    const router = input.shard ? new ShardRouter(plan, input.shard) : undefined;
    const { entries, files, manifest } = await openExtractTables(plan, source, limits);
    for (const [table, names] of files) run.files.set(table, names);
    const requested = input.threads ?? 1;
    // Items are built on threads when the sink takes lines and each row sits under one root.
    const lines = isLineSink(sink) && canBuildInParallel(plan) ? sink : null;
    const buildingThreads = lines
      ? threadCount(
          requested,
          plan.items.map((i) => i.rootTable),
          entries,
        )
      : 1;
    // They start now, to be ready when the tables are.
    const buildThreads =
      lines && buildingThreads > 1 ? new BuildThreads(buildingThreads, plan, asOf, lines.format) : null;
    try {
      const held = await holdAsAsked(plan, source, entries, asOf, state, requested, { shard: router });
      buildThreads?.load(held);
      const seenRootKeys = await streamRoots(
        plan,
        source,
        entries,
        held,
        asOf,
        state,
        buildThreads && lines
          ? buildThreads.pipeline(lines, state, held)
          : writeRootsTo(sink, new RootItems(plan, held, asOf), state),
        router && ((key) => router.ownsRoot(key)),
      );
      // The items file is synced while every row is accounted for.
      sink.syncSoFar?.();
      accountHeldRows(plan, held, seenRootKeys, state, undefined, router && ((table) => router.counts(table)));
    } finally {
      await buildThreads?.close();
    }
    // Every file is read: the items file appears only if each holds the records its manifest counts.
    checkRecordsRead(manifest, state.recordsRead, source.name);
    await sink.commit();
    return report('ok');
  } catch (error) {
    await sink.abort();
    if (error instanceof Error) return report('failed', error.message);
    throw error;
  }
}
