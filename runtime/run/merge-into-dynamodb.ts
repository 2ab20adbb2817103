// One extract merged into DynamoDB (the main job's step): the target tables are checked
// before any data is read, the control table made if needed, and the extract merged under the
// control table's lease and ledger (runtime/run/run-incremental.ts).
import { hostname } from 'node:os';
import type { Shard } from '../eval/shard.js';
import type { OpenedExtract } from '../archive/extract-location.js';
import { runIncremental } from './run-incremental.js';
import type { Plan } from '../plan/types.js';
import type { ReadLimits } from '../report/read-limits.js';
import type { RunReport } from '../report/run-report.js';
import { RunState, type RejectSink, type RunProgress } from '../report/run-state.js';
import type { TimestampValue } from '../values/value.js';
import { checkTargetTables, formatTableProblem } from '../dynamodb/check-tables.js';
import { createControlTable, DynamoDbStateStore } from '../control/control-table.js';
import { connectionFailureText } from '../dynamodb/connection-error.js';
import type { DynamoDbConnection } from '../dynamodb/dynamodb-connection.js';
import { DynamoDbItemSink } from '../dynamodb/dynamodb-item-sink.js';
import { expectedTable } from '../dynamodb/expected-table.js';
import { DynamoDbItemReader } from '../control/item-reader.js';

export interface MergeIntoDynamoDb {
  plan: Plan;
  extract: OpenedExtract;
  asOf: TimestampValue;
  connection: DynamoDbConnection;
  rejects: RejectSink;
  maxRejects?: number;
  onProgress?: (progress: RunProgress) => void;
  /** BatchWriteItem calls in flight per table (default 8). */
  concurrency?: number;
  /** Items written per second at most, target and control table together (BatchWriteItem); no cap when absent. */
  maxWriteRate?: number;
  /** Apply the extract even if the ledger says it was applied. */
  force?: boolean;
  /** Who holds the lease: default host:pid. */
  owner?: string;
  /** Called once the control table was made by this run. */
  onControlTableCreated?: (name: string) => void;
  /** Caps on what is read (runtime/report/read-limits.ts). */
  limits?: Partial<ReadLimits>;
  /** Threads holding tables (default 'auto', see run-plan.ts). */
  threads?: number | 'auto';
  /** Run as shard i of N (run-incremental.ts). */
  shard?: Shard;
}

/**
 * The run's report; `failed` without touching the control table when the target tables do not
 * match the mapping, and `failed` naming DynamoDB's endpoint when it does not answer (before or
 * during the run).
 */
export async function mergeIntoDynamoDb(run: MergeIntoDynamoDb): Promise<RunReport> {
  // Every table's writer and the control table's share the gate: its ceiling never binds
  // before the backoff lowers it.
  const counting = run.connection.requests?.beginRun({
    concurrency: (run.concurrency ?? 8) * (run.plan.targets.length + 1),
    maxWriteRate: run.maxWriteRate,
  });
  let report: RunReport | undefined;
  try {
    report = await mergeOrFail(run);
    return report;
  } finally {
    const requests = counting?.finish();
    if (report && requests) report.dynamodb = requests;
  }
}

async function mergeOrFail(run: MergeIntoDynamoDb): Promise<RunReport> {
  try {
    return await merge(run);
  } catch (error) {
    const unreachable = connectionFailureText(error, run.connection.location);
    if (unreachable === null) throw error;
    return new RunState(run.plan, run.rejects, Infinity).report(
      run.plan,
      { extract: run.extract.identity.uri, asOf: run.asOf, started: Date.now(), files: new Map() },
      'failed',
      { error: unreachable, incremental: true },
    );
  }
}

async function merge(run: MergeIntoDynamoDb): Promise<RunReport> {
  const { plan, extract, connection } = run;
  const { client, controlTable, physical } = connection;
  // Before any data is read: the target tables must be there, with the mapping's keys and TTL.
  const tables = new Map(plan.targets.map((t) => [t.name, expectedTable(plan, t.name, physical(t.name))]));
  const problems = await checkTargetTables(client, [...tables.values()]);
  if (problems.length > 0) {
    const error = `the target tables do not match the mapping:\n${problems.map((p) => `  ${formatTableProblem(p)}`).join('\n')}`;
    const state = new RunState(plan, run.rejects, Infinity);
    return state.report(
      plan,
      { extract: extract.identity.uri, asOf: run.asOf, started: Date.now(), files: new Map() },
      'failed',
      { error, incremental: true },
    );
  }
  if (await createControlTable(client, controlTable)) run.onControlTableCreated?.(controlTable);
  return runIncremental({
    plan,
    source: extract.source,
    identity: extract.identity,
    asOf: run.asOf,
    rejects: run.rejects,
    maxRejects: run.maxRejects,
    onProgress: run.onProgress,
    // The shards of an extract write their state at once, into buckets they share.
    store: new DynamoDbStateStore(client, controlTable, undefined, { sharedBuckets: run.shard !== undefined }),
    items: new DynamoDbItemReader(client, tables),
    sink: new DynamoDbItemSink(connection.writerClient, tables, { concurrency: run.concurrency ?? 8 }),
    force: run.force,
    owner: run.owner ?? `${hostname()}:${process.pid}`,
    limits: run.limits,
    threads: run.threads,
    ...(run.shard ? { shard: run.shard } : {}),
    describeFailure: (error) => connectionFailureText(error, connection.location) ?? error.message,
  });
}
