// Reads the items earlier runs wrote, from the physical tables the logical targets are bound
// to, so new rows can be merged into them.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ItemObject } from '../eval/item-value.js';
import { itemKeyText, type ItemReader, type StoredKey } from '../merge/state-store.js';
import { fromAttributeValue, fromDynamoItem } from '../dynamodb/attribute-values.js';
import { batchGetAll } from '../dynamodb/batch-get.js';
import { attributesOf } from './control-table.js';
import type { ExpectedTable } from '../dynamodb/expected-table.js';

export class DynamoDbItemReader implements ItemReader {
  /** `tables`: the physical table of each logical target. */
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: Map<string, ExpectedTable>,
  ) {}

  async getItems(target: string, keys: StoredKey[]): Promise<Map<string, ItemObject>> {
    const table = this.tables.get(target);
    if (!table) throw new Error(`no physical table is bound to target ${target}`);
    const unique = new Map(keys.map((key) => [itemKeyText(key), key]));
    const found = new Map<string, ItemObject>();
    const keyNames = [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
    for (const item of await batchGetAll(this.client, table.tableName, [...unique.values()].map(attributesOf))) {
      const key: StoredKey = {};
      for (const name of keyNames) key[name] = fromAttributeValue(item[name]);
      found.set(itemKeyText(key), fromDynamoItem(item));
    }
    return found;
  }
}
