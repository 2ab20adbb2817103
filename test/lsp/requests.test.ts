// The language server's answers, driven over JSON-RPC as an editor drives them: completion at a
// dozen places, hover texts, definitions, references, rename (applied and compiled again), a
// change in an imported file, symbols, semantic tokens and formatting.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from '../../compiler/compile.js';
import { AGGREGATES, FUNCTIONS } from '../../compiler/items/functions.js';
import { formatMap } from '../../grammar/format.js';
import { FUNCTION_DOCS } from '../../lsp/function-docs.js';
import { copySampleWorkspace } from './fixture-workspace.js';
import { LspClient, positionOf, uriOf, type Position } from './lsp-client.js';

interface Range {
  start: Position;
  end: Position;
}
interface TextEdit {
  range: Range;
  newText: string;
}
interface Hover {
  contents: { value: string };
}
interface Location {
  uri: string;
  range: Range;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const offset = (p: Position) =>
    text
      .split('\n')
      .slice(0, p.line)
      .reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

describe('language server requests', function () {
  this.timeout(60000);
  const ws = copySampleWorkspace();
  const customer = readFileSync(ws.customer, 'utf8');
  const warehouse = readFileSync(ws.warehouse, 'utf8');
  let client: LspClient;
  before(async () => {
    client = await LspClient.start(ws.root);
    expect(await client.open(ws.customer, customer)).to.deep.equal([]);
  });
  after(async () => client?.stop());

  const labels = async (text: string, position: Position) => {
    await client.change(ws.customer, text);
    const items = await client.request<Array<{ label: string }>>('textDocument/completion', ws.customer, position);
    return items.map((i) => i.label);
  };
  const hover = async (needle: string, shift: number, nth = 0) =>
    (await client.request<Hover>('textDocument/hover', ws.customer, positionOf(customer, needle, shift, nth))).contents
      .value;
  const definition = (needle: string, shift: number) =>
    client.request<Location>('textDocument/definition', ws.customer, positionOf(customer, needle, shift));
  const lineOf = (text: string, needle: string) => positionOf(text, needle).line;

  describe('completion', () => {
    const at = async (from: string, to: string, shift = to.length) => {
      const text = customer.replace(from, to);
      return labels(text, positionOf(text, to, shift));
    };
    after(async () => client.change(ws.customer, customer));

    it('after `c.` lists exactly the columns and relationships of customers', async () => {
      expect(await at('name    = c.name', 'name    = c.')).to.have.members([
        'customer_id',
        'name',
        'email',
        'segment',
        'country',
        'created_at',
        'orders',
      ]);
    });
    it('after `o.` the columns of orders, its lookup and its collections', async () => {
      expect(await at('channel = coalesce(o.channel, "web")', 'channel = o.')).to.have.members([
        'order_id',
        'customer_id',
        'order_date',
        'status',
        'channel',
        'customers',
        'order_lines',
        'payments',
      ]);
    });
    it('after a lookup `l.products.` the columns and relationships of products', async () => {
      expect(await at('category    = l.products.category', 'category    = l.products.')).to.have.members([
        'sku',
        'description',
        'category',
        'list_price',
        'order_lines',
        'stock_moves',
      ]);
    });
    it('a partly typed name completes in the same place: `c.em`', async () => {
      expect(await at('name    = c.name', 'name    = c.em'))
        .to.include('email')
        .and.to.include('orders');
    });
    it('inside an aggregate, the embedded collections; after `lines.`, their attributes', async () => {
      expect(await at('total   = sum(lines.amount)', 'total   = sum(')).to.have.members(['lines', 'payments']);
      expect(await at('total   = sum(lines.amount)', 'total   = sum(lines.')).to.have.members([
        'line',
        'sku',
        'description',
        'category',
        'qty',
        'amount',
      ]);
    });
    it('after `from` in an item, the tables', async () => {
      expect(await at('from customers as c', 'from ', 5)).to.have.members([
        'customers',
        'orders',
        'order_lines',
        'products',
        'payments',
        'warehouses',
        'stock_moves',
        'audit_log',
      ]);
    });
    it('after `into`, the targets; after `in`, the rows in scope; after `keep`, the collections', async () => {
      expect(await at('into app_table', 'into ', 5)).to.deep.equal(['app_table']);
      expect(await at('each p in o.payments', 'each p in ', 10)).to.have.members(['c', 'o']);
      expect(await at('keep orders where', 'keep ', 5)).to.deep.equal(['orders']);
    });
    it('where an expression starts: rows, attributes, functions and keywords, no tables', async () => {
      const list = await at('segment = c.segment', 'segment = ', 10);
      expect(list).to.include.members(['c', 'name', 'lower', 'coalesce', 'sum', 'case', 'not', 'as_of']);
      expect(list).not.to.include('customers');
      expect(list).not.to.include('table');
    });
    it('at the top level, the keywords that start a declaration', async () => {
      expect(await labels(`${customer}\n`, { line: customer.split('\n').length, character: 0 })).to.have.members([
        'mapping',
        'import',
        'table',
        'target',
        'item',
      ]);
    });
    it('after `->` in a table, the tables; after a column name, the column types', async () => {
      const text = `${customer}\ntable notes from "notes*.csv" {\n  note_id int key\n  customer_id int -> \n}\n`;
      expect(await labels(text, positionOf(text, 'int -> ', 7))).to.include.members(['customers', 'orders']);
      const typing = `${customer}\ntable notes from "notes*.csv" {\n  note_id \n}\n`;
      expect(await labels(typing, positionOf(typing, 'note_id ', 8))).to.have.members([
        'string',
        'int',
        'decimal',
        'float',
        'bool',
        'date',
        'timestamp',
      ]);
    });
    it('nothing in a comment', async () => {
      expect(await labels(customer, positionOf(customer, '# One item', 6))).to.deep.equal([]);
    });
  });

  describe('hover', () => {
    it('on a column: its table, type, nullability and header', async () => {
      const text = await hover('c.country', 3);
      expect(text)
        .to.include('column of table `customers`')
        .and.to.include('type `string`')
        .and.to.include('not nullable')
        .and.to.include('header `country_code`');
      expect(await hover('c.email is', 3)).to.include('· nullable ·');
    });
    it('on a path: each step with its table and the direction of the relationship', async () => {
      const text = await hover('l.products.description', 4);
      expect(text)
        .to.include('`l`: a row of `order_lines`')
        .and.to.include('`.products` → `products`: many-to-one')
        .and.to.include('`.description`: column of `products`, string');
      expect(await hover('c.orders', 3)).to.include('`.orders` → `orders`: one-to-many');
    });
    it('on an attribute: its type and the type of its value', async () => {
      expect(await hover('amount      = round', 1))
        .to.include('**amount**: attribute, decimal')
        .and.to.include('value: decimal');
      expect(await hover('email   = lower', 1))
        .to.include('**email**: attribute, string, nullable')
        .and.to.include('left out when');
      expect(await hover('lines = each', 1))
        .to.include('list of objects')
        .and.to.include('`amount`');
    });
    it('on a function: its signature and a line of documentation', async () => {
      expect(await hover('coalesce(o.channel', 2))
        .to.include('coalesce(a, b, …)')
        .and.to.include('first argument that is not null');
      expect(await hover('epoch_seconds(', 2)).to.include('epoch_seconds(t: date | timestamp): int');
    });
  });

  describe('definition and references', () => {
    it('goes to columns and tables in the imported file, to aliases, attributes read by aggregates, targets and imports', async () => {
      const at = (loc: Location) =>
        `${loc.uri === uriOf(ws.warehouse) ? 'warehouse' : loc.uri === uriOf(ws.customer) ? 'customer' : loc.uri}:${loc.range.start.line}:${loc.range.start.character}`;
      expect(at(await definition('c.email', 3))).to.equal(`warehouse:${positionOf(warehouse, 'email').line}:2`);
      expect(at(await definition('from customers', 6))).to.equal(`warehouse:${lineOf(warehouse, 'table customers')}:6`);
      expect(at(await definition('c.email', 0))).to.equal(
        `customer:${lineOf(customer, 'customers as c')}:${positionOf(customer, 'as c', 3).character}`,
      );
      expect(at(await definition('sum(lines.amount)', 11))).to.equal(
        `customer:${lineOf(customer, 'amount      = round')}:6`,
      );
      expect(at(await definition('sum(orders.total)', 12))).to.equal(`customer:${lineOf(customer, 'total   = sum')}:4`);
      expect(at(await definition('keep orders', 6))).to.equal(`customer:${lineOf(customer, 'orders = each')}:2`);
      expect(at(await definition('into app_table', 6))).to.equal(
        `warehouse:${lineOf(warehouse, 'target app_table')}:7`,
      );
      expect(at(await definition('import "', 9))).to.equal('warehouse:0:0');
    });
    it('finds every use of a column across the importing mappings', async () => {
      const found = await client.request<Location[]>(
        'textDocument/references',
        ws.customer,
        positionOf(customer, 'o.order_date desc', 3),
        { context: { includeDeclaration: true } },
      );
      expect(
        found.map((l) => `${l.uri === uriOf(ws.warehouse) ? 'warehouse' : 'customer'}:${l.range.start.line}`).sort(),
      ).to.deep.equal(
        [
          `customer:${lineOf(customer, 'o.order_date desc')}`,
          `customer:${lineOf(customer, 'date    = o.order_date')}`,
          `warehouse:${lineOf(warehouse, 'order_date  date')}`,
        ].sort(),
      );
    });
  });

  describe('rename', () => {
    it('of order_date updates the table, the paths and the order by, and keeps reading the same header', async () => {
      const edit = await client.request<{ changes: Record<string, TextEdit[]> }>(
        'textDocument/rename',
        ws.customer,
        positionOf(customer, 'o.order_date desc', 3),
        { newName: 'ordered_on' },
      );
      expect(Object.keys(edit.changes).sort()).to.deep.equal([uriOf(ws.customer), uriOf(ws.warehouse)].sort());
      const renamedCustomer = applyEdits(customer, edit.changes[uriOf(ws.customer)]);
      const renamedWarehouse = applyEdits(warehouse, edit.changes[uriOf(ws.warehouse)]);
      expect(renamedCustomer)
        .to.include('order by o.ordered_on desc')
        .and.to.include('date    = o.ordered_on')
        .and.not.to.include('order_date');
      expect(renamedWarehouse).to.include('ordered_on  date header "order_date"');
      const result = compile(ws.customer, {
        readFile: (p) =>
          p === ws.customer ? renamedCustomer : p === ws.warehouse ? renamedWarehouse : readFileSync(p, 'utf8'),
      });
      expect(result.diagnostics).to.deep.equal([]);
      const orders = result.plan!.tables.find((t) => t.name === 'orders')!;
      expect(orders.columns.find((c) => c.name === 'ordered_on')?.header).to.equal('order_date');
    });
    it('of an alias and of an attribute stays in the file; a keyword is not a name', async () => {
      const alias = await client.request<{ changes: Record<string, TextEdit[]> }>(
        'textDocument/rename',
        ws.customer,
        positionOf(customer, 'l.qty', 0),
        { newName: 'line' },
      );
      expect(applyEdits(customer, alias.changes[uriOf(ws.customer)]))
        .to.include('each line in o.order_lines order by line.line_no')
        .and.to.include('round(line.qty * line.unit_price, 2)');
      const attr = await client.request<{ changes: Record<string, TextEdit[]> }>(
        'textDocument/rename',
        ws.customer,
        positionOf(customer, 'sum(lines.amount)', 11),
        { newName: 'value' },
      );
      const renamed = applyEdits(customer, attr.changes[uriOf(ws.customer)]);
      expect(renamed)
        .to.include('value      = round')
        .and.to.include('sum(lines.value)')
        .and.to.include('sum(payments.amount)');
      const error = await client
        .request('textDocument/rename', ws.customer, positionOf(customer, 'l.qty', 0), { newName: '9lives' })
        .catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
    });
  });

  describe('a change in an imported file', () => {
    after(async () => {
      await client.change(ws.warehouse, warehouse);
    });
    it('re-checks the mapping that imports it', async () => {
      await client.open(ws.warehouse, warehouse);
      const importer = client.nextDiagnostics(uriOf(ws.customer));
      await client.change(ws.warehouse, warehouse.replace('  segment     string', '  segmnt      string'));
      const diagnostics = await importer;
      expect(diagnostics.map((d) => `${d.code}@${d.range.start.line}`)).to.deep.equal([
        `MAP0302@${lineOf(customer, 'c.segment !=')}`,
        `MAP0302@${lineOf(customer, 'segment = c.segment')}`,
      ]);
      const fixed = client.nextDiagnostics(uriOf(ws.customer));
      await client.change(ws.warehouse, warehouse);
      expect(await fixed).to.deep.equal([]);
    });
  });

  describe('symbols, semantic tokens, formatting', () => {
    it('outlines the item with its nested collections', async () => {
      interface Symbol {
        name: string;
        children?: Symbol[];
      }
      const symbols = await client.request<Symbol[]>('textDocument/documentSymbol', ws.customer);
      const item = symbols.find((s) => s.name === 'Customer')!;
      const orders = item.children!.find((c) => c.name === 'orders')!;
      expect(orders.children!.map((c) => c.name)).to.include.members(['id', 'lines', 'payments', 'total']);
      expect(orders.children!.find((c) => c.name === 'lines')!.children!.map((c) => c.name)).to.include('amount');
    });
    it('marks tables, columns, relationships, aliases, attributes and functions', async () => {
      const { data } = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', ws.customer);
      expect(data.length % 5).to.equal(0);
      let line = 0;
      let character = 0;
      const tokens: string[] = [];
      for (let i = 0; i < data.length; i += 5) {
        line += data[i];
        character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
        tokens.push(`${customer.split('\n')[line].slice(character, character + data[i + 2])}:${data[i + 3]}`);
      }
      const typeOf = (name: string) => tokens.find((t) => t.startsWith(`${name}:`))?.split(':')[1];
      // Legend order: class (table), namespace (target), property (column), enumMember (relationship), parameter (alias), variable (attribute), function.
      expect(
        ['customers', 'app_table', 'segment', 'order_lines', 'c', 'pk', 'lower'].map(typeOf),
        tokens.join(' '),
      ).to.deep.equal(['0', '1', '2', '3', '4', '5', '6']);
    });
    it('formats as mapc fmt does, and leaves broken text alone', async () => {
      const messy = customer
        .replace('name    = c.name', 'name=c.name')
        .replace('  sk      = "PROFILE"', '      sk = "PROFILE"');
      await client.change(ws.customer, messy);
      const edits = await client.request<TextEdit[]>('textDocument/formatting', ws.customer, undefined, {
        options: { tabSize: 2, insertSpaces: true },
      });
      expect(applyEdits(messy, edits))
        .to.equal((formatMap(messy, 'x.map') as { text: string }).text)
        .and.to.equal(customer);
      await client.change(ws.customer, `${customer}\nitem {`);
      expect(
        await client.request('textDocument/formatting', ws.customer, undefined, {
          options: { tabSize: 2, insertSpaces: true },
        }),
      ).to.deep.equal([]);
      await client.change(ws.customer, customer);
    });
  });

  it('documents every function the compiler knows, and no other', () => {
    expect(Object.keys(FUNCTION_DOCS).sort()).to.deep.equal([...Object.keys(FUNCTIONS), ...AGGREGATES].sort());
  });

  it('leaves the files on disk as they were', () => {
    expect(readFileSync(ws.customer, 'utf8')).to.equal(customer);
    writeFileSync(ws.customer, customer);
  });
});
