// ecs:runTask.sync as CDK's EcsRunTask writes it, with one change to the role it asks for:
// CDK grants ecs:StopTask and ecs:DescribeTasks on "*" (the task's id is not known before it
// runs), but both actions take a task ARN, so they are granted on the tasks of the job's
// cluster only: arn:…:ecs:region:account:task/<cluster>/*.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { SubnetType, type ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { ICluster } from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { IntegrationPattern } from 'aws-cdk-lib/aws-stepfunctions';
import { EcsFargateLaunchTarget, EcsRunTask, type EcsRunTaskProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** Where every task of the job runs: Fargate in the job's public subnets, waited for (runTask.sync). */
export function jobTaskPlacement(props: { cluster: ICluster; clusterName: string; securityGroup: ISecurityGroup }) {
  return {
    integrationPattern: IntegrationPattern.RUN_JOB,
    cluster: props.cluster,
    clusterName: props.clusterName,
    launchTarget: new EcsFargateLaunchTarget(),
    assignPublicIp: true,
    subnets: { subnetType: SubnetType.PUBLIC },
    securityGroups: [props.securityGroup],
  };
}

const TASK_ACTIONS = ['ecs:StopTask', 'ecs:DescribeTasks'];

export class JobRunTask extends EcsRunTask {
  constructor(scope: Construct, id: string, props: EcsRunTaskProps & { clusterName: string; cluster: ICluster }) {
    super(scope, id, props);
    const tasks = Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${props.clusterName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const policies = this.taskPolicies ?? [];
    const unscoped = policies.findIndex(
      (p) => TASK_ACTIONS.every((a) => p.actions.includes(a)) && p.resources.includes('*'),
    );
    if (unscoped < 0)
      throw new Error(
        'EcsRunTask no longer grants ecs:StopTask and ecs:DescribeTasks on "*": check what it grants, and drop JobRunTask if it scopes them',
      );
    policies.splice(unscoped, 1, new PolicyStatement({ actions: TASK_ACTIONS, resources: [tasks] }));
  }
}
