// A world for job tests on the real servers: a fresh control table and target table on
// DynamoDB Local, a prefix of its own in s3rver's bucket, and the items read back as lines.
import { dynamoDbLocalClientConfig } from '../../examples/local-servers/dynamodb-local.js';
import { putFile, type LocalS3Server } from '../../examples/local-servers/s3-server.js';
import { WRITER_CLIENT_SETTINGS } from '../../runtime/dynamodb/batch-writer.js';
import { createTable } from '../../runtime/dynamodb/create-table.js';
import { connectDynamoDb, type DynamoDbConnection } from '../../runtime/dynamodb/dynamodb-connection.js';
import { expectedTable } from '../../runtime/dynamodb/expected-table.js';
import type { Plan } from '../../runtime/plan/types.js';
import type { LocalDynamoDb } from '../support/dynamodb-local-hooks.js';
import { tableItemLines } from '../support/table-item-lines.js';

export const JOB_BUCKET = 'extracts';
let worlds = 0;

export interface JobWorld {
  /** s3://extracts/<prefix>/ */
  source: string;
  prefix: string;
  /** Destroyed after the test file (destroyWorlds). */
  connection: DynamoDbConnection;
  controlTable: string;
  appTable: string;
  upload(name: string, path: string): Promise<string>;
  itemLines(): Promise<string[]>;
}

export async function jobWorld(dynamo: LocalDynamoDb, s3: LocalS3Server, plan: Plan): Promise<JobWorld> {
  const n = ++worlds;
  const prefix = `job${n}/`;
  const controlTable = `job_control_${n}`;
  const appTable = `job_app_${n}`;
  const expected = expectedTable(plan, 'app_table', appTable);
  const setup = dynamo.client(WRITER_CLIENT_SETTINGS);
  await createTable(setup, expected);
  const connection = connectDynamoDb({
    controlTable,
    tables: { app_table: appTable },
    clientConfig: dynamoDbLocalClientConfig(dynamo.endpoint),
  });
  return {
    source: `s3://${JOB_BUCKET}/${prefix}`,
    prefix,
    connection,
    controlTable,
    appTable,
    async upload(name, path) {
      await putFile(s3.endpoint, JOB_BUCKET, prefix + name, path);
      return `s3://${JOB_BUCKET}/${prefix}${name}`;
    },
    itemLines: () => tableItemLines(setup, appTable),
  };
}
