import { expect } from 'chai';
import type { Attribute, Expr } from '../../grammar/ast.js';
import { parse } from '../../grammar/parse.js';

const itemWith = (body: string) => `item I into t {\n  from x as a\n${body}\n}\n`;

function firstAttribute(source: string): Attribute {
  const { ast, problems } = parse(source, 'test.map');
  expect(problems, JSON.stringify(problems)).to.deep.equal([]);
  return ast.items[0].members[0] as Attribute;
}

const valueOf = (body: string) => firstAttribute(itemWith(body)).value as Expr;

describe('grammar: parse', () => {
  it('gives every node a span with file, line, column and offsets', () => {
    const source = 'table t from "t.csv" {\n  id int key\n}\n';
    const { ast } = parse(source, 'spans.map');
    const column = ast.tables[0].columns[0];
    expect(column.name.span).to.include({ file: 'spans.map', line: 2, column: 3 });
    expect(source.slice(column.name.span.offset, column.name.span.endOffset)).to.equal('id');
    expect(source.slice(ast.tables[0].pattern.span.offset, ast.tables[0].pattern.span.endOffset)).to.equal('"t.csv"');
  });

  it("reads `optional` after a table's pattern, with its span; a table without it is not optional", () => {
    const source = 'table t from "t*.csv" optional {\n  id int key\n}\ntable u from "u.csv" {\n  id int key\n}\n';
    const { ast, problems } = parse(source, 'optional.map');
    expect(problems).to.deep.equal([]);
    const [optional, required] = ast.tables;
    expect(optional.optional?.span).to.include({ file: 'optional.map', line: 1, column: 23 });
    expect(source.slice(optional.optional!.span.offset, optional.optional!.span.endOffset)).to.equal('optional');
    expect(required.optional).to.equal(null);
  });

  it("names `optional` as well as `{` when something else follows a table's pattern", () => {
    const { problems } = parse('table t from "t.csv" optinal {\n  id int key\n}\n', 'typo.map');
    expect(problems.map((p) => [p.message, p.span.column])).to.deep.equal([
      ['expected `optional` or `{` but found `optinal`', 22],
    ]);
  });

  it('reads templates into text and expression parts, with spans inside the string', () => {
    const source = itemWith('  pk = "CUST#{a.id}/{a.region}"');
    const value = firstAttribute(source).value;
    expect(value.kind).to.equal('Template');
    if (value.kind !== 'Template') return;
    expect(value.parts.map((p) => p.kind)).to.deep.equal(['text', 'expr', 'text', 'expr']);
    const inner = value.parts[1];
    if (inner.kind !== 'expr') return;
    expect(source.slice(inner.expr.span.offset, inner.expr.span.endOffset)).to.equal('a.id');
  });

  it('decodes escapes, and a \\{ stays a brace', () => {
    const value = valueOf('  s = "tab\\there \\"q\\" \\{x\\} \\u00e9"');
    expect(value).to.include({ kind: 'Literal', type: 'string', value: 'tab\there "q" {x} é' });
  });

  it('reads durations after numbers, but a column named like a unit stays a name', () => {
    const value = valueOf('  d = as_of - 9 months');
    expect(value.kind === 'Binary' && value.right).to.include({ kind: 'Duration', amount: '9', unit: 'month' });
    const { ast, problems } = parse('table t from "t" {\n  month int\n  days int\n}\n', 'units.map');
    expect(problems).to.deep.equal([]);
    expect(ast.tables[0].columns.map((c) => c.name.text)).to.deep.equal(['month', 'days']);
  });

  it('keeps numbers as their exact text', () => {
    const value = valueOf('  n = 123456789012345678901234567890.000000001');
    expect(value).to.include({ kind: 'Literal', type: 'number', value: '123456789012345678901234567890.000000001' });
  });

  it('binds operators by precedence: and over or, * over +, comparison over and', () => {
    const value = valueOf('  b = a.x + a.y * 2 > 3 or a.z == 1 and not a.w');
    expect(value.kind).to.equal('Binary');
    if (value.kind !== 'Binary') return;
    expect(value.op).to.equal('or');
    expect(value.left.kind === 'Binary' && value.left.op).to.equal('>');
    expect(value.right.kind === 'Binary' && value.right.op).to.equal('and');
  });

  it('accepts a keyword as a name in backticks, and explains the plain keyword', () => {
    expect(firstAttribute(itemWith('  `order` = a.x')).name.text).to.equal('order');
    const { problems } = parse(itemWith('  order = a.x'), 'kw.map');
    expect(problems[0].message).to.contain('`order` is a keyword');
    expect(problems[0].keywordUsedAsName).to.equal('order');
  });

  it('recovers: three broken lines give three problems, and the rest still parses', () => {
    const source =
      'table t from "t.csv" {\n  id int key\n  name = string\n}\n\ntable u from {\n  id int key\n}\n\ntable v from "v.csv" {\n  id int key\n  x int -> \n}\n';
    const { ast, problems } = parse(source, 'recover.map');
    expect(problems.map((p) => p.span.line)).to.deep.equal([3, 6, 13]);
    expect(ast.tables.map((t) => t.name.text)).to.include.members(['t', 'v']);
  });

  it('points at the end of the file when a brace is missing there', () => {
    const source = 'table t from "t.csv" {\n  id int key\n';
    const { problems } = parse(source, 'eof.map');
    expect(problems).to.have.length(1);
    expect(problems[0].span.line).to.equal(2);
    expect(problems[0].message).to.contain('`}`');
  });

  it('reports an unterminated string and an unexpected character with their positions', () => {
    const { problems } = parse('table t from "t.csv {\n  id int key $\n}\n', 'lex.map');
    expect(problems.map((p) => [p.kind, p.span.line, p.span.column])).to.deep.include.members([
      ['unterminated-string', 1, 14],
      ['unexpected-character', 2, 14],
    ]);
  });

  it('keeps comments with their spans for the formatter', () => {
    const { comments } = parse('# head\ntable t from "t" { # trailing\n  id int key\n}\n', 'c.map');
    expect(comments.map((c) => [c.text, c.span.line])).to.deep.equal([
      ['# head', 1],
      ['# trailing', 2],
    ]);
  });
});
