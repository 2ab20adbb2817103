// mapc in an AWS account: extracts land in S3; an EventBridge rule (and a catch-up schedule)
// starts a Step Functions execution, which runs `mapc job` as a Fargate task, one execution at
// a time (in sharded mode: each extract as shards, on a Distributed Map of Fargate tasks); the
// job merges the extracts into the DynamoDB tables its mappings name; alarms and a dashboard
// watch it. The parts are in this folder, one concern each; this file wires them.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.js';
import type { MappingSet } from '../mapping-set.js';
import type { TablePlan } from '../table-plan.js';
import { AlertsTopic } from './alerts-topic.js';
import { ExtractBucket } from './extract-bucket.js';
import { JobAlarms } from './job-alarms.js';
import { JobDashboard } from './job-dashboard.js';
import { grantJobPermissions, grantPlanWriting } from './job-permissions.js';
import { JobStateMachine } from './job-state-machine.js';
import { JobTask } from './job-task.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { ShardTask } from './shard-task.js';
import { MapcTables } from './tables.js';
import { Triggers } from './triggers.js';

export interface MapcStackProps extends StackProps {
  config: DeployConfig;
  mappingSet: MappingSet;
  tablePlan: TablePlan;
  /** The repository: the Dockerfile's folder. */
  imageContext: string;
  /** Acknowledge the cdk-nag findings this stack accepts (nag-acknowledgements.ts); default true. */
  acknowledgeNagFindings?: boolean;
}

export class MapcStack extends Stack {
  readonly config: DeployConfig;
  readonly extracts: ExtractBucket;
  readonly tables: MapcTables;
  readonly job: JobTask;
  /** Sharded mode: a shard's task. */
  readonly shardTask?: ShardTask;
  readonly orchestration: JobStateMachine;
  readonly alerts: AlertsTopic;
  readonly triggers: Triggers;
  readonly alarms: JobAlarms;

  constructor(scope: Construct, id: string, props: MapcStackProps) {
    super(scope, id, {
      description: `mapc: ${props.config.prefix} of s3://${props.config.bucket.name} into DynamoDB`,
      ...props,
    });
    const { config, mappingSet, tablePlan } = props;
    this.config = config;
    const logRetention = config.logRetentionDays as RetentionDays;

    this.extracts = new ExtractBucket(this, 'Input', config.bucket);
    this.tables = new MapcTables(this, 'Tables', tablePlan);
    this.job = new JobTask(this, 'Job', {
      config,
      mappingSet,
      tablePlan,
      imageContext: props.imageContext,
      logRetention,
    });
    const jobPermissions = {
      bucketName: config.bucket.name,
      prefix: config.prefix,
      kmsKeyArn: config.bucket.kmsKeyArn,
      tables: this.tables,
    };
    grantJobPermissions(this.job.taskDefinition.taskRole, jobPermissions);
    if (config.shards) {
      this.shardTask = new ShardTask(this, 'Shard', {
        config,
        shards: config.shards,
        mappingSet,
        tablePlan,
        imageContext: props.imageContext,
        logGroup: this.job.logGroup,
      });
      grantJobPermissions(this.shardTask.taskDefinition.taskRole, jobPermissions);
      // The job's own task definition runs the plan step, which writes the plan there.
      grantPlanWriting(this.job.taskDefinition.taskRole, {
        bucketName: config.bucket.name,
        planPrefix: config.shards.planPrefix,
        kmsKeyArn: config.bucket.kmsKeyArn,
      });
    }
    this.alerts = new AlertsTopic(this, 'Alerts', { name: config.name, email: config.alarms.email });
    this.orchestration = new JobStateMachine(this, 'Orchestration', {
      name: config.name,
      cluster: this.job.cluster,
      clusterName: this.job.clusterName,
      taskDefinition: this.job.taskDefinition,
      container: this.job.container,
      securityGroup: this.job.network.securityGroup,
      controlTable: this.tables.control.table,
      topic: this.alerts.topic,
      topicKey: this.alerts.key,
      timeoutMinutes: config.task.timeoutMinutes,
      logRetention,
      ...(config.shards && this.shardTask
        ? {
            sharded: {
              shards: config.shards,
              shardTaskDefinition: this.shardTask.taskDefinition,
              shardContainer: this.shardTask.container,
              bucketName: config.bucket.name,
              kmsKeyArn: config.bucket.kmsKeyArn,
            },
          }
        : {}),
    });
    const stateMachine = this.orchestration.stateMachine;
    this.triggers = new Triggers(this, 'Triggers', {
      stateMachine,
      bucketName: config.bucket.name,
      prefix: config.prefix,
      catchUpMinutes: config.catchUpMinutes,
    });

    const mappings = mappingSet.mappings.map((m) => m.name);
    const tableNames = this.tables.all.map((t) => t.plan.tableName);
    this.alarms = new JobAlarms(this, 'Alarms', {
      name: config.name,
      stateMachine,
      mappings,
      tableNames,
      thresholds: config.alarms,
      topic: this.alerts.topic,
    });
    new JobDashboard(this, 'Dashboard', {
      name: config.name,
      mappings,
      tableNames,
      stateMachine,
      alarms: this.alarms.alarms,
    });

    new CfnOutput(this, 'StateMachineArn', {
      value: stateMachine.stateMachineArn,
      description: 'Start an execution with {} to catch up by hand',
    });
    new CfnOutput(this, 'JobLogGroup', {
      value: this.job.logGroup.logGroupName,
      description: "The job's log lines and EMF records",
    });
    new CfnOutput(this, 'AlertsTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'Subscribe to hear of failures and alarms',
    });
    new CfnOutput(this, 'ExtractSource', { value: `s3://${config.bucket.name}/${config.prefix}` });

    if (props.acknowledgeNagFindings !== false) acknowledgeNagFindings(this);
  }
}
