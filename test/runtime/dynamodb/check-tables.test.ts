import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { compile } from '../../../compiler/compile.js';
import {
  checkTable,
  checkTargetTables,
  formatTableProblem,
  type TableProblem,
} from '../../../runtime/dynamodb/check-tables.js';
import { createTable } from '../../../runtime/dynamodb/create-table.js';
import { expectedTable, type ExpectedTable } from '../../../runtime/dynamodb/expected-table.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';

const CUSTOMER_MAPPING = fileURLToPath(new URL('../../../mappings/customer.map', import.meta.url));

describe('the expected table of a plan target', () => {
  it('takes key names and TTL from the target, key types from the items', () => {
    const { plan } = compile(CUSTOMER_MAPPING);
    expect(plan, 'mappings/customer.map compiles').to.not.equal(null);
    expect(expectedTable(plan!, 'app_table', 'prod-app')).to.deep.equal({
      tableName: 'prod-app',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      ttlAttribute: 'expires_at',
    });
  });

  it('names the targets there are when asked for another', () => {
    const { plan } = compile(CUSTOMER_MAPPING);
    expect(() => expectedTable(plan!, 'app', 'x')).to.throw(/no target app \(it has app_table\)/);
  });
});

describe('checkTable against DynamoDB Local', function () {
  this.timeout(30_000);
  const local = useDynamoDbLocal();
  let client: DynamoDBClient;

  const app: ExpectedTable = {
    tableName: 'check_app',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expires_at',
  };

  /** A table as someone else might have made it: any keys, TTL as given. */
  async function made(tableName: string, keys: Array<[string, 'S' | 'N']>, ttl: string | null = null): Promise<void> {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map(([name, type]) => ({ AttributeName: name, AttributeType: type })),
        KeySchema: keys.map(([name], index) => ({ AttributeName: name, KeyType: index === 0 ? 'HASH' : 'RANGE' })),
      }),
    );
    if (ttl !== null) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { Enabled: true, AttributeName: ttl },
        }),
      );
    }
  }

  const codes = (problems: TableProblem[]) => problems.map((problem) => problem.code);

  before(async () => {
    client = local.client({ maxAttempts: 1 });
    await createTable(client, app);
  });

  it('finds nothing wrong with the table createTable made (keys, types, TTL enabled)', async () => {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: app.tableName }));
    expect(ttl.TimeToLiveDescription).to.deep.include({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' });
    expect(await checkTable(client, app)).to.deep.equal([]);
  });

  it('reports a missing table with the command that creates it', async () => {
    const problems = await checkTable(client, { ...app, tableName: 'check_absent' });
    expect(codes(problems)).to.deep.equal(['table-missing']);
    expect(problems[0].fix).to.equal(
      'create it: aws dynamodb create-table --table-name check_absent ' +
        '--attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S ' +
        '--key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE --billing-mode PAY_PER_REQUEST',
    );
  });

  it('reports a partition key of another name and a sort key of another type', async () => {
    await made(
      'check_keys',
      [
        ['id', 'S'],
        ['sk', 'N'],
      ],
      'expires_at',
    );
    const problems = await checkTable(client, { ...app, tableName: 'check_keys' });
    expect(problems.map(({ code, expected, found }) => ({ code, expected, found }))).to.deep.equal([
      { code: 'key-attribute', expected: 'partition key pk', found: 'partition key id' },
      { code: 'key-type', expected: 'sort key sk of type S', found: 'type N' },
    ]);
    expect(formatTableProblem(problems[1])).to.match(
      /^table check_keys: expected sort key sk of type S, found type N; the items give sk string values/,
    );
  });

  it('reports a missing sort key, and one the plan does not have', async () => {
    await made('check_no_sort', [['pk', 'S']], 'expires_at');
    expect(codes(await checkTable(client, { ...app, tableName: 'check_no_sort' }))).to.deep.equal(['sort-key-missing']);
    expect(codes(await checkTable(client, { ...app, sortKey: null }))).to.deep.equal(['sort-key-unexpected']);
  });

  it('reports TTL not enabled, and TTL on another attribute', async () => {
    await made('check_no_ttl', [
      ['pk', 'S'],
      ['sk', 'S'],
    ]);
    const off = await checkTable(client, { ...app, tableName: 'check_no_ttl' });
    expect(codes(off)).to.deep.equal(['ttl-not-enabled']);
    expect(off[0].fix).to.include(
      'aws dynamodb update-time-to-live --table-name check_no_ttl --time-to-live-specification Enabled=true,AttributeName=expires_at',
    );
    await made(
      'check_other_ttl',
      [
        ['pk', 'S'],
        ['sk', 'S'],
      ],
      'valid_until',
    );
    const other = await checkTable(client, { ...app, tableName: 'check_other_ttl' });
    expect(other.map(({ code, found }) => ({ code, found }))).to.deep.equal([
      { code: 'ttl-attribute', found: 'TTL on valid_until' },
    ]);
  });

  it('does not ask for TTL when the plan has none', async () => {
    expect(await checkTable(client, { ...app, tableName: 'check_no_ttl', ttlAttribute: null })).to.deep.equal([]);
  });

  it('checks several tables at once', async () => {
    const problems = await checkTargetTables(client, [
      app,
      { ...app, tableName: 'check_absent' },
      { ...app, tableName: 'check_no_ttl' },
    ]);
    expect(problems.map(({ tableName, code }) => `${tableName} ${code}`)).to.deep.equal([
      'check_absent table-missing',
      'check_no_ttl ttl-not-enabled',
    ]);
  });
});
