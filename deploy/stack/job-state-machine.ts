// The state machine that runs `mapc job` once per execution, whatever started it (an extract
// landing, or the catch-up schedule): take the execution lock, run the job as a Fargate task
// and wait for it (ecs:runTask.sync), let go of the lock. Failures that a new attempt can cure
// are retried with backoff; whatever still fails lets go of the lock, publishes to the alerts
// topic and ends the execution FAILED (the "job failed" alarm counts those).
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
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ContainerDefinition, ICluster, FargateTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { SubnetType, type ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { EcsFargateLaunchTarget, SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { CONDITION_FAILED, ExecutionLock } from './execution-lock.js';
import { JobRunTask } from './job-run-task.js';

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
}

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

    const runJob = new JobRunTask(this, 'Run mapc job', {
      integrationPattern: IntegrationPattern.RUN_JOB,
      cluster: props.cluster,
      clusterName: props.clusterName,
      taskDefinition: props.taskDefinition,
      launchTarget: new EcsFargateLaunchTarget(),
      assignPublicIp: true,
      subnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [props.securityGroup],
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
    for (const retry of JOB_RETRIES) runJob.addRetry({ ...retry, jitterStrategy: JitterType.FULL });

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
    runJob.addCatch(releaseAfterFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    const done = new Succeed(this, 'Done');
    const release = lock.release('Let go of the lock');
    release.addCatch(done, { errors: [CONDITION_FAILED], resultPath: JsonPath.DISCARD });
    release.addCatch(notify, { errors: ['States.ALL'], resultPath: '$.failure' });
    release.next(done);
    runJob.next(release);

    this.logGroup = new LogGroup(this, 'Logs', {
      // CloudWatch Logs keeps one resource policy for the log deliveries of every state
      // machine; names under /aws/vendedlogs/ do not grow it.
      // It has a fixed name, so it goes with the stack: a stack deployed again can make it anew.
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A task that runs and fails is tried again (States.TaskFailed); one that cannot start fails fast.
    const runs =
      1 + JOB_RETRIES.filter((r) => r.errors.includes('States.TaskFailed')).reduce((n, r) => n + r.maxAttempts, 0);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(lock.take(runJob, notify)),
      comment: 'Runs mapc job on a Fargate task, one execution at a time (docs/deploy.md)',
      // Every run may last the task's timeout; the rest is backoff and bookkeeping. An execution
      // stopped by this timeout ends, and the next one takes its lock over.
      timeout: Duration.minutes(props.timeoutMinutes * runs + 30),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachine.addToRolePolicy(lock.policyStatement());
    props.topicKey.grant(this.stateMachine, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
