// Which root rows of this run have items an earlier run may have written (or held back): those
// loaded from the store as parents of new rows, and those of the extract whose key the store
// keeps (root tables are always kept: keep-state.ts). Only their stored items are fetched; a
// root the store never saw has none, so a base load reads no item at all. Stored rows are
// kept after the items are written, so a run again after a crash finds the roots it wrote
// unknown, and builds them again from the same rows: the same items.
import type { Plan } from '../plan/types.js';
import type { Row } from '../eval/compile-expr.js';
import type { HeldTable } from '../hold/held-table.js';
import { isHydrated } from './hydrate.js';
import type { StateStore } from './state-store.js';

export class StoredRoots {
  constructor(
    private readonly keys: Map<string, Set<string>>,
    private readonly held: Map<string, HeldTable>,
  ) {}

  has(table: string, values: Row): boolean {
    const key = this.held.get(table)?.keyOfRow(values) ?? null;
    return key !== null && (this.keys.get(table)?.has(String(key)) ?? false);
  }
}

export async function findStoredRoots(
  plan: Plan,
  held: Map<string, HeldTable>,
  store: StateStore,
): Promise<StoredRoots> {
  const keys = new Map<string, Set<string>>();
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
    for (const key of (await store.getRows(plan.mapping, name, asked)).keys()) stored.add(key);
    keys.set(name, stored);
  }
  return new StoredRoots(keys, held);
}
