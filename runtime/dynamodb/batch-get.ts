// BatchGetItem for any number of keys: 100 keys a call, UnprocessedKeys asked again with
// exponential backoff and full jitter, strongly consistent (a run must see what the run
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

export async function batchGetAll(client: DynamoDBClient, table: string, keys: DynamoKey[]): Promise<DynamoItem[]> {
  const found: DynamoItem[] = [];
  for (let from = 0; from < keys.length; from += KEYS_PER_CALL) {
    let pending = keys.slice(from, from + KEYS_PER_CALL);
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
  }
  return found;
}
