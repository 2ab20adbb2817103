// `mapc explain`: the plan as a readable tree. Which tables are read, in which order, with
// which columns and scan filters; what is indexed, grouped or streamed; how items are built
// and what merges when later extracts arrive.
import type { Plan, PlanCollection, PlanObject, PlanTable, TableRole } from '../../runtime/plan/types.js';
import { printExpr, printRow } from './print-expr.js';

function describeRole(role: TableRole): string {
  switch (role.kind) {
    case 'lookup':
      return `hash index on (${role.keyColumns.join(', ')}) for lookups`;
    case 'grouped':
      return `grouped by (${role.byColumns.join(', ')}) under ${role.parentTable}(${role.parentColumns.join(', ')})`;
    case 'root':
      return `streamed: each row builds one ${role.item} item`;
  }
}

function describeTable(table: PlanTable, index: number): string[] {
  const lines = [
    `  ${index + 1}. ${table.name}  "${table.pattern}"${table.optional ? '  (optional: an extract may hold no file of it)' : ''}`,
  ];
  for (const role of table.roles) lines.push(`       role:    ${describeRole(role)}`);
  const dropped = table.declaredHeaders.length - table.columns.length;
  lines.push(
    `       columns: ${table.columns.map((c) => `${c.name} ${c.type}${c.nullable ? '?' : ''}`).join(', ')}${dropped > 0 ? `  (${dropped} of ${table.declaredHeaders.length} not read)` : ''}`,
  );
  for (const filter of table.filters) lines.push(`       filter at scan: ${printExpr(filter)}`);
  const f = table.format;
  if (f.delimiter !== ',' || !f.header || f.trailingDelimiter || f.encoding !== 'utf-8') {
    lines.push(
      `       format:  delimiter ${JSON.stringify(f.delimiter)}, ${f.header ? 'header row' : 'no header (by position)'}${f.trailingDelimiter ? ', trailing delimiter' : ''}, ${f.encoding}`,
    );
  }
  return lines;
}

function describeObject(object: PlanObject, indent: string, lines: string[]) {
  for (const field of object.fields) {
    const when = field.when ? `  when ${printExpr(field.when)}` : '';
    const value = field.value;
    if (value.kind === 'expr') lines.push(`${indent}${field.name} = ${printExpr(value.expr)}${when}`);
    else if (value.kind === 'object') {
      lines.push(`${indent}${field.name} = {${when}`);
      describeObject(value, `${indent}  `, lines);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}${field.name} = ${describeCollection(value)}${when}`);
      describeObject(value.element, `${indent}  `, lines);
    }
  }
}

function describeCollection(c: PlanCollection): string {
  const join = c.childColumns
    .map((col, i) => `${c.alias}.${col} = ${printRow(c.parent)}.${c.parentColumns[i]}`)
    .join(' and ');
  const parts = [`each ${c.alias} in ${c.table} (${join})`];
  if (c.filter) parts.push(`where ${printExpr(c.filter)}`);
  if (c.retain) parts.push(`keep where ${printExpr(c.retain)}`);
  if (c.orderBy.length > 0)
    parts.push(`order by ${c.orderBy.map((o) => `${o.attribute}${o.descending ? ' desc' : ''}`).join(', ')}`);
  if (c.limit !== null) parts.push(`limit ${c.limit}`);
  const key = c.elementKey.columns.map(
    (col, i) => `${col}${c.elementKey.attributes[i] ? `→${c.elementKey.attributes[i]}` : '→(not carried)'}`,
  );
  parts.push(`merge by [${key.join(', ')}]`);
  return parts.join('  ');
}

export function explainPlan(plan: Plan): string {
  const lines: string[] = [];
  lines.push(`mapping ${plan.mapping}  (plan format ${plan.planFormat}, ${plan.sourceHash.slice(0, 19)}…)`);
  lines.push(`sources: ${plan.sources.map((s) => s.file).join(', ')}`);
  lines.push('');
  lines.push('read, in this order:');
  plan.tables.forEach((table, i) => lines.push(...describeTable(table, i)));
  if (plan.entries.skipped.length > 0) {
    lines.push('skipped (never inflated):');
    for (const s of plan.entries.skipped) lines.push(`  - ${s.table}  "${s.pattern}"  ${s.reason}`);
  }
  for (const item of plan.items) {
    const target = plan.targets.find((t) => t.name === item.target);
    lines.push('');
    const keys = [target?.partitionKey, target?.sortKey].filter(Boolean).join(', ');
    lines.push(`item ${item.name} into ${item.target}  (key ${keys})`);
    lines.push(
      `  from ${item.rootTable} as ${item.rootAlias}${item.rootFilter ? `  where ${printExpr(item.rootFilter)}` : ''}`,
    );
    describeObject(item.shape, '    ', lines);
    if (item.require) lines.push(`  require ${printExpr(item.require)}`);
    if (item.ttl) lines.push(`  ttl ${item.ttl.attribute} = ${printExpr(item.ttl.value)}`);
  }
  lines.push('');
  lines.push('kept between extracts:');
  for (const k of plan.state.keyIndexes)
    lines.push(`  key index: ${k.table}(${k.keyColumns.join(', ')}) → ${k.item} item key`);
  for (const s of plan.state.lookupStores)
    lines.push(
      `  lookup store: ${s.table}(${s.keyColumns.join(', ')}) → ${s.columns.filter((c) => !s.keyColumns.includes(c)).join(', ')}`,
    );
  for (const p of plan.state.parkable)
    lines.push(`  parked until the parent arrives: ${p.table} rows without their ${p.parentTable}`);
  return `${lines.join('\n')}\n`;
}
