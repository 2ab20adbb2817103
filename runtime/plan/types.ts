// The plan document: the only thing the compiler hands to the runtime. Plain serialisable
// data (discriminated unions on `kind`), validated against plan.schema.json when written and
// when loaded. Bump PLAN_FORMAT when a change is not backward compatible.

export const PLAN_FORMAT = 1;

export interface Plan {
  planFormat: typeof PLAN_FORMAT;
  mapping: string;
  /** sha256 over the source files below, in order: identifies the mapping a run used. */
  sourceHash: string;
  /** sha256 of the plan's own content (plan-hash.ts), written by `mapc compile`: an edit shows. */
  planHash?: string;
  sources: Array<{ file: string; sha256: string }>;
  entries: {
    /** Archive entries to read, in this order (glob patterns, one per table). */
    read: Array<{ table: string; pattern: string }>;
    /** Declared tables no item uses: their entries are never inflated. */
    skipped: Array<{ table: string; pattern: string; reason: string }>;
  };
  tables: PlanTable[];
  targets: PlanTarget[];
  items: PlanItem[];
  state: PlanState;
}

export type ValueType =
  'string' | 'int' | 'decimal' | 'float' | 'bool' | 'date' | 'timestamp' | 'duration' | 'null' | 'list' | 'object';

export type ColumnType = 'string' | 'int' | 'decimal' | 'float' | 'bool' | 'date' | 'timestamp';

export interface PlanFormat {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  trailingDelimiter: boolean;
  encoding: 'utf-8' | 'latin1';
  /** Field values read as null (after trimming nothing). */
  nullTokens: string[];
  /** strftime-like patterns: %Y %m %d %H %M %S %f, literal text otherwise. */
  dateFormat: string;
  timestampFormat: string;
}

export interface PlanColumn {
  name: string;
  /** The header text in the file (equals name unless renamed). */
  header: string;
  /** 0-based position among the declared columns (used for headerless files). */
  position: number;
  type: ColumnType;
  nullable: boolean;
}

export interface PlanTable {
  name: string;
  pattern: string;
  /** Declared `optional`: an archive without a file for it holds no rows of it (else the run stops). */
  optional?: true;
  format: PlanFormat;
  /** Every declared header, in declared order: the file's header must hold each of them. */
  declaredHeaders: string[];
  /** Projection: only the columns some part of the plan reads. */
  columns: PlanColumn[];
  key: string[];
  /** Pushdown: rows failing any of these are counted as filtered and never held. */
  filters: PlanExpr[];
  roles: TableRole[];
}

export type TableRole =
  /** A hash index from key columns to the row, for many-to-one lookups. */
  | { kind: 'lookup'; keyColumns: string[] }
  /** Rows grouped by the columns that reference their parent, for one-to-many collections. */
  | { kind: 'grouped'; byColumns: string[]; parentTable: string; parentColumns: string[] }
  /** Rows streamed one by one, each assembling one item. */
  | { kind: 'root'; item: string };

export interface PlanTarget {
  name: string;
  partitionKey: string;
  sortKey: string | null;
  ttlAttribute: string | null;
}

export interface PlanItem {
  name: string;
  target: string;
  rootTable: string;
  rootAlias: string;
  /** Root rows failing this make no item (counted as filtered); the planner pushes it into the scan when it can. */
  rootFilter: PlanExpr | null;
  /** Item-level condition over the built item's attributes (`require`). */
  require: PlanExpr | null;
  shape: PlanObject;
  ttl: { attribute: string; value: PlanExpr } | null;
}

export interface PlanObject {
  kind: 'object';
  /** Evaluated in this order; a field may read the attributes before it. */
  fields: PlanField[];
}

export interface PlanField {
  name: string;
  value: PlanValue;
  /** The field is left out unless this is true. */
  when: PlanExpr | null;
}

export type PlanValue = { kind: 'expr'; expr: PlanExpr } | PlanObject | PlanCollection;

export interface PlanCollection {
  kind: 'collection';
  /** The row variable each element binds. */
  alias: string;
  table: string;
  /** The row whose children these are, and how child columns match its columns. */
  parent: RowRef;
  childColumns: string[];
  parentColumns: string[];
  /** Part of the filter that could not run at scan time (row level). */
  filter: PlanExpr | null;
  element: PlanObject;
  /** Retention over the built elements' attributes (`keep`); runs before ordering. */
  retain: PlanExpr | null;
  /** Ordering over element attributes, so stored elements can be re-sorted on merge. */
  orderBy: Array<{ attribute: string; descending: boolean }>;
  limit: number | null;
  /** The child table's key, and the element attribute carrying each key column (or null). */
  elementKey: { columns: string[]; attributes: Array<string | null> };
}

export type RowRef =
  | { kind: 'alias'; name: string }
  /** Many-to-one: the row of `table` whose keyColumns equal fromColumns of `from`. */
  | { kind: 'lookup'; table: string; from: RowRef; fromColumns: string[]; keyColumns: string[] };

export type PlanExpr =
  | { kind: 'literal'; type: ValueType; value: string | boolean | null }
  | { kind: 'column'; type: ValueType; row: RowRef; column: string }
  /** An attribute of the object being built (or, in `retain`/`require`, of the element/item). */
  | { kind: 'attr'; type: ValueType; path: string[] }
  /** count/sum/min/max/avg over a collection path of the object being built. */
  | { kind: 'aggregate'; type: ValueType; fn: AggregateFn; path: string[] }
  | { kind: 'asOf'; type: 'timestamp' }
  | { kind: 'duration'; type: 'duration'; amount: string; unit: DurationUnit }
  | { kind: 'unary'; type: ValueType; op: 'neg' | 'not'; operand: PlanExpr }
  | { kind: 'binary'; type: ValueType; op: BinaryOp; left: PlanExpr; right: PlanExpr }
  | { kind: 'call'; type: ValueType; fn: string; args: PlanExpr[] }
  | { kind: 'cast'; type: ValueType; operand: PlanExpr }
  | { kind: 'case'; type: ValueType; branches: Array<{ when: PlanExpr; then: PlanExpr }>; otherwise: PlanExpr | null }
  | { kind: 'isNull'; type: 'bool'; operand: PlanExpr; negated: boolean };

export type AggregateFn = 'count' | 'sum' | 'min' | 'max' | 'avg';
export type DurationUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type BinaryOp = 'or' | 'and' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** What a run needs to keep between extracts to merge new rows into existing items. */
export interface PlanState {
  /** entity key -> item key, for tables whose new children may arrive in a later extract. */
  keyIndexes: Array<{ item: string; table: string; keyColumns: string[] }>;
  /** Projected columns of lookup tables, so later extracts can still resolve old keys. */
  lookupStores: Array<{ table: string; keyColumns: string[]; columns: string[] }>;
  /** Tables whose rows are parked when their parent has not arrived yet. */
  parkable: Array<{ table: string; parentTable: string }>;
}
