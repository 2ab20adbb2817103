// The cdk-nag AwsSolutions findings this stack accepts, each on the construct it concerns and
// with its reason. Everything else the checks ask for is done in the constructs (encryption,
// TLS-only policies, server access logs, state machine logging and tracing, Container
// Insights, flow logs, point-in-time recovery). cdk-nag v3 acknowledges each finding by its
// exact id (`AwsSolutions-IAM5[Resource::<resource as cdk-nag prints it>]`), so a new wildcard
// is never covered by an old acknowledgement.
//
// "*" resources only where AWS offers no resource to name: the actions and why are listed in
// wildcard-resource-actions.ts, and test/deploy/stack-iam.test.ts fails on any other action
// granted on "*".
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { stateMachineName } from './job-state-machine.js';
import type { MapcStack } from './mapc-stack.js';
import { SHARDS_MAP_LABEL } from './sharded-job-flow.js';

export interface NagAcknowledgement {
  id: string;
  reason: string;
}

function acknowledge(construct: IConstruct | undefined, ...acknowledgements: NagAcknowledgement[]): void {
  if (construct === undefined)
    throw new Error(`nothing to acknowledge ${acknowledgements.map((a) => a.id).join(', ')} on`);
  for (const acknowledgement of acknowledgements) Validations.of(construct).acknowledge(acknowledgement);
}

const iam5 = (resource: string) => `AwsSolutions-IAM5[Resource::${resource}]`;
const PARTITION = '<AWS::Partition>';
const REGION_ACCOUNT = '<AWS::Region>:<AWS::AccountId>';

export function acknowledgeNagFindings(stack: MapcStack): void {
  const { config } = stack;

  acknowledge(stack.job.taskDefinition, {
    id: 'AwsSolutions-ECS2',
    reason:
      'The MAPC_* variables are configuration, not secrets: the S3 prefix, plan paths, table names, the region and the metrics format. ' +
      'mapc job reads its configuration from them by design (docs/job.md).',
  });
  acknowledge(stack.job.taskDefinition.taskRole.node.tryFindChild('DefaultPolicy'), {
    id: iam5(`arn:${PARTITION}:s3:::${config.bucket.name}/${config.prefix}*`),
    reason: `The job reads every extract under the prefix ${config.prefix} and only there: object keys are not known before they land.`,
  });
  acknowledge(stack.job.taskDefinition.executionRole?.node.tryFindChild('DefaultPolicy'), {
    id: iam5('*'),
    reason:
      'ecr:GetAuthorizationToken only (pulling the image; the repository actions are on the repository): it has no resource-level permission.',
  });
  acknowledge(
    stack.orchestration.stateMachine.role.node.tryFindChild('DefaultPolicy'),
    {
      id: iam5('*'),
      reason:
        'CloudWatch Logs delivery (logs:*LogDelivery*, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray ' +
        '(PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) only: these actions have no resource-level permission.',
    },
    {
      id: iam5(`arn:${PARTITION}:states:${REGION_ACCOUNT}:execution:${stateMachineName(config.name)}:*`),
      reason:
        "states:DescribeExecution on this state machine's own executions, to tell whether the holder of the execution lock still runs; " +
        'their names are not known in advance.',
    },
    {
      id: iam5(`arn:${PARTITION}:ecs:${REGION_ACCOUNT}:task/${stack.job.clusterName}/*`),
      reason:
        "ecs:DescribeTasks and ecs:StopTask on the tasks of the job's cluster, which runTask.sync polls and stops; task ids are not known in advance.",
    },
  );

  if (config.shards) acknowledgeShardedFindings(stack);

  if (!config.containerInsights) {
    acknowledge(stack.job.cluster, {
      id: 'AwsSolutions-ECS4',
      reason:
        'Container Insights is turned off by the containerInsights setting, to save its custom metrics: the job reports its own ' +
        "metrics (EMF), and Fargate's CPU and memory of the cluster stay in AWS/ECS.",
    });
  }

  // CDK's Lambda-backed custom resource that turns on EventBridge delivery of an existing
  // bucket (keeping its other notifications); absent when the stack creates the bucket.
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    acknowledge(child.node.tryFindChild('Role'), {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's handler that adds EventBridge to an existing bucket's notifications: AWSLambdaBasicExecutionRole only lets it write its own logs.",
    });
  }
}

/** Sharded mode: the shard's task (as the job's), the plans' prefix, and CDK's grants for the Distributed Map. */
function acknowledgeShardedFindings(stack: MapcStack): void {
  const { config } = stack;
  const shardDefinition = stack.shardTask?.taskDefinition;
  const plans = iam5(`arn:${PARTITION}:s3:::${config.bucket.name}/${config.shards!.planPrefix}*`);
  acknowledge(shardDefinition, {
    id: 'AwsSolutions-ECS2',
    reason:
      "A shard's task has the job's MAPC_* variables, configuration and not secrets (the S3 prefix, plan paths, table names, " +
      'the region, the metrics format); the state machine adds the extract and the shard (MAPC_ONCE, MAPC_SHARD) per task.',
  });
  acknowledge(shardDefinition?.taskRole.node.tryFindChild('DefaultPolicy'), {
    id: iam5(`arn:${PARTITION}:s3:::${config.bucket.name}/${config.prefix}*`),
    reason: `A shard reads the extract it applies, under the prefix ${config.prefix} and only there: object keys are not known before they land.`,
  });
  acknowledge(shardDefinition?.executionRole?.node.tryFindChild('DefaultPolicy'), {
    id: iam5('*'),
    reason:
      'ecr:GetAuthorizationToken only (pulling the image; the repository actions are on the repository): it has no resource-level permission.',
  });
  acknowledge(stack.job.taskDefinition.taskRole.node.tryFindChild('DefaultPolicy'), {
    id: plans,
    reason:
      'The plan step (mapc job --plan --plan-out) writes one plan per execution under the plans prefix, named after the execution: ' +
      'execution names are not known in advance. s3:PutObject only, there only.',
  });
  const stateMachine = stack.orchestration.stateMachine;
  acknowledge(stateMachine.role.node.tryFindChild('DefaultPolicy'), {
    id: plans,
    reason:
      'The state machine reads back the plan the plan step wrote, named after the execution (not known in advance): s3:GetObject under the plans prefix only.',
  });
  // CDK's own policy for a Distributed Map: child executions of this state machine, named by Step
  // Functions. It names the state machine through its ARN, which cdk-nag prints unresolved.
  const logicalId = Stack.of(stateMachine).getLogicalId(stateMachine.node.defaultChild as CfnElement);
  const ownName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalId}"}]}]}`;
  const executions = `arn:${PARTITION}:states:${REGION_ACCOUNT}:execution:${ownName}`;
  acknowledge(
    stateMachine.node.tryFindChild('DistributedMapPolicy'),
    {
      id: iam5(`${executions}:*`),
      reason:
        "states:DescribeExecution and states:StopExecution on this state machine's own executions, which its Distributed Map starts " +
        '(one child execution per shard) and stops; their names are made by Step Functions.',
    },
    {
      id: iam5(`${executions}/${SHARDS_MAP_LABEL}:*`),
      reason:
        "states:RedriveExecution on the child executions of this state machine's Distributed Map (label Shards) only, so that redriving a " +
        'failed execution runs its failed shards again; their names are made by Step Functions.',
    },
  );
}
