// Read-only walks over a plan's items, with the table each row alias stands for, so the
// rewrites can ask "which columns of which table does this read" without repeating the tree.
import { subExpressions } from '../../runtime/plan/sub-expressions.js';
import type { PlanCollection, PlanExpr, PlanItem, PlanObject, RowRef } from '../../runtime/plan/types.js';

export type AliasTables = ReadonlyMap<string, string>;

/** The table a row reference reads, given the tables of the aliases in scope. */
export function tableOf(ref: RowRef, aliases: AliasTables): string {
  return ref.kind === 'alias' ? (aliases.get(ref.name) ?? '') : ref.table;
}

export function forEachSubExpr(expr: PlanExpr, visit: (e: PlanExpr) => void): void {
  visit(expr);
  for (const child of subExpressions(expr)) forEachSubExpr(child, visit);
}

/** Every row reference an expression reads (lookup chains included, outermost first). */
export function forEachRowRef(expr: PlanExpr, visit: (ref: RowRef) => void): void {
  forEachSubExpr(expr, (e) => {
    if (e.kind === 'column') forEachRefInChain(e.row, visit);
  });
}

/** A row reference, then each row its lookups start from (`l.products` visits l.products, then l). */
export function forEachRefInChain(ref: RowRef, visit: (ref: RowRef) => void): void {
  for (let at = ref; ; at = at.from) {
    visit(at);
    if (at.kind !== 'lookup') break;
  }
}

export interface ItemVisitor {
  /** Each expression that reads rows, with the aliases in scope where it stands. */
  expr?(expr: PlanExpr, aliases: AliasTables): void;
  collection?(collection: PlanCollection, aliases: AliasTables, depth: number): void;
}

export function walkItem(item: PlanItem, visitor: ItemVisitor): void {
  const rootAliases = new Map([[item.rootAlias, item.rootTable]]);
  if (item.rootFilter) visitor.expr?.(item.rootFilter, rootAliases);
  walkObject(item.shape, rootAliases, 0, visitor);
}

function walkObject(object: PlanObject, aliases: AliasTables, depth: number, visitor: ItemVisitor): void {
  for (const field of object.fields) {
    if (field.when) visitor.expr?.(field.when, aliases);
    const value = field.value;
    if (value.kind === 'expr') visitor.expr?.(value.expr, aliases);
    else if (value.kind === 'object') walkObject(value, aliases, depth, visitor);
    else {
      const inner = new Map(aliases).set(value.alias, value.table);
      visitor.collection?.(value, aliases, depth + 1);
      if (value.filter) visitor.expr?.(value.filter, inner);
      walkObject(value.element, inner, depth + 1, visitor);
    }
  }
}
