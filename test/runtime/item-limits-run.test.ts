/*
 * A value an item cannot hold in DynamoDB (a number over 38 digits or out of range, NaN or
 * Infinity, maps nested over 32 levels, an item over 400 KB) rejects its root row, with its
 * file, line and the attribute path, and the run goes on; every sink does the same (the plain
 * and DynamoDB-JSON previews on one thread and on build threads, and DynamoDB itself), so a
 * preview's counts predict the real run, and the reports reconcile.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbLocalClientConfig } from '../../examples/local-servers/dynamodb-local.js';
import { openExtract } from '../../runtime/archive/extract-location.js';
import { connectDynamoDb } from '../../runtime/dynamodb/dynamodb-connection.js';
import { createTable } from '../../runtime/dynamodb/create-table.js';
import { expectedTable } from '../../runtime/dynamodb/expected-table.js';
import { mergeIntoDynamoDb } from '../../runtime/run/merge-into-dynamodb.js';
import type { Plan } from '../../runtime/plan/types.js';
import { canBuildInParallel } from '../../runtime/assemble/build-threads.js';
import { runPlan } from '../../runtime/run/run-plan.js';
import { summarize, type RunReport } from '../../runtime/report/run-report.js';
import type { Reject } from '../../runtime/report/run-state.js';
import { NdjsonSink, type NdjsonFormat } from '../../runtime/sinks/ndjson-sink.js';
import { useDynamoDbLocal } from '../support/dynamodb-local-hooks.js';
import { MemoryByteSource } from './differential/memory-extract.js';
import { compileMapping, runRecorded } from './fixtures/recorded-run.js';
import { zipBytes } from './fixtures/zip-bytes.js';

const AS_OF = { kind: 'timestamp' as const, epochMillis: Date.parse('2026-11-01T00:00:00Z') };

function nestedMap(levels: number): string {
  return `${'{ x = '.repeat(levels)}r.id${' }'.repeat(levels)}`;
}

const MAPPING = `mapping item_limits
table rows from "rows.csv" {
  id   int key
  kind string
  big  int?
  a    float?
  b    float?
  pad  string?
}
target app_table {
  partition key pk
}
item Plain into app_table {
  from rows as r where r.kind == "plain"
  pk      = "PLAIN#{r.id}"
  product = r.big * r.big when r.big is not null
  floats  = { product = r.a * r.b } when r.a is not null
  pad     = r.pad
}
item Deep31 into app_table {
  from rows as r where r.kind == "deep31"
  pk   = "DEEP31#{r.id}"
  deep = ${nestedMap(31)}
}
item Deep32 into app_table {
  from rows as r where r.kind == "deep32"
  pk   = "DEEP32#{r.id}"
  deep = ${nestedMap(40)}
}
`;

const ROWS = [
  'id,kind,big,a,b,pad',
  '1,plain,12345678901234567,1.5,2,small', // line 2: written (34 digits, 3)
  '2,plain,99999999999999999999,,,', // line 3: a 40-digit product
  '3,plain,,1e-150,1e-150,', // line 4: 1e-300
  '4,plain,,1e200,1e200,', // line 5: Infinity (rejected where it is computed)
  `5,plain,,,,${'p'.repeat(410_000)}`, // line 6: over 400 KB
  '6,deep32,,,,', // line 7: nested 41 levels with the item
  '7,deep31,,,,', // line 8: nested 32 levels with the item: written
  '8,plain,,,,', // line 9: written
];

const EXPECTED_REJECTS: Array<{ line: number; reason: RegExp }> = [
  {
    line: 3,
    reason:
      /^its Plain item pk="PLAIN#2" cannot be stored in DynamoDB: attribute product: the int 9999999999999999999800000000000000000001 has 40 significant digits; DynamoDB numbers hold at most 38$/,
  },
  {
    line: 4,
    reason:
      /^its Plain item pk="PLAIN#3" cannot be stored in DynamoDB: attribute floats\.product: the float 1e-300 is out of the range DynamoDB numbers can hold/,
  },
  // Infinity is caught where it is computed (eval/operators.ts).
  { line: 5, reason: /^1e\+200 \* 1e\+200 is not a finite number$/ },
  { line: 6, reason: /^its Plain item pk="PLAIN#5" is 4\d{5} bytes, over DynamoDB's limit of 409600 \(400 KB\)/ },
  {
    line: 7,
    reason:
      /^its Deep32 item pk="DEEP32#6" cannot be stored in DynamoDB: attribute deep(\.x){31}: maps and lists are nested more than 32 levels deep/,
  },
];
const WRITTEN_KEYS = ['DEEP31#7', 'PLAIN#1', 'PLAIN#8'];

function expectRowFaults(report: RunReport, rejects: Reject[]): void {
  expect(report.status, report.error).to.equal('ok');
  expect(report.reconciled).to.equal(true);
  expect(report.tables.rows).to.include({ read: 8, used: 3, rejected: 5 });
  expect(rejects.map((r) => r.line)).to.deep.equal(EXPECTED_REJECTS.map((r) => r.line));
  rejects.forEach((reject, i) => {
    expect(reject).to.include({ table: 'rows', file: 'rows.csv' });
    expect(reject.reason).to.match(EXPECTED_REJECTS[i].reason);
  });
}

describe('values an item cannot hold in DynamoDB reject their root row', function () {
  this.timeout(120_000);
  let plan: Plan;
  let archive: Buffer;
  const dir = mkdtempSync(join(tmpdir(), 'mapc-item-limits-'));
  before(async () => {
    writeFileSync(join(dir, 'item-limits.map'), MAPPING);
    plan = compileMapping(join(dir, 'item-limits.map'));
    archive = await zipBytes({ 'rows.csv': `${ROWS.join('\n')}\n` });
    expect(canBuildInParallel(plan), 'items are built on threads when asked').to.equal(true);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('in a run into any sink, which goes on and reconciles', async () => {
    const run = await runRecorded(plan, archive);
    expectRowFaults(run.report, run.rejects);
    expect(run.written.map((item) => item.attributes.values[0]).sort()).to.deep.equal(WRITTEN_KEYS);
  });

  for (const format of ['plain', 'dynamodb'] as NdjsonFormat[]) {
    for (const threads of [1, 2]) {
      it(`in a ${format} preview on ${threads} thread(s), with the same rejects`, async () => {
        const path = join(dir, `${format}-${threads}.ndjson`);
        const rejects: Reject[] = [];
        const report = await runPlan({
          plan,
          source: new MemoryByteSource('extract.zip', archive),
          asOf: AS_OF,
          sink: new NdjsonSink({ path, format }),
          rejects: { write: (r) => void rejects.push(r) },
          threads,
        });
        expectRowFaults(report, rejects);
        const lines = readFileSync(path, 'utf8')
          .split('\n')
          .filter((line) => line !== '');
        expect(lines).to.have.length(3);
        expect(report.items.Plain.written + report.items.Deep31.written + report.items.Deep32.written).to.equal(3);
      });
    }
  }

  describe('into DynamoDB Local', () => {
    const dynamo = useDynamoDbLocal();

    it('writes what the preview writes, rejects the same rows, and a later extract still runs', async () => {
      const connection = connectDynamoDb({
        endpoint: dynamo.endpoint,
        clientConfig: dynamoDbLocalClientConfig(dynamo.endpoint),
        tables: { app_table: 'limits_app' },
        controlTable: 'limits_control',
      });
      try {
        await createTable(connection.client, expectedTable(plan, 'app_table', 'limits_app'));
        const path = join(dir, 'extract.zip');
        writeFileSync(path, archive);
        const rejects: Reject[] = [];
        const report = await mergeIntoDynamoDb({
          plan,
          extract: await openExtract(path),
          asOf: AS_OF,
          connection,
          rejects: { write: (r) => void rejects.push(r) },
        });
        expectRowFaults(report, rejects);
        const scan = await connection.client.send(new ScanCommand({ TableName: 'limits_app' }));
        expect((scan.Items ?? []).map((item) => item.pk.S).sort()).to.deep.equal(WRITTEN_KEYS);

        const laterPath = join(dir, 'later.zip');
        writeFileSync(laterPath, await zipBytes({ 'rows.csv': 'id,kind,big,a,b,pad\n9,plain,,,,\n' }));
        const later = await mergeIntoDynamoDb({
          plan,
          extract: await openExtract(laterPath),
          asOf: { kind: 'timestamp', epochMillis: AS_OF.epochMillis + 86_400_000 },
          connection,
          rejects: { write: () => undefined },
        });
        expect(later.status, later.error).to.equal('ok');
      } finally {
        connection.destroy();
      }
    });

    it('fails the run when DynamoDB refuses an item the checks let through, and the report claims no item written', async () => {
      const connection = connectDynamoDb({
        endpoint: dynamo.endpoint,
        clientConfig: dynamoDbLocalClientConfig(dynamo.endpoint),
        tables: { app_table: 'refused_app' },
        controlTable: 'refused_control',
      });
      // As DynamoDB answers an item it will not store (a limit the checks do not know of).
      const refusal = Object.assign(new Error('One or more parameter values were invalid: injected refusal'), {
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
      const refusing = {
        ...connection,
        writerClient: {
          send: async (command: unknown) => {
            if (command instanceof BatchWriteItemCommand) throw refusal;
            return connection.writerClient.send(command as never);
          },
        } as unknown as DynamoDBClient,
      };
      try {
        await createTable(connection.client, expectedTable(plan, 'app_table', 'refused_app'));
        const path = join(dir, 'refused.zip');
        writeFileSync(path, archive);
        const report = await mergeIntoDynamoDb({
          plan,
          extract: await openExtract(path),
          asOf: AS_OF,
          connection: refusing,
          rejects: { write: () => undefined },
        });
        expect(report.status).to.equal('failed');
        expect(report.error).to.match(/injected refusal/);
        const scan = await connection.client.send(new ScanCommand({ TableName: 'refused_app' }));
        expect(scan.Items ?? []).to.have.length(0);
        for (const [item, counts] of Object.entries(report.items))
          expect(counts.written, `${item}: items written`).to.equal(0);
        expect(summarize(report)).not.to.match(/[1-9]\d* written/);
      } finally {
        connection.destroy();
      }
    });
  });
});
