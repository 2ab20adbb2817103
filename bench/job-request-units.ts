// Benchmark for the cost section of docs/deploy.md: what `mapc job` asks of DynamoDB, of S3 and
// of the machine at a given scale. Generates a base extract of N customers and D daily deltas
// (N/20 new customers each, as the demo does), applies the base and then each delta with the
// job against DynamoDB Local (a local folder stands in for the S3 prefix), and prints, per
// pass: rows read, items written, seconds, and the read and write request units DynamoDB
// reports (every request asks for ReturnConsumedCapacity), per table; then a pass that finds
// nothing new (what most scheduled catch-ups do), and the tables' sizes. DynamoDB Local counts request units as DynamoDB does (1 write unit
// per 1 KB of item written, 1 read unit per 4 KB read consistently).
//   node --import tsx bench/job-request-units.ts [--customers 500] [--deltas 3]
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runJob } from '../api/run-job.js';
import { writeExtract } from '../examples/extract-generator/write-extract.js';
import { dynamoDbLocalClientConfig, startDynamoDbLocal } from '../examples/local-servers/dynamodb-local.js';
import { loadPlan } from '../api/load-plan.js';
import { createTable } from '../runtime/dynamodb/create-table.js';
import { connectDynamoDb } from '../runtime/dynamodb/dynamodb-connection.js';
import { expectedTable } from '../runtime/dynamodb/expected-table.js';
import { itemSize } from '../runtime/dynamodb/item-size.js';

const { values } = parseArgs({
  options: { customers: { type: 'string', default: '500' }, deltas: { type: 'string', default: '3' } },
});
const customers = Number(values.customers);
const deltas = Number(values.deltas);

interface Units {
  read: number;
  write: number;
  requests: number;
}
const units = new Map<string, Units>();

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/** Asks every request for its consumed capacity and adds it up per table, reads apart from writes. */
function countUnits(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const entries = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Array<{
        TableName?: string;
        CapacityUnits?: number;
      }>;
      for (const entry of entries) {
        const sum = units.get(entry.TableName ?? '?') ?? { read: 0, write: 0, requests: 0 };
        if (READS.has(context.commandName ?? '')) sum.read += entry.CapacityUnits ?? 0;
        else sum.write += entry.CapacityUnits ?? 0;
        sum.requests += 1;
        units.set(entry.TableName ?? '?', sum);
      }
      return result;
    },
    { step: 'initialize', name: 'countConsumedCapacity' },
  );
}

const folder = mkdtempSync(join(tmpdir(), 'mapc-bench-units-'));
const source = join(folder, 'extracts');
mkdirSync(source);
const dynamo = await startDynamoDbLocal();
try {
  const plans = ['mappings/customer.map', 'mappings/product.map'].map((file) => loadPlan(file));
  const setup = connectDynamoDb({ clientConfig: dynamoDbLocalClientConfig(dynamo.endpoint) });
  await createTable(setup.writerClient, expectedTable(plans[0], 'app_table', 'bench_app'));
  const connection = connectDynamoDb({
    controlTable: 'bench_control',
    tables: { app_table: 'bench_app' },
    clientConfig: dynamoDbLocalClientConfig(dynamo.endpoint),
  });
  countUnits(connection.client);
  countUnits(connection.writerClient);

  console.log(`${customers} customers, ${deltas} deltas of ${Math.ceil(customers / 20)} new customers`);
  console.log('pass       extract KB   rows read  items written  seconds  table: read units / write units');
  const pass = async (label: string, extractPath: string | null) => {
    units.clear();
    let rows = 0;
    let written = 0;
    const started = Date.now();
    const report = await runJob({
      mappings: plans,
      source,
      dynamodb: { connection },
      owner: 'bench',
      onRun: (run) => {
        rows += Object.values(run.report.tables).reduce((n, t) => n + t.read, 0);
        written += Object.values(run.report.items).reduce((n, i) => n + i.written, 0);
      },
    });
    if (report.status !== 'ok') throw new Error(`pass ${label}: ${report.status} ${report.error ?? ''}`);
    const perTable = [...units]
      .map(([table, u]) => `${table}: ${u.read.toFixed(1)} / ${u.write.toFixed(1)}`)
      .join(', ');
    const size = extractPath === null ? '-' : String(Math.round(statSync(extractPath).size / 1024));
    console.log(
      `${label.padEnd(10)} ${size.padStart(10)} ${String(rows).padStart(11)} ${String(written).padStart(14)} ${((Date.now() - started) / 1000).toFixed(1).padStart(8)}  ${perTable}`,
    );
  };
  for (let sequence = 0; sequence <= deltas; sequence++) {
    const name = sequence === 0 ? 'base.zip' : `delta${sequence}.zip`;
    const path = join(source, `${String(sequence).padStart(2, '0')}-${name}`);
    await writeExtract({
      customers,
      deltaCustomers: Math.ceil(customers / 20),
      seed: 1,
      sequence,
      out: path,
      omitEmptyTables: true,
    });
    await pass(name, path);
  }
  // A catch-up that finds nothing new, as most scheduled ones do.
  await pass('(nothing)', null);

  for (const table of ['bench_app', 'bench_control']) {
    let bytes = 0;
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await setup.client.send(
        new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start as never } : {}) }),
      );
      for (const item of page.Items ?? []) {
        bytes += itemSize(item as never);
        count++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    console.log(
      `${table}: ${count} items, ${(bytes / 1024 / 1024).toFixed(2)} MiB (item sizes as DynamoDB counts them)`,
    );
  }
  connection.destroy();
  setup.destroy();
} finally {
  await dynamo.stop();
}
