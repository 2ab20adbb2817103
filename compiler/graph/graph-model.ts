// The picture of a mapping as plain data: the source tables (keys, references, the plan's
// roles), the relationships between them, and each item's shape as a tree. Built by
// build-graph.ts from a compiled schema and plan; drawn by the renderers (DOT, Mermaid, SVG).
// Everything is in a stable order (declaration order, then plan order), so output is stable.

/** What the plan does with a table: streamed (root rows), grouped under a parent, held for lookups, or never read. */
export type RoleKind = 'streamed' | 'grouped' | 'lookup' | 'skipped';

export interface GraphRole {
  kind: RoleKind;
  /** One line for the picture, e.g. "grouped by (order_id) under orders". */
  text: string;
}

export interface GraphTable {
  name: string;
  pattern: string;
  optional: boolean;
  key: string[];
  /** Columns that reference another table (`->`), with the table they reference. */
  references: Array<{ column: string; table: string }>;
  /** How many declared columns are neither key nor reference (shown as a count). */
  otherColumns: number;
  /** In the plan's order; a table no item reads has the one role `skipped`. */
  roles: GraphRole[];
  /** Filters the plan runs while scanning the table, printed in the .map syntax. */
  scanFilters: string[];
}

/** Many-to-one: rows of `from` reference one row of `to` (`from.columns` = `to.keyColumns`). */
export interface GraphRelation {
  /** The relationship's name in paths (`l.products`): the target table unless renamed with `as`. */
  name: string;
  from: string;
  to: string;
  columns: string[];
  keyColumns: string[];
}

export type ShapeKind = 'item' | 'object' | 'collection' | 'lookup' | 'aggregate' | 'keep' | 'require';

/** A node of an item's shape. Plain fields are listed in `lines` of the object holding them. */
export interface ShapeNode {
  /** Unique within the graph, made of names only (e.g. "Customer.orders.lines"). */
  id: string;
  kind: ShapeKind;
  title: string;
  lines: string[];
  /** The source table this node reads rows of (root, collection, lookup), else null. */
  table: string | null;
  children: ShapeNode[];
}

export interface MappingGraph {
  mapping: string;
  tables: GraphTable[];
  relations: GraphRelation[];
  items: ShapeNode[];
}
