// Scalar function signatures: argument checks and result types. The runtime implements the
// same names (runtime/eval); docs/language.md describes them.
import type { ValueType } from '../../runtime/plan/types.js';
import { NUMERIC, typeOf, type TypedExpr } from './typed.js';

export interface FunctionResult {
  type: ValueType;
  nullable: boolean;
}

/** Returns the result, or a message saying what is wrong with the arguments. */
type Signature = { arity: [number, number]; check: (args: TypedExpr[]) => FunctionResult | string };

const anyNullable = (args: TypedExpr[]) => args.some((a) => a.nullable);

function expect(args: TypedExpr[], index: number, allowed: ValueType[], fn: string): string | null {
  const arg = args[index];
  if (!arg || arg.poison || typeOf(arg) === 'null' || allowed.includes(typeOf(arg))) return null;
  return `argument ${index + 1} of ${fn}() is ${typeOf(arg)}; it takes ${allowed.join(' or ')}`;
}

function stringFunction(fn: string, result: ValueType, argTypes: ValueType[][]): Signature {
  return {
    arity: [argTypes.length, argTypes.length],
    check: (args) => {
      for (let i = 0; i < argTypes.length; i++) {
        const problem = expect(args, i, argTypes[i], fn);
        if (problem) return problem;
      }
      return { type: result, nullable: anyNullable(args) };
    },
  };
}

function numericSameType(fn: string, extraArgs: number): Signature {
  return {
    arity: [1, 1 + extraArgs],
    check: (args) =>
      expect(args, 0, ['int', 'decimal', 'float'], fn) ??
      expect(args, 1, ['int'], fn) ?? {
        type: typeOf(args[0]) === 'null' ? 'decimal' : typeOf(args[0]),
        nullable: anyNullable(args),
      },
  };
}

function datePart(fn: string): Signature {
  return {
    arity: [1, 1],
    check: (args) => expect(args, 0, ['date', 'timestamp'], fn) ?? { type: 'int', nullable: anyNullable(args) },
  };
}

/** A common type for coalesce and case branches: numbers widen, null fits anything. */
export function unify(types: ValueType[]): ValueType | null {
  const known = types.filter((t) => t !== 'null');
  if (known.length === 0) return 'null';
  if (known.every((t) => t === known[0])) return known[0];
  if (known.every((t) => NUMERIC.has(t))) return known.includes('float') ? 'float' : 'decimal';
  if (known.every((t) => t === 'date' || t === 'timestamp')) return 'timestamp';
  return null;
}

export const FUNCTIONS: Record<string, Signature> = {
  upper: stringFunction('upper', 'string', [['string']]),
  lower: stringFunction('lower', 'string', [['string']]),
  trim: stringFunction('trim', 'string', [['string']]),
  length: stringFunction('length', 'int', [['string']]),
  replace: stringFunction('replace', 'string', [['string'], ['string'], ['string']]),
  starts_with: stringFunction('starts_with', 'bool', [['string'], ['string']]),
  substr: {
    arity: [2, 3],
    check: (args) =>
      expect(args, 0, ['string'], 'substr') ??
      expect(args, 1, ['int'], 'substr') ??
      expect(args, 2, ['int'], 'substr') ?? { type: 'string', nullable: anyNullable(args) },
  },
  concat: { arity: [1, 64], check: () => ({ type: 'string', nullable: false }) },
  coalesce: {
    arity: [2, 64],
    check: (args) => {
      const type = unify(args.filter((a) => !a.poison).map(typeOf));
      if (type === null) return `coalesce() arguments must share a type; got ${args.map(typeOf).join(', ')}`;
      return { type, nullable: args.every((a) => a.nullable) };
    },
  },
  round: numericSameType('round', 1),
  abs: numericSameType('abs', 0),
  floor: numericSameType('floor', 0),
  ceil: numericSameType('ceil', 0),
  epoch_seconds: {
    arity: [1, 1],
    check: (args) =>
      expect(args, 0, ['date', 'timestamp'], 'epoch_seconds') ?? { type: 'int', nullable: anyNullable(args) },
  },
  date: {
    arity: [1, 1],
    check: (args) =>
      expect(args, 0, ['timestamp', 'date', 'string'], 'date') ?? { type: 'date', nullable: anyNullable(args) },
  },
  timestamp: {
    arity: [1, 1],
    check: (args) =>
      expect(args, 0, ['timestamp', 'date', 'string'], 'timestamp') ?? {
        type: 'timestamp',
        nullable: anyNullable(args),
      },
  },
  year: datePart('year'),
  month: datePart('month'),
  day: datePart('day'),
  days_between: {
    arity: [2, 2],
    check: (args) =>
      expect(args, 0, ['date', 'timestamp'], 'days_between') ??
      expect(args, 1, ['date', 'timestamp'], 'days_between') ?? { type: 'int', nullable: anyNullable(args) },
  },
};

export const AGGREGATES = ['count', 'sum', 'min', 'max', 'avg'] as const;
