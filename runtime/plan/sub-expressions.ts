// The expressions directly inside a plan expression, for walks over a whole expression.
import type { PlanExpr } from './types.js';

export function subExpressions(expr: PlanExpr): PlanExpr[] {
  switch (expr.kind) {
    case 'literal':
    case 'asOf':
    case 'duration':
    case 'column':
    case 'attr':
    case 'aggregate':
      return [];
    case 'unary':
    case 'cast':
    case 'isNull':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'call':
      return expr.args;
    case 'case':
      return [...expr.branches.flatMap((b) => [b.when, b.then]), ...(expr.otherwise === null ? [] : [expr.otherwise])];
  }
}
