// The task of one shard, in sharded mode (docs/deploy.md "Sharded mode"): the job's image and
// environment, as the job's own task definition has them, in a task definition of the shard's
// size (shards.shardCpu, shards.shardMemoryMiB). A task definition's size is fixed when it is
// registered, so the plan step sizes shards to fit this one (MAPC_SHARD_MEMORY), not the other
// way round. The state machine names the extract and the shard per task (MAPC_ONCE, MAPC_SHARD).
import type { ContainerDefinition, FargateTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config.js';
import type { MappingSet } from '../mapping-set.js';
import type { ShardsConfig } from '../shards-config.js';
import type { TablePlan } from '../table-plan.js';
import { jobTaskDefinition } from './job-task.js';

export interface ShardTaskProps {
  config: DeployConfig;
  shards: ShardsConfig;
  mappingSet: MappingSet;
  tablePlan: TablePlan;
  imageContext: string;
  /** The job's log group: a shard's lines go there too, under the stream prefix "shard". */
  logGroup: ILogGroup;
}

export const shardFamily = (name: string) => `${name}-job-shard`;

export class ShardTask extends Construct {
  readonly taskDefinition: FargateTaskDefinition;
  readonly container: ContainerDefinition;

  constructor(scope: Construct, id: string, props: ShardTaskProps) {
    super(scope, id);
    ({ taskDefinition: this.taskDefinition, container: this.container } = jobTaskDefinition(this, {
      ...props,
      family: shardFamily(props.config.name),
      cpu: props.shards.cpu,
      memoryMiB: props.shards.memoryMiB,
      streamPrefix: 'shard',
    }));
  }
}
