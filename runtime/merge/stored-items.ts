// The items earlier runs wrote, fetched by key a batch at a time so that new rows can be
// merged into them: from their table, or, for items the mapping's `require` left out, from
// the state store, which keeps them (held back) so that the rows in them are not lost.
import { fieldOf, type ItemObject } from '../eval/item-value.js';
import type { Plan, PlanItem } from '../plan/types.js';
import type { BuiltRoot } from '../assemble/root-items.js';
import { itemKeyText, type HeldBackItem, type ItemReader, type StateStore, type StoredKey } from './state-store.js';
import { storedItemReader } from './stored-item.js';

/** Root rows whose stored items are fetched together (BatchGetItem takes 100 keys a call: batch-get.ts splits). */
export const ROOTS_PER_FETCH = 100;

export class StoredItems {
  private readonly keyNames = new Map<string, string[]>();
  private readonly readers = new Map<string, (stored: ItemObject) => ItemObject>();
  private fetched = new Map<string, ItemObject>();
  /** Fetched keys (target and key text) whose item was held back, or is in its table. */
  private fetchedHeldBack = new Set<string>();
  private fetchedFromTable = new Set<string>();
  /** What settle() decided, for persistHeldBack(), by target. */
  private readonly toHoldBack = new Map<string, Map<string, HeldBackItem>>();
  private readonly toRelease = new Map<string, Map<string, StoredKey>>();

  constructor(
    private readonly plan: Plan,
    private readonly reader: ItemReader,
    private readonly store: StateStore,
  ) {
    for (const target of plan.targets)
      this.keyNames.set(target.name, [target.partitionKey, ...(target.sortKey ? [target.sortKey] : [])]);
    for (const item of plan.items) this.readers.set(item.name, storedItemReader(item));
  }

  keyOf(item: PlanItem, object: ItemObject): StoredKey {
    const key: StoredKey = {};
    for (const name of this.keyNames.get(item.target)!) key[name] = fieldOf(object, name) ?? null;
    return key;
  }

  /** Fetches the stored items among these (item, built object) pairs; forgets earlier fetches. */
  async fetch(built: Array<{ item: PlanItem; object: ItemObject }>): Promise<void> {
    this.fetched = new Map();
    this.fetchedHeldBack = new Set();
    this.fetchedFromTable = new Set();
    const byTarget = new Map<string, StoredKey[]>();
    for (const { item, object } of built) {
      const key = this.keyOf(item, object);
      // An item without a usable key is never written (its root row is rejected): nothing to find.
      if (Object.values(key).some((value) => value === null || value === '')) continue;
      const keys = byTarget.get(item.target) ?? [];
      keys.push(key);
      byTarget.set(item.target, keys);
    }
    for (const [target, keys] of byTarget) {
      for (const [text, stored] of await this.reader.getItems(target, keys)) {
        this.fetched.set(`${target}\u0000${text}`, stored);
        this.fetchedFromTable.add(`${target}\u0000${text}`);
      }
      // A held-back item is newer than a table item with its key (written before `require` failed).
      for (const [text, stored] of await this.store.heldBackItems(this.plan.mapping, target, keys)) {
        this.fetched.set(`${target}\u0000${text}`, stored);
        this.fetchedHeldBack.add(`${target}\u0000${text}`);
      }
    }
  }

  /**
   * Notes what becomes of a root's items: left out by `require`, held back; written, no
   * longer held back. Returns the items to delete from their table: written once, now left out.
   */
  settle(built: BuiltRoot): Array<{ item: string; target: string; key: StoredKey }> {
    const toDelete: Array<{ item: string; target: string; key: StoredKey }> = [];
    for (const { item, object } of built.leftOut) {
      const key = this.keyOf(item, object);
      if (Object.values(key).some((value) => value === null)) continue;
      const text = itemKeyText(key);
      this.pending(this.toRelease, item.target).delete(text);
      this.pending(this.toHoldBack, item.target).set(text, { key, item: object });
      if (this.fetchedFromTable.has(`${item.target}\u0000${text}`))
        toDelete.push({ item: item.name, target: item.target, key });
    }
    for (const { item, object } of built.items) {
      const key = this.keyOf(item, object);
      const text = itemKeyText(key);
      this.pending(this.toHoldBack, item.target).delete(text);
      if (this.fetchedHeldBack.has(`${item.target}\u0000${text}`))
        this.pending(this.toRelease, item.target).set(text, key);
    }
    return toDelete;
  }

  /** Writes what settle() noted to the state store (once the items are written). */
  async persistHeldBack(): Promise<void> {
    for (const [target, items] of this.toHoldBack)
      await this.store.holdBack(this.plan.mapping, target, [...items.values()]);
    for (const [target, keys] of this.toRelease)
      await this.store.releaseHeldBack(this.plan.mapping, target, [...keys.values()]);
  }

  private pending<T>(lists: Map<string, Map<string, T>>, target: string): Map<string, T> {
    let list = lists.get(target);
    if (!list) lists.set(target, (list = new Map()));
    return list;
  }

  /** True when the last fetch found no stored item. */
  get foundNone(): boolean {
    return this.fetched.size === 0;
  }

  /** The fetched stored item with the built item's key, read into the item model; null: none. */
  storedOf(item: PlanItem, object: ItemObject): ItemObject | null {
    const stored = this.fetched.get(`${item.target}\u0000${itemKeyText(this.keyOf(item, object))}`);
    return stored ? this.readers.get(item.name)!(stored) : null;
  }
}
