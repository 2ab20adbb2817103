// What a run asked of DynamoDB, for its report: requests by operation, split into the target
// tables and the control table, the items or keys they carried, the capacity DynamoDB says
// they consumed, the retries (and of those the throttled ones), and how far the writer's
// adaptive backoff lowered its concurrency and write rate.

export interface OperationCounts {
  /** HTTP requests sent (each retry is one more); one naming tables of both roles counts in both. */
  requests: number;
  /**
   * Items or keys carried: put and delete requests of BatchWriteItem, keys of BatchGetItem,
   * items returned by Query and Scan, 1 for GetItem, PutItem, UpdateItem and DeleteItem.
   */
  items: number;
  /** Capacity units DynamoDB reported consumed (asked with ReturnConsumedCapacity TOTAL). */
  capacityUnits: number;
  /** Requests that repeated an earlier one: the SDK's retries and the writer's resends. */
  retries: number;
  /** Of the retries, those after throttling (ProvisionedThroughputExceeded, ThrottlingException, unprocessed items or keys). */
  throttledRetries: number;
}

export interface WriteBackoff {
  /** BatchWriteItem responses that were throttled or returned unprocessed items. */
  throttledResponses: number;
  /** BatchWriteItem calls in flight allowed at the start, and the lowest the backoff went to. */
  concurrency: number;
  lowestConcurrency: number;
  /** Items per second (--max-write-rate), and the lowest the backoff went to; absent without a cap. */
  maxWriteRate?: number;
  lowestWriteRate?: number;
}

export interface DynamoDbRequests {
  /** Operation name (BatchWriteItem, Query, …) → counts, for requests to the target tables. */
  target: Record<string, OperationCounts>;
  /** The same for requests to the control table. */
  control: Record<string, OperationCounts>;
  /**
   * Requests, retries and throttled retries in all, each request once (one naming tables of
   * both roles counts in both above); the capacity units of both.
   */
  requests: number;
  retries: number;
  throttledRetries: number;
  capacityUnits: number;
  backoff: WriteBackoff;
}

export function emptyOperationCounts(): OperationCounts {
  return { requests: 0, items: 0, capacityUnits: 0, retries: 0, throttledRetries: 0 };
}

/** One line: `dynamodb: 12 requests (target BatchWriteItem 4/100 items, …), 3.5 capacity units, 0 retries (0 throttled)`. */
export function summarizeDynamoDb(requests: DynamoDbRequests): string {
  const part = (role: string, counts: Record<string, OperationCounts>) =>
    Object.entries(counts)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([operation, c]) => `${role} ${operation} ${c.requests}${c.items > 0 ? `/${c.items} items` : ''}`);
  const parts = [...part('target', requests.target), ...part('control', requests.control)];
  const { backoff } = requests;
  const lowered =
    backoff.lowestConcurrency < backoff.concurrency ||
    (backoff.lowestWriteRate !== undefined && backoff.lowestWriteRate < (backoff.maxWriteRate ?? Infinity));
  const backoffText = lowered
    ? `; backoff lowered concurrency to ${backoff.lowestConcurrency}${backoff.lowestWriteRate !== undefined ? `, write rate to ${backoff.lowestWriteRate}/s` : ''}`
    : '';
  const rate = backoff.maxWriteRate !== undefined ? `; writes capped at ${backoff.maxWriteRate}/s` : '';
  return (
    `dynamodb: ${requests.requests} requests (${parts.join(', ')}), ${round(requests.capacityUnits)} capacity units, ` +
    `${requests.retries} retries (${requests.throttledRetries} throttled)${rate}${backoffText}`
  );
}

function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}
