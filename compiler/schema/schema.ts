// The resolved warehouse schema: tables with typed columns, keys, and the relationships that
// references create in both directions. Built once per compilation by build-schema.ts.
import type { ColumnDecl, Span, TableDecl, TargetDecl } from '../../grammar/ast.js';
import type { ColumnType, PlanFormat } from '../../runtime/plan/types.js';

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  nullable: boolean;
  header: string;
  position: number;
  /** Its declared type is unknown (already reported): expressions reading it are poison. */
  poison: boolean;
  decl: ColumnDecl;
}

/** Many-to-one: from a row of `table` to the one row of `target` it references. */
export interface LookupRelation {
  kind: 'lookup';
  name: string;
  table: string;
  target: string;
  fromColumns: string[];
  keyColumns: string[];
  span: Span;
}

/** One-to-many: from a row of `table` to the rows of `child` that reference it. */
export interface CollectionRelation {
  kind: 'collection';
  name: string;
  table: string;
  child: string;
  childColumns: string[];
  parentColumns: string[];
  span: Span;
}

export type Relation = LookupRelation | CollectionRelation;

export interface TableInfo {
  name: string;
  pattern: string;
  /** Declared `optional`: an extract without a file of it holds no rows of it. */
  optional: boolean;
  format: PlanFormat;
  columns: Map<string, ColumnInfo>;
  key: string[];
  relations: Map<string, Relation>;
  /** Names of relationships whose declaration was wrong (already reported): paths through them stay quiet. */
  brokenRelations: Set<string>;
  /** Declared in the mapping being compiled rather than in an imported file. */
  declaredInEntry: boolean;
  decl: TableDecl;
}

export interface TargetInfo {
  name: string;
  partitionKey: string | null;
  sortKey: string | null;
  ttlAttribute: string | null;
  decl: TargetDecl;
}

export interface Schema {
  tables: Map<string, TableInfo>;
  targets: Map<string, TargetInfo>;
}
