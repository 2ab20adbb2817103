// The job's metrics as CloudWatch sees them: each run's EMF record (runtime/job/emf-record.ts)
// becomes metrics in the `mapc` namespace with one dimension, Mapping.
import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { DEFAULT_EMF_NAMESPACE } from '../../runtime/job/emf-record.js';

export type JobMetricName =
  'RowsRead' | 'RowsRejected' | 'RowsParked' | 'ItemsWritten' | 'ItemsDeleted' | 'Seconds' | 'LagSeconds' | 'Failed';

export function jobMetric(
  metricName: JobMetricName,
  mapping: string,
  statistic: string,
  period: Duration = Duration.minutes(5),
  label?: string,
): Metric {
  return new Metric({
    namespace: DEFAULT_EMF_NAMESPACE,
    metricName,
    dimensionsMap: { Mapping: mapping },
    statistic,
    period,
    ...(label !== undefined ? { label } : {}),
  });
}

/** What DynamoDB reports of a table's throttled writes. */
export function writeThrottles(tableName: string, period: Duration = Duration.minutes(5)): Metric {
  return new Metric({
    namespace: 'AWS/DynamoDB',
    metricName: 'WriteThrottleEvents',
    dimensionsMap: { TableName: tableName },
    statistic: 'Sum',
    period,
  });
}
