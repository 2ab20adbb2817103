// The tokens of the .map language and the one lexer built from them.
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: 'comments' });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
/** `order` is a keyword; `` `order` `` is a name. */
export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /`[^`\n]+`/ });

const keywordNames = [
  'mapping',
  'import',
  'table',
  'from',
  'optional',
  'format',
  'key',
  'header',
  'as',
  'inverse',
  'target',
  'partition',
  'sort',
  'ttl',
  'item',
  'into',
  'where',
  'each',
  'in',
  'order',
  'by',
  'asc',
  'desc',
  'limit',
  'keep',
  'require',
  'when',
  'and',
  'or',
  'not',
  'true',
  'false',
  'null',
  'case',
  'then',
  'else',
  'end',
  'cast',
  'is',
  'as_of',
] as const;

export type Keyword = (typeof keywordNames)[number];

export const keywords = Object.fromEntries(
  keywordNames.map((word) => [
    word,
    createToken({ name: `Kw_${word}`, pattern: new RegExp(`${word}\\b`), longer_alt: Identifier }),
  ]),
) as Record<Keyword, TokenType>;

export const KEYWORDS: ReadonlySet<string> = new Set(keywordNames);

// Written as runs of plain characters between escapes (not one alternation per character),
// so that matching a long literal keeps the regular expression engine's stack flat.
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"[^"\\\n]*(?:\\.[^"\\\n]*)*"/ });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"[^"\\\n]*(?:\\.[^"\\\n]*)*/ });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?/ });

export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
export const Eq = createToken({ name: 'Eq', pattern: /==/ });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/ });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/ });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Assign = createToken({ name: 'Assign', pattern: /=/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const Question = createToken({ name: 'Question', pattern: /\?/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  UnterminatedString,
  NumberLiteral,
  QuotedIdentifier,
  ...Object.values(keywords),
  Identifier,
  Arrow,
  Eq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Assign,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Question,
  Dot,
  Comma,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
];

export const mapLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });

export const DURATION_UNITS: Record<string, 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year'> = {
  second: 'second',
  seconds: 'second',
  minute: 'minute',
  minutes: 'minute',
  hour: 'hour',
  hours: 'hour',
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
};
