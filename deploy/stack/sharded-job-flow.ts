/*
 * The states of sharded mode (docs/deploy.md "Sharded mode"): after the execution lock is
 * taken, extract after extract, oldest first,
 *
 *   Take the execution lock ─► Plan the next extract (ECS: mapc job --plan --plan-out s3://…)
 *     ─► Read the plan (s3:getObject, States.StringToJson) ─► Is an extract pending?
 *          no ─► Let go of the lock ─► Done
 *          yes ─► Apply the shards (Distributed Map over plan.shardList, one child execution each:
 *                   Hold the lock for the execution ─► Apply the shard (ECS: mapc job, MAPC_ONCE,
 *                   MAPC_SHARD, MAPC_OWNER = "<execution name> shard i/N"))
 *               ─► Check the extract is applied (ECS: mapc job --once X --check)
 *               ─► Count the extract ─► Go on with the next extract?
 *                    yes ─► Take the execution lock (again: still ours, or another execution's)
 *                    no (extractsPerExecution done) ─► Let go of the lock for a new execution
 *                        ─► Go on in a new execution ─► Done
 *
 * The loop ends when the plan finds nothing pending; each turn applies a newer extract (the
 * check makes sure the last one counts as applied, so the plan cannot pick it again), and one
 * execution applies at most extractsPerExecution extracts before a new execution goes on (a
 * Standard execution's history holds 25,000 events); the state machine's timeout is the
 * backstop (shardedTimeout).
 *
 * Failures: the plan (exit 1: the oldest pending extract failed or cannot be read), reading the
 * plan and the check go to the failure path (let go of the lock, tell the operators, fail). The
 * Distributed Map has no Catch, so that a shard that still fails after its retries fails the
 * execution at the Map, which has then entered and not exited: RedriveExecution re-runs only
 * the Map's failed child executions, that shard alone. The execution keeps the lock until a
 * later one takes it over from the failed execution; a redriven shard takes it back first, or
 * fails if another execution holds it.
 */
import { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { ContainerDefinition, FargateTaskDefinition, ICluster } from 'aws-cdk-lib/aws-ecs';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  Choice,
  Condition,
  DistributedMap,
  JsonPath,
  Pass,
  Result,
  StateMachineType,
  Succeed,
  Timeout,
  type IChainable,
  type QueryLanguage,
  type State,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { PLAN_COMMAND } from '../job-environment.js';
import type { ShardsConfig } from '../shards-config.js';
import { CONDITION_FAILED, type ExecutionLock } from './execution-lock.js';
import { kmsThroughS3, planObjectsArn } from './job-permissions.js';
import { jobRetries, taskBackoffMinutes, taskRuns } from './job-retries.js';
import { JobRunTask, jobTaskPlacement } from './job-run-task.js';

export interface ShardedJobFlowProps {
  cluster: ICluster;
  clusterName: string;
  securityGroup: ISecurityGroup;
  /** The job's task definition: the plan and check steps run on it, with overrides. */
  taskDefinition: FargateTaskDefinition;
  container: ContainerDefinition;
  /** A shard's task definition (shard-task.ts). */
  shardTaskDefinition: FargateTaskDefinition;
  shardContainer: ContainerDefinition;
  shards: ShardsConfig;
  /** The extracts' bucket: plans are written under shards.planPrefix there. */
  bucketName: string;
  kmsKeyArn?: string;
  /** The longest a shard's run may take. */
  timeoutMinutes: number;
  /** The state machine's own ARN, built from its fixed name: a new execution goes on from this one. */
  stateMachineArn: string;
  lock: ExecutionLock;
  /** With the error at $.failure: let go of the lock, tell the operators, fail. */
  onFailure: IChainable;
  /** With the error at $.failure, when the lock cannot be taken: tell the operators, fail. */
  onLockError: IChainable;
  /** Lets go of the lock and succeeds: nothing is pending. */
  release: IChainable;
  done: IChainable;
}

/** The label of the Distributed Map's runs: its child executions are named `<state machine>/Shards:<id>`. */
export const SHARDS_MAP_LABEL = 'Shards';

/** The plan and check steps read the listing, the ledgers and the extracts' directories: minutes at most. */
export const STEP_TIMEOUT_MINUTES = 20;

/** What a shard may use, of its task's memory, when the plan sizes shards: the rest is headroom for the runtime's estimate to miss. */
export const planMemoryMiB = (shards: ShardsConfig) => Math.floor(shards.memoryMiB * 0.9);

/**
 * The most an execution can take: per extract, the plan and check steps and the shards in
 * waves of maxConcurrency, each task tried taskRuns() times with its backoff between, then
 * bookkeeping; times extractsPerExecution.
 */
export function shardedTimeout(shards: ShardsConfig, timeoutMinutes: number): Duration {
  const task = (minutes: number) => taskRuns() * minutes + taskBackoffMinutes();
  const waves = Math.ceil(shards.maxShards / shards.maxConcurrency);
  const perExtract = 2 * task(STEP_TIMEOUT_MINUTES) + waves * task(timeoutMinutes) + 10;
  return Duration.minutes(shards.extractsPerExecution * perExtract + 30);
}

export class ShardedJobFlow extends Construct {
  /** The first state: counts no extract yet, then takes the lock. */
  readonly start: State;
  /** Statements the state machine's role needs beyond what its states grant themselves. */
  readonly policyStatements: PolicyStatement[] = [];
  /** The state machine's timeout: the backstop of the loop (shardedTimeout). */
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: ShardedJobFlowProps) {
    super(scope, id);
    const { shards, lock } = props;
    const placement = jobTaskPlacement(props);
    const planKey = JsonPath.format(`${shards.planPrefix}{}.json`, JsonPath.executionName);
    const task = (run: JobRunTask) => {
      for (const retry of jobRetries()) run.addRetry(retry);
      return run;
    };

    const plan = task(
      new JobRunTask(this, 'Plan the next extract', {
        ...placement,
        taskDefinition: props.taskDefinition,
        containerOverrides: [
          {
            containerDefinition: props.container,
            command: PLAN_COMMAND,
            environment: [
              {
                name: 'MAPC_PLAN_OUT',
                value: JsonPath.format(`s3://${props.bucketName}/${shards.planPrefix}{}.json`, JsonPath.executionName),
              },
              { name: 'MAPC_SHARD_MEMORY', value: String(planMemoryMiB(shards)) },
              { name: 'MAPC_MAX_SHARDS', value: String(shards.maxShards) },
            ],
          },
        ],
        taskTimeout: Timeout.duration(Duration.minutes(STEP_TIMEOUT_MINUTES)),
        resultPath: JsonPath.DISCARD,
      }),
    );
    const readPlan = new CallAwsService(this, 'Read the plan', {
      service: 's3',
      action: 'getObject',
      iamAction: 's3:GetObject',
      iamResources: [planObjectsArn({ bucketName: props.bucketName, planPrefix: shards.planPrefix })],
      parameters: { Bucket: props.bucketName, Key: planKey },
      resultSelector: { plan: JsonPath.stringToJson(JsonPath.stringAt('$.Body')) },
      resultPath: '$.next',
    });
    readPlan.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });
    if (props.kmsKeyArn !== undefined)
      this.policyStatements.push(kmsThroughS3('ReadPlansThroughS3', 'kms:Decrypt', props.kmsKeyArn));

    const pending = new Choice(this, 'Is an extract pending?');

    const applyShard = task(
      new JobRunTask(this, 'Apply the shard', {
        ...placement,
        taskDefinition: props.shardTaskDefinition,
        containerOverrides: [
          {
            containerDefinition: props.shardContainer,
            environment: [
              { name: 'MAPC_ONCE', value: JsonPath.stringAt('$.extract') },
              { name: 'MAPC_SHARD', value: JsonPath.stringAt('$.shard') },
              // Per execution and shard: a retried or redriven shard takes its own lease over at once.
              {
                name: 'MAPC_OWNER',
                value: JsonPath.format('{} shard {}', JsonPath.stringAt('$.execution'), JsonPath.stringAt('$.shard')),
              },
            ],
          },
        ],
        taskTimeout: Timeout.duration(Duration.minutes(props.timeoutMinutes)),
        resultPath: JsonPath.DISCARD,
      }),
    );
    const applyShards = new ShardsMap(this, 'Apply the shards', {
      itemsPath: '$.next.plan.shardList',
      itemSelector: {
        shard: JsonPath.stringAt('$$.Map.Item.Value'),
        extract: JsonPath.stringAt('$.next.plan.extract'),
        execution: JsonPath.executionName,
        executionId: JsonPath.executionId,
      },
      maxConcurrency: shards.maxConcurrency,
      label: SHARDS_MAP_LABEL,
      mapExecutionType: StateMachineType.STANDARD,
      resultPath: JsonPath.DISCARD,
    });
    applyShards.itemProcessor(lock.holdFor('Hold the lock for the execution', '$.executionId').next(applyShard));

    const check = task(
      new JobRunTask(this, 'Check the extract is applied', {
        ...placement,
        taskDefinition: props.taskDefinition,
        containerOverrides: [
          {
            containerDefinition: props.container,
            environment: [
              { name: 'MAPC_ONCE', value: JsonPath.stringAt('$.next.plan.extract') },
              { name: 'MAPC_CHECK', value: 'true' },
            ],
          },
        ],
        taskTimeout: Timeout.duration(Duration.minutes(STEP_TIMEOUT_MINUTES)),
        resultPath: JsonPath.DISCARD,
      }),
    );

    const countNone = new Pass(this, 'Count no extract yet', {
      result: Result.fromObject({ count: 0 }),
      resultPath: '$.extracts',
    });
    const count = new Pass(this, 'Count the extract', {
      parameters: { count: JsonPath.mathAdd(JsonPath.numberAt('$.extracts.count'), 1) },
      resultPath: '$.extracts',
    });
    const goOn = new Choice(this, 'Go on with the next extract?');
    const releaseForNext = lock.release('Let go of the lock for a new execution');
    const continueInNew = new CallAwsService(this, 'Go on in a new execution', {
      service: 'sfn',
      action: 'startExecution',
      iamAction: 'states:StartExecution',
      iamResources: [props.stateMachineArn],
      parameters: {
        StateMachineArn: JsonPath.stringAt('$$.StateMachine.Id'),
        Input: JSON.stringify({ mapc: 'catch-up', trigger: 'continued' }),
      },
      resultPath: JsonPath.DISCARD,
    });
    continueInNew.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });
    const handedOver = new Succeed(this, 'A new execution goes on', {
      comment: 'It applies the next extracts; so does the next catch-up, should it not start.',
    });

    const take = lock.take(plan, props.onLockError);
    for (const state of [plan, readPlan, check])
      state.addCatch(props.onFailure, { errors: ['States.ALL'], resultPath: '$.failure' });
    plan.next(readPlan);
    readPlan.next(pending);
    pending.when(Condition.isNull('$.next.plan.extract'), props.release).otherwise(applyShards);
    // No Catch on the Map: its failure fails the execution there, redrivable (see above).
    applyShards.next(check);
    check.next(count);
    count.next(goOn);
    goOn
      .when(Condition.numberLessThan('$.extracts.count', shards.extractsPerExecution), take)
      .otherwise(releaseForNext);
    // Lost the lock meanwhile: the holder goes on; a new execution would find it held and end.
    releaseForNext.addCatch(props.done, { errors: [CONDITION_FAILED], resultPath: JsonPath.DISCARD });
    releaseForNext.addCatch(props.onLockError, { errors: ['States.ALL'], resultPath: '$.failure' });
    releaseForNext.next(continueInNew);
    // The lock is let go of already: should no new execution start, the next catch-up goes on.
    continueInNew.addCatch(props.done, { errors: ['States.ALL'], resultPath: JsonPath.DISCARD });
    continueInNew.next(handedOver);
    countNone.next(take);
    this.start = countNone;
    this.timeout = shardedTimeout(shards, props.timeoutMinutes);
  }
}

/**
 * A Distributed Map that fails its Map Run at the first child execution that fails
 * (ToleratedFailurePercentage 0, written out: CDK leaves a 0 out, and 0 is also Step Functions'
 * default). Every shard must apply the extract for it to count as applied.
 */
class ShardsMap extends DistributedMap {
  override toStateJson(queryLanguage?: QueryLanguage): object {
    return { ...super.toStateJson(queryLanguage), ToleratedFailurePercentage: 0 };
  }
}
