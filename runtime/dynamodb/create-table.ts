// Creates the table a plan's target needs (on-demand capacity, TTL enabled on the plan's TTL
// attribute) and waits until it is ACTIVE. For tests, benchmarks and the demo; production
// tables belong to whoever owns the infrastructure, and checkTable tells them what to fix.
import {
  CreateTableCommand,
  DeleteTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { ExpectedKey, ExpectedTable } from './expected-table.js';

const WAIT_SECONDS = 60;

export async function createTable(client: DynamoDBClient, table: ExpectedTable): Promise<void> {
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  await client.send(
    new CreateTableCommand({
      TableName: table.tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keys.map((key) => ({
        AttributeName: key.name,
        AttributeType: knownType(key, table.tableName),
      })),
      KeySchema: keys.map((key, index) => ({ AttributeName: key.name, KeyType: index === 0 ? 'HASH' : 'RANGE' })),
    }),
  );
  await waitForTable(client, table.tableName);
  if (table.ttlAttribute !== null) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table.tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: table.ttlAttribute },
      }),
    );
  }
}

/** Waits until the table exists and is active (as after CreateTable, by this process or another). */
export async function waitForTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await waitUntilTableExists({ client, maxWaitTime: WAIT_SECONDS, minDelay: 1 }, { TableName: tableName });
}

export async function deleteTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntilTableNotExists({ client, maxWaitTime: WAIT_SECONDS, minDelay: 1 }, { TableName: tableName });
}

function knownType(key: ExpectedKey, tableName: string) {
  if (key.type === null)
    throw new Error(
      `cannot create ${tableName}: the type of key attribute ${key.name} is not known (the plan's items do not settle it)`,
    );
  return key.type;
}
