// The hover texts (markdown) for each kind of symbol: plain functions of the schema and of the
// checked types, so that every request words a symbol the same way.
import type { AttrInfo } from '../compiler/items/typed.js';
import type { ColumnInfo, Relation, TableInfo, TargetInfo } from '../compiler/schema/schema.js';

const code = (text: string) => `\`${text}\``;

export function describeColumn(table: TableInfo, column: ColumnInfo): string {
  const facts = [
    `type ${code(column.type)}`,
    column.nullable ? 'nullable' : 'not nullable',
    `header ${code(column.header)}`,
    ...(table.key.includes(column.name) ? ['part of the key'] : []),
    ...(column.decl.reference ? [`references ${code(column.decl.reference.target.text)}`] : []),
  ];
  return `**${column.name}**: column of table ${code(table.name)}\n\n${facts.join(' · ')}`;
}

export function describeTable(table: TableInfo): string {
  const key = table.key.length > 0 ? `key (${table.key.join(', ')})` : 'no key';
  const relations = [...table.relations.values()].map((r) => `${code(r.name)} (${directionOf(r)})`);
  return [
    `**${table.name}**: table from ${code(`"${table.pattern}"`)}${table.optional ? ', optional' : ''}`,
    `${table.columns.size} columns · ${key}`,
    ...(relations.length > 0 ? [`relationships: ${relations.join(', ')}`] : []),
  ].join('\n\n');
}

export function directionOf(relation: Relation): string {
  return relation.kind === 'lookup' ? 'many-to-one' : 'one-to-many';
}

/** `orders.customer_id → customers.customer_id`, written from the row that holds the reference. */
export function joinOf(relation: Relation): string {
  if (relation.kind === 'lookup')
    return `${relation.table}.(${relation.fromColumns.join(', ')}) → ${relation.target}.(${relation.keyColumns.join(', ')})`;
  return `${relation.child}.(${relation.childColumns.join(', ')}) → ${relation.table}.(${relation.parentColumns.join(', ')})`;
}

export function relationTarget(relation: Relation): string {
  return relation.kind === 'lookup' ? relation.target : relation.child;
}

export function describeRelation(relation: Relation): string {
  const to = relationTarget(relation);
  const what = relation.kind === 'lookup' ? `one row of ${code(to)}` : `the rows of ${code(to)}`;
  return `**${relation.name}**: relationship of ${code(relation.table)} to ${what}\n\n${directionOf(relation)} · ${joinOf(relation)}`;
}

export function describeTarget(target: TargetInfo): string {
  const parts = [
    `partition key ${target.partitionKey ? code(target.partitionKey) : 'missing'}`,
    ...(target.sortKey ? [`sort key ${code(target.sortKey)}`] : []),
    ...(target.ttlAttribute ? [`ttl ${code(target.ttlAttribute)}`] : []),
  ];
  return `**${target.name}**: target table\n\n${parts.join(' · ')}`;
}

export function describeAlias(alias: string, table: TableInfo | null, source: string | null): string {
  const row = table ? `a row of ${code(table.name)}` : 'a row of an unknown table';
  return `**${alias}**: ${row}${source ? `, each of ${code(source)}` : ''}`;
}

export function typeText(type: string, nullable: boolean): string {
  return `${type}${nullable ? ', nullable' : ', not nullable'}`;
}

export function describeAttribute(
  info: AttrInfo,
  value: { type: string; nullable: boolean } | null,
  when: boolean,
): string {
  const lines = [
    `**${info.name}**: attribute, ${info.type === 'list' ? 'list of objects' : typeText(info.type, info.nullable)}`,
  ];
  if (info.shape) lines.push(`attributes: ${[...info.shape.attrs.keys()].map(code).join(', ') || 'none'}`);
  if (value)
    lines.push(
      `value: ${typeText(value.type, value.nullable)}${when ? ' (left out when the `when` condition is not true)' : ''}`,
    );
  return lines.join('\n\n');
}
