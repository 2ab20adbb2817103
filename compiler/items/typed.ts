// What the item checker knows about a value while it builds plan expressions.
import type { Span } from '../../grammar/ast.js';
import type { PlanExpr, RowRef, ValueType } from '../../runtime/plan/types.js';
import type { TableInfo } from '../schema/schema.js';

/** A checked expression. `poison` marks one built from an error: checks stay quiet about it. */
export interface TypedExpr {
  plan: PlanExpr;
  nullable: boolean;
  poison: boolean;
  span: Span;
}

export const NUMERIC: ReadonlySet<ValueType> = new Set(['int', 'decimal', 'float']);

export function poisoned(span: Span): TypedExpr {
  return { plan: { kind: 'literal', type: 'null', value: null }, nullable: true, poison: true, span };
}

export function typeOf(e: TypedExpr): ValueType {
  return e.plan.type;
}

/** The shape of an object being built: its attributes so far, with their types. */
export interface ObjectShape {
  attrs: Map<string, AttrInfo>;
}

export interface AttrInfo {
  name: string;
  type: ValueType;
  nullable: boolean;
  /** For lists: the shape of each element. For objects: their own shape. */
  shape: ObjectShape | null;
  /** Set when the attribute is a plain copy of a column of a row alias. */
  copyOf: { alias: string; column: string } | null;
  span: Span;
}

export interface RowBinding {
  alias: string;
  table: TableInfo;
  ref: RowRef;
}

export interface Scope {
  /** Row variables in scope, innermost last. */
  rows: RowBinding[];
  /** Attributes readable by bare name (the object being built, or the element in `keep`). */
  attrs: ObjectShape | null;
  /** Names set later in the same object: reading them is "used before set", not "unknown". */
  later: ReadonlySet<string>;
  /** When set, rows may not be read: the clause is recomputed on merge from attributes only. */
  attributesOnly: string | null;
}
