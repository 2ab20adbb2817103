// Compiles one item of the plan into a function that builds the item for a root row, once,
// at load time: every expression becomes a closure, every collection knows its group index.
import type { PlanCollection, PlanExpr, PlanItem, PlanObject, PlanTable } from '../plan/types.js';
import type { TimestampValue, Value } from '../values/value.js';
import {
  compileCondition,
  compileExpr,
  compileRowRef,
  type EvalContext,
  type ExprEnv,
  type Row,
} from '../eval/compile-expr.js';
import {
  fieldOf,
  isItemObject,
  itemObject,
  itemShape,
  type ItemObject,
  type ItemShape,
  type ItemValue,
} from '../eval/item-value.js';
import { EvaluationError } from '../eval/operators.js';
import { columnPosition } from '../plan/column-position.js';
import { subExpressions } from '../plan/sub-expressions.js';
import type { HeldTable } from '../hold/held-table.js';
import { keyAt, type RowKey } from '../eval/row-key.js';
import { compileElementOrder, orderAndLimit } from './element-order.js';
import type { StoredElements } from './stored-elements.js';

/** A held row that could not be built into an element, with why. */
export interface RowFailure {
  table: HeldTable;
  index: number;
  reason: string;
}

type Condition = (ctx: EvalContext) => boolean;

interface CompiledField {
  name: string;
  when: Condition | null;
  /** `stored`: this field's value in the stored item being merged into (undefined: none). */
  build: (ctx: EvalContext, failures: RowFailure[], stored: ItemValue | undefined) => ItemValue;
  /** Set for a collection: the table its elements come from, and their shape. */
  collection?: { table: HeldTable; element: CompiledObject };
  /** Set for a nested map: its shape. */
  object?: CompiledObject;
}

interface CompiledObject {
  fields: CompiledField[];
  /** The shape of the objects built: the fields' names, then any set after them (the TTL). */
  shape: ItemShape;
  /**
   * A collection's `keep`, checked once the fields it reads are built (`before`: how many
   * fields that is): an element it drops is built no further.
   */
  keep: { before: number; holds: Condition } | null;
  /** The positions of the fields holding collections or nested maps: what markUsed walks. */
  nested: number[];
}

export interface AssembledItem {
  object: ItemObject;
  /** The item's `require` does not hold: it is not written (the object is there to find a stored twin by key). */
  leftOutByRequire: boolean;
  /** Marks the held rows whose elements are in the item as used (call it once the item is written). */
  markUsed(): void;
}

export interface ItemAssembler {
  plan: PlanItem;
  /**
   * Throws EvaluationError when the root row fails.
   * `stored`: the item as an earlier run wrote it; new elements are merged into its
   * collections by element key (a new row replaces its twin, a filtered one removes it).
   */
  build(root: Row, asOf: TimestampValue, failures: RowFailure[], stored?: ItemObject | null): AssembledItem;
  /**
   * The values of these top-level attributes for a root row, without building the item: null
   * when one of them is not a plain expression of rows (it reads other attributes, or is set
   * only `when`), or fails to evaluate (the build then says why).
   */
  attributesOf(names: readonly string[], root: Row, asOf: TimestampValue): ItemValue[] | null;
}

/** `storedElements`: how stored elements are matched with new rows (incremental runs; a preview has none). */
export function assembleItem(
  item: PlanItem,
  tables: Map<string, PlanTable>,
  held: Map<string, HeldTable>,
  storedElements?: StoredElements,
): ItemAssembler {
  const slots = new Map<string, { slot: number; table: string }>([
    [item.rootAlias, { slot: 0, table: item.rootTable }],
  ]);
  // Sibling collections may reuse an alias: every collection gets a slot of its own.
  let slotCount = 1;
  const columnIndex = (table: string, column: string) =>
    columnPosition(tables.get(table) ?? { name: table, columns: [] }, column);
  const lookups = new Map<string, (key: RowKey) => Row | undefined>();
  const env: ExprEnv = {
    alias: (name) => {
      const found = slots.get(name);
      if (!found) throw new Error(`the plan uses row ${name} outside its scope: recompile the mapping`);
      return found;
    },
    columnIndex,
    lookup: (table) => {
      let find = lookups.get(table);
      if (find) return find;
      const index = held.get(table);
      if (!index) throw new Error(`the plan looks up ${table}, which it does not hold: recompile the mapping`);
      const byKey = index.byKey;
      if (!byKey) throw new Error(`the plan looks up ${table}, which it does not index: recompile the mapping`);
      // Fields of one element often read the same looked-up row (a line's product's
      // description, then its category): the last row found is kept for the next lookup.
      let lastKey: RowKey | undefined;
      let lastRow: Row | undefined;
      find = (key) => {
        if (key === lastKey) return lastRow;
        const found = byKey.get(key);
        if (found === undefined || index.isScanFiltered(found)) return undefined;
        lastKey = key;
        lastRow = index.row(found);
        return lastRow;
      };
      lookups.set(table, find);
      return find;
    },
  };

  const compileObject = (
    object: PlanObject,
    extraNames: string[] = [],
    keep: CompiledObject['keep'] = null,
  ): CompiledObject => {
    const fields = object.fields.map((field): CompiledField => {
      const when = field.when ? compileCondition(field.when, env) : null;
      const value = field.value;
      // An expression's closure is the field's build (it takes no failures and no stored value).
      if (value.kind === 'expr')
        return { name: field.name, when, build: compileExpr(value.expr, env) as (ctx: EvalContext) => Value };
      if (value.kind === 'object') {
        const inner = compileObject(value);
        return {
          name: field.name,
          when,
          build: (ctx, failures, stored) => buildObject(inner, ctx, failures, asObject(stored))!,
          object: inner,
        };
      }
      const collection = compileCollection(value);
      return {
        name: field.name,
        when,
        build: collection.build,
        collection: { table: collection.table, element: collection.element },
      };
    });
    return {
      keep,
      shape: itemShape([
        ...object.fields.map((f) => f.name),
        ...extraNames.filter((n) => !object.fields.some((f) => f.name === n)),
      ]),
      fields,
      nested: fields.flatMap((field, i) => (field.collection || field.object ? [i] : [])),
    };
  };

  /** The object; null when the element's `keep` drops it. */
  const buildObject = (
    compiled: CompiledObject,
    ctx: EvalContext,
    failures: RowFailure[],
    stored: ItemObject | null,
  ): ItemObject | null => {
    const object = itemObject(compiled.shape);
    const outer = ctx.object;
    ctx.object = object;
    try {
      const { fields, keep } = compiled;
      for (let i = 0; ; i++) {
        if (keep !== null && i === keep.before && !keep.holds(ctx)) return null;
        if (i === fields.length) break;
        const field = fields[i];
        if (field.when && !field.when(ctx)) continue;
        object.values[i] = field.build(ctx, failures, stored === null ? undefined : fieldOf(stored, field.name));
      }
    } finally {
      ctx.object = outer;
    }
    return object;
  };

  function compileCollection(plan: PlanCollection) {
    const slot = slotCount++;
    slots.set(plan.alias, { slot, table: plan.table });
    const child = held.get(plan.table);
    if (!child) throw new Error(`the plan groups ${plan.table}, which it does not hold: recompile the mapping`);
    const { rows, starts, idOf } = child.groups(plan.childColumns);
    const parent = compileParentKey(plan);
    const filter = plan.filter ? compileCondition(plan.filter, env) : null;
    const retain = plan.retain ? compileCondition(plan.retain, env) : null;
    const element = compileObject(
      plan.element,
      [],
      retain === null ? null : { before: fieldsBefore(plan.retain!, plan.element), holds: retain },
    );
    const compare = compileElementOrder(plan);
    const storedKeys = storedElements === undefined ? null : storedElements(plan, tables.get(plan.table));

    /** The stored elements by element key, when there are any to merge into (incremental runs). */
    const storedTwins = (stored: ItemValue | undefined): Map<RowKey, ItemObject> | null =>
      storedKeys !== null && Array.isArray(stored) && stored.length > 0
        ? storedKeys.index(stored as ItemObject[])
        : null;

    /**
     * The group's rows built into elements: failed rows skipped, `filter` and `keep` applied.
     * A new row replaces its stored twin: built, it takes the twin's place (its own collections
     * merged into the twin's); filtered out, it removes the twin.
     */
    const buildGroup = (
      ctx: EvalContext,
      failures: RowFailure[],
      start: number,
      end: number,
      twins: Map<RowKey, ItemObject> | null,
      elements: ItemObject[],
    ): void => {
      for (let at = start; at < end; at++) {
        const index = rows[at];
        if (child.isFailed(index)) continue;
        const row = child.row(index);
        ctx.rows[slot] = row;
        const twinKey = twins === null ? null : storedKeys!.ofRow(row);
        const twin = twinKey === null ? undefined : twins!.get(twinKey);
        try {
          if (child.isScanFiltered(index) || (filter && !filter(ctx))) {
            if (twinKey !== null) twins!.delete(twinKey);
            continue;
          }
          const built = buildObject(element, ctx, failures, twin ?? null);
          // Built, or dropped by `keep`: either way it takes its stored twin's place.
          if (twinKey !== null) twins!.delete(twinKey);
          if (built === null) continue;
          built.sourceRow = index;
          elements.push(built);
        } catch (error) {
          if (!(error instanceof EvaluationError)) throw error;
          failures.push({ table: child, index, reason: error.message });
        }
      }
      ctx.rows[slot] = undefined;
    };

    /** Stored elements no new row replaced: `keep` is checked again (as_of moves on). */
    const keepUnreplaced = (ctx: EvalContext, twins: Map<RowKey, ItemObject>, elements: ItemObject[]): void => {
      const outer = ctx.object;
      for (const stored of twins.values()) {
        ctx.object = stored;
        if (retain === null || retain(ctx)) elements.push(stored);
      }
      ctx.object = outer;
    };

    const build = (ctx: EvalContext, failures: RowFailure[], stored: ItemValue | undefined): ItemValue[] => {
      const key = parent(ctx);
      const group = key === null ? -1 : idOf(key);
      const twins = storedTwins(stored);
      if (group < 0 && twins === null) return [];
      const elements: ItemObject[] = [];
      buildGroup(ctx, failures, group < 0 ? 0 : starts[group], group < 0 ? 0 : starts[group + 1], twins, elements);
      if (twins !== null) keepUnreplaced(ctx, twins, elements);
      return orderAndLimit(elements, compare, plan.limit);
    };
    return { build, table: child, element };
  }

  function compileParentKey(plan: PlanCollection): (ctx: EvalContext) => ReturnType<typeof keyAt> {
    const parent = compileRowRef(plan.parent, env);
    const positions = plan.parentColumns.map((column) => columnIndex(parent.table, column));
    return (ctx) => {
      const row = parent.find(ctx);
      return row ? keyAt(row, positions) : null;
    };
  }

  const shape = compileObject(item.shape, item.ttl ? [item.ttl.attribute] : []);
  const ttlIndex = item.ttl ? shape.shape.index.get(item.ttl.attribute)! : -1;
  const requirement = item.require ? compileCondition(item.require, env) : null;
  const ttl = item.ttl ? { attribute: item.ttl.attribute, value: compileExpr(item.ttl.value, env) } : null;

  const markUsed = (compiled: CompiledObject, object: ItemObject) => {
    for (const i of compiled.nested) {
      const field = compiled.fields[i];
      const value = object.values[i];
      if (field.collection && Array.isArray(value)) {
        for (const element of value as ItemObject[]) {
          if (element.sourceRow !== undefined && element.sourceRow >= 0)
            field.collection.table.markUsed(element.sourceRow);
          markUsed(field.collection.element, element);
        }
      } else if (field.object && value) {
        markUsed(field.object, value as ItemObject);
      }
    }
  };

  const fromRows = new Map<string, (ctx: EvalContext) => ItemValue>();
  for (const field of item.shape.fields)
    if (field.value.kind === 'expr' && !field.when && readsRowsOnly(field.value.expr))
      fromRows.set(field.name, compileExpr(field.value.expr, env) as (ctx: EvalContext) => Value);

  return {
    plan: item,
    attributesOf(names, root, asOf) {
      const ctx: EvalContext = { rows: new Array(slotCount), object: null, asOf };
      ctx.rows[0] = root;
      const values: ItemValue[] = [];
      for (const name of names) {
        const value = fromRows.get(name);
        if (value === undefined) return null;
        try {
          values.push(value(ctx));
        } catch (error) {
          if (error instanceof EvaluationError) return null;
          throw error;
        }
      }
      return values;
    },
    build(root, asOf, failures, stored) {
      const ctx: EvalContext = { rows: new Array(slotCount), object: null, asOf };
      ctx.rows[0] = root;
      // Only collection elements have a keep: the item is always built.
      const object = buildObject(shape, ctx, failures, stored ?? null)!;
      ctx.object = object;
      const leftOutByRequire = requirement !== null && !requirement(ctx);
      if (ttl && !leftOutByRequire) {
        const seconds = ttl.value(ctx);
        if (seconds !== null) object.values[ttlIndex] = seconds as Value;
      }
      return { object, leftOutByRequire, markUsed: () => markUsed(shape, object) };
    },
  };
}

/**
 * How many of the element's fields must be built before its `keep` can be checked: up to the
 * last one it reads (all of them when it reads a name that is no field).
 */
function fieldsBefore(keep: PlanExpr, element: PlanObject): number {
  const read = new Set<string>();
  const visit = (expr: PlanExpr): void => {
    if (expr.kind === 'attr' || expr.kind === 'aggregate') read.add(expr.path[0]);
    for (const child of subExpressions(expr)) visit(child);
  };
  visit(keep);
  const positions = [...read].map((name) => element.fields.findIndex((f) => f.name === name));
  return positions.includes(-1) ? element.fields.length : Math.max(-1, ...positions) + 1;
}

/** True when an expression reads rows only (no attribute of the item being built). */
function readsRowsOnly(expr: PlanExpr): boolean {
  return expr.kind !== 'attr' && expr.kind !== 'aggregate' && subExpressions(expr).every(readsRowsOnly);
}

function asObject(value: ItemValue | undefined): ItemObject | null {
  return isItemObject(value) ? value : null;
}
