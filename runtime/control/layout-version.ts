// The control table's layout version, and the move from the first layout to buckets. Control
// tables made before buckets kept one control row per stored row and per held-back item:
//
//   row#<mapping>#<table>#<key>         row    values (map of projected columns), or filtered
//   heldback#<mapping>#<target>#<key>   item   item
//
// A table whose version row says 2 (or that mapc made with buckets) is read as it is. Any
// other is moved once, by the first run that needs stored rows, under its lease: the old rows
// are scanned, written into their buckets, then deleted, then the version row is written. A
// run that stops part way leaves the version unwritten, and the next run moves what is left
// (rows already moved are put into their buckets again, unchanged).
import { PutItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '../dynamodb/attribute-values.js';
import { batchGetAll, type DynamoItem } from '../dynamodb/batch-get.js';
import type { BucketChanges, ControlWrite } from './packed-buckets.js';

export const LAYOUT_VERSION = 2;

const VERSION_KEY = { pk: { S: 'layout-version' }, sk: { S: 'layout-version' } };

/** The collection (as packed-buckets.ts names it) an old row moves to, with its key and value; null: not an old row. */
export type OldRowReading = { collection: string; key: string; value: AttributeValue | null } | null;

export function readOldRow(item: DynamoItem): OldRowReading {
  const pk = (item.pk as { S: string }).S;
  const [kind, mapping, table] = pk.split('#', 3);
  const key = pk.slice(kind.length + mapping.length + table.length + 3);
  if (kind === 'row' && (item.sk as { S: string }).S === 'row') {
    const values = item.values as { M: Record<string, AttributeValue> } | undefined;
    return { collection: `rows#${mapping}#${table}`, key, value: values ? { M: values.M } : null };
  }
  if (kind === 'heldback' && (item.sk as { S: string }).S === 'item')
    return { collection: `heldback#${mapping}#${table}`, key, value: item.item };
  return null;
}

export async function writeLayoutVersion(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new PutItemCommand({ TableName: tableName, Item: { ...VERSION_KEY, version: { N: String(LAYOUT_VERSION) } } }),
  );
}

export interface LayoutMove {
  client: DynamoDBClient;
  tableName: string;
  /** Puts entries into a collection's buckets (PackedBuckets.update). */
  update(collection: string, changes: BucketChanges): Promise<void>;
  write(requests: ControlWrite[]): Promise<void>;
}

/** Moves the rows of the first layout into buckets, unless the table is at LAYOUT_VERSION; returns the rows moved. */
export async function moveToBuckets({ client, tableName, update, write }: LayoutMove): Promise<number> {
  const [version] = await batchGetAll(client, tableName, [VERSION_KEY]);
  const at = version?.version && 'N' in version.version ? Number(version.version.N) : 1;
  if (at >= LAYOUT_VERSION) return 0;
  // Every old row is read before any bucket is written, so that each collection's bucket count
  // is chosen for all of its rows (packed-buckets.ts).
  const byCollection = new Map<string, BucketChanges>();
  const old: ControlWrite[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :row) OR begins_with(pk, :heldback)',
        ExpressionAttributeValues: { ':row': { S: 'row#' }, ':heldback': { S: 'heldback#' } },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start as never } : {}),
      }),
    );
    for (const item of (page.Items ?? []) as DynamoItem[]) {
      const reading = readOldRow(item);
      if (reading === null) continue;
      const changes = byCollection.get(reading.collection) ?? new Map();
      changes.set(reading.key, reading.value);
      byCollection.set(reading.collection, changes);
      old.push({ delete: { pk: item.pk, sk: item.sk } });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  for (const [collection, changes] of byCollection) await update(collection, changes);
  await write(old);
  const moved = old.length;
  await writeLayoutVersion(client, tableName);
  return moved;
}
