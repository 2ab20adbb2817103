// Every many-to-one lookup a plan makes, as (looked-up table, table the key comes from, key
// columns there): an incremental run loads the looked-up rows that earlier extracts brought.
import { subExpressions } from '../plan/sub-expressions.js';
import type { Plan, PlanExpr, PlanObject, RowRef } from '../plan/types.js';

export interface LookupRef {
  table: string;
  fromTable: string;
  fromColumns: string[];
}

export function lookupRefs(plan: Plan): LookupRef[] {
  const found = new Map<string, LookupRef>();
  for (const item of plan.items) {
    const aliases = new Map<string, string>([[item.rootAlias, item.rootTable]]);
    const tableOf = (ref: RowRef): string => (ref.kind === 'alias' ? (aliases.get(ref.name) ?? ref.name) : ref.table);
    const visitRef = (ref: RowRef) => {
      if (ref.kind !== 'lookup') return;
      visitRef(ref.from);
      const lookup = { table: ref.table, fromTable: tableOf(ref.from), fromColumns: ref.fromColumns };
      found.set(JSON.stringify(lookup), lookup);
    };
    const visitExpr = (expr: PlanExpr | null): void => {
      if (!expr) return;
      if (expr.kind === 'column') return visitRef(expr.row);
      subExpressions(expr).forEach(visitExpr);
    };
    const visitObject = (object: PlanObject): void => {
      for (const field of object.fields) {
        visitExpr(field.when);
        const value = field.value;
        if (value.kind === 'expr') visitExpr(value.expr);
        else if (value.kind === 'object') visitObject(value);
        else {
          aliases.set(value.alias, value.table);
          visitRef(value.parent);
          visitExpr(value.filter);
          visitObject(value.element);
          visitExpr(value.retain);
        }
      }
    };
    visitExpr(item.rootFilter);
    visitObject(item.shape);
    visitExpr(item.require);
    visitExpr(item.ttl?.value ?? null);
  }
  return [...found.values()];
}
