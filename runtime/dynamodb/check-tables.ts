// Checks, before a run writes anything, that the physical table is the one the plan needs:
// it exists and is active, its key schema has the plan's attributes with the right types, and
// TTL is enabled on the plan's TTL attribute. Every mismatch comes back as data, with what to
// do about it; an empty list means the table fits. A network failure is thrown, not listed:
// it says nothing about the table.
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DescribeTableCommandOutput,
  type DescribeTimeToLiveCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { networkCode } from './connection-error.js';
import type { ExpectedKey, ExpectedTable } from './expected-table.js';

export type TableProblemCode =
  | 'table-missing'
  | 'table-unreadable'
  | 'table-not-active'
  | 'key-attribute'
  | 'key-type'
  | 'sort-key-missing'
  | 'sort-key-unexpected'
  | 'ttl-unreadable'
  | 'ttl-not-enabled'
  | 'ttl-attribute';

export interface TableProblem {
  code: TableProblemCode;
  tableName: string;
  /** What the plan needs and what the table has, in words. */
  expected: string;
  found: string;
  /** What to do about it. */
  fix: string;
}

export async function checkTable(client: DynamoDBClient, expected: ExpectedTable): Promise<TableProblem[]> {
  const { tableName } = expected;
  const problems: TableProblem[] = [];
  const problem = (code: TableProblemCode, expectedText: string, found: string, fix: string) =>
    problems.push({ code, tableName, expected: expectedText, found, fix });

  let description: DescribeTableCommandOutput;
  try {
    description = await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    // Not a problem of the table: the caller says which endpoint did not answer.
    if (networkCode(error) !== null) throw error;
    if ((error as Error).name === 'ResourceNotFoundException') {
      problem(
        'table-missing',
        `a table ${tableName}`,
        'no such table',
        `create it: ${createTableCommandLine(expected)}`,
      );
    } else {
      problem(
        'table-unreadable',
        `a table ${tableName} this run can describe`,
        errorText(error),
        'check the credentials, region and endpoint, and that they allow dynamodb:DescribeTable',
      );
    }
    return problems;
  }
  const table = description.Table ?? {};
  if (table.TableStatus !== undefined && table.TableStatus !== 'ACTIVE') {
    problem(
      'table-not-active',
      'status ACTIVE',
      `status ${table.TableStatus}`,
      'wait until the table is ACTIVE, then run again',
    );
  }

  const typeOf = (name: string) =>
    table.AttributeDefinitions?.find((definition) => definition.AttributeName === name)?.AttributeType;
  const keyNamed = (role: 'HASH' | 'RANGE') =>
    table.KeySchema?.find((element) => element.KeyType === role)?.AttributeName;
  const checkKey = (role: 'HASH' | 'RANGE', want: ExpectedKey, actualName: string) => {
    const label = role === 'HASH' ? 'partition key' : 'sort key';
    if (actualName !== want.name) {
      problem(
        'key-attribute',
        `${label} ${want.name}`,
        `${label} ${actualName}`,
        `the key schema of a table cannot change: write to a table whose ${label} is ${want.name}, or rename the key attribute in the mapping's target`,
      );
      return;
    }
    const actualType = typeOf(actualName);
    if (want.type !== null && actualType !== want.type) {
      problem(
        'key-type',
        `${label} ${want.name} of type ${want.type}`,
        `type ${actualType ?? 'unknown'}`,
        `the items give ${want.name} ${typeWord(want.type)} values: use a table whose ${label} ${want.name} has type ${want.type}, or change the key's expression in the mapping`,
      );
    }
  };

  const partition = keyNamed('HASH');
  if (partition !== undefined) checkKey('HASH', expected.partitionKey, partition);
  const sort = keyNamed('RANGE');
  if (expected.sortKey !== null && sort === undefined) {
    problem(
      'sort-key-missing',
      `sort key ${expected.sortKey.name}`,
      'no sort key',
      `use a table with partition key ${expected.partitionKey.name} and sort key ${expected.sortKey.name}`,
    );
  } else if (expected.sortKey === null && sort !== undefined) {
    problem(
      'sort-key-unexpected',
      'no sort key',
      `sort key ${sort}`,
      `use a table with only partition key ${expected.partitionKey.name}, or declare \`sort key ${sort}\` in the mapping's target`,
    );
  } else if (expected.sortKey !== null && sort !== undefined) {
    checkKey('RANGE', expected.sortKey, sort);
  }

  if (expected.ttlAttribute !== null) await checkTtl(client, expected, expected.ttlAttribute, problem);
  return problems;
}

/** checkTable for each table, problems of all of them in one list. */
export async function checkTargetTables(client: DynamoDBClient, tables: ExpectedTable[]): Promise<TableProblem[]> {
  const problems = await Promise.all(tables.map((table) => checkTable(client, table)));
  return problems.flat();
}

/** One line for people: "table app: expected ..., found ...; fix: ...". */
export function formatTableProblem(problem: TableProblem): string {
  return `table ${problem.tableName}: expected ${problem.expected}, found ${problem.found}; ${problem.fix}`;
}

async function checkTtl(
  client: DynamoDBClient,
  expected: ExpectedTable,
  attribute: string,
  problem: (code: TableProblemCode, expected: string, found: string, fix: string) => void,
): Promise<void> {
  const enable = `aws dynamodb update-time-to-live --table-name ${expected.tableName} --time-to-live-specification Enabled=true,AttributeName=${attribute}`;
  let ttl: DescribeTimeToLiveCommandOutput;
  try {
    ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: expected.tableName }));
  } catch (error) {
    problem(
      'ttl-unreadable',
      `TTL enabled on ${attribute}`,
      errorText(error),
      'check that the credentials allow dynamodb:DescribeTimeToLive',
    );
    return;
  }
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus ?? 'DISABLED';
  const actual = ttl.TimeToLiveDescription?.AttributeName;
  const on = status === 'ENABLED' || status === 'ENABLING';
  if (!on) {
    problem(
      'ttl-not-enabled',
      `TTL enabled on ${attribute}`,
      `TTL ${status}`,
      `without it expired items are never deleted: ${enable}`,
    );
  } else if (actual !== attribute) {
    problem(
      'ttl-attribute',
      `TTL on ${attribute}`,
      `TTL on ${actual}`,
      `a table has one TTL attribute: disable TTL on ${actual} (update-time-to-live ... Enabled=false,AttributeName=${actual}), then ${enable}; or use ${actual} as the mapping's ttl`,
    );
  }
}

/** The AWS CLI command that creates the expected table (on-demand capacity). */
export function createTableCommandLine(expected: ExpectedTable): string {
  const keys = [expected.partitionKey, ...(expected.sortKey ? [expected.sortKey] : [])];
  const definitions = keys.map((key) => `AttributeName=${key.name},AttributeType=${key.type ?? '<S|N>'}`).join(' ');
  const schema = keys
    .map((key, index) => `AttributeName=${key.name},KeyType=${index === 0 ? 'HASH' : 'RANGE'}`)
    .join(' ');
  return `aws dynamodb create-table --table-name ${expected.tableName} --attribute-definitions ${definitions} --key-schema ${schema} --billing-mode PAY_PER_REQUEST`;
}

function typeWord(type: string): string {
  return type === 'N' ? 'number' : type === 'S' ? 'string' : 'binary';
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
