// The items earlier runs wrote, fetched by key a batch of roots at a time so that new rows can
// be merged into them: from their table, or, for items the mapping's `require` left out, from
// the state store, which keeps them (held back) so that the rows in them are not lost. Only
// roots an earlier run stored (stored-roots.ts) are asked for: a new root has no stored item.
import type { ItemObject } from '../eval/item-value.js';
import type { Plan, PlanItem } from '../plan/types.js';
import { keyOfObject, type BuiltRoot } from '../assemble/root-items.js';
import { itemKeyText, type HeldBackItem, type ItemReader, type StateStore, type StoredKey } from './state-store.js';
import { storedItemReader } from './stored-item.js';

/** What one fetch found, by target and key text. */
export class FetchedItems {
  readonly items = new Map<string, ItemObject>();
  /** Keys whose item was held back, or is in its table. */
  readonly heldBack = new Set<string>();
  readonly fromTable = new Set<string>();

  constructor(private readonly readers: Map<string, (stored: ItemObject) => ItemObject>) {}

  has(item: PlanItem, key: StoredKey): boolean {
    return this.items.has(fetchedKey(item.target, itemKeyText(key)));
  }

  /** The fetched stored item with this key, read into the item model; null: none. */
  storedOf(item: PlanItem, key: StoredKey): ItemObject | null {
    const stored = this.items.get(fetchedKey(item.target, itemKeyText(key)));
    return stored ? this.readers.get(item.name)!(stored) : null;
  }
}

export class StoredItems {
  private readonly keyNames = new Map<string, string[]>();
  private readonly readers = new Map<string, (stored: ItemObject) => ItemObject>();
  /** What settle() decided, for persistHeldBack(), by target. */
  private readonly toHoldBack = new Map<string, Map<string, HeldBackItem>>();
  private readonly toRelease = new Map<string, Map<string, StoredKey>>();

  constructor(
    private readonly plan: Plan,
    private readonly reader: ItemReader,
    private readonly store: StateStore,
    /** How many runs hold back their share of the items at once (the shards of an extract). */
    private readonly writers = 1,
  ) {
    for (const target of plan.targets)
      this.keyNames.set(target.name, [target.partitionKey, ...(target.sortKey ? [target.sortKey] : [])]);
    for (const item of plan.items) this.readers.set(item.name, storedItemReader(item));
  }

  keyOf(item: PlanItem, object: ItemObject): StoredKey {
    return keyOfObject(object, this.keyNames.get(item.target)!);
  }

  /** Fetches the stored items with these keys. */
  async fetch(wanted: Array<{ item: PlanItem; key: StoredKey }>): Promise<FetchedItems> {
    const fetched = new FetchedItems(this.readers);
    const byTarget = new Map<string, Map<string, StoredKey>>();
    for (const { item, key } of wanted) {
      // An item without a usable key is never written (its root row is rejected): nothing to find.
      if (Object.values(key).some((value) => value === null || value === '')) continue;
      const keys = byTarget.get(item.target) ?? new Map<string, StoredKey>();
      keys.set(itemKeyText(key), key);
      byTarget.set(item.target, keys);
    }
    await Promise.all(
      [...byTarget].map(async ([target, byText]) => {
        const keys = [...byText.values()];
        const [inTable, heldBack] = await Promise.all([
          this.reader.getItems(target, keys),
          this.store.heldBackItems(this.plan.mapping, target, keys),
        ]);
        for (const [text, stored] of inTable) {
          fetched.items.set(fetchedKey(target, text), stored);
          fetched.fromTable.add(fetchedKey(target, text));
        }
        // A held-back item is newer than a table item with its key (written before `require` failed).
        for (const [text, stored] of heldBack) {
          fetched.items.set(fetchedKey(target, text), stored);
          fetched.heldBack.add(fetchedKey(target, text));
        }
      }),
    );
    return fetched;
  }

  /**
   * Notes what becomes of a root's items: left out by `require`, held back; written, no
   * longer held back. Returns the items to delete from their table: written once, now left out.
   */
  settle(built: BuiltRoot, fetched: FetchedItems | null): Array<{ item: string; target: string; key: StoredKey }> {
    const toDelete: Array<{ item: string; target: string; key: StoredKey }> = [];
    for (const { item, object } of built.leftOut) {
      const key = this.keyOf(item, object);
      if (Object.values(key).some((value) => value === null)) continue;
      const text = itemKeyText(key);
      this.pending(this.toRelease, item.target).delete(text);
      this.pending(this.toHoldBack, item.target).set(text, { key, item: object });
      if (fetched?.fromTable.has(fetchedKey(item.target, text)))
        toDelete.push({ item: item.name, target: item.target, key });
    }
    for (const { item, object } of built.items) {
      const key = this.keyOf(item, object);
      const text = itemKeyText(key);
      this.pending(this.toHoldBack, item.target).delete(text);
      if (fetched?.heldBack.has(fetchedKey(item.target, text)))
        this.pending(this.toRelease, item.target).set(text, key);
    }
    return toDelete;
  }

  /** Writes what settle() noted to the state store (once the items are written). */
  async persistHeldBack(): Promise<void> {
    for (const [target, items] of this.toHoldBack)
      await this.store.holdBack(this.plan.mapping, target, [...items.values()], this.writers);
    for (const [target, keys] of this.toRelease)
      await this.store.releaseHeldBack(this.plan.mapping, target, [...keys.values()]);
  }

  private pending<T>(lists: Map<string, Map<string, T>>, target: string): Map<string, T> {
    let list = lists.get(target);
    if (!list) lists.set(target, (list = new Map()));
    return list;
  }
}

function fetchedKey(target: string, text: string): string {
  return `${target}\u0000${text}`;
}
