// The grammar's one public edge: text in, AST and syntax problems out (as data).
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Expr, MapFile, Span } from './ast.js';
import { AstBuilder } from './cst-to-ast.js';
import type { FileCstNode } from './cst-types.js';
import { MAX_EXPRESSION_DEPTH, MAX_LITERAL_LENGTH, MAX_NESTING_DEPTH } from './limits.js';
import { tooDeepNode, tooDeepToken } from './nesting.js';
import { mapParser } from './parser.js';
import { KEYWORDS, mapLexer, StringLiteral } from './tokens.js';

export type SyntaxProblemKind =
  'unexpected-character' | 'unterminated-string' | 'syntax' | 'bad-string' | 'too-deep' | 'too-long';

export interface SyntaxProblem {
  kind: SyntaxProblemKind;
  message: string;
  span: Span;
  /** Set when a keyword stands where a name was expected (`order = …`). */
  keywordUsedAsName?: string;
}

export interface ParseResult {
  ast: MapFile;
  problems: SyntaxProblem[];
  /** Comments with their spans, for the formatter. */
  comments: Array<{ text: string; span: Span }>;
}

function tokenSpan(file: string, token: IToken): Span {
  return {
    file,
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
    offset: token.startOffset,
    endOffset: (token.endOffset ?? token.startOffset) + 1,
  };
}

function lex(text: string, file: string, problems: SyntaxProblem[]) {
  const result = mapLexer.tokenize(text);
  for (const error of result.errors) {
    problems.push({
      kind: 'unexpected-character',
      message: `unexpected character \`${text.slice(error.offset, error.offset + error.length)}\``,
      span: {
        file,
        line: error.line ?? 1,
        column: error.column ?? 1,
        offset: error.offset,
        endOffset: error.offset + error.length,
      },
    });
  }
  const tokens: IToken[] = [];
  const comments = result.groups.comments ?? [];
  for (const token of [...result.tokens, ...comments]) {
    if (token.image.length > MAX_LITERAL_LENGTH) {
      problems.push({
        kind: 'too-long',
        message: `this ${token.tokenType.name === 'Comment' ? 'comment' : 'token'} is ${token.image.length} characters long; at most ${MAX_LITERAL_LENGTH} are allowed`,
        span: tokenSpan(file, token),
      });
    }
  }
  for (const token of result.tokens) {
    if (token.tokenType.name === 'UnterminatedString') {
      problems.push({
        kind: 'unterminated-string',
        message: 'this string is never closed: add `"` before the end of the line',
        span: tokenSpan(file, token),
      });
      // Parse on as if it were closed, so the one mistake is reported once.
      token.tokenType = StringLiteral;
      token.tokenTypeIdx = StringLiteral.tokenTypeIdx!;
    }
    tokens.push(token);
  }
  return { tokens, comments };
}

function recognitionProblem(
  file: string,
  error: IRecognitionException,
  previousEnd: IToken | undefined,
  next: (token: IToken) => IToken | undefined,
): SyntaxProblem {
  const token = error.token;
  let span: Span;
  if (token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset)) {
    // At the end of the file Chevrotain points at a virtual EOF token without a position:
    // point just after the last real token instead.
    const last = previousEnd && tokenSpan(file, previousEnd);
    span = last
      ? {
          file,
          line: last.line,
          column: last.column + (last.endOffset - last.offset),
          offset: last.endOffset,
          endOffset: last.endOffset + 1,
        }
      : { file, line: 1, column: 1, offset: 0, endOffset: 0 };
  } else {
    span = tokenSpan(file, token);
  }
  const found = error.token;
  if (KEYWORDS.has(found.image)) {
    if (next(found)?.tokenType.name === 'Assign' || /expected (a name|an attribute)/.test(error.message)) {
      return {
        kind: 'syntax',
        message: `\`${found.image}\` is a keyword and cannot be used as a name here`,
        span,
        keywordUsedAsName: found.image,
      };
    }
  }
  return { kind: 'syntax', message: error.message, span };
}

function tooDeepTokenProblem(file: string, token: IToken): SyntaxProblem {
  return {
    kind: 'too-deep',
    message: `nested more than ${MAX_NESTING_DEPTH} levels deep (brackets and \`not\`/\`-\`) here`,
    span: tokenSpan(file, token),
  };
}

/** Parses one .map file. Never throws on bad input: problems come back as data. */
export function parse(text: string, file: string): ParseResult {
  const problems: SyntaxProblem[] = [];
  const lexed = lex(text, file, problems);
  const { comments } = lexed;
  let { tokens } = lexed;
  // Text nested deeper than the parser's recursion can take is reported and not parsed at all.
  const deepToken = tooDeepToken(tokens);
  if (deepToken) {
    problems.push(tooDeepTokenProblem(file, deepToken));
    tokens = [];
  }
  mapParser.input = tokens;
  const cst = mapParser.file();
  const parseErrors = [...mapParser.errors];
  // Recovery can trip again on the tokens right after an error (a line, or a name then a
  // brace); the first error there is the useful one.
  const linesWithErrors = new Set<number>();
  let lastErrorToken = -Infinity;
  const indexOf = new Map(tokens.map((token, i) => [token, i]));
  const nextOf = (token: IToken) => tokens[(indexOf.get(token) ?? tokens.length) + 1];
  for (const error of parseErrors) {
    const problem = recognitionProblem(file, error, tokens[tokens.length - 1], nextOf);
    const index = indexOf.get(error.token) ?? tokens.length;
    const knockOn = linesWithErrors.has(problem.span.line) || index - lastErrorToken <= 2;
    lastErrorToken = index;
    if (knockOn) continue;
    linesWithErrors.add(problem.span.line);
    problems.push(problem);
  }

  const parseTemplatePart = (source: string, at: { offset: number; line: number; column: number }): Expr => {
    const inner = mapLexer.tokenize(source);
    for (const token of inner.tokens) {
      token.startOffset += at.offset;
      if (token.endOffset !== undefined) token.endOffset += at.offset;
      token.startColumn = (token.startColumn ?? 1) + at.column - 1;
      token.startLine = at.line;
    }
    const errorSpan: Span = {
      file,
      line: at.line,
      column: at.column,
      offset: at.offset,
      endOffset: at.offset + source.length,
    };
    const deepInner = tooDeepToken(inner.tokens);
    if (deepInner) {
      problems.push(tooDeepTokenProblem(file, deepInner));
      return { kind: 'Error', span: errorSpan };
    }
    if (
      inner.errors.length > 0 ||
      inner.tokens.some((tk) => tk.tokenType.name === 'UnterminatedString' || tk.tokenType.name === 'StringLiteral')
    ) {
      problems.push({
        kind: 'bad-string',
        message:
          'a template part `{…}` holds a name, a path or an expression without strings: use concat() for nested strings',
        span: errorSpan,
      });
      return { kind: 'Error', span: errorSpan };
    }
    mapParser.input = inner.tokens;
    const node = mapParser.expression();
    if (mapParser.errors.length > 0) {
      const next = (token: IToken) => inner.tokens[inner.tokens.indexOf(token) + 1];
      for (const error of mapParser.errors)
        problems.push(recognitionProblem(file, error, inner.tokens[inner.tokens.length - 1], next));
      return { kind: 'Error', span: errorSpan };
    }
    return builder.expr(node);
  };
  const builder = new AstBuilder(file, parseTemplatePart, (message, span) =>
    problems.push({ kind: 'bad-string', message, span }),
  );
  const ast = builder.mapFile((cst as FileCstNode).children);
  const deepNode = tooDeepNode(ast);
  if (deepNode) {
    const span = (deepNode as { span: Span }).span;
    problems.push({
      kind: 'too-deep',
      message: `this expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep (each operator of a chain \`a + b + …\` is a level)`,
      span,
    });
  }
  problems.sort((a, b) => a.span.offset - b.span.offset);
  return { ast, problems, comments: comments.map((c) => ({ text: c.image, span: tokenSpan(file, c) })) };
}
