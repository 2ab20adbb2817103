/*
 * Which rows of an extract one shard holds and counts (eval/shard.ts: whose item is whose).
 * Every shard reads the whole extract; it holds only the rows under its own roots, and each
 * row read is counted by exactly one shard, so that the shards' items, counts and rejects add
 * up to those of one run:
 *   - a root row: the shard of its key;
 *   - a row under a parent: the shard of its parent's row (when the parent is a root, of the
 *     parent key); a row whose parent is not in the extract (an orphan), or has no parent
 *     key, the shard of that key (shard 0 for none);
 *   - a row the reader rejects (its key unknown): shard 0;
 *   - rows of tables only looked up: held by every shard (any item may look them up),
 *     counted by shard 0.
 * To follow rows down more than one level, and to find a row's twin (a row read earlier with
 * its key) in whichever shard holds it, every shard keeps the keys of some tables with the
 * shard that owns each and where it was first read (ShardKeys: keys, not rows): tables other
 * tables hang under, and tables whose key does not include their parent key (twins may have
 * different parents). The rows of a table whose key includes its parent key, the largest
 * ones usually (an order's lines), cost a shard nothing when they are another shard's.
 */
import type { Row } from '../eval/compile-expr.js';
import type { RowKey } from '../eval/row-key.js';
import { readRowKey } from './held-table.js';
import { shardError, shardOfKey, type Shard } from '../eval/shard.js';
import { columnPosition } from '../plan/column-position.js';
import { tableDepth } from '../plan/table-depth.js';
import type { Plan, PlanTable } from '../plan/types.js';
import { hasCollectionUnderLookup, parentTables } from '../plan/plan-shape.js';
import { KeyIndex } from './key-index.js';
import { grown, sharedArray } from './shared-arrays.js';

/** What a shard does with a row it read: hold it, leave it to another shard, or reject it as a twin of an earlier row. */
export type ShardRoute =
  { kind: 'here' } | { kind: 'elsewhere' } | { kind: 'twin'; first: { fileNumber: number; line: number } };

const HERE: ShardRoute = { kind: 'here' };
const ELSEWHERE: ShardRoute = { kind: 'elsewhere' };

/** Why a plan cannot run as shards (empty: it can). Shards split the items of one root table. */
export function whyNotShardable(plan: Plan): string[] {
  const reasons: string[] = [];
  const roots = [...new Set(plan.items.map((i) => i.rootTable))];
  if (roots.length > 1)
    reasons.push(
      `its items come from ${roots.length} root tables (${roots.join(', ')}); shards split one root table's`,
    );
  for (const table of plan.tables) {
    const kinds = table.roles.map((r) => r.kind);
    if (kinds.filter((k) => k === 'grouped').length > 1)
      reasons.push(`rows of ${table.name} hang under more than one parent, so under roots of more than one shard`);
    if (kinds.includes('lookup') && kinds.some((k) => k !== 'lookup'))
      reasons.push(
        `${table.name} is looked up and is also ${kinds.includes('root') ? 'a root table' : 'collected under a parent'}: a shard holds only its own share of it`,
      );
  }
  if (plan.items.some((item) => hasCollectionUnderLookup(item.shape)))
    reasons.push('a collection is reached through a lookup, so its rows may sit under roots of other shards');
  return reasons;
}

/**
 * The tables whose keys every shard keeps (ShardKeys): those other tables hang under (except
 * roots, whose rows' shard is their key's), and those whose key does not include their parent key.
 */
export function tablesWithSharedKeys(plan: Plan): Set<string> {
  const parents = parentTables(plan);
  const names = new Set<string>();
  for (const table of plan.tables) {
    const grouped = table.roles.find((r) => r.kind === 'grouped');
    if (grouped?.kind !== 'grouped') continue;
    if (parents.has(table.name) || !grouped.byColumns.every((c) => table.key.includes(c))) names.add(table.name);
  }
  return names;
}

/** Keys read of one table: the shard that owns each and where it was first read. */
class ShardKeys {
  private readonly slots = new KeyIndex();
  private owners = sharedArray(Int32Array, 1024);
  private files = sharedArray(Int32Array, 1024);
  private lines = sharedArray(Int32Array, 1024);

  slotOf(key: RowKey): number | undefined {
    return this.slots.get(key);
  }

  ownerAt(slot: number): number {
    return this.owners[slot];
  }

  firstAt(slot: number): { fileNumber: number; line: number } {
    return { fileNumber: this.files[slot], line: this.lines[slot] };
  }

  add(key: RowKey, owner: number, fileNumber: number, line: number): void {
    const slot = this.slots.size;
    this.owners = grown(this.owners, slot + 1);
    this.files = grown(this.files, slot + 1);
    this.lines = grown(this.lines, slot + 1);
    this.owners[slot] = owner;
    this.files[slot] = fileNumber;
    this.lines[slot] = line;
    this.slots.set(key, slot);
  }
}

/** How a table's rows are routed. */
interface TableRoute {
  kind: 'root' | 'lookup' | 'grouped';
  /** The table's int columns: rows read for holding carry their ints as JS numbers (readTable). */
  ints: boolean[];
  keyPositions: number[];
  /** Grouped: the columns that name the parent, the parent table, and whether it is a root. */
  parentPositions: number[];
  parent: string;
  parentIsRoot: boolean;
  /** The table's keys, when it keeps them (see above). */
  keys: ShardKeys | null;
}

/**
 * Stored rows of a table by key text (null: a marker, the scan filters dropped the row; absent:
 * none stored). An incremental run's shard finds through them the root of a row whose parent
 * an earlier extract brought: a new line of an old order goes where the order's customer went.
 */
export type StoredParents = (table: string, keys: RowKey[]) => Promise<Map<string, Row | null>>;

/** A key no shard's row was stored under: its children go to the key's own shard. */
const NO_STORED_ROW = -1;

export class ShardRouter {
  private readonly routes = new Map<string, TableRoute>();
  /** Owners of stored parent rows found so far, by table and key text (NO_STORED_ROW: none). */
  private readonly storedOwners = new Map<string, Map<string, number>>();

  constructor(
    plan: Plan,
    readonly shard: Shard,
    /** Given in incremental runs: where rows earlier extracts brought are found. */
    private readonly storedParents?: StoredParents,
  ) {
    const wrong = shardError(shard);
    if (wrong !== null) throw new Error(`shard ${shard.index}/${shard.count}: ${wrong}`);
    const reasons = whyNotShardable(plan);
    if (reasons.length > 0) throw new Error(`mapping ${plan.mapping} cannot run as shards: ${reasons.join('; ')}`);
    const withKeys = tablesWithSharedKeys(plan);
    const isRoot = (name: string) =>
      plan.tables.find((t) => t.name === name)?.roles.some((r) => r.kind === 'root') ?? false;
    for (const table of plan.tables) {
      const ints = table.columns.map((c) => c.type === 'int');
      const keyPositions = table.key.map((k) => columnPosition(table, k));
      const grouped = table.roles.find((r) => r.kind === 'grouped');
      if (grouped?.kind === 'grouped') {
        this.routes.set(table.name, {
          kind: 'grouped',
          ints,
          keyPositions,
          parentPositions: grouped.byColumns.map((c) => columnPosition(table, c)),
          parent: grouped.parentTable,
          parentIsRoot: isRoot(grouped.parentTable),
          // One shard holds every row: its held tables find twins, and no row has another owner.
          keys: shard.count > 1 && withKeys.has(table.name) ? new ShardKeys() : null,
        });
      } else {
        const kind = table.roles.some((r) => r.kind === 'root') ? 'root' : 'lookup';
        this.routes.set(table.name, {
          kind,
          ints,
          keyPositions,
          parentPositions: [],
          parent: '',
          parentIsRoot: false,
          keys: null,
        });
      }
    }
  }

  /** The order to hold tables in: parents before the rows under them. */
  holdingOrder(plan: Plan, tables: PlanTable[]): PlanTable[] {
    if (this.shard.count === 1) return tables;
    return [...tables].sort((a, b) => tableDepth(plan, a.name) - tableDepth(plan, b.name));
  }

  /** Whether this shard counts (and rejects) the rows of a table: every shard holds a lookup-only table, shard 0 counts it. */
  counts(table: string): boolean {
    return this.routes.get(table)!.kind !== 'lookup' || this.shard.index === 0;
  }

  /** How many shards split a table's rows between them (1: every shard holds it whole). */
  shareOf(table: string): number {
    return this.routes.get(table)!.kind === 'lookup' ? 1 : this.shard.count;
  }

  /** Whether a root key is this shard's (null: a row without a key, or rejected before its key was known: shard 0's). */
  ownsRoot(key: RowKey | null): boolean {
    return (key === null ? 0 : shardOfKey(key, this.shard.count)) === this.shard.index;
  }

  /** What this shard does with a row read, in the order of the extract (its keys are noted as it goes). */
  route(table: string, values: Row, fileNumber: number, line: number): ShardRoute {
    if (this.shard.count === 1) return HERE;
    const route = this.routes.get(table)!;
    if (route.kind === 'lookup') return HERE;
    if (route.kind === 'root') return this.ownsRoot(keyOf(route, values, route.keyPositions)) ? HERE : ELSEWHERE;
    const owner = this.ownerUnder(route, keyOf(route, values, route.parentPositions));
    if (route.keys) {
      const key = keyOf(route, values, route.keyPositions);
      const slot = key === null ? undefined : route.keys.slotOf(key);
      if (slot !== undefined)
        return owner === this.shard.index ? { kind: 'twin', first: route.keys.firstAt(slot) } : ELSEWHERE;
      if (key !== null) route.keys.add(key, owner, fileNumber, line);
    }
    return owner === this.shard.index ? HERE : ELSEWHERE;
  }

  /** Notes a row's key with its shard, unless its key was read already (a row another shard settled: never held here). */
  note(table: string, values: Row): void {
    if (this.shard.count === 1) return;
    const route = this.routes.get(table)!;
    if (route.kind !== 'grouped' || !route.keys) return;
    const key = keyOf(route, values, route.keyPositions);
    if (key === null || route.keys.slotOf(key) !== undefined) return;
    route.keys.add(key, this.ownerUnder(route, keyOf(route, values, route.parentPositions)), 0, 0);
  }

  /** Whether a row read earlier (a parked row of this extract, say) is this shard's, its parents routed already. */
  owns(table: string, values: Row): boolean {
    const route = this.routes.get(table)!;
    if (route.kind === 'lookup') return this.shard.index === 0;
    if (route.kind === 'root') return this.ownsRoot(keyOf(route, values, route.keyPositions));
    return this.ownerUnder(route, keyOf(route, values, route.parentPositions)) === this.shard.index;
  }

  /**
   * Before a batch of a table's rows is routed (incremental runs): the parents they name that
   * the extract has not brought are looked for in the store, and followed up to their roots.
   */
  async findStoredParents(table: string, rows: Iterable<Row>): Promise<void> {
    const route = this.routes.get(table)!;
    if (!this.storedParents || this.shard.count === 1 || route.kind !== 'grouped' || route.parentIsRoot) return;
    const unknown = new Map<string, RowKey>();
    for (const values of rows) {
      const key = keyOf(route, values, route.parentPositions);
      if (key !== null && this.knownOwner(route.parent, key) === undefined) unknown.set(String(key), key);
    }
    await this.findStored(route.parent, unknown);
  }

  /** The owners of a table's stored rows by key, their own parents found first where needed. */
  private async findStored(table: string, keys: Map<string, RowKey>): Promise<void> {
    if (keys.size === 0) return;
    const route = this.routes.get(table)!;
    const stored = await this.storedParents!(table, [...keys.values()]);
    const parentKeys = new Map<string, RowKey | null>();
    const unknownAbove = new Map<string, RowKey>();
    for (const [text, row] of stored) {
      if (row === null) continue;
      const parentKey = keyOf(route, row, route.parentPositions);
      parentKeys.set(text, parentKey);
      if (parentKey !== null && !route.parentIsRoot && this.knownOwner(route.parent, parentKey) === undefined)
        unknownAbove.set(String(parentKey), parentKey);
    }
    await this.findStored(route.parent, unknownAbove);
    const owners = this.storedOwners.get(table) ?? new Map<string, number>();
    this.storedOwners.set(table, owners);
    for (const text of keys.keys()) {
      const found = parentKeys.has(text);
      owners.set(text, found ? this.ownerUnder(route, parentKeys.get(text)!) : NO_STORED_ROW);
    }
  }

  /** The shard of a parent table's row with this key, if the extract or the store showed it (NO_STORED_ROW: neither has it). */
  private knownOwner(table: string, key: RowKey): number | undefined {
    const keys = this.routes.get(table)!.keys!;
    const slot = keys.slotOf(key);
    if (slot !== undefined) return keys.ownerAt(slot);
    return this.storedOwners.get(table)?.get(String(key));
  }

  /**
   * The shard of a row under the parent with this key: the parent's (read in this extract, or
   * stored by an earlier one), or the key's own when there is no such parent row (an orphan).
   */
  private ownerUnder(route: TableRoute, parentKey: RowKey | null): number {
    if (parentKey === null || this.shard.count === 1) return 0;
    if (!route.parentIsRoot) {
      const owner = this.knownOwner(route.parent, parentKey);
      if (owner !== undefined && owner !== NO_STORED_ROW) return owner;
    }
    return shardOfKey(parentKey, this.shard.count);
  }
}

/** A row's key at `positions`, as a held table keys it (HeldTable.keyOfRow): an int read as a JS number is its own key. */
function keyOf(route: TableRoute, values: Row, positions: readonly number[]): RowKey | null {
  return readRowKey(values, positions, route.ints);
}
