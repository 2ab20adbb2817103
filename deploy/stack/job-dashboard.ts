// One CloudWatch dashboard for the deployment: rows per run, items written, how late the data
// is and how long runs take, per mapping (the job's EMF metrics); executions of the state
// machine; DynamoDB's writes and throttles; and the alarms' states.
import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { jobMetric, writeThrottles, type JobMetricName } from './job-metrics.js';

export interface JobDashboardProps {
  name: string;
  mappings: string[];
  tableNames: string[];
  stateMachine: IStateMachine;
  alarms: IAlarm[];
}

export class JobDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: JobDashboardProps) {
    super(scope, id);
    const period = Duration.hours(1);
    const perMapping = (metric: JobMetricName, statistic: string, what: string): IMetric[] =>
      props.mappings.map((mapping) => jobMetric(metric, mapping, statistic, period, `${mapping} ${what}`));
    // Ids of one graph's expressions must differ: lag0, lag1, …
    const hours = (mapping: string, index: number) =>
      new MathExpression({
        expression: `lag${index} / 3600`,
        usingMetrics: { [`lag${index}`]: jobMetric('LagSeconds', mapping, 'Maximum', period) },
        period,
        label: `${mapping} lag (hours)`,
      });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 8, height: 6 });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.name}-mapc`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      graph('Rows read per run', perMapping('RowsRead', 'Average', 'rows read')),
      graph('Rows rejected and parked per run', [
        ...perMapping('RowsRejected', 'Maximum', 'rejected'),
        ...perMapping('RowsParked', 'Maximum', 'parked'),
      ]),
      graph('Items written and deleted', [
        ...perMapping('ItemsWritten', 'Sum', 'written'),
        ...perMapping('ItemsDeleted', 'Sum', 'deleted'),
      ]),
    );
    this.dashboard.addWidgets(
      graph("Lag: the end of the run minus the extract's as_of", props.mappings.map(hours)),
      graph('Run duration (seconds)', perMapping('Seconds', 'Maximum', 'longest run'), [
        props.stateMachine.metricTime({ period, statistic: 'Maximum', label: 'longest execution (ms)' }),
      ]),
      graph('Executions', [
        props.stateMachine.metricSucceeded({ period, statistic: 'Sum', label: 'succeeded' }),
        props.stateMachine.metricFailed({ period, statistic: 'Sum', label: 'failed' }),
        props.stateMachine.metricTimedOut({ period, statistic: 'Sum', label: 'timed out' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'DynamoDB throttled writes',
        props.tableNames.map((table) => writeThrottles(table, period).with({ label: table })),
      ),
      new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 16, height: 6 }),
    );
  }
}
