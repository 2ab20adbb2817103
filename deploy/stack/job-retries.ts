// How every ECS task of the state machine is retried (the job's, and in sharded mode the plan,
// shard and check tasks): the policy as data, asserted by the tests; job-state-machine.ts says
// why each error is retried so.
import { Duration } from 'aws-cdk-lib';
import { JitterType, type RetryProps } from 'aws-cdk-lib/aws-stepfunctions';

/** The retry policy of the job's task, as data (asserted by the tests). */
export const JOB_RETRIES = [
  {
    errors: ['ECS.AmazonECSException', 'AmazonECS.Unknown'],
    interval: Duration.seconds(30),
    backoffRate: 2,
    maxAttempts: 4,
    maxDelay: Duration.minutes(5),
  },
  { errors: ['States.TaskFailed'], interval: Duration.minutes(2), backoffRate: 2, maxAttempts: 2 },
];

/** The retries as a task takes them, with full jitter. */
export function jobRetries(): RetryProps[] {
  return JOB_RETRIES.map((retry) => ({ ...retry, jitterStrategy: JitterType.FULL }));
}

/** A task that runs and fails is tried again (States.TaskFailed); one that cannot start fails fast. */
const TASK_FAILED = JOB_RETRIES.filter((r) => r.errors.includes('States.TaskFailed'));

/** How many times a task that keeps failing runs: once, and once per States.TaskFailed retry. */
export function taskRuns(): number {
  return 1 + TASK_FAILED.reduce((n, r) => n + r.maxAttempts, 0);
}

/** The longest a task that keeps failing waits between its runs, in minutes (jitter only shortens it). */
export function taskBackoffMinutes(): number {
  let minutes = 0;
  for (const r of TASK_FAILED)
    for (let attempt = 0; attempt < r.maxAttempts; attempt++)
      minutes += r.interval.toMinutes() * r.backoffRate ** attempt;
  return minutes;
}
