// The picture's model: tables with their keys, references and the roles the plan gives them;
// each item's shape as a tree with its collections, lookups, aggregates, keep and require.
import { expect } from 'chai';
import { compile } from '../../compiler/compile.js';
import { buildMappingGraph } from '../../compiler/graph/build-graph.js';
import type { MappingGraph, ShapeNode } from '../../compiler/graph/graph-model.js';
import { renderDot } from '../../compiler/graph/render-dot.js';
import { renderMermaid } from '../../compiler/graph/render-mermaid.js';
import type { Plan } from '../../runtime/plan/types.js';
import { compiled, customerGraph } from './customer-graph.js';

const SMALL = `mapping small
table parents from "parents.csv" {
  id        int    key
  kind_code string -> kinds
  name      string
}
table kinds from "kinds.csv" {
  code  string key
  label string
}
table children from "children.csv" {
  id        int key
  parent_id int -> parents
  n         int
}
table unused from "unused.csv" {
  id int key
}
item P into t {
  from parents as p where p.name != "A#B"
  pk    = "P#{p.id}"
  kind  = p.kinds.label
  kids  = each c in p.children order by c.id {
    id = c.id
    n  = c.n
  }
  keep kids where n > 0
  total = sum(kids.n)
  require count(kids) >= 1
}
target t {
  partition key pk
}
`;

function compileSmall(): { graph: MappingGraph; plan: Plan } {
  const result = compile('small.map', { readFile: () => SMALL, projectRoot: process.cwd() });
  expect(result.plan, result.diagnostics.map((d) => d.code).join(', ')).to.not.equal(null);
  return { graph: buildMappingGraph(result.schema!, result.plan!), plan: result.plan! };
}

function find(node: ShapeNode, id: string): ShapeNode | undefined {
  if (node.id === id) return node;
  for (const child of node.children) {
    const found = find(child, id);
    if (found) return found;
  }
  return undefined;
}

const rolesOf = (graph: MappingGraph, table: string) => graph.tables.find((t) => t.name === table)?.roles;

describe('graph model', () => {
  it('gives each table the role the plan gives it: streamed, grouped, held for lookups, skipped', () => {
    const { graph } = compileSmall();
    expect(rolesOf(graph, 'parents')).to.deep.equal([{ kind: 'streamed', text: 'streamed: each row builds one P' }]);
    expect(rolesOf(graph, 'children')).to.deep.equal([
      { kind: 'grouped', text: 'grouped by (parent_id) under parents' },
    ]);
    expect(rolesOf(graph, 'kinds')).to.deep.equal([{ kind: 'lookup', text: 'held for lookups on (code)' }]);
    expect(rolesOf(graph, 'unused')).to.deep.equal([{ kind: 'skipped', text: 'skipped: no item reads it' }]);
  });

  it('reads the roles from the plan rather than working them out again', () => {
    const { schema, plan } = compiled('mappings/customer.map');
    expect(rolesOf(buildMappingGraph(schema, plan), 'products')?.map((r) => r.kind)).to.deep.equal(['lookup']);
    const edited: Plan = {
      ...plan,
      tables: plan.tables.map((t) =>
        t.name === 'products'
          ? {
              ...t,
              roles: [{ kind: 'grouped', byColumns: ['sku'], parentTable: 'stock_moves', parentColumns: ['sku'] }],
            }
          : t,
      ),
    };
    expect(rolesOf(buildMappingGraph(schema, edited), 'products')).to.deep.equal([
      { kind: 'grouped', text: 'grouped by (sku) under stock_moves' },
    ]);
  });

  it('lists tables in declaration order with their keys, references, other columns and scan filters', () => {
    const { graph } = compileSmall();
    expect(graph.tables.map((t) => t.name)).to.deep.equal(['parents', 'kinds', 'children', 'unused']);
    const parents = graph.tables[0];
    expect(parents.key).to.deep.equal(['id']);
    expect(parents.references).to.deep.equal([{ column: 'kind_code', table: 'kinds' }]);
    expect(parents.otherColumns).to.equal(1);
    expect(parents.scanFilters).to.deep.equal(['p.name != "A#B"']);
    expect(graph.relations.map((r) => `${r.from}.${r.columns.join()} -> ${r.to}.${r.keyColumns.join()}`)).to.deep.equal(
      ['parents.kind_code -> kinds.code', 'children.parent_id -> parents.id'],
    );
  });

  it('draws the item as a tree: collection with its keep, lookup, aggregate, require', () => {
    const { graph } = compileSmall();
    const [item] = graph.items;
    expect(item).to.include({ kind: 'item', table: 'parents', title: 'item P into t' });
    expect(item.lines).to.include('pk');
    expect(item.children.map((c) => `${c.kind} ${c.id}`)).to.deep.equal([
      'lookup P->p->kinds',
      'collection P.kids',
      'aggregate P.total',
      'require P#require',
    ]);
    expect(find(item, 'P->p->kinds')).to.deep.include({
      table: 'kinds',
      lines: ['by p.kind_code = kinds.code', 'kind = p->kinds.label'],
    });
    const kids = find(item, 'P.kids')!;
    expect(kids).to.deep.include({ table: 'children', lines: ['order by id', 'id', 'n'] });
    expect(kids.children).to.deep.equal([
      { id: 'P.kids#keep', kind: 'keep', title: 'keep kids', lines: ['where n > 0'], table: null, children: [] },
    ]);
    expect(find(item, 'P.total')!.lines).to.deep.equal(['= sum(kids.n)']);
    expect(find(item, 'P#require')!.lines).to.deep.equal(['count(kids) >= 1']);
  });

  it('shows no require when the item has none (product.map keeps moves, requires nothing)', () => {
    const { schema, plan } = compiled('mappings/product.map');
    const [item] = buildMappingGraph(schema, plan).items;
    const kinds = (node: ShapeNode): string[] => [node.kind, ...node.children.flatMap(kinds)];
    expect(kinds(item)).to.include('keep').and.not.include('require');
  });

  it("puts customer.map's keep under orders, the products lookup under lines, require under the item", () => {
    const [item] = customerGraph().items;
    expect(find(item, 'Customer.orders#keep')!.lines).to.deep.equal(['where date >= as_of - 9 months']);
    expect(find(item, 'Customer.orders.lines->l->products')!.table).to.equal('products');
    expect(find(item, 'Customer#require')!.lines).to.deep.equal(['count(orders) >= 1']);
  });

  it('escapes what DOT and Mermaid would read as their own syntax', () => {
    const { graph } = compileSmall();
    const dot = renderDot(graph);
    expect(dot).to.contain('scan filter: p.name != &quot;A#B&quot;').and.contain('where n &gt; 0');
    const mermaid = renderMermaid(graph);
    expect(mermaid).to.contain('p.name != #quot;A#35;B#quot;').and.contain('where n #gt; 0');
    expect(mermaid).to.not.contain('"A#B"');
  });
});
