// BatchGetItem for any number of keys: 100 keys a call, UnprocessedKeys asked again with
// exponential backoff and full jitter, up to 8 calls in flight, strongly consistent (a run must see what the run
// before it wrote). Missing items are simply absent from the result.
import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from './attribute-values.js';
import { markResent } from './resend-marker.js';
import { backoffDelay, DEFAULT_BACKOFF } from './retry-policy.js';
import { setTimeout as sleep } from 'node:timers/promises';

export type DynamoKey = Record<string, AttributeValue>;
export type DynamoItem = Record<string, AttributeValue>;

const KEYS_PER_CALL = 100;
const MAX_ROUNDS = 12;

/** Calls in flight at once: a large read (a delta's buckets, a slice's items) is not one call after another. */
const CALLS_IN_FLIGHT = 8;

export async function batchGetAll(client: DynamoDBClient, table: string, keys: DynamoKey[]): Promise<DynamoItem[]> {
  const chunks: DynamoKey[][] = [];
  for (let from = 0; from < keys.length; from += KEYS_PER_CALL) chunks.push(keys.slice(from, from + KEYS_PER_CALL));
  const found: DynamoItem[][] = [];
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const at = next++;
      found[at] = await getChunk(client, table, chunks[at]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CALLS_IN_FLIGHT, chunks.length) }, worker));
  return found.flat();
}

async function getChunk(client: DynamoDBClient, table: string, keys: DynamoKey[]): Promise<DynamoItem[]> {
  const found: DynamoItem[] = [];
  let pending = keys;
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_ROUNDS)
      throw new Error(
        `DynamoDB did not return ${pending.length} items of ${table} after ${MAX_ROUNDS} tries (throttled); run again later`,
      );
    if (round > 0) await sleep(backoffDelay(round, DEFAULT_BACKOFF));
    const answer = await client.send(
      new BatchGetItemCommand(
        markResent(
          { RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } },
          round > 0 ? 'throttled' : undefined,
        ),
      ),
    );
    found.push(...((answer.Responses?.[table] ?? []) as DynamoItem[]));
    pending = (answer.UnprocessedKeys?.[table]?.Keys ?? []) as DynamoKey[];
  }
  return found;
}
