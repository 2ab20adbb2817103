// Turns Chevrotain's token names into words an analyst reads ("expected `}`", not "RBrace").
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { defaultParserErrorProvider } from './chevrotain.js';

const punctuation: Record<string, string> = {
  Arrow: '`->`',
  Eq: '`==`',
  NotEq: '`!=`',
  LessEq: '`<=`',
  GreaterEq: '`>=`',
  Less: '`<`',
  Greater: '`>`',
  Assign: '`=`',
  Plus: '`+`',
  Minus: '`-`',
  Star: '`*`',
  Slash: '`/`',
  Percent: '`%`',
  Question: '`?`',
  Dot: '`.`',
  Comma: '`,`',
  LBrace: '`{`',
  RBrace: '`}`',
  LParen: '`(`',
  RParen: '`)`',
  LBracket: '`[`',
  RBracket: '`]`',
  Identifier: 'a name',
  QuotedIdentifier: 'a name',
  StringLiteral: 'a string',
  NumberLiteral: 'a number',
  UnterminatedString: 'an unterminated string',
  EOF: 'the end of the file',
};

export function describeTokenType(type: TokenType): string {
  if (type.name.startsWith('Kw_')) return `\`${type.name.slice(3)}\``;
  return punctuation[type.name] ?? type.name;
}

export function describeToken(token: IToken): string {
  if (token.tokenType.name === 'EOF') return 'the end of the file';
  return `\`${token.image}\``;
}

function alternatives(paths: TokenType[][][]): string {
  const firsts = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) firsts.add(describeTokenType(path[0]));
  const list = [...firsts];
  if (list.length <= 1) return list[0] ?? 'something else';
  return `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

const ruleWords: Record<string, string> = {
  file: 'a declaration (`mapping`, `import`, `table`, `target` or `item`)',
  member: 'an attribute (`name = …`), `keep`, `require` or `ttl`',
  primary: 'a value (a name, a number, a string, `(`…)',
  tableDecl: 'a column, `key (…)` or `format { … }`',
};

export const syntaxErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    // Recovery in the top-level loop expects the end of the file; what is allowed there is a declaration.
    if (expected.name === 'EOF') return `expected ${ruleWords.file} but found ${describeToken(actual)}`;
    // Between a table's pattern and its `{` the word `optional` may stand too.
    if (ruleName === 'tableDecl' && expected.name === 'LBrace' && previous.tokenType.name === 'StringLiteral') {
      return `expected \`optional\` or \`{\` but found ${describeToken(actual)}`;
    }
    return `expected ${describeTokenType(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}: expected a declaration (\`mapping\`, \`import\`, \`table\`, \`target\` or \`item\`)`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0] ? describeToken(actual[0]) : 'the end of the file';
    const wanted = ruleWords[ruleName] ?? alternatives(expectedPathsPerAlt);
    return `expected ${wanted} but found ${found}`;
  },
  buildEarlyExitMessage(options) {
    return defaultParserErrorProvider.buildEarlyExitMessage(options);
  },
};
