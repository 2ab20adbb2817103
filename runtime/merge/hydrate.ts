// Before an incremental run builds anything, the rows earlier extracts brought that this
// one's rows hang under or look up are loaded from the store into the held tables, marked
// as rows of an earlier run (RowOrigin.Earlier): a new line of an old order then finds its order, and through it the customer
// whose item it belongs to; a line naming an old product finds the product. A stored marker
// (a row the scan filters dropped) makes the children filtered, as in one extract.
import type { Plan } from '../plan/types.js';
import { tableDepth } from '../plan/table-depth.js';
import { RowOrigin, type HeldTable } from '../hold/held-table.js';
import type { Row } from '../eval/compile-expr.js';
import type { RowKey } from '../eval/row-key.js';
import type { RunState } from '../report/run-state.js';
import { lookupRefs } from './lookup-refs.js';
import type { StateStore } from './state-store.js';
import { decodeRow } from './stored-values.js';

export const HYDRATED_FILE = '(kept by an earlier run)';

/** True for a held row kept by an earlier run and loaded back here (not read from the extract). */
export function isHydrated(table: HeldTable, index: number): boolean {
  return table.originOf(index) === RowOrigin.Earlier;
}

/** Adds stored rows to a sealed held table; the caller adds only keys the table does not hold. */
function addHydrated(table: HeldTable, rows: readonly Row[], state: RunState): void {
  if (rows.length === 0) return;
  const twins = table.addAfterSeal(rows, state.fileIndex(HYDRATED_FILE), RowOrigin.Earlier);
  if (twins > 0) throw new Error(`a stored row of ${table.plan.name} repeats a key the extract holds`);
}

export async function hydrateFromStore(
  plan: Plan,
  held: Map<string, HeldTable>,
  store: StateStore,
  state: RunState,
): Promise<void> {
  const load = async (table: HeldTable, needed: Map<string, RowKey>) => {
    if (needed.size === 0) return 0;
    const stored = await store.getRows(plan.mapping, table.plan.name, [...needed.keys()]);
    const rows = [];
    for (const [text, values] of stored) {
      if (values === null) table.filteredKeys.add(needed.get(text)!);
      else rows.push(decodeRow(table.plan, values, `the stored ${table.plan.name} row ${text}`));
    }
    addHydrated(table, rows, state);
    return stored.size;
  };
  const missing = (table: HeldTable, key: RowKey | null) =>
    key !== null && !table.hasKey(key) && !table.filteredKeys.has(key);

  // Deepest tables first: once a table's children have asked for its rows, its own rows
  // (hydrated ones included) ask for their parents.
  for (const table of [...plan.tables].sort((a, b) => tableDepth(plan, b.name) - tableDepth(plan, a.name))) {
    const child = held.get(table.name);
    for (const role of table.roles) {
      if (role.kind !== 'grouped' || !child) continue;
      const parent = held.get(role.parentTable);
      if (!parent) throw new Error(`an incremental run holds every parent table, but not ${role.parentTable}`);
      const needed = new Map<string, RowKey>();
      for (let index = 0; index < child.count; index++) {
        if (child.isFailed(index)) continue;
        const key = child.groupKeyOf(index, role.byColumns);
        if (missing(parent, key)) needed.set(String(key), key!);
      }
      await load(parent, needed);
    }
  }

  // Lookups, until no new key turns up (a looked-up row may itself look up another table).
  const refs = lookupRefs(plan);
  const asked = new Map<string, Set<string>>();
  for (let round = 0; round < plan.tables.length + 1; round++) {
    let loaded = 0;
    for (const ref of refs) {
      const table = held.get(ref.table);
      const from = held.get(ref.fromTable);
      if (!table || !from) continue;
      const seen = asked.get(ref.table) ?? new Set<string>();
      asked.set(ref.table, seen);
      const needed = new Map<string, RowKey>();
      for (let index = 0; index < from.count; index++) {
        if (from.isFailed(index)) continue;
        const key = from.keyOfNamedColumns(index, ref.fromColumns);
        if (missing(table, key) && !seen.has(String(key))) {
          needed.set(String(key), key!);
          seen.add(String(key));
        }
      }
      loaded += await load(table, needed);
    }
    if (loaded === 0) break;
  }
}
