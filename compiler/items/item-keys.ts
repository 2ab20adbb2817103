// Checks the key attributes of items: present, string or number, never null, unique per root
// row, and never equal to another item type's key in the same table.
import type { PlanExpr } from '../../runtime/plan/types.js';
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import type { Schema, TargetInfo } from '../schema/schema.js';
import type { BuiltItem } from './build-item.js';

/** The root columns a key expression carries unchanged, so distinct values give distinct keys. */
function carriedColumns(expr: PlanExpr, rootAlias: string, into: Set<string>) {
  if (expr.kind === 'column' && expr.row.kind === 'alias' && expr.row.name === rootAlias) into.add(expr.column);
  else if (expr.kind === 'cast') carriedColumns(expr.operand, rootAlias, into);
  else if (expr.kind === 'call' && (expr.fn === 'template' || expr.fn === 'concat'))
    expr.args.forEach((a) => carriedColumns(a, rootAlias, into));
}

function nullableParts(expr: PlanExpr): string {
  if (expr.kind === 'column') return `\`${expr.column}\` may be empty`;
  return 'a part of it may be null';
}

export function checkItemKeys(item: BuiltItem, target: TargetInfo, schema: Schema, sink: DiagnosticSink) {
  const roles: Array<[string | null, 'partition' | 'sort']> = [
    [target.partitionKey, 'partition'],
    [target.sortKey, 'sort'],
  ];
  const carried = new Set<string>();
  let keyAttribute = target.partitionKey ?? 'pk';
  for (const [attribute, role] of roles) {
    if (!attribute) continue;
    const entry = item.topLevel.get(attribute);
    if (!entry) {
      sink.report('MAP0203', item.decl.name.span, { item: item.plan.name, attribute, role, target: target.name });
      continue;
    }
    keyAttribute = attribute;
    const { info, expr } = entry;
    if (expr) carriedColumns(expr.plan, item.plan.rootAlias, carried);
    if (!['string', 'int', 'decimal', 'null'].includes(info.type)) {
      sink.report('MAP0207', entry.span, { attribute, type: `a ${info.type}` });
      continue;
    }
    if (expr?.poison) continue;
    if (info.nullable)
      sink.report('MAP0204', entry.span, {
        attribute,
        why: entry.hasWhen ? 'it has a `when`' : expr ? nullableParts(expr.plan) : 'it is not a value',
      });
  }
  const rootKey = schema.tables.get(item.plan.rootTable)?.key ?? [];
  const missing = rootKey.filter((c) => !carried.has(c));
  if (missing.length > 0 && rootKey.length > 0 && [...item.topLevel.values()].every((e) => !e.expr?.poison)) {
    sink.report('MAP0205', item.decl.name.span, {
      item: item.plan.name,
      missing: missing.map((m) => `\`${m}\``).join(', '),
      table: item.plan.rootTable,
      attribute: keyAttribute,
      example: `${item.plan.rootAlias}.${missing[0]}`,
    });
  }
}

interface KeyPattern {
  prefix: string;
  exact: boolean;
}

function patternOf(expr: PlanExpr | undefined): KeyPattern {
  if (!expr) return { prefix: '', exact: true };
  if (expr.kind === 'literal' && typeof expr.value === 'string')
    return { prefix: expr.value, exact: expr.type === 'string' };
  if (expr.kind === 'call' && expr.fn === 'template') {
    let prefix = '';
    for (const arg of expr.args) {
      if (arg.kind === 'literal' && typeof arg.value === 'string') prefix += arg.value;
      else return { prefix, exact: false };
    }
    return { prefix, exact: true };
  }
  return { prefix: '', exact: false };
}

function canBeEqual(a: KeyPattern, b: KeyPattern): boolean {
  if (a.exact && b.exact) return a.prefix === b.prefix;
  if (a.exact) return a.prefix.startsWith(b.prefix);
  if (b.exact) return b.prefix.startsWith(a.prefix);
  return a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
}

function keyExpr(item: BuiltItem, attribute: string | null): PlanExpr | undefined {
  if (!attribute) return undefined;
  return item.topLevel.get(attribute)?.expr?.plan;
}

export interface KeyAttributes {
  name: string;
  partitionKey: string | null;
  sortKey: string | null;
}

/** Reports pairs of items whose keys can be equal; `acrossFilesOnly` when pairs within one mapping were already checked. */
export function checkKeyCollisions(
  items: BuiltItem[],
  targets: ReadonlyMap<string, KeyAttributes>,
  sink: DiagnosticSink,
  acrossFilesOnly = false,
) {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i];
      const b = items[j];
      if (a.plan.target !== b.plan.target) continue;
      if (acrossFilesOnly && a.decl.span.file === b.decl.span.file) continue;
      const target = targets.get(a.plan.target);
      if (!target) continue;
      const pk = [patternOf(keyExpr(a, target.partitionKey)), patternOf(keyExpr(b, target.partitionKey))];
      const sk = [patternOf(keyExpr(a, target.sortKey)), patternOf(keyExpr(b, target.sortKey))];
      if (canBeEqual(pk[0], pk[1]) && canBeEqual(sk[0], sk[1])) {
        const show = (p: KeyPattern) => (p.exact ? `"${p.prefix}"` : `"${p.prefix}…"`);
        sink.report('MAP0206', b.decl.name.span, {
          a: a.plan.name,
          b: b.plan.name,
          target: target.name,
          why: `${target.partitionKey}: ${show(pk[0])} and ${show(pk[1])}${target.sortKey ? `; ${target.sortKey}: ${show(sk[0])} and ${show(sk[1])}` : ''}`,
        });
      }
    }
  }
}
