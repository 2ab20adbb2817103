/*
 * emfRecord against the CloudWatch Embedded Metric Format specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a JSON Schema written from the spec's own schema, with its current limits (30 dimension keys
 * per DimensionSet, 100 MetricDefinitions per directive) and the CloudWatch API's name limits
 * (API_MetricDatum, API_Dimension: 1-255 characters), plus the rules a schema cannot say:
 * every dimension key and metric name is a top-level member, a string for a dimension, a number
 * (or an array of at most 100 numbers) for a metric. The reports are real: runPlan on a small
 * extract of test/runtime/fixtures/bad-input.map, one that finishes and one that fails.
 */
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { emfRecord, type EmfRecord } from '../../../runtime/job/emf-record.js';
import type { RunReport } from '../../../runtime/report/run-report.js';
import { compileMapping, runRecorded } from '../fixtures/recorded-run.js';
import { zipBytes, type ExtractFiles } from '../fixtures/zip-bytes.js';

const UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
];

const NAME = { type: 'string', minLength: 1, maxLength: 255 };

/** The spec's schema, with "objects MUST NOT contain any additional members" made explicit. */
const EMF_SCHEMA = {
  type: 'object',
  required: ['_aws'],
  properties: {
    _aws: {
      type: 'object',
      required: ['Timestamp', 'CloudWatchMetrics'],
      additionalProperties: false,
      properties: {
        Timestamp: { type: 'integer', minimum: 0 },
        CloudWatchMetrics: {
          type: 'array',
          items: {
            type: 'object',
            required: ['Namespace', 'Dimensions', 'Metrics'],
            additionalProperties: false,
            properties: {
              Namespace: NAME,
              Dimensions: {
                type: 'array',
                minItems: 1,
                items: { type: 'array', minItems: 0, maxItems: 30, items: NAME },
              },
              Metrics: {
                type: 'array',
                maxItems: 100,
                items: {
                  type: 'object',
                  required: ['Name'],
                  additionalProperties: false,
                  properties: { Name: NAME, Unit: { enum: UNITS }, StorageResolution: { enum: [1, 60] } },
                },
              },
            },
          },
        },
      },
    },
  },
};

const validateSchema = new Ajv({ allErrors: true, strict: true }).compile(EMF_SCHEMA);

function schemaErrors(record: unknown): string[] {
  return validateSchema(record) ? [] : (validateSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const isMetricValue = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

/** What the spec says in words: target members on the root node, of the right type. */
function ruleErrors(record: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const aws = record._aws as EmfRecord['_aws'];
  const metricNames = new Set<string>();
  for (const directive of aws.CloudWatchMetrics) {
    if (
      !PRINTABLE_ASCII.test(directive.Namespace) ||
      directive.Namespace.startsWith(':') ||
      directive.Namespace.startsWith('AWS/')
    )
      errors.push(`namespace ${directive.Namespace}`);
    for (const key of directive.Dimensions.flat()) {
      if (!PRINTABLE_ASCII.test(key)) errors.push(`dimension key ${key} is not printable ASCII`);
      const value = record[key];
      if (typeof value !== 'string')
        errors.push(`dimension ${key} is ${JSON.stringify(value)}, not a string member of the root`);
      else if (!PRINTABLE_ASCII.test(value) || value.length > 1024) errors.push(`dimension ${key} value ${value}`);
    }
    for (const { Name } of directive.Metrics) {
      if (!PRINTABLE_ASCII.test(Name)) errors.push(`metric name ${Name} is not printable ASCII`);
      if (metricNames.has(Name)) errors.push(`metric ${Name} is declared twice`);
      metricNames.add(Name);
      const value = record[Name];
      const ok = isMetricValue(value) || (Array.isArray(value) && value.length <= 100 && value.every(isMetricValue));
      if (!ok) errors.push(`metric ${Name} is ${JSON.stringify(value)}, not a number member of the root`);
    }
  }
  return errors;
}

function expectValidEmf(record: EmfRecord): void {
  const plain = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
  expect(plain, 'plain JSON: survives a round trip').to.deep.equal(record);
  expect(schemaErrors(plain), 'JSON Schema').to.deep.equal([]);
  expect(ruleErrors(plain), 'rules beyond the schema').to.deep.equal([]);
}

/** Metric name → value, over every directive of the record. */
function metricsOf(record: EmfRecord): Map<string, unknown> {
  return new Map(record._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => [m.Name, record[m.Name]] as const)));
}

const MAPPING = fileURLToPath(new URL('../fixtures/bad-input.map', import.meta.url));
const URI = 's3://warehouse-extracts/nightly/2026-11-01.zip';
const TIMESTAMP = Date.UTC(2026, 10, 1, 2, 30);
// 2 customers, 3 orders (one with a bad qty: rejected), 3 order lines, 2 codes.
const EXTRACT: ExtractFiles = {
  'customers.csv':
    'customer_id,name,score,born,seen_at,active,weight\n1,Ada,12.50,1990-01-31,2026-01-02T03:04:05,true,4\n2,Bruno,,,,,\n',
  'orders.csv': 'order_id,customer_id,qty,divisor,amount,code\n10,1,2,4,10.00,A\n11,2,1,1,3.50,B\n12,2,lots,1,1.00,A\n',
  'order_lines.csv': 'order_id,line_no,sku\n10,1,S-1\n10,2,S-2\n11,1,S-3\n',
  'codes.txt': 'A|Apple|\nB|Banana|\n',
};

describe('emfRecord: CloudWatch Embedded Metric Format', function () {
  this.timeout(20000);
  let finished: RunReport;
  let failed: RunReport;

  before(async () => {
    const plan = compileMapping(MAPPING);
    finished = (await runRecorded(plan, await zipBytes(EXTRACT), { name: '2026-11-01.zip' })).report;
    const { 'codes.txt': _codes, ...withoutCodes } = EXTRACT;
    failed = (await runRecorded(plan, await zipBytes(withoutCodes), { name: '2026-11-01.zip' })).report;
    expect(finished.status, finished.error).to.equal('ok');
    expect(failed.status).to.equal('failed');
  });

  it('a finished run: valid EMF, one Mapping dimension set, totals and per-table rows', () => {
    const record = emfRecord({ report: finished, extract: URI, lagSeconds: 9000, timestamp: TIMESTAMP });
    expectValidEmf(record);
    expect(record._aws.Timestamp).to.equal(TIMESTAMP);
    expect(record._aws.CloudWatchMetrics).to.have.length(1);
    const [directive] = record._aws.CloudWatchMetrics;
    expect(directive.Namespace).to.equal('mapc');
    expect(directive.Dimensions).to.deep.equal([['Mapping']]);
    expect(record.Mapping).to.equal('bad_input');
    expect(Object.fromEntries(metricsOf(record))).to.deep.equal({
      RowsRead: 10,
      RowsRejected: 1,
      RowsParked: 0,
      ItemsWritten: 2,
      ItemsDeleted: 0,
      Seconds: finished.seconds,
      LagSeconds: 9000,
      Failed: 0,
      'RowsRead.customers': 2,
      'RowsRejected.customers': 0,
      'RowsParked.customers': 0,
      'RowsRead.orders': 3,
      'RowsRejected.orders': 1,
      'RowsParked.orders': 0,
      'RowsRead.order_lines': 3,
      'RowsRejected.order_lines': 0,
      'RowsParked.order_lines': 0,
      'RowsRead.codes': 2,
      'RowsRejected.codes': 0,
      'RowsParked.codes': 0,
    });
    const units = Object.fromEntries(directive.Metrics.map((m) => [m.Name, m.Unit]));
    expect(units.Seconds).to.equal('Seconds');
    expect(units.LagSeconds).to.equal('Seconds');
    expect(directive.Metrics.filter((m) => m.Unit !== 'Seconds').every((m) => m.Unit === 'Count')).to.equal(true);
    expect(record).to.include({
      Extract: URI,
      Status: 'ok',
      PlanHash: finished.planHash,
      AsOf: '2026-11-01T00:00:00.000Z',
    });
    expect(record).to.not.have.property('Error');
    expect(record).to.not.have.property('TablesWithoutMetrics');
  });

  it('a failed run: Failed is 1, the error is a context field', () => {
    const record = emfRecord({
      report: failed,
      extract: URI,
      lagSeconds: 60,
      timestamp: TIMESTAMP,
      namespace: 'warehouse/mapc',
    });
    expectValidEmf(record);
    expect(record._aws.CloudWatchMetrics[0].Namespace).to.equal('warehouse/mapc');
    expect(record.Failed).to.equal(1);
    expect(record.Status).to.equal('failed');
    expect(record.Error)
      .to.equal(failed.error)
      .and.match(/has no file for table codes/);
  });

  it('a skipped run is not a failure', () => {
    const record = emfRecord({
      report: { ...finished, status: 'skipped' },
      extract: URI,
      lagSeconds: 0,
      timestamp: TIMESTAMP,
    });
    expect(record.Failed).to.equal(0);
    expect(record.Status).to.equal('skipped');
  });

  it("ItemsDeleted sums the items' deletions, a missing count being 0; parked rows add up over tables", () => {
    const report: RunReport = {
      ...finished,
      incremental: true,
      items: {
        Customer: { ...finished.items.Customer, deleted: 3 },
        Order: { built: 5, written: 4, filtered: 0 },
        Gone: { built: 0, written: 0, filtered: 0, deleted: 2 },
      },
      tables: {
        ...finished.tables,
        orders: { ...finished.tables.orders, parked: 2 },
        order_lines: { ...finished.tables.order_lines, parked: 1 },
      },
    };
    const record = emfRecord({ report, extract: URI, lagSeconds: 0, timestamp: TIMESTAMP });
    expectValidEmf(record);
    expect(record.ItemsDeleted).to.equal(5);
    expect(record.ItemsWritten).to.equal(6);
    expect(record.RowsParked).to.equal(3);
    expect(record['RowsParked.orders']).to.equal(2);
  });

  it('past 100 metrics, the record holds several directives of at most 100, each metric once, none dropped', () => {
    const tables: RunReport['tables'] = {};
    for (let i = 0; i < 40; i++) tables[`table_${i}`] = { ...finished.tables.orders, read: i };
    const record = emfRecord({ report: { ...finished, tables }, extract: URI, lagSeconds: 0, timestamp: TIMESTAMP });
    expectValidEmf(record);
    expect(record._aws.CloudWatchMetrics.map((d) => d.Metrics.length)).to.deep.equal([100, 28]);
    for (const directive of record._aws.CloudWatchMetrics) {
      expect(directive.Dimensions).to.deep.equal([['Mapping']]);
      expect(directive.Namespace).to.equal('mapc');
    }
    expect(metricsOf(record).size).to.equal(8 + 3 * 40);
    expect(record['RowsRead.table_39']).to.equal(39);
  });

  it('stays within the 256 KB of a log event with 400 tables', () => {
    const tables: RunReport['tables'] = {};
    for (let i = 0; i < 400; i++)
      tables[`a_rather_long_table_name_number_${i}`] = { ...finished.tables.orders, read: 123_456_789 };
    const record = emfRecord({ report: { ...finished, tables }, extract: URI, lagSeconds: 0, timestamp: TIMESTAMP });
    expectValidEmf(record);
    expect(Buffer.byteLength(JSON.stringify(record))).to.be.below(256 * 1024);
  });

  it('leaves out the per-table metrics CloudWatch would refuse, lists those tables, keeps their rows in the totals', () => {
    const tables: RunReport['tables'] = {
      orders: finished.tables.orders,
      bestellungen_ü: { ...finished.tables.orders, read: 7 },
      ['x'.repeat(243)]: { ...finished.tables.orders, read: 100 },
      ['y'.repeat(242)]: { ...finished.tables.orders, read: 1000 },
    };
    const record = emfRecord({ report: { ...finished, tables }, extract: URI, lagSeconds: 0, timestamp: TIMESTAMP });
    expectValidEmf(record);
    expect(record.TablesWithoutMetrics).to.deep.equal(['bestellungen_ü', 'x'.repeat(243)]);
    expect(record.RowsRead).to.equal(3 + 7 + 100 + 1000);
    expect(record[`RowsRejected.${'y'.repeat(242)}`]).to.equal(1);
    expect([...metricsOf(record).keys()].filter((name) => name.includes('.'))).to.have.length(6);
  });

  it('refuses what no record could carry: a namespace CloudWatch refuses, a fractional timestamp, a lag that is not a number', () => {
    const base = { report: finished, extract: URI, lagSeconds: 0, timestamp: TIMESTAMP };
    for (const namespace of ['', 'AWS/Lambda', ':mapc', 'mäpc', 'n'.repeat(256)]) {
      expect(() => emfRecord({ ...base, namespace }), namespace).to.throw(/EMF namespace/);
    }
    expect(() => emfRecord({ ...base, timestamp: 1.5 })).to.throw(/EMF timestamp/);
    expect(() => emfRecord({ ...base, lagSeconds: Number.NaN })).to.throw(/EMF lagSeconds/);
    expect(() => emfRecord({ ...base, report: { ...finished, mapping: 'kunden_ö' } })).to.throw(
      /EMF dimension Mapping/,
    );
  });

  describe('the checks themselves catch broken records', () => {
    const good = () => emfRecord({ report: finished, extract: URI, lagSeconds: 0, timestamp: TIMESTAMP });

    it('the schema: no Timestamp, 101 metrics, 31 dimension keys, a unit not in the list, an extra member', () => {
      const noTimestamp = good() as { _aws: Partial<EmfRecord['_aws']> };
      delete noTimestamp._aws.Timestamp;
      expect(schemaErrors(noTimestamp)).to.not.be.empty;
      const tooManyMetrics = good();
      tooManyMetrics._aws.CloudWatchMetrics[0].Metrics = Array.from({ length: 101 }, (_, i) => ({
        Name: `M${i}`,
        Unit: 'Count',
      }));
      expect(schemaErrors(tooManyMetrics)).to.not.be.empty;
      const tooManyDimensions = good();
      tooManyDimensions._aws.CloudWatchMetrics[0].Dimensions = [Array.from({ length: 31 }, (_, i) => `D${i}`)];
      expect(schemaErrors(tooManyDimensions)).to.not.be.empty;
      const badUnit = good();
      (badUnit._aws.CloudWatchMetrics[0].Metrics[0] as { Unit: string }).Unit = 'Rows';
      expect(schemaErrors(badUnit)).to.not.be.empty;
      const extra = good();
      (extra._aws.CloudWatchMetrics[0] as unknown as Record<string, unknown>).Period = 60;
      expect(schemaErrors(extra)).to.not.be.empty;
    });

    it('the rules: a metric missing from the root or not a number, a dimension that is not a string', () => {
      expect(ruleErrors({ ...good(), RowsRead: undefined })).to.deep.equal([
        'metric RowsRead is undefined, not a number member of the root',
      ]);
      expect(ruleErrors({ ...good(), Seconds: '1.5' })).to.deep.equal([
        'metric Seconds is "1.5", not a number member of the root',
      ]);
      expect(ruleErrors({ ...good(), Mapping: 7 })).to.deep.equal([
        'dimension Mapping is 7, not a string member of the root',
      ]);
      expect(ruleErrors({ ...good(), Failed: [0, 1] })).to.deep.equal([]);
    });
  });
});
