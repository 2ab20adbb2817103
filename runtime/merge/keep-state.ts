// The end of an incremental run, once its items are written: keep the rows later extracts
// will hang under or look up (parent and lookup tables; markers for rows the scan
// filters dropped), park the rows whose parent has still not arrived, and take out of the
// parking lot the parked rows this run settled (attached, filtered or rejected).
import { createHash } from 'node:crypto';
import type { Plan } from '../plan/types.js';
import { parentTables } from '../plan/plan-shape.js';
import type { HeldTable } from '../hold/held-table.js';
import { RETRIED_ELSEWHERE, type RetriedRow } from '../hold/hold-tables.js';
import type { RunState } from '../report/run-state.js';
import type { ExtractIdentity, ParkedRow, StateStore, StoredRow } from './state-store.js';
import { isHydrated } from './hydrate.js';
import { storedColumns } from './stored-values.js';
import { ROOTS_KEPT_FROM_THE_START } from './stored-roots.js';

export interface KeepStateInput {
  plan: Plan;
  held: Map<string, HeldTable>;
  store: StateStore;
  /** identityKey of the extract. */
  extract: string;
  identity: ExtractIdentity;
  /** Parked rows read back at the start, and where each landed in its held table. */
  parked: Map<string, ParkedRow[]>;
  /** Rows this extract parked in an earlier attempt (read again from the extract, not retried). */
  parkedHere: Map<string, ParkedRow[]>;
  retried: Map<string, RetriedRow[]>;
  /** Held rows (by table) still without a parent. */
  toPark: Map<string, number[]>;
  state: RunState;
  /** The mapping's first extract: its root tables keep the mark that every root is kept (stored-roots.ts). */
  firstRun: boolean;
  /** A shard's run: whether it keeps a table's rows (every shard holds a lookup-only table, shard 0 keeps it). */
  keeps?: (table: string) => boolean;
  /** Tombstones an earlier extract's shards left in the parking lot (ParkedRow.settledBy), by table: taken out now. */
  staleTombstones?: Map<string, ParkedRow[]>;
  /** A shard's run: how many shards keep their share of a table's rows (ShardRouter.shareOf; 1: this one keeps them all). */
  shareOf?: (table: string) => number;
}

/**
 * Tables whose rows later extracts need: parents (new children merge under them) and lookups,
 * and roots (a root the store keeps may have a stored item: stored-roots.ts).
 */
export function keptTables(plan: Plan): Set<string> {
  const kept = new Set<string>(plan.items.map((item) => item.rootTable));
  for (const table of plan.tables) {
    for (const role of table.roles) {
      if (role.kind === 'grouped') kept.add(role.parentTable);
      if (role.kind === 'lookup') kept.add(table.name);
    }
  }
  return kept;
}

/** A parked row's id: the extract (as a short hash: sort keys are at most 1,024 bytes), file and line. */
function parkedRowId(extract: string, file: string, line: number): string {
  return `${extractTag(extract)}#${file}#${line}`;
}

function extractTag(extract: string): string {
  return createHash('sha256').update(extract).digest('hex').slice(0, 16);
}

export function isParkedBy(row: ParkedRow, extract: string): boolean {
  return row.id.startsWith(`${extractTag(extract)}#`);
}

export async function keepRowsAndParked(input: KeepStateInput): Promise<void> {
  const { plan, held, store } = input;
  // Each table's rows go to buckets of their own: the tables are written at once.
  const roots = new Set(plan.items.map((item) => item.rootTable));
  const kept = [...keptTables(plan)].map((name) => {
    const table = held.get(name);
    if (!table || input.keeps?.(name) === false) return undefined;
    const parked = new Set(input.toPark.get(name) ?? []);
    const rows: StoredRow[] = [];
    for (let index = 0; index < table.count; index++) {
      if (isHydrated(table, index) || table.isFailed(index) || parked.has(index)) continue;
      const key = table.keyOf(index);
      if (key !== null)
        rows.push({
          key: String(key),
          values: table.isScanFiltered(index) ? null : storedColumns(table.plan, table.row(index)),
        });
    }
    for (const key of table.filteredKeys) rows.push({ key: String(key), values: null });
    if (input.firstRun && roots.has(name)) rows.push({ key: ROOTS_KEPT_FROM_THE_START, values: null });
    return store.putRows(plan.mapping, name, rows, input.shareOf?.(name));
  });
  await allDone(kept);

  const now = new Date().toISOString();
  const parkedNow = new Set<string>();
  for (const [name, indexes] of input.toPark) {
    const table = held.get(name)!;
    const retriedAt = new Set((input.retried.get(name) ?? []).map((r) => r.heldIndex));
    const parent = table.plan.roles.find((r) => r.kind === 'grouped');
    const rows: ParkedRow[] = indexes
      .filter((index) => !retriedAt.has(index))
      .map((index) => {
        const file = input.state.files[table.fileOf(index)];
        const line = table.lineOf(index);
        const parentKey = parent?.kind === 'grouped' ? String(table.groupKeyOf(index, parent.byColumns)) : '?';
        return {
          table: name,
          id: parkedRowId(input.extract, file, line),
          extract: input.identity.uri,
          file,
          line,
          parkedAt: now,
          reason:
            parent?.kind === 'grouped'
              ? `its parent ${parent.parentTable} ${parentKey} has not arrived (or is parked itself)`
              : 'its parent has not arrived',
          values: storedColumns(table.plan, table.row(index)),
        };
      });
    for (const row of rows) parkedNow.add(`${name}#${row.id}`);
    await store.park(plan.mapping, rows);
  }

  // Out of the parking lot: retried rows this run settled, and rows this extract parked
  // before that it has not parked again (never a row it has just parked).
  const parents = parentTables(plan);
  for (const [name, rows] of input.parked) {
    const stillParked = new Set(input.toPark.get(name) ?? []);
    const retried = input.retried.get(name) ?? [];
    // Settled: rejected (replaced by a row of this extract), or held and not parked again; a row another shard holds is its.
    const settled = rows.filter((_, i) => {
      const at = retried[i].heldIndex;
      return at !== RETRIED_ELSEWHERE && (at < 0 || !stillParked.has(at));
    });
    const settledHere = (input.parkedHere.get(name) ?? []).filter((row) => !parkedNow.has(`${name}#${row.id}`));
    // A shard leaves the rows it settled of a table others hang under as tombstones, for the
    // extract's other shards to route those rows' children by (a rejected row is stored nowhere).
    const tombstones = input.keeps !== undefined && parents.has(name) ? settled : [];
    if (tombstones.length > 0)
      await store.park(
        plan.mapping,
        tombstones.map((row) => ({ ...row, settledBy: input.extract })),
      );
    const gone = [
      ...settled.filter((row) => !tombstones.includes(row)),
      ...settledHere,
      ...(input.staleTombstones?.get(name) ?? []),
    ];
    await store.unpark(
      plan.mapping,
      gone.map((row) => ({ table: name, id: row.id })),
    );
  }
}

/** Waits for every one of the writes, then fails with the first failure: no write of a failed run goes on after it. */
export async function allDone(writes: Array<Promise<void> | undefined>): Promise<void> {
  const settled = await Promise.allSettled(writes);
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
