// The job as an ECS Fargate task: a cluster (Container Insights on) and a task definition whose
// one container is the image built from the repository's Dockerfile, running `mapc job` with
// the MAPC_* environment (job-environment.ts). Its standard output (JSON log lines and one
// EMF metrics record per run) goes to CloudWatch Logs by the awslogs driver, where the EMF
// records become the `mapc` namespace's metrics.
import { Aws } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  type ContainerDefinition,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { LogGroup, type ILogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config.js';
import { JOB_COMMAND, jobEnvironment } from '../job-environment.js';
import type { MappingSet } from '../mapping-set.js';
import type { TablePlan } from '../table-plan.js';
import { JobNetwork } from './job-network.js';

export interface JobTaskProps {
  config: DeployConfig;
  mappingSet: MappingSet;
  tablePlan: TablePlan;
  /** The folder holding the Dockerfile: the repository. */
  imageContext: string;
  logRetention: RetentionDays;
}

export const CONTAINER_NAME = 'mapc';

/** The job's image: staged at synth, built by `cdk deploy` (Docker or Finch), pushed to the bootstrap repository. */
export function jobImage(imageContext: string): ContainerImage {
  return ContainerImage.fromAsset(imageContext, { file: 'Dockerfile', platform: Platform.LINUX_AMD64 });
}

export class JobTask extends Construct {
  readonly network: JobNetwork;
  readonly cluster: Cluster;
  /** Fixed, so that the state machine's role can name the cluster's tasks. */
  readonly clusterName: string;
  readonly taskDefinition: FargateTaskDefinition;
  readonly container: ContainerDefinition;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: JobTaskProps) {
    super(scope, id);
    const { config } = props;
    this.network = new JobNetwork(this, 'Network', { logRetention: props.logRetention });
    this.clusterName = `${config.name}-job`;
    this.cluster = new Cluster(this, 'Cluster', {
      clusterName: this.clusterName,
      vpc: this.network.vpc,
      containerInsightsV2: config.containerInsights ? ContainerInsights.ENABLED : ContainerInsights.DISABLED,
    });
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    ({ taskDefinition: this.taskDefinition, container: this.container } = jobTaskDefinition(this, {
      ...props,
      family: `${config.name}-job`,
      cpu: config.task.cpu,
      memoryMiB: config.task.memoryMiB,
      logGroup: this.logGroup,
      streamPrefix: 'job',
    }));
  }
}

/**
 * A task definition (construct id "Definition") running `mapc job` from the job's image with
 * its environment, of the given size, logging to the group under the prefix: the job's, and in
 * sharded mode a shard's (shard-task.ts).
 */
export function jobTaskDefinition(
  scope: Construct,
  props: Pick<JobTaskProps, 'config' | 'mappingSet' | 'tablePlan' | 'imageContext'> & {
    family: string;
    cpu: number;
    memoryMiB: number;
    logGroup: ILogGroup;
    streamPrefix: string;
  },
): { taskDefinition: FargateTaskDefinition; container: ContainerDefinition } {
  const { config } = props;
  const taskDefinition = new FargateTaskDefinition(scope, 'Definition', {
    family: props.family,
    cpu: props.cpu,
    memoryLimitMiB: props.memoryMiB,
    ...(config.task.ephemeralStorageGiB !== undefined ? { ephemeralStorageGiB: config.task.ephemeralStorageGiB } : {}),
    runtimePlatform: { cpuArchitecture: CpuArchitecture.X86_64, operatingSystemFamily: OperatingSystemFamily.LINUX },
  });
  const container = taskDefinition.addContainer(CONTAINER_NAME, {
    image: jobImage(props.imageContext),
    command: JOB_COMMAND,
    environment: jobEnvironment(config, props.mappingSet, props.tablePlan, Aws.REGION),
    logging: LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: props.streamPrefix }),
  });
  return { taskDefinition, container };
}
