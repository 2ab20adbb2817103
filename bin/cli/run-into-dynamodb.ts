// `mapc run` without --out: the target tables are checked, the control table made if needed,
// and the extract merged into DynamoDB (runtime/merge/run-incremental.ts). Apart from
// run-command.ts, which loads it only then: a preview run does not load the AWS SDK.
import { hostname } from 'node:os';
import type { OpenedExtract } from '../../runtime/archive/extract-location.js';
import { checkTargetTables, formatTableProblem } from '../../runtime/dynamodb/check-tables.js';
import { createControlTable, DynamoDbStateStore } from '../../runtime/dynamodb/control-table.js';
import { DynamoDbItemSink } from '../../runtime/dynamodb/dynamodb-item-sink.js';
import { expectedTable } from '../../runtime/dynamodb/expected-table.js';
import { DynamoDbItemReader } from '../../runtime/dynamodb/item-reader.js';
import { runIncremental } from '../../runtime/merge/run-incremental.js';
import type { Plan } from '../../runtime/plan/types.js';
import type { RejectSink, RunProgress } from '../../runtime/run/run-plan.js';
import type { RunReport } from '../../runtime/run/run-report.js';
import type { TimestampValue } from '../../runtime/values/value.js';
import { dynamoDbSettings } from './dynamodb-client.js';
import type { BindingOptions } from './dynamodb-options.js';

export interface DynamoDbRun {
  plan: Plan;
  extract: OpenedExtract;
  asOf: TimestampValue;
  rejects: RejectSink;
  maxRejects: number;
  onProgress: (progress: RunProgress) => void;
  concurrency: number;
  force: boolean;
  options: { region?: string; endpoint?: string; 'control-table'?: string } & BindingOptions;
}

/** The run's report; null when the target tables do not match the mapping (said on standard error). */
export async function runIntoDynamoDb(run: DynamoDbRun): Promise<RunReport | null> {
  const { plan, extract } = run;
  const settings = dynamoDbSettings(run.options);
  try {
    const { client, controlTable, physical } = settings;
    // Before any data is read: the target tables must be there, with the mapping's keys and TTL.
    const tables = new Map(plan.targets.map((t) => [t.name, expectedTable(plan, t.name, physical(t.name))]));
    const problems = await checkTargetTables(client, [...tables.values()]);
    if (problems.length > 0) {
      process.stderr.write(`mapc run: the target tables do not match the mapping:\n${problems.map((p) => `  ${formatTableProblem(p)}\n`).join('')}`);
      return null;
    }
    if (await createControlTable(client, controlTable)) process.stderr.write(`created the control table ${controlTable}\n`);
    return await runIncremental({
      plan, source: extract.source, identity: extract.identity, asOf: run.asOf, rejects: run.rejects, maxRejects: run.maxRejects,
      onProgress: run.onProgress,
      store: new DynamoDbStateStore(client, controlTable),
      items: new DynamoDbItemReader(client, tables),
      sink: new DynamoDbItemSink(settings.writerClient, tables, { concurrency: run.concurrency }),
      force: run.force,
      owner: `${hostname()}:${process.pid}`,
    });
  } finally {
    settings.destroy();
  }
}
