// Type-checks an expression in a scope and turns it into a plan expression.
import type { CallExpr, Expr, PathExpr, Span } from '../../grammar/ast.js';
import type { AggregateFn, BinaryOp, PlanExpr, ValueType } from '../../runtime/plan/types.js';
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { suggestion } from '../diagnostics/did-you-mean.js';
import type { Schema } from '../schema/schema.js';
import { AGGREGATES, FUNCTIONS, unify } from './functions.js';
import { resolvePath } from './resolve-path.js';
import { NUMERIC, poisoned, typeOf, type Scope, type TypedExpr } from './typed.js';

const CASTABLE: Record<string, ValueType[]> = {
  string: ['string', 'int', 'decimal', 'float', 'bool', 'date', 'timestamp'],
  int: ['int', 'decimal', 'float', 'string', 'bool'],
  decimal: ['int', 'decimal', 'float', 'string'],
  float: ['int', 'decimal', 'float', 'string'],
  bool: ['bool', 'string', 'int'],
  date: ['date', 'timestamp', 'string'],
  timestamp: ['date', 'timestamp', 'string'],
};

export class ExprChecker {
  constructor(
    private readonly schema: Schema,
    private readonly sink: DiagnosticSink,
  ) {}

  check(expr: Expr, scope: Scope): TypedExpr {
    switch (expr.kind) {
      case 'Literal':
        return this.literal(expr.type, expr.value, expr.span);
      case 'Template': {
        const args = expr.parts.map((part) =>
          part.kind === 'text' ? this.literal('string', part.text, expr.span) : this.check(part.expr, scope),
        );
        return this.typed(
          { kind: 'call', type: 'string', fn: 'template', args: args.map((a) => a.plan) },
          args.some((a) => a.nullable),
          expr.span,
          args,
        );
      }
      case 'Duration':
        return this.typed(
          { kind: 'duration', type: 'duration', amount: expr.amount, unit: expr.unit },
          false,
          expr.span,
        );
      case 'AsOf':
        return this.typed({ kind: 'asOf', type: 'timestamp' }, false, expr.span);
      case 'Path':
        return this.path(expr, scope);
      case 'Unary': {
        const operand = this.check(expr.operand, scope);
        if (expr.op === 'not') {
          this.requireBool(operand);
          return this.typed(
            { kind: 'unary', type: 'bool', op: 'not', operand: operand.plan },
            operand.nullable,
            expr.span,
            [operand],
          );
        }
        if (!operand.poison && !NUMERIC.has(typeOf(operand)) && typeOf(operand) !== 'null') {
          this.mismatch(expr.span, `cannot negate a ${typeOf(operand)}`);
          return poisoned(expr.span);
        }
        return this.typed(
          { kind: 'unary', type: typeOf(operand), op: 'neg', operand: operand.plan },
          operand.nullable,
          expr.span,
          [operand],
        );
      }
      case 'Binary':
        return this.binary(expr.op, this.check(expr.left, scope), this.check(expr.right, scope), expr.span);
      case 'Call':
        return this.call(expr, scope);
      case 'Cast': {
        const operand = this.check(expr.operand, scope);
        const to = expr.type.name as ValueType;
        const allowed = CASTABLE[to];
        if (!allowed) {
          this.sink.report('MAP0312', expr.type.span, {
            detail: `cannot cast to unknown type \`${expr.type.name}\``,
            ...suggestion(expr.type.name, Object.keys(CASTABLE)),
            hint: `types: ${Object.keys(CASTABLE).join(', ')}`,
          });
          return poisoned(expr.span);
        }
        if (!operand.poison && typeOf(operand) !== 'null' && !allowed.includes(typeOf(operand))) {
          this.sink.report('MAP0312', expr.span, { detail: `cannot cast ${typeOf(operand)} to ${to}` });
          return poisoned(expr.span);
        }
        return this.typed({ kind: 'cast', type: to, operand: operand.plan }, operand.nullable, expr.span, [operand]);
      }
      case 'Case': {
        const branches = expr.branches.map((b) => ({
          when: this.check(b.when, scope),
          then: this.check(b.then, scope),
        }));
        branches.forEach((b) => this.requireBool(b.when));
        const otherwise = expr.otherwise ? this.check(expr.otherwise, scope) : null;
        const results = [...branches.map((b) => b.then), ...(otherwise ? [otherwise] : [])];
        const type = unify(results.filter((r) => !r.poison).map(typeOf));
        if (type === null) {
          this.mismatch(expr.span, `the branches of this case give different types: ${results.map(typeOf).join(', ')}`);
          return poisoned(expr.span);
        }
        const nullable = !otherwise || results.some((r) => r.nullable);
        return this.typed(
          {
            kind: 'case',
            type,
            branches: branches.map((b) => ({ when: b.when.plan, then: b.then.plan })),
            otherwise: otherwise?.plan ?? null,
          },
          nullable,
          expr.span,
          results,
        );
      }
      case 'IsNull': {
        const operand = this.check(expr.operand, scope);
        return this.typed(
          { kind: 'isNull', type: 'bool', operand: operand.plan, negated: expr.negated },
          false,
          expr.span,
          [operand],
        );
      }
      case 'Error':
        return poisoned(expr.span);
    }
  }

  /** Checks a condition: it must be a bool. */
  condition(expr: Expr, scope: Scope): TypedExpr {
    const result = this.check(expr, scope);
    this.requireBool(result);
    return result;
  }

  private requireBool(e: TypedExpr) {
    if (!e.poison && typeOf(e) !== 'bool' && typeOf(e) !== 'null')
      this.sink.report('MAP0310', e.span, { type: typeOf(e) });
  }

  private literal(
    type: 'string' | 'number' | 'bool' | 'null' | 'date' | 'timestamp',
    value: string,
    span: Span,
  ): TypedExpr {
    switch (type) {
      case 'number':
        return this.typed({ kind: 'literal', type: value.includes('.') ? 'decimal' : 'int', value }, false, span);
      case 'bool':
        return this.typed({ kind: 'literal', type: 'bool', value: value === 'true' }, false, span);
      case 'null':
        return this.typed({ kind: 'literal', type: 'null', value: null }, true, span);
      default:
        return this.typed({ kind: 'literal', type, value }, false, span);
    }
  }

  private typed(plan: PlanExpr, nullable: boolean, span: Span, parts: TypedExpr[] = []): TypedExpr {
    return { plan, nullable, poison: parts.some((p) => p.poison), span };
  }

  private mismatch(span: Span, detail: string, hint?: string) {
    this.sink.report('MAP0309', span, hint ? { detail, hint } : { detail });
  }

  private path(expr: PathExpr, scope: Scope): TypedExpr {
    const resolved = resolvePath(expr, scope, this.schema, this.sink);
    const shown = expr.segments.map((s) => s.text).join('.');
    switch (resolved.kind) {
      case 'column': {
        const column = resolved.table.columns.get(resolved.column)!;
        if (column.poison) return poisoned(expr.span);
        // A lookup that finds no row gives null, whatever the column says. A key column is never
        // null (a `?` on one is reported where it is declared).
        const nullable =
          (column.nullable && !resolved.table.key.includes(column.name)) || resolved.ref.kind === 'lookup';
        return this.typed(
          { kind: 'column', type: column.type, row: resolved.ref, column: resolved.column },
          nullable,
          expr.span,
        );
      }
      case 'row':
        this.mismatch(
          expr.span,
          `\`${shown}\` is a whole row of \`${resolved.table.name}\`, not a value`,
          `name one of its columns: ${[...resolved.table.columns.keys()]
            .slice(0, 5)
            .map((c) => `${shown}.${c}`)
            .join(', ')}`,
        );
        return poisoned(expr.span);
      case 'sourceCollection':
        this.sink.report('MAP0303', expr.span, {
          path: shown,
          hint: `embed it with \`name = each x in ${shown} { … }\`; aggregates then read the embedded attribute`,
        });
        return poisoned(expr.span);
      case 'attr':
        if (resolved.throughLists > 0 || resolved.attr.type === 'list') {
          this.sink.report('MAP0303', expr.span, {
            path: shown,
            hint: `aggregate it: count(${shown}), sum(…), min(…), max(…), avg(…)`,
          });
          return poisoned(expr.span);
        }
        return this.typed(
          { kind: 'attr', type: resolved.attr.type, path: resolved.path },
          resolved.attr.nullable,
          expr.span,
        );
      case 'error':
        return poisoned(expr.span);
    }
  }

  private call(expr: CallExpr, scope: Scope): TypedExpr {
    const name = expr.callee.text;
    if ((AGGREGATES as readonly string[]).includes(name)) return this.aggregate(name as AggregateFn, expr, scope);
    const signature = FUNCTIONS[name];
    if (!signature) {
      this.sink.report('MAP0307', expr.callee.span, {
        name,
        known: [...Object.keys(FUNCTIONS), ...AGGREGATES].join(', '),
        ...suggestion(name, [...Object.keys(FUNCTIONS), ...AGGREGATES]),
      });
      expr.args.forEach((a) => this.check(a, scope));
      return poisoned(expr.span);
    }
    const args = expr.args.map((a) => this.check(a, scope));
    const [min, max] = signature.arity;
    if (args.length < min || args.length > max) {
      this.sink.report('MAP0308', expr.span, {
        name,
        expected: min === max ? String(min) : `${min} to ${max}`,
        actual: String(args.length),
      });
      return poisoned(expr.span);
    }
    const result = signature.check(args);
    if (typeof result === 'string') {
      this.mismatch(expr.span, result);
      return poisoned(expr.span);
    }
    return this.typed(
      { kind: 'call', type: result.type, fn: name, args: args.map((a) => a.plan) },
      result.nullable,
      expr.span,
      args,
    );
  }

  private aggregate(fn: AggregateFn, expr: CallExpr, scope: Scope): TypedExpr {
    if (expr.args.length !== 1) {
      this.sink.report('MAP0308', expr.span, { name: fn, expected: '1', actual: String(expr.args.length) });
      return poisoned(expr.span);
    }
    const arg = expr.args[0];
    if (arg.kind !== 'Path') {
      this.sink.report('MAP0305', arg.span, {
        fn,
        path: '…',
        why: 'takes an embedded collection or one of its attributes',
        hint: `e.g. ${fn}(lines.amount)`,
      });
      return poisoned(expr.span);
    }
    const shown = arg.segments.map((s) => s.text).join('.');
    const resolved = resolvePath(arg, scope, this.schema, this.sink);
    if (resolved.kind === 'error') return poisoned(expr.span);
    if (resolved.kind !== 'attr') {
      const why =
        resolved.kind === 'sourceCollection'
          ? 'ranges over source rows that are not embedded in the item'
          : 'ranges over a source row, not an embedded collection';
      const hint =
        resolved.kind === 'sourceCollection'
          ? `embed them first (\`${arg.segments[arg.segments.length - 1].text} = each x in ${shown} { … }\`), then ${fn}(${arg.segments[arg.segments.length - 1].text}${fn === 'count' ? '' : '.…'})`
          : 'aggregates read the attributes of an embedded collection';
      this.sink.report('MAP0305', arg.span, { fn, path: shown, why, hint });
      return poisoned(expr.span);
    }
    const isList = resolved.attr.type === 'list';
    if (resolved.throughLists === 0 && !isList) {
      this.sink.report('MAP0305', arg.span, {
        fn,
        path: shown,
        why: 'is over a single value, not an embedded collection',
        hint: 'name a collection attribute, e.g. sum(lines.amount)',
      });
      return poisoned(expr.span);
    }
    const plan = (type: ValueType): PlanExpr => ({ kind: 'aggregate', type, fn, path: resolved.path });
    if (fn === 'count') return this.typed(plan('int'), false, expr.span);
    const valueType = resolved.attr.type;
    if (isList) {
      this.sink.report('MAP0305', arg.span, {
        fn,
        path: shown,
        why: 'needs a value of each element, not the elements',
        hint: `name an attribute of the elements, e.g. ${fn}(${shown}.amount)`,
      });
      return poisoned(expr.span);
    }
    if ((fn === 'sum' || fn === 'avg') && !NUMERIC.has(valueType)) {
      this.mismatch(arg.span, `${fn}() adds numbers; \`${shown}\` is ${valueType}`);
      return poisoned(expr.span);
    }
    if ((fn === 'min' || fn === 'max') && (valueType === 'bool' || valueType === 'object')) {
      this.mismatch(arg.span, `${fn}() compares values; \`${shown}\` is ${valueType}`);
      return poisoned(expr.span);
    }
    const type: ValueType = fn === 'avg' ? (valueType === 'float' ? 'float' : 'decimal') : valueType;
    // Over no elements there is no sum, minimum or average: null, as in SQL.
    return this.typed(plan(type), true, expr.span);
  }

  private binary(op: BinaryOp, left: TypedExpr, right: TypedExpr, span: Span): TypedExpr {
    const nullable = left.nullable || right.nullable;
    const parts = [left, right];
    const lt = typeOf(left);
    const rt = typeOf(right);
    const make = (type: ValueType) =>
      this.typed({ kind: 'binary', type, op, left: left.plan, right: right.plan }, nullable, span, parts);
    if (left.poison || right.poison)
      return make(
        op === 'and' || op === 'or' || ['==', '!=', '<', '<=', '>', '>='].includes(op)
          ? 'bool'
          : lt === 'null'
            ? rt
            : lt,
      );

    if (op === 'and' || op === 'or') {
      this.requireBool(left);
      this.requireBool(right);
      return make('bool');
    }
    if (['==', '!=', '<', '<=', '>', '>='].includes(op)) {
      if (lt !== 'null' && rt !== 'null' && unify([lt, rt]) === null) {
        this.mismatch(
          span,
          `cannot compare ${lt} with ${rt}`,
          lt === 'string' || rt === 'string' ? 'cast one side: cast(x as string)' : undefined,
        );
      } else if ((lt === 'null' || rt === 'null') && (op === '==' || op === '!=')) {
        this.mismatch(
          span,
          `\`${op} null\` is never true`,
          op === '==' ? 'write `x is null`' : 'write `x is not null`',
        );
      }
      return make('bool');
    }
    // Arithmetic.
    if (lt === 'null' || rt === 'null') return make(lt === 'null' ? rt : lt);
    if ((lt === 'date' || lt === 'timestamp') && rt === 'duration' && (op === '+' || op === '-')) {
      return make(lt);
    }
    if (lt === 'duration' && (rt === 'date' || rt === 'timestamp') && op === '+') return make(rt);
    if (NUMERIC.has(lt) && NUMERIC.has(rt)) {
      if (op === '/') return make(lt === 'float' || rt === 'float' ? 'float' : 'decimal');
      return make(unify([lt, rt])!);
    }
    const hint =
      lt === 'string' && op === '+'
        ? 'join strings with a template "{a}{b}" or concat(a, b)'
        : lt === 'date' || lt === 'timestamp'
          ? 'add a duration: `x + 30 days`, `x - 9 months`'
          : undefined;
    this.mismatch(span, `cannot apply \`${op}\` to ${lt} and ${rt}`, hint);
    return poisoned(span);
  }
}
