// An item's shape as a tree for the picture: the item, its nested objects and collections,
// the lookups each level reads, its aggregates, `keep` (on the collection it trims) and
// `require`. Plain fields are lines of the node that holds them. Read from the plan's item.
import type { PlanCollection, PlanExpr, PlanItem, PlanObject, RowRef } from '../../runtime/plan/types.js';
import { printExpr, printRow } from '../explain/print-expr.js';
import { forEachRefInChain, forEachSubExpr } from '../plan/walk-plan.js';
import type { ShapeNode } from './graph-model.js';

function hasAggregate(expr: PlanExpr): boolean {
  let found = false;
  forEachSubExpr(expr, (e) => {
    if (e.kind === 'aggregate') found = true;
  });
  return found;
}

/** The lookups an expression reads through (`l->products`), outermost last, each once. */
function lookupsOf(expr: PlanExpr): Array<Extract<RowRef, { kind: 'lookup' }>> {
  const found: Array<Extract<RowRef, { kind: 'lookup' }>> = [];
  forEachSubExpr(expr, (e) => {
    if (e.kind !== 'column') return;
    const chain: Array<Extract<RowRef, { kind: 'lookup' }>> = [];
    forEachRefInChain(e.row, (ref) => {
      if (ref.kind === 'lookup') chain.unshift(ref);
    });
    for (const ref of chain) if (!found.some((f) => printRow(f) === printRow(ref))) found.push(ref);
  });
  return found;
}

function fieldLine(name: string, when: PlanExpr | null): string {
  return when ? `${name}  when ${printExpr(when)}` : name;
}

function node(
  id: string,
  kind: ShapeNode['kind'],
  title: string,
  table: string | null,
  lines: string[] = [],
): ShapeNode {
  return { id, kind, title, lines, table, children: [] };
}

/** Fills `into` with the fields of `object`: plain ones as lines, the others as children. */
function addFields(object: PlanObject, into: ShapeNode) {
  const lookups = new Map<string, ShapeNode>();
  for (const field of object.fields) {
    const value = field.value;
    const id = `${into.id}.${field.name}`;
    if (value.kind === 'object') {
      const child = node(id, 'object', `${field.name} { }`, null, field.when ? [`when ${printExpr(field.when)}`] : []);
      addFields(value, child);
      into.children.push(child);
    } else if (value.kind === 'collection') {
      into.children.push(collectionNode(id, field.name, value, field.when));
    } else if (hasAggregate(value.expr)) {
      into.children.push(
        node(id, 'aggregate', field.name, null, [
          `= ${printExpr(value.expr)}`,
          ...(field.when ? [`when ${printExpr(field.when)}`] : []),
        ]),
      );
    } else {
      const through = lookupsOf(value.expr);
      if (through.length === 0) {
        into.lines.push(fieldLine(field.name, field.when));
        continue;
      }
      // A field read through a lookup is listed under the innermost lookup it reads.
      let holder = into;
      for (const ref of through) {
        const path = printRow(ref);
        let lookup = lookups.get(path);
        if (!lookup) {
          const via = ref.fromColumns
            .map((c, i) => `${printRow(ref.from)}.${c} = ${ref.table}.${ref.keyColumns[i]}`)
            .join(' and ');
          lookup = node(`${into.id}->${path}`, 'lookup', `lookup ${ref.table}`, ref.table, [`by ${via}`]);
          lookups.set(path, lookup);
          into.children.push(lookup);
        }
        holder = lookup;
      }
      holder.lines.push(fieldLine(`${field.name} = ${printExpr(value.expr)}`, field.when));
    }
  }
}

function collectionNode(id: string, name: string, c: PlanCollection, when: PlanExpr | null): ShapeNode {
  const lines = [];
  if (c.filter) lines.push(`where ${printExpr(c.filter)}`);
  if (c.orderBy.length > 0)
    lines.push(`order by ${c.orderBy.map((o) => `${o.attribute}${o.descending ? ' desc' : ''}`).join(', ')}`);
  if (c.limit !== null) lines.push(`limit ${c.limit}`);
  if (when) lines.push(`when ${printExpr(when)}`);
  const collection = node(id, 'collection', `${name} [ each ${c.alias} in ${c.table} ]`, c.table, lines);
  addFields(c.element, collection);
  if (c.retain)
    collection.children.push(node(`${id}#keep`, 'keep', `keep ${name}`, null, [`where ${printExpr(c.retain)}`]));
  return collection;
}

export function itemTree(item: PlanItem): ShapeNode {
  const lines = [`from ${item.rootTable} as ${item.rootAlias}`];
  if (item.rootFilter) lines.push(`where ${printExpr(item.rootFilter)}`);
  const root = node(item.name, 'item', `item ${item.name} into ${item.target}`, item.rootTable, lines);
  addFields(item.shape, root);
  if (item.ttl) root.lines.push(`ttl ${item.ttl.attribute} = ${printExpr(item.ttl.value)}`);
  if (item.require)
    root.children.push(node(`${item.name}#require`, 'require', 'require', null, [printExpr(item.require)]));
  return root;
}
