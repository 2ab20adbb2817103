// `mapc fmt`: the canonical layout of a .map file. Text in, text out; a file with syntax
// problems is refused, never half-formatted.
//
// Works on the token stream, not on the AST: every token and comment is printed again, in the
// same order and with the same image, with canonical spacing (format-lines.ts) and alignment
// (format-align.ts). The AST only says where columns and attributes begin and end.
import type { Member, MapFile } from './ast.js';
import { renderLines, type AlignmentShapes } from './format-align.js';
import { layoutLines, type Piece } from './format-lines.js';
import { parse, type SyntaxProblem } from './parse.js';
import { mapLexer } from './tokens.js';

export type FormatResult = { ok: true; text: string } | { ok: false; problems: SyntaxProblem[] };

/** Formats one .map file. Formatting the result again changes nothing. */
export function formatMap(text: string, file: string): FormatResult {
  const { ast, problems } = parse(text, file);
  if (problems.length > 0) return { ok: false, problems };
  const shapes = alignmentShapes(ast);
  const pieces = sourcePieces(text);
  return { ok: true, text: renderLines(layoutLines(pieces, shapes), pieces, shapes) };
}

/** Tokens and comments merged in source order. A comment loses its trailing whitespace. */
function sourcePieces(text: string): Piece[] {
  const lexed = mapLexer.tokenize(text);
  const comments = lexed.groups.comments ?? [];
  const ordered = [...lexed.tokens, ...comments].sort((a, b) => a.startOffset - b.startOffset);
  let previousEnd = 0;
  return ordered.map((token) => {
    const piece: Piece = {
      image: token.tokenType.name === 'Comment' ? token.image.trimEnd() : token.image,
      type: token.tokenType.name,
      offset: token.startOffset,
      newlinesBefore: countNewlines(text, previousEnd, token.startOffset),
      space: '',
    };
    previousEnd = token.startOffset + token.image.length;
    return piece;
  });
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index++) if (text.charCodeAt(index) === 10) count++;
  return count;
}

function alignmentShapes(ast: MapFile): AlignmentShapes {
  const columns = new Set<number>();
  for (const table of ast.tables) for (const column of table.columns) columns.add(column.span.offset);
  const attributes = new Map<number, number>();
  const visit = (members: Member[]) => {
    for (const member of members) {
      if (member.kind !== 'Attribute') continue;
      attributes.set(member.span.offset, member.span.endOffset);
      if (member.value.kind === 'Each' || member.value.kind === 'Object') visit(member.value.members);
    }
  };
  for (const item of ast.items) visit(item.members);
  return { columns, attributes };
}
