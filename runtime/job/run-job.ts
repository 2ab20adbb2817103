/*
 * One pass of the unattended job: every extract under the source that a mapping has not
 * applied is applied to it, oldest first, each extract read once for all mappings.
 *
 *   list the source ──► read each mapping's ledger ──► open and date what is new, oldest first
 *     ──► --once: the named extract alone, unless an older one is not applied yet (waiting)
 *     ──► apply extract after extract, mapping after mapping; stop at the first failure
 *
 * Order matters (a delta's rows replace older ones), so a failed extract stops the pass and
 * every later extract waits until it is fixed and delivered again, or skipped in the ledger.
 * Each run merges through mergeIntoDynamoDb, under the control table's lease and ledger, so
 * a pass killed halfway is simply run again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ReadOnceSource } from '../archive/read-once-source.js';
import type { S3SourceOptions } from '../archive/s3-source.js';
import { withConnectionCause } from '../dynamodb/connection-error.js';
import { createControlTable, DynamoDbStateStore } from '../control/control-table.js';
import type { DynamoDbConnection } from '../dynamodb/dynamodb-connection.js';
import { mergeIntoDynamoDb } from '../run/merge-into-dynamodb.js';
import { extractUri } from '../merge/describe-extract.js';
import { identityKey, type ExtractIdentity, type LedgerEntry } from '../merge/state-store.js';
import type { Plan } from '../plan/types.js';
import type { Shard } from '../eval/shard.js';
import { byExtract } from '../merge/ledger-order.js';
import { parseAsOf } from '../read/extract-time.js';
import type { ReadLimits } from '../report/read-limits.js';
import { RejectsFile } from '../sinks/rejects-file.js';
import type { RunReport } from '../report/run-report.js';
import { summarizeDynamoDb } from '../report/dynamodb-requests.js';
import type { JobExtract, JobReport, JobRun } from './job-report.js';
import type { JobLog } from './job-log.js';
import { describeSource, listExtracts, type JobSource } from './list-extracts.js';
import { closeExtracts, orderExtracts, type OrderedExtract } from './order-extracts.js';

export interface JobInput {
  plans: Plan[];
  source: JobSource;
  /** How s3:// sources are listed and read. */
  s3?: S3SourceOptions;
  connection: DynamoDbConnection;
  /** Apply this extract only (s3://bucket/key or a path under a local source), as an S3 event asks. */
  once?: string;
  /** BatchWriteItem calls in flight per run (default 8). */
  concurrency?: number;
  /** Items written per second at most, per run (target and control table together); no cap when absent. */
  maxWriteRate?: number;
  maxRejects?: number;
  /** Each run's report and rejects go to <reportDir>/<mapping>/; none kept when absent. */
  reportDir?: string;
  /** Where extracts read from S3 are spooled while the pass lasts (default: the OS's temporary folder). */
  spoolFolder?: string;
  owner?: string;
  log?: JobLog;
  /** Called after each run (the CLI emits its metrics). */
  onRun?: (run: JobRun) => void;
  /** Caps on what each run reads (runtime/report/read-limits.ts). */
  limits?: Partial<ReadLimits>;
  /**
   * Run every mapping as shard i of N (with `once`: one extract, as a state machine runs each
   * of its shards). An extract counts as applied once every shard of N has applied it.
   */
  shard?: Shard;
}

const SILENT: JobLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function runJob(input: JobInput): Promise<JobReport> {
  const started = Date.now();
  const log = input.log ?? SILENT;
  const source = describeSource(input.source);
  const runs: JobRun[] = [];
  const done = (status: JobReport['status'], extracts: JobExtract[], error?: string): JobReport => ({
    source,
    status,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    extracts,
    runs,
    ...(error ? { error } : {}),
  });

  const listed = await listExtracts(input.source, input.s3);
  const { client, controlTable } = input.connection;
  const store = new DynamoDbStateStore(client, controlTable);
  const ledgers = new Map<string, LedgerEntry[]>();
  try {
    if (await createControlTable(client, controlTable)) log.info('created the control table', { controlTable });
    // An extract's shards count as one entry: applied once all of them are.
    for (const plan of input.plans) ledgers.set(plan.mapping, byExtract(await store.ledger(plan.mapping)));
  } catch (error) {
    throw withConnectionCause(error, input.connection.location);
  }
  const ordered = await orderExtracts(listed, ledgers, { s3: input.s3, spoolFolder: input.spoolFolder });
  try {
    const extracts: JobExtract[] = ordered.map((e) => ({
      uri: e.listed.uri,
      asOf: e.asOf,
      asOfFrom: e.asOfFrom,
      status: e.doneFor.size === input.plans.length ? 'done already' : 'not reached',
    }));
    log.info('extracts found', {
      source,
      extracts: ordered.length,
      new: extracts.filter((e) => e.status === 'not reached').length,
    });

    let toApply = ordered.map((_, index) => index);
    if (input.once !== undefined) {
      const picked = pickOnce(input.once, ordered, extracts, source);
      if (picked.status === 'done already') return done('ok', extracts);
      if (picked.status !== 'apply') return done(picked.status, extracts, picked.message);
      toApply = [picked.index];
    }
    for (const index of toApply) {
      const extract = ordered[index];
      if (extracts[index].status === 'done already') continue;
      const failure = await applyExtract(extract, input, store, runs, log);
      if (extract.opened?.source instanceof ReadOnceSource)
        extracts[index].bytesRead = extract.opened.source.fetchedBytes;
      await closeExtracts([extract]);
      if (failure !== null) {
        extracts[index].status = 'failed';
        log.error('extract failed: later extracts wait until it is delivered again or skipped', {
          extract: extract.listed.uri,
          error: failure,
        });
        return done('failed', extracts, `${extract.listed.uri}: ${failure}`);
      }
      extracts[index].status = 'applied';
    }
    return done('ok', extracts);
  } finally {
    await closeExtracts(ordered);
  }
}

type OncePick =
  { status: 'apply'; index: number } | { status: 'done already' } | { status: 'failed' | 'waiting'; message: string };

/** The extract --once names, if nothing older has to go first. */
function pickOnce(once: string, ordered: OrderedExtract[], extracts: JobExtract[], source: string): OncePick {
  let uri: string;
  try {
    // As the ledger and the listing name it: s3://bucket/key (the scheme in any case), or a file's absolute path.
    uri = extractUri(once, '--once');
  } catch (error) {
    return { status: 'failed', message: (error as Error).message };
  }
  const index = ordered.findIndex((e) => e.listed.uri === uri);
  if (index < 0)
    return {
      status: 'failed',
      message: `${once} is not an extract under ${source} (only .zip objects there are): check --once and --source`,
    };
  if (extracts[index].status === 'done already') return { status: 'done already' };
  const older = ordered.slice(0, index).filter((_, i) => extracts[i].status !== 'done already');
  if (older.length === 0) return { status: 'apply', index };
  for (let i = 0; i < index; i++) if (extracts[i].status !== 'done already') extracts[i].status = 'pending';
  return {
    status: 'waiting',
    message:
      `${uri} (as_of ${ordered[index].asOf}) waits: ${older.length} older extract${older.length === 1 ? ' is' : 's are'} not applied yet ` +
      `(${older
        .slice(0, 3)
        .map((e) => `${e.listed.uri}, as_of ${e.asOf}`)
        .join('; ')}${older.length > 3 ? '; …' : ''}). ` +
      'Nothing was written. Apply them first: `mapc job` without --once applies every extract in order.',
  };
}

/** Applies one extract to every mapping that has not applied it; the failure, or null. */
async function applyExtract(
  extract: OrderedExtract,
  input: JobInput,
  store: DynamoDbStateStore,
  runs: JobRun[],
  log: JobLog,
): Promise<string | null> {
  const uri = extract.listed.uri;
  if (!extract.opened) {
    await recordUnreadable(extract, input.plans, store).catch((error: unknown) => {
      throw withConnectionCause(error, input.connection.location);
    });
    return `cannot be read: ${extract.error ?? 'unknown error'}`;
  }
  for (const plan of input.plans) {
    if (extract.doneFor.has(plan.mapping)) continue;
    log.info('applying', { extract: uri, mapping: plan.mapping, asOf: extract.asOf });
    const files = input.reportDir
      ? await runFiles(input.reportDir, plan.mapping, extract.listed.name, input.shard)
      : null;
    const rejects = files ? new RejectsFile(files.rejects) : { write: () => undefined };
    let report: RunReport;
    try {
      report = await mergeIntoDynamoDb({
        plan,
        extract: extract.opened,
        asOf: parseAsOf(extract.asOf),
        connection: input.connection,
        rejects,
        maxRejects: input.maxRejects,
        concurrency: input.concurrency,
        maxWriteRate: input.maxWriteRate,
        owner: input.owner ?? `${hostname()}:${process.pid}`,
        limits: input.limits,
        ...(input.shard ? { shard: input.shard } : {}),
      });
    } finally {
      if (rejects instanceof RejectsFile) await rejects.close();
    }
    if (files) await writeFile(files.report, `${JSON.stringify(report, null, 2)}\n`);
    const run: JobRun = {
      extract: uri,
      mapping: plan.mapping,
      report,
      ...(files ? { reportFile: files.report, rejectsFile: files.rejects } : {}),
    };
    runs.push(run);
    input.onRun?.(run);
    const counts = Object.values(report.tables);
    const fields = {
      extract: uri,
      mapping: plan.mapping,
      status: report.status,
      seconds: report.seconds,
      rowsRead: counts.reduce((sum, c) => sum + c.read, 0),
      rejected: report.rejects,
      parked: counts.reduce((sum, c) => sum + c.parked, 0),
      itemsWritten: Object.values(report.items).reduce((sum, c) => sum + c.written, 0),
      ...(report.dynamodb ? { dynamodb: summarizeDynamoDb(report.dynamodb) } : {}),
      ...(files ? { report: files.report } : {}),
    };
    if (report.status === 'failed') return `mapping ${plan.mapping}: ${report.error}`;
    if (!report.reconciled)
      return `mapping ${plan.mapping}: the run's counts do not add up (see ${files?.report ?? 'its report'})`;
    if (report.rejects > 0)
      log.warn('applied, with rejected rows', { ...fields, ...(files ? { rejects: files.rejects } : {}) });
    else log.info(report.status === 'skipped' ? 'applied already' : 'applied', fields);
  }
  return null;
}

/** An extract that cannot even be opened is recorded failed for each mapping, so `mapc ledger` shows it and `mapc ledger skip` finds it. */
async function recordUnreadable(extract: OrderedExtract, plans: Plan[], store: DynamoDbStateStore): Promise<void> {
  const { listed } = extract;
  const now = new Date().toISOString();
  for (const plan of plans) {
    if (extract.doneFor.has(plan.mapping)) continue;
    const identity: ExtractIdentity = {
      uri: listed.uri,
      size: listed.size,
      ...(listed.etag ? { etag: listed.etag } : {}),
      ...(listed.lastModified ? { lastModified: listed.lastModified } : {}),
    };
    const entry: LedgerEntry = {
      mapping: plan.mapping,
      extract: identityKey(identity),
      identity,
      planHash: plan.sourceHash,
      asOf: extract.asOf,
      status: 'failed',
      startedAt: now,
      finishedAt: now,
      error: `cannot be read: ${extract.error}`,
    };
    await store.recordLedger(entry);
  }
}

/** <dir>/<mapping>/<extract name with / as __>.report.json and .rejects.ndjson */
async function runFiles(
  dir: string,
  mapping: string,
  name: string,
  shard?: Shard,
): Promise<{ report: string; rejects: string }> {
  const folder = join(dir, mapping);
  await mkdir(folder, { recursive: true });
  const suffix = shard ? `.shard-${shard.index}-of-${shard.count}` : '';
  const base = join(folder, name.replace(/\.zip$/i, '').replaceAll('/', '__') + suffix);
  return { report: `${base}.report.json`, rejects: `${base}.rejects.ndjson` };
}
