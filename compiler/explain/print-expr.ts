// Prints plan expressions back in the .map syntax, for `mapc explain`.
import type { PlanExpr, RowRef } from '../../runtime/plan/types.js';

const PRECEDENCE: Record<string, number> = {
  or: 1,
  and: 2,
  '==': 4,
  '!=': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

export function printRow(ref: RowRef): string {
  return ref.kind === 'alias' ? ref.name : `${printRow(ref.from)}->${ref.table}`;
}

function quote(text: string): string {
  return JSON.stringify(text).replace(/[{}]/g, (b) => `\\${b}`);
}

export function printExpr(expr: PlanExpr, outer = 0): string {
  switch (expr.kind) {
    case 'literal':
      if (expr.value === null) return 'null';
      if (expr.type === 'string') return quote(String(expr.value));
      return String(expr.value);
    case 'column':
      return `${printRow(expr.row)}.${expr.column}`;
    case 'attr':
      return expr.path.join('.');
    case 'aggregate':
      return `${expr.fn}(${expr.path.join('.')})`;
    case 'asOf':
      return 'as_of';
    case 'duration':
      return `${expr.amount} ${expr.unit}${expr.amount === '1' ? '' : 's'}`;
    case 'unary':
      return expr.op === 'not' ? `not ${printExpr(expr.operand, 3)}` : `-${printExpr(expr.operand, 7)}`;
    case 'binary': {
      const p = PRECEDENCE[expr.op];
      const text = `${printExpr(expr.left, p)} ${expr.op} ${printExpr(expr.right, p + 1)}`;
      return p < outer ? `(${text})` : text;
    }
    case 'call':
      if (expr.fn === 'template') {
        return `"${expr.args.map((a) => (a.kind === 'literal' && a.type === 'string' ? quote(String(a.value)).slice(1, -1) : `{${printExpr(a)}}`)).join('')}"`;
      }
      return `${expr.fn}(${expr.args.map((a) => printExpr(a)).join(', ')})`;
    case 'cast':
      return `cast(${printExpr(expr.operand)} as ${expr.type})`;
    case 'case':
      return `case ${expr.branches.map((b) => `when ${printExpr(b.when)} then ${printExpr(b.then)}`).join(' ')}${expr.otherwise ? ` else ${printExpr(expr.otherwise)}` : ''} end`;
    case 'isNull':
      return `${printExpr(expr.operand, 5)} is ${expr.negated ? 'not ' : ''}null`;
  }
}
