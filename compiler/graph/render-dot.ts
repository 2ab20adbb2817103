// The picture as Graphviz DOT text: a cluster of source tables (coloured by the plan's role,
// with keys, references and scan filters) linked by their relationships, a cluster per item
// with its shape as a tree, dashed arrows from each table to the nodes that read it, and a legend.
import type { GraphTable, MappingGraph, ShapeNode } from './graph-model.js';
import { mainRole, ROLE_ORDER, ROLE_STYLE, SHAPE_LEGEND, SHAPE_STYLE, type Swatch } from './graph-style.js';

const FONT = 'Helvetica,Arial,sans-serif';

/** Text inside an HTML-like label. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A quoted DOT id or string. */
function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const tableId = (name: string) => quoted(`table:${name}`);
const shapeId = (node: ShapeNode) => quoted(`shape:${node.id}`);

function row(text: string, attributes = ''): string {
  return `<tr><td align="left" balign="left"${attributes}>${text}</td></tr>`;
}

function box(swatch: Swatch, title: string, rows: string[]): string {
  const header = `<tr><td bgcolor="${swatch.fill}" align="center"><b>${html(title)}</b></td></tr>`;
  const style = swatch.dashed ? ' style="dashed"' : '';
  return `<<table border="1" cellborder="0" cellspacing="0" cellpadding="3" color="${swatch.stroke}"${style}>${header}${rows.join('')}</table>>`;
}

/** " → orders" when the column references another table, else "". */
function referenced(table: GraphTable, column: string): string {
  const ref = table.references.find((r) => r.column === column);
  return ref ? ` → ${html(ref.table)}` : '';
}

function tableLabel(table: GraphTable): string {
  const role = mainRole(table.roles);
  const swatch = role ? ROLE_STYLE[role] : SHAPE_STYLE.object;
  const rows = [
    ...table.key.map((k) => row(`<u>${html(k)}</u>  key${referenced(table, k)}`)),
    ...table.references
      .filter((r) => !table.key.includes(r.column))
      .map((r) => row(`${html(r.column)} → ${html(r.table)}`)),
  ];
  if (table.otherColumns > 0)
    rows.push(
      row(`<font color="#6b6b6b">+ ${table.otherColumns} more column${table.otherColumns === 1 ? '' : 's'}</font>`),
    );
  for (const r of table.roles) rows.push(row(`<i>${html(r.text)}</i>`, ` bgcolor="${ROLE_STYLE[r.kind].fill}"`));
  for (const f of table.scanFilters) rows.push(row(`<font color="#6b6b6b">scan filter: ${html(f)}</font>`));
  const title = table.optional ? `${table.name}  (optional)` : table.name;
  return box(swatch, title, rows);
}

function shapeLabel(node: ShapeNode): string {
  return box(
    SHAPE_STYLE[node.kind],
    node.title,
    node.lines.map((l) => row(html(l))),
  );
}

function flatten(node: ShapeNode): ShapeNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

function legend(): string[] {
  const cell = (s: Swatch) =>
    `<td bgcolor="${s.fill}" border="1" color="${s.stroke}"${s.dashed ? ' style="dashed"' : ''}>${html(s.label)}</td>`;
  const roles = ROLE_ORDER.map((k) => cell(ROLE_STYLE[k])).join('');
  const shapes = SHAPE_LEGEND.map((k) => cell(SHAPE_STYLE[k])).join('');
  const label =
    `<<table border="0" cellspacing="4" cellpadding="3"><tr><td align="right"><b>table roles</b></td>${roles}</tr>` +
    `<tr><td align="right"><b>item shape</b></td>${shapes}</tr>` +
    `<tr><td align="right"><b>arrows</b></td><td colspan="5" align="left">solid: many rows → the one row they reference · dashed: table read by that part of the item</td></tr></table>>`;
  return [
    '  subgraph cluster_legend {',
    '    label="legend"; style="rounded"; color="#bbbbbb";',
    `    legend [label=${label}];`,
    '  }',
  ];
}

export function renderDot(graph: MappingGraph): string {
  const out = [
    `digraph ${quoted(graph.mapping)} {`,
    `  graph [rankdir=LR, fontname=${quoted(FONT)}, fontsize=14, labelloc=t, label=${quoted(`mapping ${graph.mapping}`)}, nodesep=0.25, ranksep=0.5, newrank=true];`,
    `  node [shape=plain, fontname=${quoted(FONT)}, fontsize=10];`,
    `  edge [fontname=${quoted(FONT)}, fontsize=9, color="#555555"];`,
    '  subgraph cluster_tables {',
    '    label="source tables"; style="rounded"; color="#999999";',
    ...graph.tables.map((t) => `    ${tableId(t.name)} [label=${tableLabel(t)}];`),
    '  }',
  ];
  graph.items.forEach((item, i) => {
    out.push(
      `  subgraph cluster_item_${i} {`,
      `    label=${quoted(`item ${item.id}`)}; style="rounded"; color="#999999";`,
    );
    for (const node of flatten(item)) out.push(`    ${shapeId(node)} [label=${shapeLabel(node)}];`);
    out.push('  }');
  });
  out.push(...legend());
  for (const r of graph.relations) {
    const label = r.name === r.to ? r.columns.join(', ') : `${r.columns.join(', ')} (${r.name})`;
    out.push(
      `  ${tableId(r.from)} -> ${tableId(r.to)} [label=${quoted(label)}, dir=both, arrowtail=crow, arrowhead=tee];`,
    );
  }
  for (const item of graph.items) {
    for (const node of flatten(item)) {
      for (const child of node.children)
        out.push(`  ${shapeId(node)} -> ${shapeId(child)} [arrowhead=none, color="#888888"];`);
    }
  }
  for (const item of graph.items) {
    for (const node of flatten(item)) {
      if (node.table)
        out.push(
          `  ${tableId(node.table)} -> ${shapeId(node)} [style=dashed, color=${quoted(SHAPE_STYLE[node.kind].stroke)}];`,
        );
    }
  }
  out.push('}', '');
  return out.join('\n');
}
