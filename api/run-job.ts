// runJob: the unattended job as a library function, for the CLI (`mapc job`), a container
// and a Lambda handler alike. Mappings are .map or plan files; the pass itself is
// runtime/job/run-job.ts. watchJob repeats passes on an interval until it is stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3SourceOptions } from '../runtime/archive/s3-source.js';
import { connectDynamoDb, type DynamoDbConnection, type DynamoDbOptions } from '../runtime/dynamodb/dynamodb-connection.js';
import type { JobReport, JobRun } from '../runtime/job/job-report.js';
import { parseJobSource } from '../runtime/job/list-extracts.js';
import type { JobLog } from '../runtime/job/job-log.js';
import { runJob as runJobPass } from '../runtime/job/run-job.js';
import type { Plan } from '../runtime/plan/types.js';
import { loadPlan } from './load-plan.js';

export interface RunJobOptions {
  /** .map or plan .json files, or plans loaded already. */
  mappings: Array<string | Plan>;
  /** s3://bucket/prefix/ or a local folder. */
  source: string;
  /** Apply only this extract (s3://bucket/key or a path), unless an older one must go first. */
  once?: string;
  dynamodb?: DynamoDbOptions & { connection?: DynamoDbConnection };
  /** How s3:// sources are listed and read: region and endpoint, or a client. */
  s3?: S3SourceOptions;
  concurrency?: number;
  maxRejects?: number;
  /** Each run's report and rejects go to <reportDir>/<mapping>/. */
  reportDir?: string;
  spoolFolder?: string;
  owner?: string;
  log?: JobLog;
  onRun?: (run: JobRun) => void;
}

export async function runJob(options: RunJobOptions): Promise<JobReport> {
  const plans = options.mappings.map((mapping) => (typeof mapping === 'string' ? loadPlan(mapping) : mapping));
  const names = new Map<string, number>();
  for (const plan of plans) names.set(plan.mapping, (names.get(plan.mapping) ?? 0) + 1);
  const twice = [...names].filter(([, count]) => count > 1).map(([name]) => name);
  if (twice.length > 0) throw new Error(`mapping ${twice.join(', ')} is given more than once: each mapping has one ledger, so name each once`);
  const connection = options.dynamodb?.connection ?? connectDynamoDb(options.dynamodb);
  try {
    return await runJobPass({
      plans, source: parseJobSource(options.source), connection,
      ...(options.s3 ? { s3: options.s3 } : {}),
      once: options.once, concurrency: options.concurrency, maxRejects: options.maxRejects, reportDir: options.reportDir,
      spoolFolder: options.spoolFolder, owner: options.owner, log: options.log, onRun: options.onRun,
    });
  } finally {
    if (!options.dynamodb?.connection) connection.destroy();
  }
}

/** Runs a pass every `intervalMs` (from the start of one to the start of the next) until `signal` aborts; each pass's report goes to onPass. */
export async function watchJob(options: RunJobOptions & { intervalMs: number; signal: AbortSignal; onPass: (report: JobReport) => void }): Promise<void> {
  while (!options.signal.aborted) {
    const started = Date.now();
    try {
      options.onPass(await runJob(options));
    } catch (error) {
      options.log?.error('the pass stopped', { error: (error as Error).message });
    }
    const wait = Math.max(0, options.intervalMs - (Date.now() - started));
    await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
