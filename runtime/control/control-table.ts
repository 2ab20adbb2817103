/*
 * The state of incremental runs in one DynamoDB table of its own (the control table), keys
 * pk and sk, both strings:
 *
 *   pk                                  sk               what
 *   lease                               lease            owner, until (epoch ms): one run writes at a time
 *   lease                               shard <i>/<N>    the same for shard i of N (the shards of an extract run at once)
 *   ledger#<mapping>                    <extract>        identity, planHash, status, times, report, error, skip
 *   ledger#<mapping>                    <extract>#shard <i>/<N>   the same, for shard i of N's run
 *   parked#<mapping>#<table>            <row id>         extract, file, line, parkedAt, reason, values (settledBy: a shard's tombstone)
 *   layout-version                      layout-version   version: 2 (layout-version.ts)
 *   layout#<collection>                 layout           bits: the collection is in 2^bits buckets
 *   bucket#<collection>#<bits>#<b>      head, part#…     the entries of keys hashing to bucket b, and the head's
 *                                                        version (packed-buckets.ts)
 *
 * with two kinds of collection, entries by key:
 *   rows#<mapping>#<table>        stored rows: projected columns, or null (a marker: the scan filters dropped it)
 *   heldback#<mapping>#<target>   items `require` left out, with their rows, by item key
 *
 * Deployed on AWS (deploy/), the state machine keeps its execution lock here too, as
 * pk "stepfunctions-lock#<deployment>", sk "lock" (deploy/stack/execution-lock.ts); mapc never
 * reads or writes it.
 *
 * Entries are read by bucket (BatchGetItem) and written a bucket at a time, whole; a table's
 * parked rows and a mapping's ledger are one partition each, read with Query. One run writes
 * buckets at a time (the lease), unless the store is made with `sharedBuckets`: then several
 * stores may write the same collections at once, each its own keys (the shards of one
 * extract), and each bucket head is put on condition that no other writer changed it since it
 * was read, else read again and put again over what is stored (packed-buckets.ts).
 * `createControlTable` makes it (mapc init), or checks the keys of the one that exists before
 * any run writes to it. A control table of the first layout (a row per stored row) is moved
 * into buckets by the first run that needs its rows (layout-version.ts).
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { ItemObject } from '../eval/item-value.js';
import {
  itemKeyText,
  type HeldBackItem,
  type LeaseResult,
  type LedgerEntry,
  type ParkedRow,
  type StateStore,
  type StoredKey,
  type StoredRow,
  type StoredValues,
  WHOLE_RUN_LEASE,
} from '../merge/state-store.js';
import {
  fromAttributeMap,
  fromDynamoItem,
  toAttributeMap,
  toDynamoItem,
  type AttributeMap,
  type AttributeValue,
} from '../dynamodb/attribute-values.js';
import { PackedBuckets, type BucketChanges, type ControlWrite } from './packed-buckets.js';
import { moveToBuckets, writeLayoutVersion } from './layout-version.js';
import type { DynamoItem } from '../dynamodb/batch-get.js';
import { BatchWriter } from '../dynamodb/batch-writer.js';
import { DEFAULT_CONTROL_TABLE } from '../dynamodb/control-table-name.js';
import { checkTable, type TableProblem } from '../dynamodb/check-tables.js';
import { createTable, waitForTable } from '../dynamodb/create-table.js';
import type { ExpectedTable } from '../dynamodb/expected-table.js';

/** Stored rows a bucket holds when a table is first written (to twice as many): about 2-4 KB deflated. */
const ROWS_PER_BUCKET = 64;
/** Held-back items are whole items: fewer to a bucket. */
const HELD_BACK_PER_BUCKET = 16;

const rowsCollection = (mapping: string, table: string) => `rows#${mapping}#${table}`;
const heldBackCollection = (mapping: string, target: string) => `heldback#${mapping}#${target}`;

export { DEFAULT_CONTROL_TABLE };

/** Optional text attributes of a ledger row: why a run failed, and who skipped an extract, when and why. */
const LEDGER_NOTES = ['error', 'skippedAt', 'skippedBy', 'skipReason'] as const;

const S = (value: string): AttributeValue => ({ S: value });
const str = (item: DynamoItem, name: string): string => {
  const value = item[name];
  return value && 'S' in value ? value.S : '';
};

export interface StateStoreOptions {
  /**
   * Other stores write this control table's buckets at the same time, each its own keys (the
   * shards of one extract): bucket heads are put one by one, on condition (PutItem), and a
   * write that loses to another writer's is tried again over the bucket as stored. Default
   * false: one writer at a time (the lease), heads put with BatchWriteItem.
   */
  sharedBuckets?: boolean;
}

export class DynamoDbStateStore implements StateStore {
  private readonly buckets: PackedBuckets;
  /** The move from the first layout, once per store (layout-version.ts), before stored rows are read or written. */
  private moved: Promise<number> | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string = DEFAULT_CONTROL_TABLE,
    private readonly now: () => number = Date.now,
    options: StateStoreOptions = {},
  ) {
    this.buckets = new PackedBuckets(client, tableName, (requests) => this.write(requests), {
      shared: options.sharedBuckets ?? false,
    });
  }

  async acquireLease(owner: string, durationMs: number, scope = WHOLE_RUN_LEASE): Promise<LeaseResult> {
    const now = this.now();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: S('lease'), sk: S(scope), owner: S(owner), until: { N: String(now + durationMs) } },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': { N: String(now) }, ':owner': S(owner) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const held = (error.Item ?? {}) as DynamoItem;
      const until = held.until && 'N' in held.until ? Number(held.until.N) : now;
      return { ok: false, holder: str(held, 'owner'), until: new Date(until).toISOString() };
    }
  }

  async renewLease(owner: string, durationMs: number, scope = WHOLE_RUN_LEASE): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: S('lease'), sk: S(scope) },
          UpdateExpression: 'SET #until = :until',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':until': { N: String(this.now() + durationMs) }, ':owner': S(owner) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseLease(owner: string, scope = WHOLE_RUN_LEASE): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: S('lease'), sk: S(scope) },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': S(owner) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async ledger(mapping: string): Promise<LedgerEntry[]> {
    return (await this.query(`ledger#${mapping}`)).map((item) => ({
      mapping,
      // A shard's entry: its sort key is the extract's with "#shard i/N" after it.
      extract: item.shard ? str(item, 'sk').slice(0, -`#shard ${str(item, 'shard')}`.length) : str(item, 'sk'),
      ...(item.shard ? { shard: str(item, 'shard') } : {}),
      identity: JSON.parse(str(item, 'identity')),
      planHash: str(item, 'planHash'),
      ...(item.asOf ? { asOf: str(item, 'asOf') } : {}),
      status: str(item, 'status') as LedgerEntry['status'],
      startedAt: str(item, 'startedAt'),
      ...(item.finishedAt ? { finishedAt: str(item, 'finishedAt') } : {}),
      ...(item.report ? { report: str(item, 'report') } : {}),
      ...Object.fromEntries(LEDGER_NOTES.filter((name) => item[name]).map((name) => [name, str(item, name)])),
    }));
  }

  async recordLedger(entry: LedgerEntry): Promise<void> {
    const item: DynamoItem = {
      pk: S(`ledger#${entry.mapping}`),
      sk: S(entry.shard ? `${entry.extract}#shard ${entry.shard}` : entry.extract),
      identity: S(JSON.stringify(entry.identity)),
      planHash: S(entry.planHash),
      status: S(entry.status),
      startedAt: S(entry.startedAt),
    };
    if (entry.asOf) item.asOf = S(entry.asOf);
    if (entry.shard) item.shard = S(entry.shard);
    if (entry.finishedAt) item.finishedAt = S(entry.finishedAt);
    if (entry.report) item.report = S(entry.report);
    for (const name of LEDGER_NOTES) if (entry[name]) item[name] = S(entry[name]);
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item }));
  }

  async getRows(mapping: string, table: string, keys: string[]): Promise<Map<string, StoredValues | null>> {
    await this.inBuckets();
    const found = new Map<string, StoredValues | null>();
    for (const [key, values] of await this.buckets.get(rowsCollection(mapping, table), keys))
      found.set(key, values && 'M' in values ? fromAttributeMap(values.M) : null);
    return found;
  }

  /** Puts rows over the stored ones by key (the buckets they fall in are read, and written back whole). */
  async putRows(mapping: string, table: string, rows: StoredRow[], writers = 1): Promise<void> {
    await this.inBuckets();
    const changes: BucketChanges = new Map(
      rows.map((row) => [row.key, row.values === null ? null : { M: attributesOf(row.values) }]),
    );
    await this.buckets.update(rowsCollection(mapping, table), changes, ROWS_PER_BUCKET, writers);
  }

  async parkedRows(mapping: string, table: string): Promise<ParkedRow[]> {
    return (await this.query(`parked#${mapping}#${table}`)).map((item) => ({
      table,
      id: str(item, 'sk'),
      extract: str(item, 'extract'),
      file: str(item, 'file'),
      line: Number((item.line as { N: string }).N),
      parkedAt: str(item, 'parkedAt'),
      reason: str(item, 'reason'),
      values: fromAttributeMap((item.values as { M: AttributeMap }).M),
      ...(item.settledBy ? { settledBy: str(item, 'settledBy') } : {}),
    }));
  }

  async park(mapping: string, rows: ParkedRow[]): Promise<void> {
    await this.write(
      rows.map((row): ControlWrite => ({
        put: {
          pk: S(`parked#${mapping}#${row.table}`),
          sk: S(row.id),
          extract: S(row.extract),
          file: S(row.file),
          line: { N: String(row.line) },
          parkedAt: S(row.parkedAt),
          reason: S(row.reason),
          values: { M: attributesOf(row.values) },
          ...(row.settledBy ? { settledBy: S(row.settledBy) } : {}),
        },
      })),
    );
  }

  async unpark(mapping: string, rows: Array<{ table: string; id: string }>): Promise<void> {
    await this.write(
      rows.map((row): ControlWrite => ({ delete: { pk: S(`parked#${mapping}#${row.table}`), sk: S(row.id) } })),
    );
  }

  async heldBackItems(mapping: string, target: string, keys: StoredKey[]): Promise<Map<string, ItemObject>> {
    await this.inBuckets();
    const found = new Map<string, ItemObject>();
    const entries = await this.buckets.get(heldBackCollection(mapping, target), keys.map(itemKeyText));
    for (const [text, item] of entries) found.set(text, fromDynamoItem((item as { M: AttributeMap }).M));
    return found;
  }

  async holdBack(mapping: string, target: string, items: HeldBackItem[], writers = 1): Promise<void> {
    await this.inBuckets();
    const changes: BucketChanges = new Map(items.map(({ key, item }) => [itemKeyText(key), { M: toDynamoItem(item) }]));
    await this.buckets.update(heldBackCollection(mapping, target), changes, HELD_BACK_PER_BUCKET, writers);
  }

  async releaseHeldBack(mapping: string, target: string, keys: StoredKey[]): Promise<void> {
    await this.inBuckets();
    const changes: BucketChanges = new Map(keys.map((key) => [itemKeyText(key), undefined]));
    await this.buckets.update(heldBackCollection(mapping, target), changes, HELD_BACK_PER_BUCKET);
  }

  /** Stored rows and held-back items of the first layout moved into buckets, once (layout-version.ts). */
  private inBuckets(): Promise<number> {
    this.moved ??= moveToBuckets({
      client: this.client,
      tableName: this.tableName,
      update: (collection, changes) =>
        this.buckets.update(
          collection,
          changes,
          collection.startsWith('heldback#') ? HELD_BACK_PER_BUCKET : ROWS_PER_BUCKET,
        ),
      write: (requests) => this.write(requests),
    });
    return this.moved;
  }

  private async write(requests: ControlWrite[]): Promise<void> {
    if (requests.length === 0) return;
    const rejected: string[] = [];
    const writer = new BatchWriter(this.client, {
      tableName: this.tableName,
      key: { partition: 'pk', sort: 'sk' },
      onRejected: (rejection) => rejected.push(`${JSON.stringify(rejection.key)}: ${rejection.reason}`),
    });
    for (const request of requests)
      await ('put' in request ? writer.write(request.put) : writer.delete(request.delete));
    await writer.flush();
    if (rejected.length > 0)
      throw new Error(
        `the control table ${this.tableName} refused ${rejected.length} writes, the first: ${rejected[0]}`,
      );
  }

  private async query(pk: string): Promise<DynamoItem[]> {
    const items: DynamoItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': S(pk) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start as never } : {}),
        }),
      );
      items.push(...((page.Items ?? []) as DynamoItem[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** A row's values (or a key's attributes) as the control table keeps them. */
export function attributesOf(values: StoredValues): AttributeMap {
  return toAttributeMap(Object.entries(values));
}

/** The control table's shape: keys pk and sk, both strings (on-demand capacity when mapc makes it). */
export function expectedControlTable(tableName: string): ExpectedTable {
  return { tableName, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' }, ttlAttribute: null };
}

/** The control table exists but is not one mapc can keep its state in (another table's name, say). */
export class ControlTableMismatch extends Error {
  constructor(
    readonly tableName: string,
    readonly problems: TableProblem[],
  ) {
    super(
      `the control table ${tableName} exists but is not a mapc control table (keys pk and sk, both strings): ` +
        `${problems.map((p) => `expected ${p.expected}, found ${p.found}`).join('; ')}. ` +
        'Nothing was written to it: name another table with --control-table (mapc creates it), or delete this one if it is a leftover',
    );
    this.name = 'ControlTableMismatch';
  }
}

/**
 * Creates the control table unless it exists; returns true when it made it. An existing table
 * is checked first, before anything is written to it: its keys must be pk and sk, both
 * strings (ControlTableMismatch otherwise). Other errors (network, permissions) pass through.
 */
export async function createControlTable(
  client: DynamoDBClient,
  tableName: string = DEFAULT_CONTROL_TABLE,
): Promise<boolean> {
  const expected = expectedControlTable(tableName);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await createTable(client, expected);
      await writeLayoutVersion(client, tableName);
      return true;
    } catch (raced) {
      // Another run made it meanwhile (the shards of an extract start at once): theirs is checked.
      if (!(raced instanceof ResourceInUseException)) throw raced;
      await waitForTable(client, tableName);
    }
  }
  const problems = (await checkTable(client, expected)).filter((p) => p.code !== 'table-not-active');
  if (problems.length > 0) throw new ControlTableMismatch(tableName, problems);
  return false;
}
