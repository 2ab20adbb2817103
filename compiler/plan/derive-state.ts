// What a run must keep between extracts: key indexes for intermediate tables, stores of
// lookup tables' projected columns, and which tables' rows can be parked.
import type { Plan, PlanItem, PlanTable, RowRef } from '../../runtime/plan/types.js';
import { forEachSubExpr, walkItem } from './walk-plan.js';

export function deriveState(items: PlanItem[], tables: PlanTable[]): Plan['state'] {
  const keyIndexes: Plan['state']['keyIndexes'] = [];
  const parkable: Plan['state']['parkable'] = [];
  for (const item of items) {
    walkItem(item, {
      collection(collection, aliases, depth) {
        const parentTable =
          collection.parent.kind === 'alias' ? aliases.get(collection.parent.name)! : collection.parent.table;
        // A child of an element (not of the root) arrives on its own later: it must find its
        // item through its parent's key.
        if (depth > 1 && !keyIndexes.some((k) => k.item === item.name && k.table === parentTable)) {
          keyIndexes.push({
            item: item.name,
            table: parentTable,
            keyColumns: tables.find((t) => t.name === parentTable)?.key ?? [],
          });
        }
        if (!parkable.some((p) => p.table === collection.table && p.parentTable === parentTable))
          parkable.push({ table: collection.table, parentTable });
      },
    });
  }
  // Only what lookups read is stored: the columns of a row reached through a lookup, and the
  // keys that later lookups go through.
  const readThroughLookups = new Map<string, Set<string>>();
  const read = (table: string, columns: string[]) => {
    const set = readThroughLookups.get(table) ?? new Set<string>();
    columns.forEach((c) => set.add(c));
    readThroughLookups.set(table, set);
  };
  for (const item of items) {
    walkItem(item, {
      expr(expr) {
        forEachSubExpr(expr, (e) => {
          if (e.kind !== 'column') return;
          if (e.row.kind === 'lookup') read(e.row.table, [e.column]);
          for (let ref: RowRef = e.row; ref.kind === 'lookup'; ref = ref.from) {
            read(ref.table, ref.keyColumns);
            if (ref.from.kind === 'lookup') read(ref.from.table, ref.fromColumns);
          }
        });
      },
    });
  }
  const lookupStores = tables.flatMap((t) => {
    const lookup = t.roles.find((r) => r.kind === 'lookup');
    if (!lookup || lookup.kind !== 'lookup') return [];
    const columns = readThroughLookups.get(t.name) ?? new Set();
    return [
      {
        table: t.name,
        keyColumns: lookup.keyColumns,
        columns: t.columns.map((c) => c.name).filter((c) => columns.has(c)),
      },
    ];
  });
  return { keyIndexes, lookupStores, parkable };
}
