// The main job's sink: items to their target tables through one BatchWriter per table.
// Before an item comes here it was checked against DynamoDB's limits (numbers, nesting, 400 KB:
// item-limits.ts, as for every sink); check() adds what only this sink knows, the physical
// table's key, and an item without a usable key is rejected there, so its root row is counted
// rejected and the run's counts stay true. The writer's own refusals can then only mean a
// bug, and fail the run.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BuiltItem, ItemObject, ItemValue } from '../eval/item-value.js';
import { toAttributeMap, toDynamoItem, type AttributeValue } from './attribute-values.js';
import type { ItemSink } from '../sinks/item-sink.js';
import { BatchWriter } from './batch-writer.js';
import type { ExpectedTable } from './expected-table.js';
import { formatKey, readKey } from './item-key.js';

export class DynamoDbItemSink implements ItemSink {
  private readonly writers = new Map<string, { writer: BatchWriter; table: ExpectedTable }>();
  private readonly refused: string[] = [];
  /** The last item check() converted, so write() does not convert it again. */
  private checked: { object: ItemObject; item: Record<string, AttributeValue> } | null = null;

  /** `tables`: the physical table of each logical target. */
  constructor(
    client: DynamoDBClient,
    tables: Map<string, ExpectedTable>,
    options: { concurrency?: number; retryForMs?: number } = {},
  ) {
    for (const [target, table] of tables) {
      this.writers.set(target, {
        table,
        writer: new BatchWriter(client, {
          tableName: table.tableName,
          key: { partition: table.partitionKey.name, sort: table.sortKey?.name ?? null },
          onRejected: (rejection) =>
            this.refused.push(`${table.tableName} ${formatKey(rejection.key)}: ${rejection.reason}`),
          ...options,
        }),
      });
    }
  }

  check(built: BuiltItem): string | null {
    const { table } = this.target(built.target);
    const item = toDynamoItem(built.attributes);
    this.checked = { object: built.attributes, item };
    const key = readKey(item, { partition: table.partitionKey.name, sort: table.sortKey?.name ?? null });
    if (!key.ok) return `its ${built.item} item cannot be written: ${key.reason}`;
    return null;
  }

  write(built: BuiltItem): Promise<void> {
    const checked = this.checked?.object === built.attributes;
    const item = checked ? this.checked!.item : toDynamoItem(built.attributes);
    this.checked = null;
    // An item that passed check() was sized before it (item-limits.ts, in write-root-items.ts): not again.
    return this.target(built.target).writer.write(item, { sizeChecked: checked });
  }

  delete(target: string, key: Readonly<Record<string, ItemValue>>): Promise<void> {
    return this.target(target).writer.delete(toAttributeMap(Object.entries(key)));
  }

  async commit(): Promise<void> {
    for (const { writer } of this.writers.values()) await writer.flush();
    if (this.refused.length > 0)
      throw new Error(`DynamoDB refused ${this.refused.length} items, the first: ${this.refused[0]}`);
  }

  /** Items already sent stay written (a rerun merges to the same items); waits for calls in flight. */
  async abort(): Promise<void> {
    for (const { writer } of this.writers.values()) await writer.flush().catch(() => undefined);
  }

  private target(name: string) {
    const found = this.writers.get(name);
    if (!found) throw new Error(`no table is bound to target ${name}`);
    return found;
  }
}
