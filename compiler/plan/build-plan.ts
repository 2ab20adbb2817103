// The logical plan: every table an item reads, with all its columns, its roles and its state
// needs; filters still where the mapping wrote them. The rewrites in optimize.ts refine it.
import { createHash } from 'node:crypto';
import type { Plan, PlanItem, PlanTable, RowRef, TableRole } from '../../runtime/plan/types.js';
import { PLAN_FORMAT } from '../../runtime/plan/types.js';
import type { SourceFile } from '../load-sources.js';
import type { Schema, TableInfo } from '../schema/schema.js';
import { deriveState } from './derive-state.js';
import { forEachRefInChain, forEachRowRef, walkItem } from './walk-plan.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function planTable(table: TableInfo, roles: TableRole[]): PlanTable {
  const columns = [...table.columns.values()].map((c) => ({
    name: c.name,
    header: c.header,
    position: c.position,
    type: c.type,
    nullable: c.nullable,
  }));
  return {
    name: table.name,
    pattern: table.pattern,
    ...(table.optional ? { optional: true as const } : {}),
    format: table.format,
    declaredHeaders: columns.map((c) => c.header),
    columns,
    key: table.key,
    filters: [],
    roles,
  };
}

function addRole(roles: Map<string, TableRole[]>, table: string, role: TableRole) {
  const list = roles.get(table) ?? [];
  if (!list.some((r) => JSON.stringify(r) === JSON.stringify(role))) list.push(role);
  roles.set(table, list);
}

function collectRoles(items: PlanItem[]): Map<string, TableRole[]> {
  const roles = new Map<string, TableRole[]>();
  for (const item of items) {
    addRole(roles, item.rootTable, { kind: 'root', item: item.name });
    const lookedUp = (ref: RowRef) => {
      if (ref.kind === 'lookup') addRole(roles, ref.table, { kind: 'lookup', keyColumns: ref.keyColumns });
    };
    walkItem(item, {
      collection(collection, aliases) {
        const parentTable =
          collection.parent.kind === 'alias' ? aliases.get(collection.parent.name)! : collection.parent.table;
        addRole(roles, collection.table, {
          kind: 'grouped',
          byColumns: collection.childColumns,
          parentTable,
          parentColumns: collection.parentColumns,
        });
        // A collection under a looked-up row (`each m in l.products.stock_moves`) looks that row up.
        forEachRefInChain(collection.parent, lookedUp);
      },
      expr(expr) {
        forEachRowRef(expr, lookedUp);
      },
    });
  }
  return roles;
}

export function buildPlan(mapping: string, files: SourceFile[], schema: Schema, items: PlanItem[]): Plan {
  const roles = collectRoles(items);
  const tables: PlanTable[] = [];
  const skipped: Plan['entries']['skipped'] = [];
  for (const table of schema.tables.values()) {
    const tableRoles = roles.get(table.name);
    if (tableRoles) tables.push(planTable(table, tableRoles));
    else skipped.push({ table: table.name, pattern: table.pattern, reason: 'no item reads it' });
  }
  const targets = [...new Set(items.map((i) => i.target))].map((name) => {
    const t = schema.targets.get(name)!;
    return { name, partitionKey: t.partitionKey ?? '', sortKey: t.sortKey, ttlAttribute: t.ttlAttribute };
  });
  const sources = files.map((f) => ({ file: f.path, sha256: sha256(f.text) }));
  return {
    planFormat: PLAN_FORMAT,
    mapping,
    sourceHash: `sha256:${sha256(sources.map((s) => `${s.file}\0${s.sha256}\n`).join(''))}`,
    sources,
    entries: { read: tables.map((t) => ({ table: t.name, pattern: t.pattern })), skipped },
    tables,
    targets,
    items,
    state: deriveState(items, tables),
  };
}
