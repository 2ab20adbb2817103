// Builds the typed AST from Chevrotain's CST. Tolerates the holes that error recovery leaves:
// a missing expression becomes an Error node, a missing name an empty one.
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import { DURATION_UNITS } from './tokens.js';
import { decodeString, type StringPiece } from './string-literal.js';

type Children = Record<string, Array<CstNode | IToken> | undefined>;

/** Parses the `{…}` parts of a template string; supplied by parse.ts (it owns the lexer loop). */
export type TemplatePartParser = (text: string, at: { offset: number; line: number; column: number }) => A.Expr;

function isToken(x: CstNode | IToken | undefined): x is IToken {
  return x !== undefined && 'image' in x;
}

export class AstBuilder {
  constructor(
    private readonly file: string,
    private readonly parseTemplatePart: TemplatePartParser,
    private readonly reportStringProblem: (message: string, span: A.Span) => void,
  ) {}

  // ---- spans -------------------------------------------------------------------------------

  tokenSpan(token: IToken): A.Span {
    return {
      file: this.file,
      line: token.startLine ?? 1,
      column: token.startColumn ?? 1,
      offset: token.startOffset,
      endOffset: (token.endOffset ?? token.startOffset) + 1,
    };
  }

  nodeSpan(node: CstNode | undefined): A.Span {
    const loc = node?.location;
    if (!loc || Number.isNaN(loc.startOffset)) return { file: this.file, line: 1, column: 1, offset: 0, endOffset: 0 };
    return {
      file: this.file,
      line: loc.startLine ?? 1,
      column: loc.startColumn ?? 1,
      offset: loc.startOffset,
      endOffset: Number.isNaN(loc.endOffset ?? NaN) ? loc.startOffset : (loc.endOffset ?? loc.startOffset) + 1,
    };
  }

  private first(children: Children, key: string): CstNode | IToken | undefined {
    return children[key]?.[0];
  }

  private node(children: Children, key: string, index = 0): CstNode | undefined {
    const x = children[key]?.[index];
    return x && !isToken(x) ? x : undefined;
  }

  private token(children: Children, key: string, index = 0): IToken | undefined {
    const x = children[key]?.[index];
    return isToken(x) && !x.isInsertedInRecovery ? x : undefined;
  }

  private nodes(children: Children, key: string): CstNode[] {
    return (children[key] ?? []).filter((x): x is CstNode => !isToken(x));
  }

  // ---- names and strings -------------------------------------------------------------------

  name(node: CstNode | undefined): A.Name {
    if (!node) return { text: '', span: this.nodeSpan(undefined) };
    const token = this.token(node.children, 'Identifier') ?? this.token(node.children, 'QuotedIdentifier');
    if (!token) return { text: '', span: this.nodeSpan(node) };
    const text = token.tokenType.name === 'QuotedIdentifier' ? token.image.slice(1, -1) : token.image;
    return { text, span: this.tokenSpan(token) };
  }

  /** A string used as plain text (file pattern, header, option): `{` has no special meaning. */
  plainString(token: IToken | undefined): { text: string; span: A.Span } {
    if (!token) return { text: '', span: this.nodeSpan(undefined) };
    const span = this.tokenSpan(token);
    const pieces = this.decode(token, false);
    return { text: pieces.map((p) => (p.kind === 'text' ? p.text : '')).join(''), span };
  }

  private decode(token: IToken, interpolate: boolean): StringPiece[] {
    const span = this.tokenSpan(token);
    const { pieces, problems } = decodeString(token.image, interpolate);
    for (const problem of problems) {
      this.reportStringProblem(problem.message, { ...span, column: span.column + problem.index, offset: span.offset + problem.index, endOffset: span.offset + problem.index + problem.length });
    }
    return pieces;
  }

  // ---- declarations ------------------------------------------------------------------------

  mapFile(ctx: Children): A.MapFile {
    const result: A.MapFile = { kind: 'File', file: this.file, mapping: null, imports: [], tables: [], targets: [], items: [] };
    for (const node of this.nodes(ctx, 'mappingDecl')) result.mapping = this.name(this.node(node.children, 'name'));
    for (const node of this.nodes(ctx, 'importDecl')) {
      result.imports.push({ kind: 'Import', path: this.plainString(this.token(node.children, 'StringLiteral')).text, span: this.nodeSpan(node) });
    }
    for (const node of this.nodes(ctx, 'tableDecl')) result.tables.push(this.tableDecl(node));
    for (const node of this.nodes(ctx, 'targetDecl')) result.targets.push(this.targetDecl(node));
    for (const node of this.nodes(ctx, 'itemDecl')) result.items.push(this.itemDecl(node));
    return result;
  }

  tableDecl(node: CstNode): A.TableDecl {
    const c = node.children as Children;
    const options: A.FormatOption[] = [];
    for (const block of this.nodes(c, 'formatBlock')) {
      for (const option of this.nodes(block.children, 'formatOption')) options.push(this.formatOption(option));
    }
    const keys = this.nodes(c, 'compositeKey');
    const optional = this.token(c, 'Kw_optional');
    return {
      kind: 'Table',
      name: this.name(this.node(c, 'name')),
      pattern: this.plainString(this.token(c, 'StringLiteral')),
      optional: optional ? { span: this.tokenSpan(optional) } : null,
      options,
      columns: this.nodes(c, 'columnDecl').map((col) => this.columnDecl(col)),
      compositeKey: keys.length === 0 ? null : this.nodes(keys[0].children, 'name').map((n) => this.name(n)),
      span: this.nodeSpan(node),
    };
  }

  formatOption(node: CstNode): A.FormatOption {
    const c = node.children as Children;
    let value: A.OptionValue;
    const numberToken = this.token(c, 'NumberLiteral');
    if (c.LBracket) value = { kind: 'list', values: (c.StringLiteral ?? []).filter(isToken).map((s) => this.plainString(s).text) };
    else if (c.StringLiteral) value = { kind: 'string', value: this.plainString(this.token(c, 'StringLiteral')).text };
    else if (numberToken) value = { kind: 'number', value: numberToken.image };
    else value = { kind: 'bool', value: c.Kw_true !== undefined };
    const keywordOption = this.token(c, 'keywordOption');
    const name = keywordOption ? { text: keywordOption.image, span: this.tokenSpan(keywordOption) } : this.name(this.node(c, 'name'));
    return { kind: 'FormatOption', name, value, span: this.nodeSpan(node) };
  }

  columnDecl(node: CstNode): A.ColumnDecl {
    const c = node.children as Children;
    const typeName = this.name(this.node(c, 'type'));
    const headerToken = this.token(c, 'StringLiteral');
    const ref = this.node(c, 'reference');
    return {
      kind: 'Column',
      name: this.name(this.node(c, 'name')),
      type: { name: typeName.text, span: typeName.span },
      nullable: c.Question !== undefined,
      isKey: c.Kw_key !== undefined,
      header: headerToken ? this.plainString(headerToken) : null,
      reference: ref ? this.reference(ref) : null,
      span: this.nodeSpan(node),
    };
  }

  reference(node: CstNode): A.ReferenceDecl {
    const c = node.children as Children;
    const as = this.node(c, 'as');
    const inverse = this.node(c, 'inverse');
    return {
      kind: 'Reference',
      target: this.name(this.node(c, 'target')),
      as: as ? this.name(as) : null,
      inverse: inverse ? this.name(inverse) : null,
      span: this.nodeSpan(node),
    };
  }

  targetDecl(node: CstNode): A.TargetDecl {
    const c = node.children as Children;
    const optional = (key: string) => {
      const n = this.node(c, key);
      return n ? this.name(n) : null;
    };
    return {
      kind: 'Target',
      name: this.name(this.node(c, 'name')),
      partitionKey: optional('partitionKey'),
      sortKey: optional('sortKey'),
      ttlAttribute: optional('ttlAttribute'),
      span: this.nodeSpan(node),
    };
  }

  itemDecl(node: CstNode): A.ItemDecl {
    const c = node.children as Children;
    const filter = this.node(c, 'filter');
    return {
      kind: 'Item',
      name: this.name(this.node(c, 'name')),
      target: this.name(this.node(c, 'target')),
      root: {
        table: this.name(this.node(c, 'rootTable')),
        alias: this.name(this.node(c, 'rootAlias')),
        filter: filter ? this.expr(filter) : null,
      },
      members: this.nodes(c, 'member').map((m) => this.member(m)),
      span: this.nodeSpan(node),
    };
  }

  member(node: CstNode): A.Member {
    const c = node.children as Children;
    const inner = this.node(c, 'attribute') ?? this.node(c, 'keepClause') ?? this.node(c, 'requireClause') ?? this.node(c, 'ttlClause');
    const ic = (inner?.children ?? {}) as Children;
    const span = this.nodeSpan(inner ?? node);
    switch (inner?.name) {
      case 'keepClause':
        return { kind: 'Keep', collection: this.name(this.node(ic, 'name')), condition: this.expr(this.node(ic, 'expression')), span };
      case 'requireClause':
        return { kind: 'Require', condition: this.expr(this.node(ic, 'expression')), span };
      case 'ttlClause':
        return { kind: 'Ttl', value: this.expr(this.node(ic, 'expression')), span };
      default: {
        const each = this.node(ic, 'eachValue');
        const object = this.node(ic, 'objectValue');
        const when = this.node(ic, 'when');
        const value: A.AttrValue = each ? this.eachValue(each) : object ? this.objectValue(object) : this.expr(this.node(ic, 'value'));
        return { kind: 'Attribute', name: this.name(this.node(ic, 'name')), value, when: when ? this.expr(when) : null, span };
      }
    }
  }

  objectValue(node: CstNode): A.ObjectValue {
    return { kind: 'Object', members: this.nodes(node.children as Children, 'member').map((m) => this.member(m)), span: this.nodeSpan(node) };
  }

  eachValue(node: CstNode): A.Each {
    const c = node.children as Children;
    const filter = this.node(c, 'filter');
    const limit = this.token(c, 'limit');
    const element = this.node(c, 'element');
    return {
      kind: 'Each',
      alias: this.name(this.node(c, 'alias')),
      source: this.path(this.node(c, 'source')),
      filter: filter ? this.expr(filter) : null,
      orderBy: this.nodes(c, 'orderTerm').map((term) => ({
        expr: this.expr(this.node(term.children as Children, 'expression')),
        descending: term.children.Kw_desc !== undefined,
        span: this.nodeSpan(term),
      })),
      limit: limit ? { value: limit.image, span: this.tokenSpan(limit) } : null,
      members: element ? this.nodes(element.children as Children, 'member').map((m) => this.member(m)) : [],
      span: this.nodeSpan(node),
    };
  }

  // ---- expressions -------------------------------------------------------------------------

  expr(node: CstNode | undefined): A.Expr {
    if (!node || node.recoveredNode) return { kind: 'Error', span: this.nodeSpan(node) };
    const c = node.children as Children;
    switch (node.name) {
      case 'expression':
      case 'andExpr':
      case 'additive':
      case 'multiplicative':
        return this.leftAssociative(node);
      case 'notExpr': {
        const inner = this.node(c, 'notExpr');
        if (inner) return { kind: 'Unary', op: 'not', operand: this.expr(inner), span: this.nodeSpan(node) };
        return this.expr(this.node(c, 'comparison'));
      }
      case 'comparison':
        return this.comparison(node);
      case 'unary': {
        const inner = this.node(c, 'unary');
        if (inner) return { kind: 'Unary', op: '-', operand: this.expr(inner), span: this.nodeSpan(node) };
        return this.expr(this.node(c, 'primary'));
      }
      case 'primary':
        return this.primary(node);
      default:
        return { kind: 'Error', span: this.nodeSpan(node) };
    }
  }

  private leftAssociative(node: CstNode): A.Expr {
    const c = node.children as Children;
    const operands = this.nodes(c, 'operands');
    const operators = (c.operators ?? []).filter(isToken);
    let result = this.expr(operands[0]);
    for (let i = 1; i < operands.length; i++) {
      const right = this.expr(operands[i]);
      const op = operators[i - 1]?.image as A.BinaryOp;
      result = { kind: 'Binary', op, left: result, right, span: { ...result.span, endOffset: right.span.endOffset } };
    }
    return result;
  }

  private comparison(node: CstNode): A.Expr {
    const c = node.children as Children;
    const operands = this.nodes(c, 'operands');
    const left = this.expr(operands[0]);
    if (c.Kw_is) return { kind: 'IsNull', operand: left, negated: c.Kw_not !== undefined, span: this.nodeSpan(node) };
    if (operands.length < 2) return left;
    const right = this.expr(operands[1]);
    const op = (this.first(c, 'operator') as IToken).image as A.BinaryOp;
    return { kind: 'Binary', op, left, right, span: this.nodeSpan(node) };
  }

  private primary(node: CstNode): A.Expr {
    const c = node.children as Children;
    const span = this.nodeSpan(node);
    const number = this.node(c, 'numberOrDuration');
    if (number) {
      const nc = number.children as Children;
      const digits = this.token(nc, 'NumberLiteral');
      const unit = this.token(nc, 'unit');
      if (!digits) return { kind: 'Error', span };
      if (unit) return { kind: 'Duration', amount: digits.image, unit: DURATION_UNITS[unit.image], span: this.nodeSpan(number) };
      return { kind: 'Literal', type: 'number', value: digits.image, span };
    }
    const string = this.token(c, 'StringLiteral');
    if (string) return this.template(string);
    if (c.Kw_true) return { kind: 'Literal', type: 'bool', value: 'true', span };
    if (c.Kw_false) return { kind: 'Literal', type: 'bool', value: 'false', span };
    if (c.Kw_null) return { kind: 'Literal', type: 'null', value: 'null', span };
    if (c.Kw_as_of) return { kind: 'AsOf', span };
    const caseNode = this.node(c, 'caseExpr');
    if (caseNode) return this.caseExpr(caseNode);
    const cast = this.node(c, 'castExpr');
    if (cast) {
      const cc = cast.children as Children;
      const type = this.name(this.node(cc, 'type'));
      return { kind: 'Cast', operand: this.expr(this.node(cc, 'expression')), type: { name: type.text, span: type.span }, span: this.nodeSpan(cast) };
    }
    const call = this.node(c, 'call');
    if (call) {
      const cc = call.children as Children;
      const callee = this.token(cc, 'callee');
      return {
        kind: 'Call',
        callee: callee ? { text: callee.image, span: this.tokenSpan(callee) } : { text: '', span },
        args: this.nodes(cc, 'args').map((a) => this.expr(a)),
        span: this.nodeSpan(call),
      };
    }
    const path = this.node(c, 'path');
    if (path) return this.path(path);
    const inner = this.node(c, 'expression');
    if (inner) return this.expr(inner);
    return { kind: 'Error', span };
  }

  private caseExpr(node: CstNode): A.CaseExpr {
    const c = node.children as Children;
    const conditions = this.nodes(c, 'conditions');
    const results = this.nodes(c, 'results');
    const otherwise = this.node(c, 'otherwise');
    return {
      kind: 'Case',
      branches: conditions.map((cond, i) => ({ when: this.expr(cond), then: this.expr(results[i]) })),
      otherwise: otherwise ? this.expr(otherwise) : null,
      span: this.nodeSpan(node),
    };
  }

  path(node: CstNode | undefined): A.PathExpr {
    const segments = node ? this.nodes(node.children as Children, 'segments').map((n) => this.name(n)) : [];
    return { kind: 'Path', segments, span: this.nodeSpan(node) };
  }

  private template(token: IToken): A.Expr {
    const span = this.tokenSpan(token);
    const pieces = this.decode(token, true);
    if (pieces.every((p) => p.kind === 'text')) {
      return { kind: 'Literal', type: 'string', value: pieces.map((p) => (p.kind === 'text' ? p.text : '')).join(''), span };
    }
    const parts: A.TemplateExpr['parts'] = pieces.map((piece) =>
      piece.kind === 'text'
        ? piece
        : { kind: 'expr', expr: this.parseTemplatePart(piece.source, { offset: span.offset + piece.index, line: span.line, column: span.column + piece.index }) },
    );
    return { kind: 'Template', parts, span };
  }
}
