// The alarms, each notifying the alerts topic; docs/deploy.md says what each means and what to
// do. Per deployment: the job failed. Per mapping (from its metrics): no extract applied for
// overdueHours (an extract is overdue), a run rejected or parked more rows than the
// thresholds. Per table: DynamoDB throttled writes.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config.js';
import { jobMetric, writeThrottles } from './job-metrics.js';

export interface JobAlarmsProps {
  name: string;
  stateMachine: IStateMachine;
  mappings: string[];
  tableNames: string[];
  thresholds: DeployConfig['alarms'];
  topic: ITopic;
}

export class JobAlarms extends Construct {
  readonly alarms: IAlarm[] = [];

  constructor(scope: Construct, id: string, props: JobAlarmsProps) {
    super(scope, id);
    const { name, thresholds } = props;
    const period = Duration.minutes(5);

    this.add(
      new Alarm(this, 'JobFailed', {
        alarmName: `${name}-job-failed`,
        alarmDescription:
          'An execution of the mapc job failed or timed out: later extracts wait until the failed one is fixed. ' +
          'See the execution and the job log; docs/deploy.md, "Alarms".',
        metric: new MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: {
            failed: props.stateMachine.metricFailed({ period, statistic: 'Sum' }),
            timedOut: props.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
          },
          period,
          label: 'failed executions',
        }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    for (const mapping of props.mappings) {
      const hour = Duration.hours(1);
      this.add(
        new Alarm(this, `Overdue-${mapping}`, {
          alarmName: `${name}-${mapping}-extract-overdue`,
          alarmDescription:
            `Mapping ${mapping} has applied no extract for ${thresholds.overdueHours} hours: an extract is overdue, or every run fails. ` +
            'docs/deploy.md, "Alarms".',
          // One EMF record per run: its Failed is 0 or 1, so runs - failures = successful runs.
          metric: new MathExpression({
            expression: 'runs - failures',
            usingMetrics: {
              runs: jobMetric('Failed', mapping, 'SampleCount', hour),
              failures: jobMetric('Failed', mapping, 'Sum', hour),
            },
            period: hour,
            label: 'successful runs',
          }),
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          threshold: 1,
          evaluationPeriods: thresholds.overdueHours,
          datapointsToAlarm: thresholds.overdueHours,
          // An hour with no run is an hour with no successful run.
          treatMissingData: TreatMissingData.BREACHING,
        }),
      );
      this.add(
        new Alarm(this, `Rejected-${mapping}`, {
          alarmName: `${name}-${mapping}-rows-rejected`,
          alarmDescription:
            `A run of mapping ${mapping} rejected more than ${thresholds.rejectedRows} rows (rows that cannot be used, counted in the run's report). ` +
            'docs/deploy.md, "Alarms".',
          metric: jobMetric('RowsRejected', mapping, 'Maximum', period),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          threshold: thresholds.rejectedRows,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      this.add(
        new Alarm(this, `Parked-${mapping}`, {
          alarmName: `${name}-${mapping}-rows-parked`,
          alarmDescription:
            `A run of mapping ${mapping} parked more than ${thresholds.parkedRows} rows (rows whose parent has not arrived). ` +
            'docs/deploy.md, "Alarms".',
          metric: jobMetric('RowsParked', mapping, 'Maximum', period),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          threshold: thresholds.parkedRows,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const tableName of props.tableNames) {
      this.add(
        new Alarm(this, `Throttled-${tableName}`, {
          alarmName: `${name}-${tableName}-writes-throttled`,
          alarmDescription:
            `DynamoDB throttled more than ${thresholds.throttledWrites} writes to ${tableName} in five minutes. ` +
            'docs/deploy.md, "Alarms".',
          metric: writeThrottles(tableName, period),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          threshold: thresholds.throttledWrites,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const action = new SnsAction(props.topic);
    for (const alarm of this.alarms) (alarm as Alarm).addAlarmAction(action);
  }

  private add(alarm: Alarm): void {
    this.alarms.push(alarm);
  }
}
