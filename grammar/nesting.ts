// Finds text nested deeper than the parser and the later walks can take, before they recurse
// into it: brackets and prefix operators in the tokens, then the depth of the built tree (a
// chain `a + b + …` is flat text but one level per operator). Iterative, so it cannot overflow.
import type { IToken } from 'chevrotain';
import { MAX_EXPRESSION_DEPTH, MAX_NESTING_DEPTH } from './limits.js';

const OPENING = new Set(['LParen', 'LBracket', 'LBrace']);
const CLOSING = new Set(['RParen', 'RBracket', 'RBrace']);
const PREFIX = new Set(['Kw_not', 'Minus']);

/** The first token past MAX_NESTING_DEPTH levels, if any. */
export function tooDeepToken(tokens: IToken[]): IToken | undefined {
  let brackets = 0;
  let prefixRun = 0;
  for (const token of tokens) {
    const type = token.tokenType.name;
    prefixRun = PREFIX.has(type) ? prefixRun + 1 : 0;
    if (OPENING.has(type)) brackets += 1;
    else if (CLOSING.has(type)) brackets = Math.max(0, brackets - 1);
    if (brackets + prefixRun > MAX_NESTING_DEPTH) return token;
  }
  return undefined;
}

interface Spanned {
  span: { offset: number };
}

/** The first node (with a `span`) more than MAX_EXPRESSION_DEPTH nodes below the root. */
export function tooDeepNode(root: object): Spanned | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    const isNode = !Array.isArray(value) && 'span' in value && 'kind' in value;
    const below = isNode ? depth + 1 : depth;
    if (below > MAX_EXPRESSION_DEPTH) return value as Spanned;
    for (const [key, child] of Object.entries(value))
      if (key !== 'span' && typeof child === 'object') stack.push([child, below]);
  }
  return undefined;
}
