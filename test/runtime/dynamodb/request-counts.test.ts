// The run report's DynamoDB counters against what a counting proxy in front of DynamoDB Local
// sees, and --max-write-rate holding a run's writes to the rate (a real run, real server).
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamoDbLocalClientConfig } from '../../../examples/local-servers/dynamodb-local.js';
import { openExtract } from '../../../runtime/archive/extract-location.js';
import { connectDynamoDb } from '../../../runtime/dynamodb/dynamodb-connection.js';
import { createTable } from '../../../runtime/dynamodb/create-table.js';
import { expectedTable } from '../../../runtime/dynamodb/expected-table.js';
import type { Plan } from '../../../runtime/plan/types.js';
import type { DynamoDbRequests } from '../../../runtime/report/dynamodb-requests.js';
import { summarize, type RunReport } from '../../../runtime/report/run-report.js';
import { mergeIntoDynamoDb } from '../../../runtime/run/merge-into-dynamodb.js';
import { countingHttpProxy, type CountingProxy } from '../../../examples/local-servers/counting-http-proxy.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';
import { compileMapping } from '../fixtures/recorded-run.js';
import { zipBytes } from '../fixtures/zip-bytes.js';

const AS_OF = { kind: 'timestamp' as const, epochMillis: Date.parse('2026-11-01T00:00:00Z') };

const MAPPING = `mapping counted
table customers from "customers.csv" {
  id   int key
  name string
}
table orders from "orders.csv" {
  id          int key
  customer_id int -> customers
  total       decimal
}
target app_table {
  partition key pk
}
item Customer into app_table {
  from customers as c
  pk     = "CUSTOMER#{c.id}"
  name   = c.name
  orders = each o in c.orders order by o.id {
    id    = o.id
    total = o.total
  }
}
`;

describe('DynamoDB requests in the run report', function () {
  this.timeout(120_000);
  const dynamo = useDynamoDbLocal();
  const dir = mkdtempSync(join(tmpdir(), 'mapc-request-counts-'));
  let plan: Plan;
  let proxy: CountingProxy;
  before(async () => {
    writeFileSync(join(dir, 'counted.map'), MAPPING);
    plan = compileMapping(join(dir, 'counted.map'));
    proxy = await countingHttpProxy(dynamo.endpoint);
  });
  after(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(name: string, customers: number, maxWriteRate?: number): Promise<RunReport> {
    const path = join(dir, `${name}.zip`);
    const rows = Array.from({ length: customers }, (_, i) => `${i + 1},Name ${i + 1}`);
    const orders = Array.from({ length: customers }, (_, i) => `${i + 1},${i + 1},${i}.50`);
    writeFileSync(
      path,
      await zipBytes({
        'customers.csv': `id,name\n${rows.join('\n')}\n`,
        'orders.csv': `id,customer_id,total\n${orders.join('\n')}\n`,
      }),
    );
    const connection = connectDynamoDb({
      endpoint: proxy.endpoint,
      clientConfig: dynamoDbLocalClientConfig(proxy.endpoint),
      tables: { app_table: `${name}_app` },
      controlTable: `${name}_control`,
    });
    try {
      await createTable(connection.client, expectedTable(plan, 'app_table', `${name}_app`));
      proxy.take();
      const report = await mergeIntoDynamoDb({
        plan,
        extract: await openExtract(path),
        asOf: AS_OF,
        connection,
        rejects: { write: () => undefined },
        ...(maxWriteRate !== undefined ? { maxWriteRate } : {}),
      });
      expect(report.status, summarize(report)).to.equal('ok');
      return report;
    } finally {
      connection.destroy();
    }
  }

  /** The report's counts in the proxy's terms: `${table} ${operation}` → requests, and → entries of batch calls. */
  function asProxySees(requests: DynamoDbRequests, target: string, control: string) {
    const seen = { requests: new Map<string, number>(), entries: new Map<string, number>() };
    for (const [role, table] of [
      ['target', target],
      ['control', control],
    ] as const) {
      for (const [operation, counts] of Object.entries(requests[role])) {
        seen.requests.set(`${table} ${operation}`, counts.requests);
        if (operation === 'BatchWriteItem' || operation === 'BatchGetItem')
          seen.entries.set(`${table} ${operation}`, counts.items);
      }
    }
    return seen;
  }

  const sorted = (map: Map<string, number>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));

  it('counts what a proxy in front of DynamoDB Local sees, by operation and table, with capacity and no throttling', async () => {
    const report = await run('counted', 40);
    const seen = proxy.take();
    const requests = report.dynamodb!;
    const mine = asProxySees(requests, 'counted_app', 'counted_control');
    expect(sorted(mine.requests)).to.deep.equal(sorted(seen.requests));
    expect(sorted(mine.entries)).to.deep.equal(sorted(seen.entries));
    expect(requests.requests, 'each call once').to.equal([...seen.calls.values()].reduce((a, b) => a + b, 0));
    // 40 customer items written to the target table, in two calls of at most 25.
    expect(requests.target.BatchWriteItem).to.include({ requests: 2, items: 40 });
    // A base load: the store keeps none of its roots, so no stored item is read.
    expect(requests.target.BatchGetItem, 'no stored item read').to.equal(undefined);
    // The control table: its layout rows and version, each read once, and the stored rows
    // written in a few buckets (not one write per row).
    expect(requests.control.BatchGetItem?.items ?? 0).to.be.at.most(8);
    expect(requests.control.BatchWriteItem!.items).to.be.at.most(12);
    expect(requests.control.BatchWriteItem?.items ?? 0).to.be.greaterThan(0);
    expect(requests.target.BatchWriteItem.capacityUnits, 'DynamoDB Local reports consumed capacity').to.be.greaterThan(
      0,
    );
    expect(requests.capacityUnits).to.be.greaterThan(requests.target.BatchWriteItem.capacityUnits);
    expect(requests).to.include({ retries: 0, throttledRetries: 0 });
    expect(requests.backoff).to.deep.equal({ throttledResponses: 0, concurrency: 16, lowestConcurrency: 16 });
    expect(summarize(report)).to.match(/^dynamodb: \d+ requests \(.*target BatchWriteItem 2\/40 items/m);
  });

  it('holds the writes to --max-write-rate: 300 items and more at 100/s take over 2.75 s, far less without the cap', async () => {
    const started = Date.now();
    const capped = await run('capped', 300, 100);
    const cappedMs = Date.now() - started;
    const writes = (r: RunReport) =>
      (r.dynamodb!.target.BatchWriteItem?.items ?? 0) + (r.dynamodb!.control.BatchWriteItem?.items ?? 0);
    expect(writes(capped)).to.be.at.least(300);
    expect(cappedMs, `${writes(capped)} items at 100/s`).to.be.at.least(((writes(capped) - 25) / 100) * 1000 - 100);
    expect(capped.dynamodb!.backoff).to.include({ maxWriteRate: 100, lowestWriteRate: 100 });

    const freeStarted = Date.now();
    const free = await run('uncapped', 300);
    const freeMs = Date.now() - freeStarted;
    expect(writes(free)).to.equal(writes(capped));
    expect(freeMs, 'the same run without a cap').to.be.below(cappedMs / 2);
  });
});
