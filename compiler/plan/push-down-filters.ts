// Rewrite: run filters at scan time when they read only the scanned row and the table has no
// other use, so filtered rows are counted and dropped before they are held in memory.
import type { Plan, PlanCollection, PlanExpr } from '../../runtime/plan/types.js';
import { forEachSubExpr, walkItem } from './walk-plan.js';

/** Rewrites `alias.column` reads into reads of the scanned row (alias ''), or null if it reads more. */
function asScanFilter(expr: PlanExpr, alias: string): PlanExpr | null {
  let readsOnlyOwnRow = true;
  forEachSubExpr(expr, (e) => {
    if (e.kind === 'attr' || e.kind === 'aggregate') readsOnlyOwnRow = false;
    if (e.kind === 'column' && (e.row.kind !== 'alias' || e.row.name !== alias)) readsOnlyOwnRow = false;
  });
  return readsOnlyOwnRow ? expr : null;
}

function usesPerTable(plan: Plan): Map<string, number> {
  const uses = new Map<string, number>();
  const add = (table: string) => uses.set(table, (uses.get(table) ?? 0) + 1);
  for (const item of plan.items) {
    add(item.rootTable);
    walkItem(item, { collection: (c) => add(c.table) });
  }
  for (const table of plan.tables) if (table.roles.some((r) => r.kind === 'lookup')) add(table.name);
  return uses;
}

export function pushDownFilters(input: Plan): Plan {
  const plan = structuredClone(input);
  const uses = usesPerTable(plan);
  const tables = new Map(plan.tables.map((t) => [t.name, t]));
  const push = (tableName: string, alias: string, filter: PlanExpr | null): boolean => {
    const table = tables.get(tableName);
    if (!filter || !table || uses.get(tableName) !== 1) return false;
    const scanFilter = asScanFilter(filter, alias);
    if (!scanFilter) return false;
    table.filters.push(scanFilter);
    return true;
  };
  for (const item of plan.items) {
    if (push(item.rootTable, item.rootAlias, item.rootFilter)) item.rootFilter = null;
    const collections: PlanCollection[] = [];
    walkItem(item, { collection: (c) => collections.push(c) });
    for (const c of collections) if (push(c.table, c.alias, c.filter)) c.filter = null;
  }
  return plan;
}
