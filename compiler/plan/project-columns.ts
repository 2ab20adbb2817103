// Rewrite: keep only the columns some part of the plan reads (expressions, joins, keys), so
// the runtime casts and holds nothing else.
import type { Plan, PlanExpr, RowRef } from '../../runtime/plan/types.js';
import { forEachRefInChain, forEachRowRef, forEachSubExpr, tableOf, walkItem, type AliasTables } from './walk-plan.js';

export function projectColumns(input: Plan): Plan {
  const plan = structuredClone(input);
  const used = new Map<string, Set<string>>(plan.tables.map((t) => [t.name, new Set(t.key)]));
  const use = (table: string, columns: string[]) => columns.forEach((c) => used.get(table)?.add(c));

  const readLookup = (ref: RowRef, aliases: AliasTables) => {
    if (ref.kind !== 'lookup') return;
    use(tableOf(ref.from, aliases), ref.fromColumns);
    use(ref.table, ref.keyColumns);
  };
  const readExpr = (expr: PlanExpr, aliases: AliasTables) => {
    forEachSubExpr(expr, (e) => {
      if (e.kind === 'column') use(tableOf(e.row, aliases), [e.column]);
    });
    forEachRowRef(expr, (ref) => readLookup(ref, aliases));
  };
  for (const item of plan.items) {
    walkItem(item, {
      expr: readExpr,
      collection(c, aliases) {
        use(c.table, c.childColumns);
        use(tableOf(c.parent, aliases), c.parentColumns);
        forEachRefInChain(c.parent, (ref) => readLookup(ref, aliases));
      },
    });
  }
  for (const table of plan.tables) {
    for (const filter of table.filters)
      forEachSubExpr(filter, (e) => e.kind === 'column' && used.get(table.name)!.add(e.column));
    const keep = used.get(table.name)!;
    table.columns = table.columns.filter((c) => keep.has(c.name));
  }
  return plan;
}
