// Turns plan expressions into closures once, when a plan is loaded; rows are then evaluated
// without looking at the plan again. Row variables live in numbered slots of the context.
import type { PlanExpr, PlanTable, RowRef } from '../plan/types.js';
import type { TimestampValue, Value } from '../values/value.js';
import { columnPosition } from '../plan/column-position.js';
import { subExpressions } from '../plan/sub-expressions.js';
import { keyAt, type RowKey } from './row-key.js';
import { aggregate } from './aggregates.js';
import { caster } from './casts.js';
import { FUNCTIONS } from './functions.js';
import { fieldReader, isItemObject, type ItemObject, type ItemValue } from './item-value.js';
import { arithmetic, comparison, negate, type ScalarValue } from './operators.js';
import { valueText } from './value-text.js';

export type Row = Value[];

export interface EvalContext {
  /** Row variables by slot (see ExprEnv.alias). */
  rows: Array<Row | undefined>;
  /** The object being built (attribute reads), or the element in `keep`, the item in `require`. */
  object: ItemObject | null;
  asOf: TimestampValue;
}

export type Evaluate = (ctx: EvalContext) => ScalarValue;

/** What the compiler of closures needs to know about where rows and columns are. */
export interface ExprEnv {
  alias(name: string): { slot: number; table: string };
  /** Position of a column in the rows of a table (its projected columns). */
  columnIndex(table: string, column: string): number;
  /** Finds the row of `table` whose keyColumns have the key (see runtime/eval/row-key.ts). */
  lookup(table: string, keyColumns: string[]): (key: RowKey) => Row | undefined;
}

/**
 * The environment of a condition on one row of `table` (a scan filter, a root filter): every
 * alias names that row, in slot 0, and nothing else can be read.
 */
export function singleRowEnv(table: Pick<PlanTable, 'name' | 'columns'>, what: string): ExprEnv {
  return {
    alias: () => ({ slot: 0, table: table.name }),
    columnIndex: (_table, column) => columnPosition(table, column),
    lookup: () => {
      throw new Error(`${what} of ${table.name} reads another table: recompile the mapping`);
    },
  };
}

export type RowFinder = { table: string; find: (ctx: EvalContext) => Row | undefined };

export function compileRowRef(ref: RowRef, env: ExprEnv): RowFinder {
  if (ref.kind === 'alias') {
    const { slot, table } = env.alias(ref.name);
    return { table, find: (ctx) => ctx.rows[slot] };
  }
  const from = compileRowRef(ref.from, env);
  const positions = ref.fromColumns.map((c) => env.columnIndex(from.table, c));
  const lookup = env.lookup(ref.table, ref.keyColumns);
  return {
    table: ref.table,
    find: (ctx) => {
      const row = from.find(ctx);
      if (!row) return undefined;
      const key = keyAt(row, positions);
      return key === null ? undefined : lookup(key);
    },
  };
}

/** A condition: null counts as false. */
export function compileCondition(expr: PlanExpr, env: ExprEnv): (ctx: EvalContext) => boolean {
  const evaluate = compileExpr(expr, env);
  return (ctx) => evaluate(ctx) === true;
}

export function compileExpr(expr: PlanExpr, env: ExprEnv): Evaluate {
  const evaluate = compileNode(expr, env);
  // `as_of - 9 months` in a `keep` is the same for every element of a run: it is worked out
  // once per as_of, not once per element.
  return expr.kind !== 'literal' && expr.kind !== 'asOf' && expr.kind !== 'duration' && readsNoRow(expr)
    ? oncePerAsOf(evaluate)
    : evaluate;
}

/** Whether the expression reads only literals and as_of (no row, attribute or aggregate). */
function readsNoRow(expr: PlanExpr): boolean {
  return (
    expr.kind !== 'column' &&
    expr.kind !== 'attr' &&
    expr.kind !== 'aggregate' &&
    subExpressions(expr).every(readsNoRow)
  );
}

/** The value for the context's as_of, kept until another as_of comes (errors are not kept: they are thrown again). */
function oncePerAsOf(evaluate: Evaluate): Evaluate {
  let asOf: TimestampValue | null = null;
  let value: ScalarValue = null;
  return (ctx) => {
    if (ctx.asOf !== asOf) {
      value = evaluate(ctx);
      asOf = ctx.asOf;
    }
    return value;
  };
}

function compileNode(expr: PlanExpr, env: ExprEnv): Evaluate {
  switch (expr.kind) {
    case 'literal': {
      const value: Value =
        expr.value === null
          ? null
          : expr.type === 'int'
            ? BigInt(expr.value)
            : expr.type === 'decimal'
              ? caster('decimal')(expr.value)
              : expr.value;
      return () => value;
    }
    case 'column': {
      if (expr.row.kind === 'alias') {
        // The common case, a column of a row in scope, read without a finder call.
        const { slot, table } = env.alias(expr.row.name);
        const position = env.columnIndex(table, expr.column);
        return (ctx) => ctx.rows[slot]?.[position] ?? null;
      }
      const row = compileRowRef(expr.row, env);
      const position = env.columnIndex(row.table, expr.column);
      return (ctx) => row.find(ctx)?.[position] ?? null;
    }
    case 'attr': {
      const readers = expr.path.map((name) => fieldReader(name));
      if (readers.length === 1) {
        const [read] = readers;
        return (ctx) => (ctx.object ? (read(ctx.object) ?? null) : null) as ScalarValue;
      }
      return (ctx) => {
        let value: ItemValue | undefined = ctx.object;
        for (const read of readers) {
          if (!isItemObject(value)) return null;
          value = read(value);
        }
        return (value ?? null) as ScalarValue;
      };
    }
    case 'aggregate':
      return aggregate(expr.fn, expr.path);
    case 'asOf':
      return (ctx) => ctx.asOf;
    case 'duration': {
      const value = { kind: 'duration' as const, amount: BigInt(expr.amount), unit: expr.unit };
      return () => value;
    }
    case 'unary': {
      const operand = compileExpr(expr.operand, env);
      if (expr.op === 'neg') return (ctx) => negate(operand(ctx));
      return (ctx) => {
        const v = operand(ctx);
        return v === null ? null : !v;
      };
    }
    case 'binary': {
      const left = compileExpr(expr.left, env);
      const right = compileExpr(expr.right, env);
      switch (expr.op) {
        case 'and':
          return (ctx) => {
            const a = left(ctx);
            if (a === false) return false;
            const b = right(ctx);
            return b === false ? false : a === null || b === null ? null : true;
          };
        case 'or':
          return (ctx) => {
            const a = left(ctx);
            if (a === true) return true;
            const b = right(ctx);
            return b === true ? true : a === null || b === null ? null : false;
          };
        case '==':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=': {
          const compare = comparison(expr.op);
          return (ctx) => compare(left(ctx), right(ctx));
        }
        default: {
          const apply = arithmetic(expr.op, expr.type);
          return (ctx) => apply(left(ctx), right(ctx));
        }
      }
    }
    case 'call': {
      const args = expr.args.map((a) => compileExpr(a, env));
      if (expr.fn === 'template') {
        // Null if any part is null: a key built from a missing value must not look valid.
        return (ctx) => {
          let text = '';
          for (const arg of args) {
            const v = arg(ctx) as Value;
            if (v === null) return null;
            text += valueText(v);
          }
          return text;
        };
      }
      const fn = FUNCTIONS[expr.fn];
      if (!fn) throw new Error(`the plan calls unknown function ${expr.fn}(): recompile it with this mapc version`);
      // The arguments go in one array per call site, filled anew per call: a function only
      // reads them while it runs, and a call site is never inside its own arguments.
      const values: Value[] = args.map(() => null);
      if (args.length === 1) {
        const [only] = args;
        return (ctx) => {
          values[0] = only(ctx) as Value;
          return fn(values);
        };
      }
      if (args.length === 2) {
        const [first, second] = args;
        return (ctx) => {
          values[0] = first(ctx) as Value;
          values[1] = second(ctx) as Value;
          return fn(values);
        };
      }
      return (ctx) => {
        for (let i = 0; i < args.length; i++) values[i] = args[i](ctx) as Value;
        return fn(values);
      };
    }
    case 'cast': {
      const operand = compileExpr(expr.operand, env);
      const cast = caster(expr.type);
      return (ctx) => cast(operand(ctx) as Value);
    }
    case 'case': {
      const branches = expr.branches.map((b) => ({
        when: compileCondition(b.when, env),
        then: compileExpr(b.then, env),
      }));
      const otherwise = expr.otherwise ? compileExpr(expr.otherwise, env) : () => null;
      return (ctx) => {
        for (const branch of branches) if (branch.when(ctx)) return branch.then(ctx);
        return otherwise(ctx);
      };
    }
    case 'isNull': {
      const operand = compileExpr(expr.operand, env);
      return expr.negated ? (ctx) => operand(ctx) !== null : (ctx) => operand(ctx) === null;
    }
  }
}
