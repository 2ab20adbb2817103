// The state store and item reader in memory: for tests of the merge logic. It keeps values as
// the control table does, as DynamoDB AttributeValues (dynamodb/attribute-values.ts), so
// values go in and come back in their stored form, copied, as a real store gives them.
import type { ItemObject } from '../../runtime/eval/item-value.js';
import {
  fromAttributeMap,
  fromDynamoItem,
  toAttributeMap,
  toDynamoItem,
  type AttributeMap,
} from '../../runtime/dynamodb/attribute-values.js';
import {
  itemKeyText,
  type HeldBackItem,
  type ItemReader,
  type LeaseResult,
  type LedgerEntry,
  type ParkedRow,
  type StateStore,
  type StoredKey,
  type StoredRow,
  type StoredValues,
  WHOLE_RUN_LEASE,
} from '../../runtime/merge/state-store.js';

/** Milliseconds since the epoch; the lease's clock (tests move it). */
export type Clock = () => number;

const copy = <T>(value: T): T => structuredClone(value);
const attributesOf = (values: StoredValues): AttributeMap => toAttributeMap(Object.entries(values));

export class MemoryStateStore implements StateStore, ItemReader {
  private readonly leases = new Map<string, { owner: string; until: number }>();
  private readonly ledgers = new Map<string, LedgerEntry>();
  private readonly rows = new Map<string, AttributeMap | null>();
  private readonly parked = new Map<string, { row: Omit<ParkedRow, 'values'>; values: AttributeMap }>();
  private readonly heldBack = new Map<string, AttributeMap>();
  /** Items by target, then key text (itemKeyText), as DynamoDB keeps them: tests put what the sink wrote here. */
  readonly items = new Map<string, Map<string, AttributeMap>>();

  constructor(private readonly now: Clock = () => Date.now()) {}

  async acquireLease(owner: string, durationMs: number, scope = WHOLE_RUN_LEASE): Promise<LeaseResult> {
    const now = this.now();
    const lease = this.leases.get(scope);
    if (lease && lease.owner !== owner && lease.until > now) {
      return { ok: false, holder: lease.owner, until: new Date(lease.until).toISOString() };
    }
    this.leases.set(scope, { owner, until: now + durationMs });
    return { ok: true };
  }

  async renewLease(owner: string, durationMs: number, scope = WHOLE_RUN_LEASE): Promise<boolean> {
    const lease = this.leases.get(scope);
    if (lease?.owner !== owner) return false;
    lease.until = this.now() + durationMs;
    return true;
  }

  async releaseLease(owner: string, scope = WHOLE_RUN_LEASE): Promise<void> {
    if (this.leases.get(scope)?.owner === owner) this.leases.delete(scope);
  }

  async ledger(mapping: string): Promise<LedgerEntry[]> {
    return [...this.ledgers.values()].filter((e) => e.mapping === mapping).map(copy);
  }

  async recordLedger(entry: LedgerEntry): Promise<void> {
    this.ledgers.set(`${entry.mapping}\u0000${entry.extract}\u0000${entry.shard ?? ''}`, copy(entry));
  }

  async getRows(mapping: string, table: string, keys: string[]): Promise<Map<string, StoredValues | null>> {
    const found = new Map<string, StoredValues | null>();
    for (const key of keys) {
      const id = `${mapping}\u0000${table}\u0000${key}`;
      if (this.rows.has(id)) {
        const stored = this.rows.get(id)!;
        found.set(key, stored === null ? null : fromAttributeMap(stored));
      }
    }
    return found;
  }

  async putRows(mapping: string, table: string, rows: StoredRow[], _writers?: number): Promise<void> {
    for (const row of rows)
      this.rows.set(`${mapping}\u0000${table}\u0000${row.key}`, row.values === null ? null : attributesOf(row.values));
  }

  async parkedRows(mapping: string, table: string): Promise<ParkedRow[]> {
    return [...this.parked.entries()]
      .filter(([id]) => id.startsWith(`${mapping}\u0000${table}\u0000`))
      .map(([, { row, values }]) => ({ ...copy(row), values: fromAttributeMap(values) }));
  }

  async park(mapping: string, rows: ParkedRow[]): Promise<void> {
    for (const { values, ...row } of rows)
      this.parked.set(`${mapping}\u0000${row.table}\u0000${row.id}`, { row: copy(row), values: attributesOf(values) });
  }

  async unpark(mapping: string, rows: Array<{ table: string; id: string }>): Promise<void> {
    for (const row of rows) this.parked.delete(`${mapping}\u0000${row.table}\u0000${row.id}`);
  }

  async heldBackItems(mapping: string, target: string, keys: StoredKey[]): Promise<Map<string, ItemObject>> {
    const found = new Map<string, ItemObject>();
    for (const key of keys) {
      const item = this.heldBack.get(`${mapping}\u0000${target}\u0000${itemKeyText(key)}`);
      if (item) found.set(itemKeyText(key), fromDynamoItem(item));
    }
    return found;
  }

  async holdBack(mapping: string, target: string, items: HeldBackItem[], _writers?: number): Promise<void> {
    for (const { key, item } of items)
      this.heldBack.set(`${mapping}\u0000${target}\u0000${itemKeyText(key)}`, toDynamoItem(item));
  }

  async releaseHeldBack(mapping: string, target: string, keys: StoredKey[]): Promise<void> {
    for (const key of keys) this.heldBack.delete(`${mapping}\u0000${target}\u0000${itemKeyText(key)}`);
  }

  async getItems(target: string, keys: StoredKey[]): Promise<Map<string, ItemObject>> {
    const stored = this.items.get(target);
    const found = new Map<string, ItemObject>();
    for (const key of keys) {
      const item = stored?.get(itemKeyText(key));
      if (item) found.set(itemKeyText(key), fromDynamoItem(item));
    }
    return found;
  }

  /** What a sink writing to this store does with one item. */
  putItem(target: string, key: StoredKey, item: ItemObject): void {
    let stored = this.items.get(target);
    if (!stored) this.items.set(target, (stored = new Map()));
    stored.set(itemKeyText(key), toDynamoItem(item));
  }
}
