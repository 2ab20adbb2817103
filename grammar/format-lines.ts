// Layout for `mapc fmt`, first half: the source's tokens and comments are cut into output lines.
// The language has no statement separators, so a line break is decided from the author's own
// line breaks, the braces, and which tokens start a statement (a declaration, a column, a member).
// Spacing inside a line is decided here too; the table and `=` alignment is format-align.ts.

/** A token or a comment, in source order. */
export interface Piece {
  image: string;
  /** The Chevrotain token type name; `Comment` for comments. */
  type: string;
  offset: number;
  /** How many line breaks stood between the previous piece and this one in the source. */
  newlinesBefore: number;
  /** The space printed before this piece when it is not the first on its line: '' or ' '. */
  space: string;
}

export interface Line {
  /** Indentation level: brace depth, plus one on a continuation line of a statement. */
  depth: number;
  blankBefore: boolean;
  /** Indexes into the pieces: the tokens of the line (none on an own-line comment). */
  tokens: number[];
  /** The comment on this line: the whole line, or trailing after the tokens. */
  comment: string | null;
  /** Which brace block the line sits in, so a table's columns align with each other only. */
  block: number;
}

const declarationKeywords = new Set(['Kw_mapping', 'Kw_import', 'Kw_table', 'Kw_target', 'Kw_item']);
/** Declarations with a `{ … }` body: exactly one blank line separates them from their neighbours. */
const blockDeclarations = new Set(['Kw_table', 'Kw_target', 'Kw_item']);
/** Keywords that only ever begin a statement inside a block. */
const statementKeywords = new Set(['Kw_format', 'Kw_partition', 'Kw_sort', 'Kw_ttl', 'Kw_keep', 'Kw_require']);

const closers = new Set(['RBrace', 'RParen', 'RBracket', 'Kw_end']);

const noSpaceBefore = new Set(['Comma', 'RParen', 'RBracket', 'Question', 'Dot']);
const noSpaceAfter = new Set(['LParen', 'LBracket', 'Dot']);
/** Tokens that can end an operand: a `-` after one of them is binary, otherwise unary. */
const operandEnds = new Set([
  'Identifier',
  'QuotedIdentifier',
  'NumberLiteral',
  'StringLiteral',
  'RParen',
  'RBracket',
  'Kw_true',
  'Kw_false',
  'Kw_null',
  'Kw_as_of',
  'Kw_end',
]);

function spaceBetween(beforePrevious: Piece | undefined, previous: Piece, next: Piece): string {
  if (noSpaceBefore.has(next.type) || noSpaceAfter.has(previous.type)) return '';
  // A call: `lower(x)`, `cast(x as int)`; but `key (a, b)` and `not (x)` keep their space.
  if (next.type === 'LParen' && (previous.type === 'Identifier' || previous.type === 'Kw_cast')) return '';
  if (previous.type === 'LBrace' && next.type === 'RBrace') return '';
  if (previous.type === 'Minus' && !(beforePrevious && operandEnds.has(beforePrevious.type))) return '';
  return ' ';
}

/** Where statements begin, read from the AST: the lexer alone cannot tell a column's name from its type. */
export interface StatementStarts {
  columns: ReadonlySet<number>;
}

/** Sets `space` on every piece and cuts the pieces into lines. */
export function layoutLines(pieces: Piece[], starts: StatementStarts): Line[] {
  const isToken = (index: number) => pieces[index].type !== 'Comment';
  // The index of the first token at or after each piece (pieces.length when none).
  const nextTokenAt: number[] = new Array<number>(pieces.length + 1).fill(pieces.length);
  for (let index = pieces.length - 1; index >= 0; index--)
    nextTokenAt[index] = isToken(index) ? index : nextTokenAt[index + 1];

  // Brace depth in front of each piece (a `}` already counts as closed) and statement starts.
  const depthAt: number[] = [];
  const startsStatement = new Set<number>();
  let depth = 0;
  for (const [index, piece] of pieces.entries()) {
    if (piece.type === 'RBrace') depth--;
    depthAt.push(depth);
    if (piece.type === 'LBrace') depth++;
    if (!isToken(index)) continue;
    const following = pieces[nextTokenAt[index + 1]] as Piece | undefined;
    const isStart =
      (depthAt[index] === 0 && declarationKeywords.has(piece.type)) ||
      statementKeywords.has(piece.type) ||
      (piece.type === 'Kw_from' && depthAt[index] > 0) ||
      (piece.type === 'Kw_key' && following?.type === 'LParen') ||
      following?.type === 'Assign' ||
      starts.columns.has(piece.offset);
    if (isStart) startsStatement.add(index);
  }

  let previousToken: Piece | undefined;
  let beforePreviousToken: Piece | undefined;
  for (const piece of pieces) {
    if (piece.type === 'Comment') continue;
    piece.space = previousToken ? spaceBetween(beforePreviousToken, previousToken, piece) : '';
    beforePreviousToken = previousToken;
    previousToken = piece;
  }

  const lines: Line[] = [];
  const blocks: number[] = [0];
  let blockCount = 0;
  let declarationKind = '';
  let lastToken = -1;
  let lineSinceLastToken = false;

  // 0: same line, 1: next line, 2: after one blank line.
  const breakBefore = (index: number): number => {
    const piece = pieces[index];
    const previous = pieces[index - 1];
    const authored = Math.min(piece.newlinesBefore, 2);
    if (index === 0) return 1;
    if (piece.type === 'Comment' && piece.newlinesBefore === 0) return 0;
    const upcoming = pieces[nextTokenAt[index]] as Piece | undefined;
    if (
      lastToken >= 0 &&
      !lineSinceLastToken &&
      upcoming &&
      depthAt[nextTokenAt[index]] === 0 &&
      declarationKeywords.has(upcoming.type) &&
      (blockDeclarations.has(declarationKind) || blockDeclarations.has(upcoming.type))
    )
      return 2;
    if (previous.type === 'Comment') return Math.max(authored, 1);
    // A block opens on its statement's line, and `optional` stays beside its table's pattern.
    if (piece.type === 'LBrace' || piece.type === 'Kw_optional') return 0;
    if (previous.type === 'LBrace') return piece.type === 'RBrace' ? 0 : 1;
    if (piece.type === 'RBrace') return 1;
    if (piece.type === 'Comment' || startsStatement.has(index)) return Math.max(authored, 1);
    return Math.min(authored, 1);
  };

  for (const [index, piece] of pieces.entries()) {
    const lineBreak = breakBefore(index);
    if (piece.type === 'RBrace') blocks.pop();
    if (lineBreak > 0) {
      // A line inside a statement (`where …` under an `each`) is indented one step further,
      // except a line that starts by closing what the statement opened: `)`, `]`, `end`.
      const continues = isToken(index) && !startsStatement.has(index) && !closers.has(piece.type) && lastToken >= 0;
      lines.push({
        depth: depthAt[index] + (continues ? 1 : 0),
        blankBefore: lineBreak === 2 && lines.length > 0,
        tokens: [],
        comment: null,
        block: blocks[blocks.length - 1],
      });
    }
    const line = lines[lines.length - 1];
    if (piece.type === 'Comment') {
      line.comment = piece.image;
      if (line.tokens.length === 0) lineSinceLastToken = true;
      continue;
    }
    line.tokens.push(index);
    if (piece.type === 'LBrace') blocks.push(++blockCount);
    if (depthAt[index] === 0 && declarationKeywords.has(piece.type)) declarationKind = piece.type;
    lastToken = index;
    lineSinceLastToken = false;
  }

  indentOwnLineComments(lines, pieces);
  return lines;
}

/**
 * An own-line comment takes the indentation of the code after it; before a `}` it stays at the
 * block's inner indentation, since it speaks about the block's last members, not about what follows.
 */
function indentOwnLineComments(lines: Line[], pieces: Piece[]): void {
  let followingDepth = 0;
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index];
    if (line.tokens.length > 0) {
      const closes = pieces[line.tokens[0]].type === 'RBrace';
      followingDepth = line.depth + (closes ? 1 : 0);
    } else {
      line.depth = followingDepth;
    }
  }
}
