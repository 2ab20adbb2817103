// Writes to the control table (keys pk, sk): BatchWriteItem 25 at a time, UnprocessedItems
// retried with backoff until done or the tries run out (then a loud error with a count).
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '../sinks/dynamodb-json.js';
import { backoffDelay, sleep } from './backoff.js';

export type WriteRequest = { put: Record<string, AttributeValue> } | { delete: Record<string, AttributeValue> };

const PER_CALL = 25;
const MAX_ROUNDS = 12;

export async function writeAll(client: DynamoDBClient, table: string, all: WriteRequest[]): Promise<void> {
  // A batch may not name one key twice: the last request for a key is the one that counts.
  const byKey = new Map<string, WriteRequest>();
  for (const request of all) {
    const item = 'put' in request ? request.put : request.delete;
    const key = JSON.stringify([item.pk, item.sk]);
    byKey.delete(key);
    byKey.set(key, request);
  }
  const requests = [...byKey.values()];
  for (let from = 0; from < requests.length; from += PER_CALL) {
    let pending = requests.slice(from, from + PER_CALL).map((r) => ('put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`DynamoDB did not take ${pending.length} writes to ${table} after ${MAX_ROUNDS} tries (throttled); run again — the run is repeatable`);
      if (round > 0) await sleep(backoffDelay(round));
      const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending as never } }));
      pending = (answer.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
}
