// The picture as Mermaid flowchart text (GitHub and many editors draw it): the same content as
// the DOT text, with classes for the table roles and kinds of shape node, and a legend.
import type { GraphTable, MappingGraph, ShapeNode } from './graph-model.js';
import { ROLE_ORDER, ROLE_STYLE, SHAPE_LEGEND, SHAPE_STYLE, mainRole, type Swatch } from './graph-style.js';

/** Text inside a quoted Mermaid label: entity codes for the characters Mermaid reads itself. */
function text(value: string): string {
  return value
    .replace(/#/g, '#35;')
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;');
}

function label(title: string, lines: string[]): string {
  return `"${[`<b>${text(title)}</b>`, ...lines.map(text)].join('<br/>')}"`;
}

const tableId = (name: string) => `t_${name}`;

function tableLines(table: GraphTable): string[] {
  const lines = table.key.map(
    (k) =>
      `${k} key${table.references
        .filter((r) => r.column === k)
        .map((r) => ` → ${r.table}`)
        .join('')}`,
  );
  for (const r of table.references) if (!table.key.includes(r.column)) lines.push(`${r.column} → ${r.table}`);
  if (table.otherColumns > 0) lines.push(`+ ${table.otherColumns} more column${table.otherColumns === 1 ? '' : 's'}`);
  for (const r of table.roles) lines.push(r.text);
  for (const f of table.scanFilters) lines.push(`scan filter: ${f}`);
  return lines;
}

function classDef(name: string, s: Swatch): string {
  return `  classDef ${name} fill:${s.fill},stroke:${s.stroke}${s.dashed ? ',stroke-dasharray:4 3,color:#6b6b6b' : ''}`;
}

function flatten(node: ShapeNode): ShapeNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

export function renderMermaid(graph: MappingGraph): string {
  const shapes = graph.items.map(flatten);
  const ids = new Map(shapes.flat().map((node, i) => [node, `s${i}`]));
  const out = [
    `%% mapping ${graph.mapping}: source tables, item shapes and the plan's table roles (mapc graph)`,
    'flowchart LR',
  ];
  out.push('  subgraph tables["source tables"]');
  for (const t of graph.tables)
    out.push(`    ${tableId(t.name)}[${label(t.optional ? `${t.name} (optional)` : t.name, tableLines(t))}]`);
  out.push('  end');
  graph.items.forEach((item, i) => {
    out.push(`  subgraph item_${i}["item ${text(item.id)}"]`);
    for (const node of shapes[i]) out.push(`    ${ids.get(node)}[${label(node.title, node.lines)}]`);
    out.push('  end');
  });
  out.push('  subgraph legend["legend"]');
  for (const kind of ROLE_ORDER) out.push(`    legend_${kind}["${text(ROLE_STYLE[kind].label)}"]`);
  for (const kind of SHAPE_LEGEND) out.push(`    legend_shape_${kind}["${text(SHAPE_STYLE[kind].label)}"]`);
  out.push('  end');
  for (const r of graph.relations) {
    const name = r.name === r.to ? r.columns.join(', ') : `${r.columns.join(', ')} (${r.name})`;
    out.push(`  ${tableId(r.from)} -->|"${text(name)}"| ${tableId(r.to)}`);
  }
  for (const node of shapes.flat())
    for (const child of node.children) out.push(`  ${ids.get(node)} --- ${ids.get(child)}`);
  for (const node of shapes.flat()) if (node.table) out.push(`  ${tableId(node.table)} -.-> ${ids.get(node)}`);
  for (const kind of ROLE_ORDER) out.push(classDef(`role_${kind}`, ROLE_STYLE[kind]));
  for (const kind of Object.keys(SHAPE_STYLE) as Array<keyof typeof SHAPE_STYLE>)
    out.push(classDef(`shape_${kind}`, SHAPE_STYLE[kind]));
  for (const t of graph.tables) {
    const role = mainRole(t.roles);
    if (role) out.push(`  class ${tableId(t.name)} role_${role}`);
  }
  for (const node of shapes.flat()) out.push(`  class ${ids.get(node)} shape_${node.kind}`);
  for (const kind of ROLE_ORDER) out.push(`  class legend_${kind} role_${kind}`);
  for (const kind of SHAPE_LEGEND) out.push(`  class legend_shape_${kind} shape_${kind}`);
  out.push('');
  return out.join('\n');
}
