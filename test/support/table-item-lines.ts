// The items of a DynamoDB table as sorted lines, numbers normalised as DynamoDB stores them
// (normalisedLines), read with a consistent Scan: what tests compare after runs.
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeMap } from '../../runtime/dynamodb/attribute-values.js';
import { normalisedLines } from '../runtime/merge/fixtures.js';

export async function tableItemLines(client: DynamoDBClient, table: string, target = 'app_table'): Promise<string[]> {
  const found: Array<{ target: string; item: AttributeMap }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start as never } : {}),
      }),
    );
    for (const item of page.Items ?? []) found.push({ target, item: item as AttributeMap });
    start = page.LastEvaluatedKey;
  } while (start);
  return normalisedLines(found);
}
