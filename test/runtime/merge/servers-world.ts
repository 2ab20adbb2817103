// The incremental-run world on the real servers: a fresh control table and target table on
// DynamoDB Local per world, extracts uploaded to s3rver and read back through s3:// (range
// requests), items written by the BatchWriter, stored items read with BatchGetItem.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { localS3Client, putFile, type LocalS3Server } from '../../../examples/local-servers/s3-server.js';
import { openExtract } from '../../../runtime/archive/extract-location.js';
import { WRITER_CLIENT_SETTINGS } from '../../../runtime/dynamodb/batch-writer.js';
import { createControlTable, DynamoDbStateStore } from '../../../runtime/control/control-table.js';
import { createTable } from '../../../runtime/dynamodb/create-table.js';
import { DynamoDbItemSink } from '../../../runtime/dynamodb/dynamodb-item-sink.js';
import { expectedTable } from '../../../runtime/dynamodb/expected-table.js';
import { DynamoDbItemReader } from '../../../runtime/control/item-reader.js';
import type { LocalDynamoDb } from '../../support/dynamodb-local-hooks.js';
import { compiledPlan, crashingSink, runIncrementallyOn, type World } from './fixtures.js';
import { tableItemLines } from '../../support/table-item-lines.js';

export const EXTRACTS_BUCKET = 'extracts';
let worlds = 0;

export async function serversWorld(dynamo: LocalDynamoDb, s3: () => LocalS3Server): Promise<World> {
  const n = ++worlds;
  const client = dynamo.client(WRITER_CLIENT_SETTINGS);
  await createControlTable(client, `control_${n}`);
  const appTable = expectedTable(compiledPlan(), 'app_table', `app_${n}`);
  // Without TTL: DynamoDB Local, like DynamoDB, deletes items whose expires_at is before the
  // wall clock, and the sample's items expire from 2026 on. These runs skip the table check
  // (it asks for the mapping's TTL), so the table can do without it: the tests do not age.
  await createTable(client, { ...appTable, ttlAttribute: null });
  const tables = new Map([['app_table', appTable]]);
  const store = new DynamoDbStateStore(client, `control_${n}`);
  const items = new DynamoDbItemReader(client, tables);
  return {
    store,
    async run(plan, extract, options = {}) {
      // One object per local file: the same file uploaded again is the same extract (same ETag).
      const key = `${createHash('sha256').update(extract).digest('hex').slice(0, 12)}/${basename(extract)}`;
      await putFile(s3().endpoint, EXTRACTS_BUCKET, key, extract);
      const opened = await openExtract(`s3://${EXTRACTS_BUCKET}/${key}`, { client: localS3Client(s3().endpoint) });
      const sink = crashingSink(new DynamoDbItemSink(client, tables), options.crashAfterWrites);
      // A shard is a process of its own, which may run while the others do: its own store, shared buckets.
      const runStore = options.shard
        ? new DynamoDbStateStore(client, `control_${n}`, undefined, { sharedBuckets: true })
        : store;
      return runIncrementallyOn(opened, plan, { store: runStore, items, sink }, options);
    },
    itemLines: () => tableItemLines(client, appTable.tableName),
    async item(pk, sk) {
      const answer = await client.send(
        new GetItemCommand({
          TableName: appTable.tableName,
          Key: { pk: { S: pk }, sk: { S: sk } },
          ConsistentRead: true,
        }),
      );
      return answer.Item ? unmarshall(answer.Item, { wrapNumbers: true }) : undefined;
    },
  };
}
