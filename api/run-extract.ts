// runExtract: one plan on one extract, as `mapc run` does it. A preview (`preview.out`) writes
// the items as NDJSON; otherwise the items are merged into DynamoDB under the control
// table's lease and ledger. The extract is a local ZIP or s3://bucket/key; `as_of` is the one
// given, else the extract's _manifest.json extractedAt, else its modification time.
//
// The files it writes (items, rejects) are checked before anything is read (OutputFileError
// otherwise). Apart from that, whatever happens, a report comes back: invalid `limits`, an
// extract that cannot be opened, or a DynamoDB that cannot be reached, gives a `failed` report
// naming it, so a caller always has one to write and show.
import { openExtract, type OpenedExtract } from '../runtime/archive/extract-location.js';
import type { S3SourceOptions } from '../runtime/archive/s3-source.js';
import { connectionFailureText } from '../runtime/dynamodb/connection-error.js';
import {
  connectDynamoDb,
  type DynamoDbConnection,
  type DynamoDbOptions,
} from '../runtime/dynamodb/dynamodb-connection.js';
import type { Plan } from '../runtime/plan/types.js';
import { extractAsOf } from '../runtime/read/extract-time.js';
import type { ReadLimits } from '../runtime/report/read-limits.js';
import { optionProblem } from './option-problem.js';
import { RejectsFile } from '../runtime/sinks/rejects-file.js';
import { runPlan } from '../runtime/run/run-plan.js';
import type { RunReport } from '../runtime/report/run-report.js';
import { RunState, type RejectSink, type RunProgress } from '../runtime/report/run-state.js';
import { NdjsonSink } from '../runtime/sinks/ndjson-sink.js';
import { checkOutputFile } from '../runtime/sinks/output-file.js';
import type { TimestampValue } from '../runtime/values/value.js';
import type { Shard } from '../runtime/eval/shard.js';

export interface PreviewOptions {
  /** The items file; it appears only when the run succeeds. */
  out: string;
  format?: 'plain' | 'dynamodb';
  /** Threads holding tables and building items: a number, or 'auto' (default). */
  threads?: number | 'auto';
  /** Only shard i of N's items (runtime/hold/shard-router.ts); the plan must be shardable. */
  shard?: Shard;
}

export interface DynamoDbRunOptions extends DynamoDbOptions {
  /** Used as it is (and not destroyed); else one is made from the options. */
  connection?: DynamoDbConnection;
  /** BatchWriteItem calls in flight (default 8). */
  concurrency?: number;
  /** Items written per second at most, target and control table together; no cap when absent. */
  maxWriteRate?: number;
  /** Apply the extract even if the ledger says it was applied. */
  force?: boolean;
  /** Who holds the lease (default host:pid). */
  owner?: string;
  onControlTableCreated?: (name: string) => void;
  /** Threads holding tables, as for a preview (default 'auto'); items are built on one thread. */
  threads?: number | 'auto';
  /** Only shard i of N's items (runtime/hold/shard-router.ts), under its own lease and ledger entry. */
  shard?: Shard;
}

export interface RunExtractOptions {
  plan: Plan;
  /** A local path or s3://bucket/key, or an extract opened already (left open). */
  extract: string | OpenedExtract;
  /** ISO date or timestamp; else the manifest's extractedAt, else the modification time. */
  asOf?: string;
  /** Write a preview; without it, merge into DynamoDB. */
  preview?: PreviewOptions;
  dynamodb?: DynamoDbRunOptions;
  /** Where rejected rows go: a file path (NDJSON) or a sink. Default: nowhere but the counts. */
  rejects?: string | RejectSink;
  /** The run fails once more rows than this are rejected. */
  maxRejects?: number;
  /** How s3:// extracts are read (region, endpoint, client). */
  s3?: S3SourceOptions;
  onProgress?: (progress: RunProgress) => void;
  /** Caps on what the run reads (runtime/report/read-limits.ts); each must be a positive number. */
  limits?: Partial<ReadLimits>;
}

export async function runExtract(options: RunExtractOptions): Promise<RunReport> {
  const { plan } = options;
  const where = typeof options.extract === 'string' ? options.extract : options.extract.identity.uri;
  const problem = optionProblem({
    limits: options.limits,
    maxWriteRate: options.dynamodb?.maxWriteRate,
    concurrency: options.dynamodb?.concurrency,
  });
  if (problem !== null) return failedRunReport(plan, where, new Error(problem), !options.preview);
  if (options.preview) checkOutputFile(options.preview.out, 'the items file (--out)');
  if (typeof options.rejects === 'string') checkOutputFile(options.rejects, 'the rejects file');
  const rejects =
    typeof options.rejects === 'string'
      ? new RejectsFile(options.rejects)
      : (options.rejects ?? { write: () => undefined });
  const givenOpen = typeof options.extract !== 'string';
  let extract: OpenedExtract | undefined;
  try {
    let asOf: TimestampValue;
    try {
      extract =
        typeof options.extract === 'string' ? await openExtract(options.extract, options.s3 ?? {}) : options.extract;
      asOf = (await extractAsOf(extract, { given: options.asOf })).asOf;
    } catch (error) {
      return failedRunReport(plan, where, error as Error, !options.preview);
    }
    if (options.preview) {
      return await runPlan({
        plan,
        source: extract.source,
        asOf,
        rejects,
        maxRejects: options.maxRejects,
        onProgress: options.onProgress,
        threads: options.preview.threads ?? 'auto',
        limits: options.limits,
        ...(options.preview.shard ? { shard: options.preview.shard } : {}),
        sink: new NdjsonSink({ path: options.preview.out, format: options.preview.format ?? 'plain' }),
      });
    }
    // Loaded here: a preview does not load the AWS SDK for DynamoDB.
    const { mergeIntoDynamoDb } = await import('../runtime/run/merge-into-dynamodb.js');
    const settings = options.dynamodb ?? {};
    const connection = settings.connection ?? connectDynamoDb(settings);
    try {
      return await mergeIntoDynamoDb({
        plan,
        extract,
        asOf,
        connection,
        rejects,
        maxRejects: options.maxRejects,
        onProgress: options.onProgress,
        concurrency: settings.concurrency,
        maxWriteRate: settings.maxWriteRate,
        force: settings.force,
        owner: settings.owner,
        onControlTableCreated: settings.onControlTableCreated,
        limits: options.limits,
        threads: settings.threads,
        ...(settings.shard ? { shard: settings.shard } : {}),
      });
    } catch (error) {
      const unreachable = connectionFailureText(error, connection.location);
      if (unreachable === null) throw error;
      return failedRunReport(plan, extract.identity.uri, new Error(unreachable), true);
    } finally {
      if (!settings.connection) connection.destroy();
    }
  } finally {
    if (rejects instanceof RejectsFile) await rejects.close();
    if (extract && !givenOpen) await extract.source.close();
  }
}

/** The report of a run that stopped without counts to show (before reading, or on a fault it cannot account for). */
export function failedRunReport(plan: Plan, extract: string, error: Error, incremental: boolean): RunReport {
  const state = new RunState(plan, { write: () => undefined }, Infinity);
  const report = state.report(
    plan,
    { extract, asOf: { kind: 'timestamp', epochMillis: 0 }, started: Date.now(), files: new Map() },
    'failed',
    { error: error.message, incremental },
  );
  return { ...report, asOf: 'unknown' };
}
