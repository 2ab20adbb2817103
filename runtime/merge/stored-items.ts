// The items earlier runs wrote, fetched by key a batch at a time so that new rows can be
// merged into them. A store that has never seen this mapping holds none of its items, so
// the first extract costs no reads.
import { fieldOf, type ItemObject } from '../eval/item-value.js';
import type { Plan, PlanItem } from '../plan/types.js';
import { toAttributeValue } from '../sinks/dynamodb-json.js';
import type { Value } from '../values/value.js';
import { itemKeyText, type ItemReader, type StoredAttributes } from './state-store.js';
import { storedItemReader } from './stored-item.js';

/** DynamoDB's BatchGetItem takes at most 100 keys. */
export const KEYS_PER_FETCH = 100;

export class StoredItems {
  private readonly keyNames = new Map<string, string[]>();
  private readonly readers = new Map<string, (attributes: StoredAttributes) => ItemObject>();
  private fetched = new Map<string, StoredAttributes>();

  /** `none`: nothing to read (the first extract of this mapping). */
  constructor(plan: Plan, private readonly reader: ItemReader, private readonly none: boolean) {
    for (const target of plan.targets) this.keyNames.set(target.name, [target.partitionKey, ...(target.sortKey ? [target.sortKey] : [])]);
    for (const item of plan.items) this.readers.set(item.name, storedItemReader(item));
  }

  keyOf(item: PlanItem, object: ItemObject): StoredAttributes {
    const key: StoredAttributes = {};
    for (const name of this.keyNames.get(item.target)!) key[name] = toAttributeValue((fieldOf(object, name) ?? null) as Value);
    return key;
  }

  /** Fetches the stored items among these (item, built object) pairs; forgets earlier fetches. */
  async fetch(built: Array<{ item: PlanItem; object: ItemObject }>): Promise<void> {
    this.fetched = new Map();
    if (this.none) return;
    const byTarget = new Map<string, StoredAttributes[]>();
    for (const { item, object } of built) {
      const keys = byTarget.get(item.target) ?? [];
      keys.push(this.keyOf(item, object));
      byTarget.set(item.target, keys);
    }
    for (const [target, keys] of byTarget) {
      for (const [text, attributes] of await this.reader.getItems(target, keys)) this.fetched.set(`${target}\u0000${text}`, attributes);
    }
  }

  /** True when the last fetch found no stored item. */
  get foundNone(): boolean {
    return this.fetched.size === 0;
  }

  /** The fetched stored item with the built item's key, read into the item model; null: none. */
  storedOf(item: PlanItem, object: ItemObject): ItemObject | null {
    const attributes = this.fetched.get(`${item.target}\u0000${itemKeyText(this.keyOf(item, object))}`);
    return attributes ? this.readers.get(item.name)!(attributes) : null;
  }
}
