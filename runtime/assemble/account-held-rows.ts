// Phase 3 of a run: every held row is now used, failed (its reject is written), or neither.
// Then it is orphaned when its parent, or an ancestor, is not in the extract or was rejected,
// and filtered out by the mapping otherwise. Rows of lookup-only tables count as used: they were indexed.
import type { Plan } from '../plan/types.js';
import { tableDepth } from '../plan/table-depth.js';
import { RowOrigin, type HeldTable } from '../hold/held-table.js';
import type { RowKey } from '../eval/row-key.js';
import type { RunState } from '../report/run-state.js';
import type { SeenRootKeys } from './stream-roots.js';

/**
 * `park`: given in incremental runs, where a row whose parent has not arrived is parked (and
 * counted so) rather than orphaned. Rows loaded from the store (of an earlier run, `RowOrigin.Earlier`) are not counted.
 * `counted`: whether this run counts a table's rows (a shard holds lookup-only tables whole, and shard 0 counts them).
 */
export function accountHeldRows(
  plan: Plan,
  held: Map<string, HeldTable>,
  seenRootKeys: SeenRootKeys,
  state: RunState,
  park?: (table: string, index: number) => void,
  counted: (table: string) => boolean = () => true,
): void {
  const orphanedKeys = new Map<string, Set<RowKey>>();
  // Parents are settled before their children, whatever order the plan reads them in.
  for (const table of [...plan.tables].sort((a, b) => tableDepth(plan, a.name) - tableDepth(plan, b.name))) {
    const heldTable = held.get(table.name);
    if (!heldTable || !counted(table.name)) continue;
    const c = state.countsOf(table.name);
    const grouped = table.roles.find((r) => r.kind === 'grouped');
    const isRoot = table.roles.some((r) => r.kind === 'root');
    const orphaned = new Set<RowKey>();
    orphanedKeys.set(table.name, orphaned);
    const parent = grouped?.kind === 'grouped' ? held.get(grouped.parentTable) : undefined;
    const parentKeyOf = grouped?.kind === 'grouped' ? heldTable.groupKeyReader(grouped.byColumns) : null;
    const isParentPresent = (key: RowKey | null): boolean => {
      if (key === null || grouped?.kind !== 'grouped') return false;
      if (orphanedKeys.get(grouped.parentTable)?.has(key)) return false;
      if (parent) return parent.hasKey(key) || parent.filteredKeys.has(key);
      const root = seenRootKeys.get(grouped.parentTable);
      return root !== undefined && root.seen.has(key) && !root.rejected.has(key);
    };
    // Rows under one parent are mostly listed together (an order's lines): the answer for the
    // last key is kept (the parent table is settled, so it cannot change).
    let lastKey: RowKey | null | undefined;
    let lastPresent = false;
    const parentPresent = (key: RowKey | null): boolean => {
      if (key !== lastKey) {
        lastKey = key;
        lastPresent = isParentPresent(key);
      }
      return lastPresent;
    };
    for (let index = 0; index < heldTable.count; index++) {
      if (heldTable.originOf(index) === RowOrigin.Earlier) {
        // Not read from this extract, so not counted; but rows under a stored row whose item
        // was rejected now (grown too large, say) wait for it, as under any rejected row.
        const key = heldTable.isFailed(index) ? heldTable.keyOf(index) : null;
        if (key !== null) orphaned.add(key);
        continue;
      }
      // Counted filtered as it was read.
      if (heldTable.isScanFiltered(index)) continue;
      if (heldTable.isUsed(index)) c.used++;
      else if (heldTable.isFailed(index)) {
        c.rejected++;
        // Rows under a rejected row are orphaned, as under a row that was never read (a
        // duplicate's key is its kept twin's: that one stands).
        const key = heldTable.isDuplicate(index) ? null : heldTable.keyOf(index);
        if (key !== null) orphaned.add(key);
      } else if (grouped?.kind !== 'grouped') {
        if (isRoot) c.filtered++;
        else c.used++;
      } else if (parentPresent(parentKeyOf!(index))) {
        c.filtered++;
      } else {
        if (park) {
          c.parked++;
          park(table.name, index);
        } else c.orphaned++;
        const key = heldTable.keyOf(index);
        if (key !== null) orphaned.add(key);
      }
    }
  }
}
