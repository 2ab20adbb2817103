// Which root rows of this run have items an earlier run may have written (or held back): those
// loaded from the store as parents of new rows, and those of the extract whose key the store
// keeps (root tables are always kept: keep-state.ts). Only their stored items are fetched; a
// root the store never saw has none, so a base load reads no item at all. Stored rows are
// kept after the items are written, so a run again after a crash finds the roots it wrote
// unknown, and builds them again from the same rows: the same items.
//
// The store's root keys are trusted only when it has kept them since the mapping's first
// extract: that run keeps a mark among its root rows (ROOTS_KEPT_FROM_THE_START). A mapping
// whose first extracts ran before roots were always kept has no mark, and every root's stored
// item is read, as then.
import type { Plan } from '../plan/types.js';
import type { Row } from '../eval/compile-expr.js';
import type { HeldTable } from '../hold/held-table.js';
import { isHydrated } from './hydrate.js';
import type { StateStore } from './state-store.js';

/** The key of the mark a mapping's first run keeps among its root rows (no row key has a NUL). */
export const ROOTS_KEPT_FROM_THE_START = '\u0000roots kept from the first extract';

export class StoredRoots {
  /** `keys`: by root table, the keys the store keeps; null when it may not keep them all. */
  constructor(
    private readonly keys: Map<string, Set<string> | null>,
    private readonly held: Map<string, HeldTable>,
  ) {}

  has(table: string, values: Row): boolean {
    const keys = this.keys.get(table);
    if (keys === null) return true;
    const key = this.held.get(table)?.keyOfRow(values) ?? null;
    return key !== null && (keys?.has(String(key)) ?? false);
  }
}

/** `firstRun`: the mapping has no extract in its ledger but this one (it keeps the mark). */
export async function findStoredRoots(
  plan: Plan,
  held: Map<string, HeldTable>,
  store: StateStore,
  firstRun: boolean,
): Promise<StoredRoots> {
  const keys = new Map<string, Set<string> | null>();
  for (const name of new Set(plan.items.map((item) => item.rootTable))) {
    const table = held.get(name);
    if (!table) throw new Error(`an incremental run holds every root table, but not ${name}`);
    const stored = new Set<string>();
    const asked: string[] = [];
    for (let index = 0; index < table.count; index++) {
      if (table.isFailed(index) || table.isScanFiltered(index)) continue;
      const key = table.keyOf(index);
      if (key === null) continue;
      if (isHydrated(table, index)) stored.add(String(key));
      else asked.push(String(key));
    }
    const found = await store.getRows(plan.mapping, name, [...asked, ROOTS_KEPT_FROM_THE_START]);
    for (const key of found.keys()) stored.add(key);
    keys.set(name, firstRun || found.has(ROOTS_KEPT_FROM_THE_START) ? stored : null);
  }
  return new StoredRoots(keys, held);
}
