// Generated from grammar/parser.ts by `npm run gen:cst` (grammar/cst-types-source.ts): do not edit.
// test/grammar/cst-types.test.ts fails when the parser changes and this file is not regenerated.
import type { CstNode, IToken } from "chevrotain";

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  mappingDecl?: MappingDeclCstNode[];
  importDecl?: ImportDeclCstNode[];
  tableDecl?: TableDeclCstNode[];
  targetDecl?: TargetDeclCstNode[];
  itemDecl?: ItemDeclCstNode[];
};

export interface NameCstNode extends CstNode {
  name: "name";
  children: NameCstChildren;
}

export type NameCstChildren = {
  Identifier?: IToken[];
  QuotedIdentifier?: IToken[];
};

export interface MappingDeclCstNode extends CstNode {
  name: "mappingDecl";
  children: MappingDeclCstChildren;
}

export type MappingDeclCstChildren = {
  Kw_mapping: IToken[];
  name: NameCstNode[];
};

export interface ImportDeclCstNode extends CstNode {
  name: "importDecl";
  children: ImportDeclCstChildren;
}

export type ImportDeclCstChildren = {
  Kw_import: IToken[];
  StringLiteral: IToken[];
};

export interface TableDeclCstNode extends CstNode {
  name: "tableDecl";
  children: TableDeclCstChildren;
}

export type TableDeclCstChildren = {
  Kw_table: IToken[];
  name: NameCstNode[];
  Kw_from: IToken[];
  StringLiteral: IToken[];
  Kw_optional?: IToken[];
  LBrace: IToken[];
  formatBlock?: FormatBlockCstNode[];
  compositeKey?: CompositeKeyCstNode[];
  columnDecl?: ColumnDeclCstNode[];
  RBrace: IToken[];
};

export interface FormatBlockCstNode extends CstNode {
  name: "formatBlock";
  children: FormatBlockCstChildren;
}

export type FormatBlockCstChildren = {
  Kw_format: IToken[];
  LBrace: IToken[];
  formatOption?: FormatOptionCstNode[];
  RBrace: IToken[];
};

export interface FormatOptionCstNode extends CstNode {
  name: "formatOption";
  children: FormatOptionCstChildren;
}

export type FormatOptionCstChildren = {
  name?: NameCstNode[];
  keywordOption?: (IToken)[];
  Assign: IToken[];
  StringLiteral?: (IToken)[];
  NumberLiteral?: IToken[];
  Kw_true?: IToken[];
  Kw_false?: IToken[];
  LBracket?: IToken[];
  Comma?: IToken[];
  RBracket?: IToken[];
};

export interface CompositeKeyCstNode extends CstNode {
  name: "compositeKey";
  children: CompositeKeyCstChildren;
}

export type CompositeKeyCstChildren = {
  Kw_key: IToken[];
  LParen: IToken[];
  name: NameCstNode[];
  Comma?: IToken[];
  RParen: IToken[];
};

export interface ColumnDeclCstNode extends CstNode {
  name: "columnDecl";
  children: ColumnDeclCstChildren;
}

export type ColumnDeclCstChildren = {
  name: NameCstNode[];
  type: NameCstNode[];
  Question?: IToken[];
  Kw_key?: IToken[];
  reference?: ReferenceCstNode[];
  Kw_header?: IToken[];
  StringLiteral?: IToken[];
};

export interface ReferenceCstNode extends CstNode {
  name: "reference";
  children: ReferenceCstChildren;
}

export type ReferenceCstChildren = {
  Arrow: IToken[];
  target: NameCstNode[];
  Kw_as?: IToken[];
  as?: NameCstNode[];
  Kw_inverse?: IToken[];
  inverse?: NameCstNode[];
};

export interface TargetDeclCstNode extends CstNode {
  name: "targetDecl";
  children: TargetDeclCstChildren;
}

export type TargetDeclCstChildren = {
  Kw_target: IToken[];
  name: NameCstNode[];
  LBrace: IToken[];
  Kw_partition?: IToken[];
  Kw_key?: (IToken)[];
  partitionKey?: NameCstNode[];
  Kw_sort?: IToken[];
  sortKey?: NameCstNode[];
  Kw_ttl?: IToken[];
  ttlAttribute?: NameCstNode[];
  RBrace: IToken[];
};

export interface ItemDeclCstNode extends CstNode {
  name: "itemDecl";
  children: ItemDeclCstChildren;
}

export type ItemDeclCstChildren = {
  Kw_item: IToken[];
  name: NameCstNode[];
  Kw_into: IToken[];
  target: NameCstNode[];
  LBrace: IToken[];
  Kw_from: IToken[];
  rootTable: NameCstNode[];
  Kw_as: IToken[];
  rootAlias: NameCstNode[];
  Kw_where?: IToken[];
  filter?: ExpressionCstNode[];
  member?: MemberCstNode[];
  RBrace: IToken[];
};

export interface MemberCstNode extends CstNode {
  name: "member";
  children: MemberCstChildren;
}

export type MemberCstChildren = {
  attribute?: AttributeCstNode[];
  keepClause?: KeepClauseCstNode[];
  requireClause?: RequireClauseCstNode[];
  ttlClause?: TtlClauseCstNode[];
};

export interface AttributeCstNode extends CstNode {
  name: "attribute";
  children: AttributeCstChildren;
}

export type AttributeCstChildren = {
  name: NameCstNode[];
  Assign: IToken[];
  eachValue?: EachValueCstNode[];
  objectValue?: ObjectValueCstNode[];
  value?: ExpressionCstNode[];
  Kw_when?: IToken[];
  when?: ExpressionCstNode[];
};

export interface ObjectValueCstNode extends CstNode {
  name: "objectValue";
  children: ObjectValueCstChildren;
}

export type ObjectValueCstChildren = {
  LBrace: IToken[];
  member?: MemberCstNode[];
  RBrace: IToken[];
};

export interface EachValueCstNode extends CstNode {
  name: "eachValue";
  children: EachValueCstChildren;
}

export type EachValueCstChildren = {
  Kw_each: IToken[];
  alias: NameCstNode[];
  Kw_in: IToken[];
  source: PathCstNode[];
  Kw_where?: IToken[];
  filter?: ExpressionCstNode[];
  Kw_order?: IToken[];
  Kw_by?: IToken[];
  orderTerm?: OrderTermCstNode[];
  Comma?: IToken[];
  Kw_limit?: IToken[];
  limit?: IToken[];
  element: ObjectValueCstNode[];
};

export interface OrderTermCstNode extends CstNode {
  name: "orderTerm";
  children: OrderTermCstChildren;
}

export type OrderTermCstChildren = {
  expression: ExpressionCstNode[];
  Kw_asc?: IToken[];
  Kw_desc?: IToken[];
};

export interface KeepClauseCstNode extends CstNode {
  name: "keepClause";
  children: KeepClauseCstChildren;
}

export type KeepClauseCstChildren = {
  Kw_keep: IToken[];
  name: NameCstNode[];
  Kw_where: IToken[];
  expression: ExpressionCstNode[];
};

export interface RequireClauseCstNode extends CstNode {
  name: "requireClause";
  children: RequireClauseCstChildren;
}

export type RequireClauseCstChildren = {
  Kw_require: IToken[];
  expression: ExpressionCstNode[];
};

export interface TtlClauseCstNode extends CstNode {
  name: "ttlClause";
  children: TtlClauseCstChildren;
}

export type TtlClauseCstChildren = {
  Kw_ttl: IToken[];
  Assign: IToken[];
  expression: ExpressionCstNode[];
};

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  operands: (AndExprCstNode)[];
  operators?: IToken[];
};

export interface AndExprCstNode extends CstNode {
  name: "andExpr";
  children: AndExprCstChildren;
}

export type AndExprCstChildren = {
  operands: (NotExprCstNode)[];
  operators?: IToken[];
};

export interface NotExprCstNode extends CstNode {
  name: "notExpr";
  children: NotExprCstChildren;
}

export type NotExprCstChildren = {
  Kw_not?: IToken[];
  notExpr?: NotExprCstNode[];
  comparison?: ComparisonCstNode[];
};

export interface ComparisonCstNode extends CstNode {
  name: "comparison";
  children: ComparisonCstChildren;
}

export type ComparisonCstChildren = {
  operands: (AdditiveCstNode)[];
  operator?: (IToken)[];
  Kw_is?: IToken[];
  Kw_not?: IToken[];
  Kw_null?: IToken[];
};

export interface AdditiveCstNode extends CstNode {
  name: "additive";
  children: AdditiveCstChildren;
}

export type AdditiveCstChildren = {
  operands: (MultiplicativeCstNode)[];
  operators?: (IToken)[];
};

export interface MultiplicativeCstNode extends CstNode {
  name: "multiplicative";
  children: MultiplicativeCstChildren;
}

export type MultiplicativeCstChildren = {
  operands: (UnaryCstNode)[];
  operators?: (IToken)[];
};

export interface UnaryCstNode extends CstNode {
  name: "unary";
  children: UnaryCstChildren;
}

export type UnaryCstChildren = {
  Minus?: IToken[];
  unary?: UnaryCstNode[];
  primary?: PrimaryCstNode[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  numberOrDuration?: NumberOrDurationCstNode[];
  StringLiteral?: IToken[];
  Kw_true?: IToken[];
  Kw_false?: IToken[];
  Kw_null?: IToken[];
  Kw_as_of?: IToken[];
  caseExpr?: CaseExprCstNode[];
  castExpr?: CastExprCstNode[];
  call?: CallCstNode[];
  path?: PathCstNode[];
  LParen?: IToken[];
  expression?: ExpressionCstNode[];
  RParen?: IToken[];
};

export interface NumberOrDurationCstNode extends CstNode {
  name: "numberOrDuration";
  children: NumberOrDurationCstChildren;
}

export type NumberOrDurationCstChildren = {
  NumberLiteral: IToken[];
  unit?: IToken[];
};

export interface CallCstNode extends CstNode {
  name: "call";
  children: CallCstChildren;
}

export type CallCstChildren = {
  callee: IToken[];
  LParen: IToken[];
  args?: ExpressionCstNode[];
  Comma?: IToken[];
  RParen: IToken[];
};

export interface CastExprCstNode extends CstNode {
  name: "castExpr";
  children: CastExprCstChildren;
}

export type CastExprCstChildren = {
  Kw_cast: IToken[];
  LParen: IToken[];
  expression: ExpressionCstNode[];
  Kw_as: IToken[];
  type: NameCstNode[];
  RParen: IToken[];
};

export interface CaseExprCstNode extends CstNode {
  name: "caseExpr";
  children: CaseExprCstChildren;
}

export type CaseExprCstChildren = {
  Kw_case: IToken[];
  Kw_when: IToken[];
  conditions: ExpressionCstNode[];
  Kw_then: IToken[];
  results: ExpressionCstNode[];
  Kw_else?: IToken[];
  otherwise?: ExpressionCstNode[];
  Kw_end: IToken[];
};

export interface PathCstNode extends CstNode {
  name: "path";
  children: PathCstChildren;
}

export type PathCstChildren = {
  segments: (NameCstNode)[];
  Dot?: IToken[];
};
