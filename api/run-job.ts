// runJob: the unattended job as a library function, for the CLI (`mapc job`), a container
// and a Lambda handler alike. Mappings are .map or plan files; the pass itself is
// runtime/job/run-job.ts. watchJob repeats passes on an interval until it is stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  connectDynamoDb,
  type DynamoDbConnection,
  type DynamoDbOptions,
} from '../runtime/dynamodb/dynamodb-connection.js';
import type { JobReport } from '../runtime/job/job-report.js';
import { parseJobSource } from '../runtime/job/list-extracts.js';
import { runJob as runJobPass, type JobInput } from '../runtime/job/run-job.js';
import type { Plan } from '../runtime/plan/types.js';
import { optionProblem } from './option-problem.js';
import { loadPlan } from './load-plan.js';

export interface RunJobOptions extends Omit<JobInput, 'plans' | 'source' | 'connection'> {
  /** .map or plan .json files, or plans loaded already. */
  mappings: Array<string | Plan>;
  /** s3://bucket/prefix/ or a local folder. */
  source: string;
  /** Used as it is (and not destroyed), or a connection made from the options. */
  dynamodb?: DynamoDbOptions & { connection?: DynamoDbConnection };
  /** Load plan files whose content no longer matches their planHash (edited after `mapc compile`). */
  allowEditedPlan?: boolean;
}

export async function runJob(options: RunJobOptions): Promise<JobReport> {
  const problem = optionProblem(options);
  if (problem !== null) {
    // As a pass that fails reports it: nothing was listed, nothing applied.
    return {
      source: options.source,
      status: 'failed',
      startedAt: new Date().toISOString(),
      seconds: 0,
      extracts: [],
      runs: [],
      error: problem,
    };
  }
  const plans = options.mappings.map((mapping) =>
    typeof mapping === 'string' ? loadPlan(mapping, { allowEdited: options.allowEditedPlan }) : mapping,
  );
  const names = new Map<string, number>();
  for (const plan of plans) names.set(plan.mapping, (names.get(plan.mapping) ?? 0) + 1);
  const twice = [...names].filter(([, count]) => count > 1).map(([name]) => name);
  if (twice.length > 0)
    throw new Error(
      `mapping ${twice.join(', ')} is given more than once: each mapping has one ledger, so name each once`,
    );
  const { mappings: _mappings, source, dynamodb, allowEditedPlan: _allowEdited, ...pass } = options;
  const connection = dynamodb?.connection ?? connectDynamoDb(dynamodb);
  try {
    return await runJobPass({ ...pass, plans, source: parseJobSource(source), connection });
  } finally {
    if (!dynamodb?.connection) connection.destroy();
  }
}

/** Runs a pass every `intervalMs` (from the start of one to the start of the next) until `signal` aborts; each pass's report goes to onPass. */
export async function watchJob(
  options: RunJobOptions & { intervalMs: number; signal: AbortSignal; onPass: (report: JobReport) => void },
): Promise<void> {
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
