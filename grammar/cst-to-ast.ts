// Builds the typed AST from Chevrotain's CST. Tolerates the holes that error recovery leaves:
// a missing expression becomes an Error node, a missing name an empty one. The CST is read
// through the generated types of cst-types.ts (`npm run gen:cst`): a label renamed in
// parser.ts is a type error here. Recovery can leave even a required child out, so every
// child list is read as possibly missing.
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import type * as C from './cst-types.js';
import { DURATION_UNITS } from './tokens.js';
import { decodeString, type StringPiece } from './string-literal.js';

/** The rules an expression's CST node can come from. */
type ExprCstNode =
  | C.ExpressionCstNode
  | C.AndExprCstNode
  | C.NotExprCstNode
  | C.ComparisonCstNode
  | C.AdditiveCstNode
  | C.MultiplicativeCstNode
  | C.UnaryCstNode
  | C.PrimaryCstNode;

/** The `index`th child of a list (the first by default), when recovery left one. */
function child<T>(list: readonly T[] | undefined, index = 0): T | undefined {
  return list?.[index];
}

/** A token of the text, not one that recovery made up. */
function realToken(list: readonly IToken[] | undefined, index = 0): IToken | undefined {
  const token = list?.[index];
  return token && !token.isInsertedInRecovery ? token : undefined;
}

/** Parses the `{…}` parts of a template string; supplied by parse.ts (it owns the lexer loop). */
export type TemplatePartParser = (text: string, at: { offset: number; line: number; column: number }) => A.Expr;

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

  // ---- names and strings -------------------------------------------------------------------

  name(node: C.NameCstNode | undefined): A.Name {
    if (!node) return { text: '', span: this.nodeSpan(undefined) };
    const token = realToken(node.children.Identifier) ?? realToken(node.children.QuotedIdentifier);
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
      this.reportStringProblem(problem.message, {
        ...span,
        column: span.column + problem.index,
        offset: span.offset + problem.index,
        endOffset: span.offset + problem.index + problem.length,
      });
    }
    return pieces;
  }

  // ---- declarations ------------------------------------------------------------------------

  mapFile(ctx: C.FileCstChildren): A.MapFile {
    const result: A.MapFile = {
      kind: 'File',
      file: this.file,
      mapping: null,
      imports: [],
      tables: [],
      targets: [],
      items: [],
    };
    for (const node of ctx.mappingDecl ?? []) result.mapping = this.name(child(node.children.name));
    for (const node of ctx.importDecl ?? []) {
      result.imports.push({
        kind: 'Import',
        path: this.plainString(realToken(node.children.StringLiteral)).text,
        span: this.nodeSpan(node),
      });
    }
    for (const node of ctx.tableDecl ?? []) result.tables.push(this.tableDecl(node));
    for (const node of ctx.targetDecl ?? []) result.targets.push(this.targetDecl(node));
    for (const node of ctx.itemDecl ?? []) result.items.push(this.itemDecl(node));
    return result;
  }

  tableDecl(node: C.TableDeclCstNode): A.TableDecl {
    const c = node.children;
    const options: A.FormatOption[] = [];
    for (const block of c.formatBlock ?? []) {
      for (const option of block.children.formatOption ?? []) options.push(this.formatOption(option));
    }
    const key = child(c.compositeKey);
    const optional = realToken(c.Kw_optional);
    return {
      kind: 'Table',
      name: this.name(child(c.name)),
      pattern: this.plainString(realToken(c.StringLiteral)),
      optional: optional ? { span: this.tokenSpan(optional) } : null,
      options,
      columns: (c.columnDecl ?? []).map((col) => this.columnDecl(col)),
      compositeKey: key ? (key.children.name ?? []).map((n) => this.name(n)) : null,
      span: this.nodeSpan(node),
    };
  }

  formatOption(node: C.FormatOptionCstNode): A.FormatOption {
    const c = node.children;
    let value: A.OptionValue;
    const numberToken = realToken(c.NumberLiteral);
    if (c.LBracket) value = { kind: 'list', values: (c.StringLiteral ?? []).map((s) => this.plainString(s).text) };
    else if (c.StringLiteral) value = { kind: 'string', value: this.plainString(realToken(c.StringLiteral)).text };
    else if (numberToken) value = { kind: 'number', value: numberToken.image };
    else value = { kind: 'bool', value: c.Kw_true !== undefined };
    const keywordOption = realToken(c.keywordOption);
    const name = keywordOption
      ? { text: keywordOption.image, span: this.tokenSpan(keywordOption) }
      : this.name(child(c.name));
    return { kind: 'FormatOption', name, value, span: this.nodeSpan(node) };
  }

  columnDecl(node: C.ColumnDeclCstNode): A.ColumnDecl {
    const c = node.children;
    const typeName = this.name(child(c.type));
    const headerToken = realToken(c.StringLiteral);
    const ref = child(c.reference);
    return {
      kind: 'Column',
      name: this.name(child(c.name)),
      type: { name: typeName.text, span: typeName.span },
      nullable: c.Question !== undefined,
      isKey: c.Kw_key !== undefined,
      header: headerToken ? this.plainString(headerToken) : null,
      reference: ref ? this.reference(ref) : null,
      span: this.nodeSpan(node),
    };
  }

  reference(node: C.ReferenceCstNode): A.ReferenceDecl {
    const c = node.children;
    const as = child(c.as);
    const inverse = child(c.inverse);
    return {
      kind: 'Reference',
      target: this.name(child(c.target)),
      as: as ? this.name(as) : null,
      inverse: inverse ? this.name(inverse) : null,
      span: this.nodeSpan(node),
    };
  }

  targetDecl(node: C.TargetDeclCstNode): A.TargetDecl {
    const c = node.children;
    const optional = (list: C.NameCstNode[] | undefined) => {
      const n = child(list);
      return n ? this.name(n) : null;
    };
    return {
      kind: 'Target',
      name: this.name(child(c.name)),
      partitionKey: optional(c.partitionKey),
      sortKey: optional(c.sortKey),
      ttlAttribute: optional(c.ttlAttribute),
      span: this.nodeSpan(node),
    };
  }

  itemDecl(node: C.ItemDeclCstNode): A.ItemDecl {
    const c = node.children;
    const filter = child(c.filter);
    return {
      kind: 'Item',
      name: this.name(child(c.name)),
      target: this.name(child(c.target)),
      root: {
        table: this.name(child(c.rootTable)),
        alias: this.name(child(c.rootAlias)),
        filter: filter ? this.expr(filter) : null,
      },
      members: (c.member ?? []).map((m) => this.member(m)),
      span: this.nodeSpan(node),
    };
  }

  member(node: C.MemberCstNode): A.Member {
    const c = node.children;
    const keep = child(c.keepClause);
    if (keep) {
      const kc = keep.children;
      return {
        kind: 'Keep',
        collection: this.name(child(kc.name)),
        condition: this.expr(child(kc.expression)),
        span: this.nodeSpan(keep),
      };
    }
    const require = child(c.requireClause);
    if (require)
      return {
        kind: 'Require',
        condition: this.expr(child(require.children.expression)),
        span: this.nodeSpan(require),
      };
    const ttl = child(c.ttlClause);
    if (ttl) return { kind: 'Ttl', value: this.expr(child(ttl.children.expression)), span: this.nodeSpan(ttl) };
    const attribute = child(c.attribute);
    const ac: Partial<C.AttributeCstChildren> = attribute?.children ?? {};
    const each = child(ac.eachValue);
    const object = child(ac.objectValue);
    const when = child(ac.when);
    const value: A.AttrValue = each
      ? this.eachValue(each)
      : object
        ? this.objectValue(object)
        : this.expr(child(ac.value));
    return {
      kind: 'Attribute',
      name: this.name(child(ac.name)),
      value,
      when: when ? this.expr(when) : null,
      span: this.nodeSpan(attribute ?? node),
    };
  }

  objectValue(node: C.ObjectValueCstNode): A.ObjectValue {
    return {
      kind: 'Object',
      members: (node.children.member ?? []).map((m) => this.member(m)),
      span: this.nodeSpan(node),
    };
  }

  eachValue(node: C.EachValueCstNode): A.Each {
    const c = node.children;
    const filter = child(c.filter);
    const limit = realToken(c.limit);
    const element = child(c.element);
    return {
      kind: 'Each',
      alias: this.name(child(c.alias)),
      source: this.path(child(c.source)),
      filter: filter ? this.expr(filter) : null,
      orderBy: (c.orderTerm ?? []).map((term) => ({
        expr: this.expr(child(term.children.expression)),
        descending: term.children.Kw_desc !== undefined,
        span: this.nodeSpan(term),
      })),
      limit: limit ? { value: limit.image, span: this.tokenSpan(limit) } : null,
      members: element ? (element.children.member ?? []).map((m) => this.member(m)) : [],
      span: this.nodeSpan(node),
    };
  }

  // ---- expressions -------------------------------------------------------------------------

  /** An expression from the CST node of any expression rule (`expression`, `andExpr`… `primary`). */
  expr(cst: CstNode | undefined): A.Expr {
    if (!cst || cst.recoveredNode) return { kind: 'Error', span: this.nodeSpan(cst) };
    const node = cst as ExprCstNode; // the rule's name tells which
    switch (node.name) {
      case 'expression':
      case 'andExpr':
      case 'additive':
      case 'multiplicative':
        return this.leftAssociative(node);
      case 'notExpr': {
        const inner = child(node.children.notExpr);
        if (inner) return { kind: 'Unary', op: 'not', operand: this.expr(inner), span: this.nodeSpan(node) };
        return this.expr(child(node.children.comparison));
      }
      case 'comparison':
        return this.comparison(node);
      case 'unary': {
        const inner = child(node.children.unary);
        if (inner) return { kind: 'Unary', op: '-', operand: this.expr(inner), span: this.nodeSpan(node) };
        return this.expr(child(node.children.primary));
      }
      case 'primary':
        return this.primary(node);
      default:
        return { kind: 'Error', span: this.nodeSpan(node) };
    }
  }

  private leftAssociative(
    node: C.ExpressionCstNode | C.AndExprCstNode | C.AdditiveCstNode | C.MultiplicativeCstNode,
  ): A.Expr {
    const c = node.children;
    const operands: CstNode[] = c.operands ?? [];
    const operators = c.operators ?? [];
    let result = this.expr(operands[0]);
    for (let i = 1; i < operands.length; i++) {
      const right = this.expr(operands[i]);
      const op = operators[i - 1]?.image as A.BinaryOp;
      result = { kind: 'Binary', op, left: result, right, span: { ...result.span, endOffset: right.span.endOffset } };
    }
    return result;
  }

  private comparison(node: C.ComparisonCstNode): A.Expr {
    const c = node.children;
    const operands = c.operands ?? [];
    const left = this.expr(operands[0]);
    if (c.Kw_is) return { kind: 'IsNull', operand: left, negated: c.Kw_not !== undefined, span: this.nodeSpan(node) };
    if (operands.length < 2) return left;
    const right = this.expr(operands[1]);
    const op = child(c.operator)?.image as A.BinaryOp;
    return { kind: 'Binary', op, left, right, span: this.nodeSpan(node) };
  }

  private primary(node: C.PrimaryCstNode): A.Expr {
    const c = node.children;
    const span = this.nodeSpan(node);
    const number = child(c.numberOrDuration);
    if (number) {
      const digits = realToken(number.children.NumberLiteral);
      const unit = realToken(number.children.unit);
      if (!digits) return { kind: 'Error', span };
      if (unit)
        return {
          kind: 'Duration',
          amount: digits.image,
          unit: DURATION_UNITS[unit.image],
          span: this.nodeSpan(number),
        };
      return { kind: 'Literal', type: 'number', value: digits.image, span };
    }
    const string = realToken(c.StringLiteral);
    if (string) return this.template(string);
    if (c.Kw_true) return { kind: 'Literal', type: 'bool', value: 'true', span };
    if (c.Kw_false) return { kind: 'Literal', type: 'bool', value: 'false', span };
    if (c.Kw_null) return { kind: 'Literal', type: 'null', value: 'null', span };
    if (c.Kw_as_of) return { kind: 'AsOf', span };
    const caseNode = child(c.caseExpr);
    if (caseNode) return this.caseExpr(caseNode);
    const cast = child(c.castExpr);
    if (cast) {
      const cc = cast.children;
      const type = this.name(child(cc.type));
      return {
        kind: 'Cast',
        operand: this.expr(child(cc.expression)),
        type: { name: type.text, span: type.span },
        span: this.nodeSpan(cast),
      };
    }
    const call = child(c.call);
    if (call) {
      const cc = call.children;
      const callee = realToken(cc.callee);
      return {
        kind: 'Call',
        callee: callee ? { text: callee.image, span: this.tokenSpan(callee) } : { text: '', span },
        args: (cc.args ?? []).map((a) => this.expr(a)),
        span: this.nodeSpan(call),
      };
    }
    const path = child(c.path);
    if (path) return this.path(path);
    const inner = child(c.expression);
    if (inner) return this.expr(inner);
    return { kind: 'Error', span };
  }

  private caseExpr(node: C.CaseExprCstNode): A.CaseExpr {
    const c = node.children;
    const conditions = c.conditions ?? [];
    const results = c.results ?? [];
    const otherwise = child(c.otherwise);
    return {
      kind: 'Case',
      branches: conditions.map((cond, i) => ({ when: this.expr(cond), then: this.expr(results[i]) })),
      otherwise: otherwise ? this.expr(otherwise) : null,
      span: this.nodeSpan(node),
    };
  }

  path(node: C.PathCstNode | undefined): A.PathExpr {
    const segments = node ? (node.children.segments ?? []).map((n) => this.name(n)) : [];
    return { kind: 'Path', segments, span: this.nodeSpan(node) };
  }

  private template(token: IToken): A.Expr {
    const span = this.tokenSpan(token);
    const pieces = this.decode(token, true);
    if (pieces.every((p) => p.kind === 'text')) {
      return {
        kind: 'Literal',
        type: 'string',
        value: pieces.map((p) => (p.kind === 'text' ? p.text : '')).join(''),
        span,
      };
    }
    const parts: A.TemplateExpr['parts'] = pieces.map((piece) =>
      piece.kind === 'text'
        ? piece
        : {
            kind: 'expr',
            expr: this.parseTemplatePart(piece.source, {
              offset: span.offset + piece.index,
              line: span.line,
              column: span.column + piece.index,
            }),
          },
    );
    return { kind: 'Template', parts, span };
  }
}
