// One CloudWatch Embedded Metric Format (EMF) record per run (one mapping applied to one
// extract), for `mapc job` to print as one log line: CloudWatch Logs turns it into metrics
// that can be graphed and alarmed on (rows read, rejected, parked; items written and deleted;
// run time; how far the data lags behind; whether the run failed), and the same line stays
// searchable in Logs Insights by its context fields (Extract, Status, PlanHash, AsOf, and
// Error when the run has one).
//
// Written to the EMF specification (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
// CloudWatch_Embedded_Metric_Format_Specification.html) and the limits of the CloudWatch API
// it feeds (API_MetricDatum, API_Dimension, API_Metric):
// - `_aws.Timestamp` (epoch ms, whole) and `_aws.CloudWatchMetrics`, an array of directives,
//   each with Namespace, Dimensions (arrays of at most 30 keys) and at most 100 Metrics;
// - every dimension key and metric name is a top-level member: a string for a dimension, a
//   number for a metric; metric names, namespaces and dimension names 1-255 printable ASCII
//   characters, dimension values 1-1024; units from CloudWatch's list.
// One dimension set, [["Mapping"]]: a metric per mapping, which is what an alarm names.
//
// Per-table rows (`RowsRead.<table>`, `RowsRejected.<table>`, `RowsParked.<table>`) must be in
// this record, since a record carries one value per dimension. When the metrics pass 100 they
// are split over several directives of this record (same namespace and dimensions), so none is
// dropped. The only ones left out are tables whose metric name CloudWatch would refuse (a
// quoted table name with characters outside printable ASCII, or longer than 242 characters):
// their rows count in the totals and they are listed in `TablesWithoutMetrics`.
// What no record could carry throws: a namespace or mapping name CloudWatch refuses, a
// timestamp that is not whole milliseconds, a lag that is not a finite number.
// Pure: the caller gives the time (`timestamp`) and the lag; nothing here reads a clock.
import type { RunReport } from '../report/run-report.js';

export type EmfUnit = 'Count' | 'Seconds';

export interface EmfMetricDefinition {
  Name: string;
  Unit: EmfUnit;
}

export interface EmfMetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: EmfMetricDefinition[];
}

/** A plain JSON object: `_aws` plus top-level members (dimensions, metrics, context). */
export interface EmfRecord {
  _aws: { Timestamp: number; CloudWatchMetrics: EmfMetricDirective[] };
  [member: string]: unknown;
}

export interface EmfRecordInput {
  report: RunReport;
  /** The extract's URI, e.g. s3://bucket/extracts/2026-11-01.zip. */
  extract: string;
  /** now − as_of, in seconds, computed by the caller. */
  lagSeconds: number;
  /** Epoch milliseconds of the record, given by the caller. */
  timestamp: number;
  /** The CloudWatch namespace (default `mapc`). */
  namespace?: string;
}

export const DEFAULT_EMF_NAMESPACE = 'mapc';
export const MAX_METRICS_PER_DIRECTIVE = 100;
export const MAX_NAME_LENGTH = 255;
export const MAX_DIMENSION_VALUE_LENGTH = 1024;
export const PER_TABLE_METRICS = ['RowsRead', 'RowsRejected', 'RowsParked'] as const;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** A metric name or namespace CloudWatch takes: 1-255 printable ASCII, not only spaces. */
export function isValidMetricName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && PRINTABLE_ASCII.test(name) && name.trim() !== '';
}

function checkNamespace(namespace: string): void {
  if (!isValidMetricName(namespace) || namespace.startsWith(':') || namespace.startsWith('AWS/')) {
    throw new Error(
      `EMF namespace ${JSON.stringify(namespace)}: CloudWatch takes 1-${MAX_NAME_LENGTH} printable ASCII characters, not starting with ":" or "AWS/"`,
    );
  }
}

function checkDimensionValue(name: string, value: string): void {
  if (value.length > MAX_DIMENSION_VALUE_LENGTH || !PRINTABLE_ASCII.test(value) || value.trim() === '') {
    throw new Error(
      `EMF dimension ${name} ${JSON.stringify(value)}: CloudWatch takes 1-${MAX_DIMENSION_VALUE_LENGTH} printable ASCII characters`,
    );
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function emfRecord(input: EmfRecordInput): EmfRecord {
  const { report, extract, lagSeconds, timestamp } = input;
  const namespace = input.namespace ?? DEFAULT_EMF_NAMESPACE;
  checkNamespace(namespace);
  checkDimensionValue('Mapping', report.mapping);
  if (!Number.isSafeInteger(timestamp)) throw new Error(`EMF timestamp ${timestamp}: give whole epoch milliseconds`);
  if (!Number.isFinite(lagSeconds)) throw new Error(`EMF lagSeconds ${lagSeconds}: give a finite number of seconds`);

  const tables = Object.entries(report.tables);
  const items = Object.values(report.items);
  const metrics: Array<EmfMetricDefinition & { value: number }> = [
    { Name: 'RowsRead', Unit: 'Count', value: sum(tables.map(([, c]) => c.read)) },
    { Name: 'RowsRejected', Unit: 'Count', value: sum(tables.map(([, c]) => c.rejected)) },
    { Name: 'RowsParked', Unit: 'Count', value: sum(tables.map(([, c]) => c.parked)) },
    { Name: 'ItemsWritten', Unit: 'Count', value: sum(items.map((i) => i.written)) },
    { Name: 'ItemsDeleted', Unit: 'Count', value: sum(items.map((i) => i.deleted ?? 0)) },
    { Name: 'Seconds', Unit: 'Seconds', value: report.seconds },
    { Name: 'LagSeconds', Unit: 'Seconds', value: lagSeconds },
    { Name: 'Failed', Unit: 'Count', value: report.status === 'failed' ? 1 : 0 },
  ];
  const tablesWithoutMetrics: string[] = [];
  for (const [table, counts] of tables) {
    const perTable = [
      { Name: `RowsRead.${table}`, Unit: 'Count' as const, value: counts.read },
      { Name: `RowsRejected.${table}`, Unit: 'Count' as const, value: counts.rejected },
      { Name: `RowsParked.${table}`, Unit: 'Count' as const, value: counts.parked },
    ];
    if (perTable.every((m) => isValidMetricName(m.Name))) metrics.push(...perTable);
    else tablesWithoutMetrics.push(table);
  }

  const directives: EmfMetricDirective[] = [];
  for (let at = 0; at < metrics.length; at += MAX_METRICS_PER_DIRECTIVE) {
    directives.push({
      Namespace: namespace,
      Dimensions: [['Mapping']],
      Metrics: metrics.slice(at, at + MAX_METRICS_PER_DIRECTIVE).map(({ Name, Unit }) => ({ Name, Unit })),
    });
  }
  return {
    _aws: { Timestamp: timestamp, CloudWatchMetrics: directives },
    Mapping: report.mapping,
    ...Object.fromEntries(metrics.map((m) => [m.Name, m.value])),
    Extract: extract,
    Status: report.status,
    PlanHash: report.planHash,
    AsOf: report.asOf,
    ...(report.error === undefined ? {} : { Error: report.error }),
    ...(tablesWithoutMetrics.length === 0 ? {} : { TablesWithoutMetrics: tablesWithoutMetrics }),
  };
}
