// What starts the state machine: an EventBridge rule on the bucket's S3 "Object Created"
// events for .zip objects under the prefix (the extracts mapc job lists), and an EventBridge
// Scheduler schedule every catchUpMinutes, the safety net for an event that was missed or that
// found another execution running. Both start the same catch-up (docs/deploy.md explains why
// an event does not run `mapc job --once`); the input only says what started it, for the
// execution history.
import { Duration } from 'aws-cdk-lib';
import { EventField, Match, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface TriggersProps {
  stateMachine: IStateMachine;
  bucketName: string;
  prefix: string;
  catchUpMinutes: number;
}

/** The object keys that are extracts: .zip under the prefix (list-extracts.ts takes either case). */
export function extractKeyPatterns(prefix: string): string[] {
  return [...Match.wildcard(`${prefix}*.zip`), ...Match.wildcard(`${prefix}*.ZIP`)];
}

export class Triggers extends Construct {
  readonly rule: Rule;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: TriggersProps) {
    super(scope, id);
    this.rule = new Rule(this, 'ExtractLanded', {
      description: `Catch up with s3://${props.bucketName}/${props.prefix} when an extract lands there`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.bucketName] }, object: { key: extractKeyPatterns(props.prefix) } },
      },
    });
    this.rule.addTarget(
      new SfnStateMachine(props.stateMachine, {
        input: RuleTargetInput.fromObject({
          mapc: 'catch-up',
          trigger: 'extract-landed',
          extract: EventField.fromPath('$.detail.object.key'),
        }),
        retryAttempts: 10,
        maxEventAge: Duration.hours(2),
      }),
    );
    this.schedule = new Schedule(this, 'CatchUp', {
      description: `Catch up with s3://${props.bucketName}/${props.prefix} every ${props.catchUpMinutes} minutes`,
      schedule: ScheduleExpression.rate(Duration.minutes(props.catchUpMinutes)),
      target: new StepFunctionsStartExecution(props.stateMachine, {
        input: ScheduleTargetInput.fromObject({ mapc: 'catch-up', trigger: 'schedule' }),
        retryAttempts: 3,
      }),
    });
  }
}
