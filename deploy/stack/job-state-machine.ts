// The state machine that runs `mapc job` once per execution, whatever started it (an extract
// landing, or the catch-up schedule): take the execution lock, run the job as a Fargate task
// and wait for it (ecs:runTask.sync), let go of the lock. Failures that a new attempt can cure
// are retried with backoff; whatever still fails lets go of the lock, publishes to the alerts
// topic and ends the execution FAILED (the "job failed" alarm counts those). In sharded mode
// (config `shards`) the lock and the failure path are the same, and between them the states
// of sharded-job-flow.ts apply extract after extract as shards, on tasks retried alike.
//
// Retries (error names as Step Functions reports them for runTask.sync):
// - ECS.AmazonECSException (the RunTask call failed: throttling, a service error) and
//   AmazonECS.Unknown (RunTask answered with Failures, such as no Fargate capacity): every
//   30 s, doubling, 4 more times;
// - States.TaskFailed (the task stopped and its container did not exit 0: the job failed, or
//   the container could not start): twice more, after 2 then 4 minutes. A pass is idempotent
//   (docs/job.md), and a throttled table or a lapsed lease is often gone minutes later; an
//   extract that is broken fails again, and then the Catch tells people.
// - States.Timeout (the job ran past timeoutMinutes): not retried.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ContainerDefinition, ICluster, FargateTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  DefinitionBody,
  Fail,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { CONDITION_FAILED, ExecutionLock } from './execution-lock.js';
import { JOB_RETRIES, jobRetries, taskRuns } from './job-retries.js';
import { JobRunTask, jobTaskPlacement } from './job-run-task.js';
import { ShardedJobFlow } from './sharded-job-flow.js';

export { JOB_RETRIES };
import type { ShardsConfig } from '../shards-config.js';

export interface JobStateMachineProps {
  name: string;
  cluster: ICluster;
  clusterName: string;
  taskDefinition: FargateTaskDefinition;
  container: ContainerDefinition;
  securityGroup: ISecurityGroup;
  controlTable: ITable;
  topic: ITopic;
  /** The topic's key: publishing to an encrypted topic takes kms:GenerateDataKey and kms:Decrypt. */
  topicKey: IKey;
  timeoutMinutes: number;
  logRetention: RetentionDays;
  /** Sharded mode (sharded-job-flow.ts); absent: one `mapc job` task per execution. */
  sharded?: {
    shards: ShardsConfig;
    shardTaskDefinition: FargateTaskDefinition;
    shardContainer: ContainerDefinition;
    /** The extracts' bucket, where plans are written. */
    bucketName: string;
    kmsKeyArn?: string;
  };
}

export const stateMachineName = (name: string) => `${name}-job`;

export class JobStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: JobStateMachineProps) {
    super(scope, id);
    const name = stateMachineName(props.name);
    const lock = new ExecutionLock(this, 'Lock', {
      table: props.controlTable,
      name: props.name,
      stateMachineName: name,
    });

    const failed = new Fail(this, 'mapc job failed', { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });
    const notify = new SnsPublish(this, 'Tell the operators', {
      topic: props.topic,
      subject: `mapc job failed: ${props.name}`,
      message: TaskInput.fromObject({
        what: 'mapc job failed; later extracts wait until the failed one is dealt with (docs/deploy.md, "Alarms")',
        execution: JsonPath.executionId,
        error: JsonPath.stringAt('$.failure.Error'),
        cause: JsonPath.stringAt('$.failure.Cause'),
      }),
      resultPath: JsonPath.DISCARD,
    });
    notify.addCatch(failed, { errors: ['States.ALL'], resultPath: JsonPath.DISCARD });
    notify.next(failed);

    const releaseAfterFailure = lock.release('Let go of the lock after the failure');
    releaseAfterFailure.addCatch(notify, { errors: ['States.ALL'], resultPath: JsonPath.DISCARD });
    releaseAfterFailure.next(notify);

    const done = new Succeed(this, 'Done');
    const release = lock.release('Let go of the lock');
    release.addCatch(done, { errors: [CONDITION_FAILED], resultPath: JsonPath.DISCARD });
    release.addCatch(notify, { errors: ['States.ALL'], resultPath: '$.failure' });
    release.next(done);

    let start: IChainable;
    let timeout: Duration;
    let sharded: ShardedJobFlow | undefined;
    if (props.sharded === undefined) {
      const runJob = new JobRunTask(this, 'Run mapc job', {
        ...jobTaskPlacement(props),
        taskDefinition: props.taskDefinition,
        containerOverrides: [
          {
            containerDefinition: props.container,
            // The lease's owner: a retried task of this execution takes its own lease over at once.
            environment: [{ name: 'MAPC_OWNER', value: JsonPath.stringAt('$$.Execution.Name') }],
          },
        ],
        taskTimeout: Timeout.duration(Duration.minutes(props.timeoutMinutes)),
        resultPath: JsonPath.DISCARD,
      });
      for (const retry of jobRetries()) runJob.addRetry(retry);
      runJob.addCatch(releaseAfterFailure, { errors: ['States.ALL'], resultPath: '$.failure' });
      runJob.next(release);
      start = lock.take(runJob, notify);
      // Every run may last the task's timeout; the rest is backoff and bookkeeping. An execution
      // stopped by this timeout ends, and the next one takes its lock over.
      timeout = Duration.minutes(props.timeoutMinutes * taskRuns() + 30);
    } else {
      sharded = new ShardedJobFlow(this, 'Sharded', {
        ...props,
        ...props.sharded,
        stateMachineArn: Stack.of(this).formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName: name,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
        lock,
        onFailure: releaseAfterFailure,
        onLockError: notify,
        release,
        done,
      });
      start = sharded.start;
      timeout = sharded.timeout;
    }

    this.logGroup = new LogGroup(this, 'Logs', {
      // CloudWatch Logs keeps one resource policy for the log deliveries of every state
      // machine; names under /aws/vendedlogs/ do not grow it.
      // It has a fixed name, so it goes with the stack: a stack deployed again can make it anew.
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(start),
      comment: sharded
        ? 'Runs mapc job extract after extract, each as the shards mapc job --plan sizes, on Fargate tasks, one execution at a time (docs/deploy.md)'
        : 'Runs mapc job on a Fargate task, one execution at a time (docs/deploy.md)',
      timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachine.addToRolePolicy(lock.policyStatement());
    for (const statement of sharded?.policyStatements ?? []) this.stateMachine.addToRolePolicy(statement);
    props.topicKey.grant(this.stateMachine, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
