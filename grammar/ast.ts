// The typed syntax tree of one .map file. Plain data: every node is a discriminated union
// member on `kind` and carries the span of source text it came from.

export interface Span {
  file: string;
  /** 1-based line and column of the first character. */
  line: number;
  column: number;
  /** 0-based character offset of the first character, and one past the last. */
  offset: number;
  endOffset: number;
}

export interface Name {
  text: string;
  span: Span;
}

export interface MapFile {
  kind: 'File';
  file: string;
  mapping: Name | null;
  imports: ImportDecl[];
  tables: TableDecl[];
  targets: TargetDecl[];
  items: ItemDecl[];
}

export interface ImportDecl {
  kind: 'Import';
  path: string;
  span: Span;
}

export type ColumnType = 'string' | 'int' | 'decimal' | 'float' | 'bool' | 'date' | 'timestamp';

export const COLUMN_TYPES: readonly ColumnType[] = ['string', 'int', 'decimal', 'float', 'bool', 'date', 'timestamp'];

export interface TableDecl {
  kind: 'Table';
  name: Name;
  pattern: { text: string; span: Span };
  /** The word `optional` after the pattern, when written: an extract may hold no file of the table. */
  optional: { span: Span } | null;
  options: FormatOption[];
  columns: ColumnDecl[];
  /** A table-level `key (a, b)` clause, when present. */
  compositeKey: Name[] | null;
  span: Span;
}

export interface FormatOption {
  kind: 'FormatOption';
  name: Name;
  value: OptionValue;
  span: Span;
}

export type OptionValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'list'; values: string[] };

export interface ColumnDecl {
  kind: 'Column';
  name: Name;
  type: { name: string; span: Span };
  nullable: boolean;
  isKey: boolean;
  /** The header text in the file when it differs from the column name. */
  header: { text: string; span: Span } | null;
  reference: ReferenceDecl | null;
  span: Span;
}

export interface ReferenceDecl {
  kind: 'Reference';
  target: Name;
  /** Name of the many-to-one navigation (defaults to the target table's name). */
  as: Name | null;
  /** Name of the one-to-many collection the target gains (defaults to this table's name). */
  inverse: Name | null;
  span: Span;
}

export interface TargetDecl {
  kind: 'Target';
  name: Name;
  partitionKey: Name | null;
  sortKey: Name | null;
  ttlAttribute: Name | null;
  span: Span;
}

export interface ItemDecl {
  kind: 'Item';
  name: Name;
  target: Name;
  root: { table: Name; alias: Name; filter: Expr | null };
  members: Member[];
  span: Span;
}

export type Member = Attribute | Keep | Require | Ttl;

export interface Attribute {
  kind: 'Attribute';
  name: Name;
  value: AttrValue;
  /** `when cond`: the attribute is left out when the condition is not true. */
  when: Expr | null;
  span: Span;
}

export type AttrValue = Expr | Each | ObjectValue;

export interface ObjectValue {
  kind: 'Object';
  members: Member[];
  span: Span;
}

export interface Each {
  kind: 'Each';
  alias: Name;
  source: PathExpr;
  filter: Expr | null;
  orderBy: OrderTerm[];
  limit: { value: string; span: Span } | null;
  members: Member[];
  span: Span;
}

export interface OrderTerm {
  expr: Expr;
  descending: boolean;
  span: Span;
}

/** `keep orders where <cond on element attributes>`: retention of nested elements. */
export interface Keep {
  kind: 'Keep';
  collection: Name;
  condition: Expr;
  span: Span;
}

/** `require <cond>`: only items for which the condition holds are written. */
export interface Require {
  kind: 'Require';
  condition: Expr;
  span: Span;
}

export interface Ttl {
  kind: 'Ttl';
  value: Expr;
  span: Span;
}

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | DurationExpr
  | PathExpr
  | AsOfExpr
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | CastExpr
  | CaseExpr
  | IsNullExpr
  | ErrorExpr;

export interface LiteralExpr {
  kind: 'Literal';
  type: 'string' | 'number' | 'bool' | 'null' | 'date' | 'timestamp';
  /** Numbers keep their exact source text; booleans are 'true' / 'false'. */
  value: string;
  span: Span;
}

export interface TemplateExpr {
  kind: 'Template';
  parts: Array<{ kind: 'text'; text: string } | { kind: 'expr'; expr: Expr }>;
  span: Span;
}

export type DurationUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export interface DurationExpr {
  kind: 'Duration';
  amount: string;
  unit: DurationUnit;
  span: Span;
}

export interface PathExpr {
  kind: 'Path';
  segments: Name[];
  span: Span;
}

export interface AsOfExpr {
  kind: 'AsOf';
  span: Span;
}

export interface UnaryExpr {
  kind: 'Unary';
  op: '-' | 'not';
  operand: Expr;
  span: Span;
}

export type BinaryOp = 'or' | 'and' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface CallExpr {
  kind: 'Call';
  callee: Name;
  args: Expr[];
  span: Span;
}

export interface CastExpr {
  kind: 'Cast';
  operand: Expr;
  type: { name: string; span: Span };
  span: Span;
}

export interface CaseExpr {
  kind: 'Case';
  branches: Array<{ when: Expr; then: Expr }>;
  otherwise: Expr | null;
  span: Span;
}

export interface IsNullExpr {
  kind: 'IsNull';
  operand: Expr;
  negated: boolean;
  span: Span;
}

/** Stands where recovery skipped a broken expression; checks treat it as any type. */
export interface ErrorExpr {
  kind: 'Error';
  span: Span;
}
