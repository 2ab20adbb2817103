// Semantic tokens: the names the TextMate grammar cannot tell apart (a table, a column, a
// relationship, an alias, an attribute, a function), from the semantic index.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { Occurrence, SymbolKind } from './occurrences.js';
import type { LineIndex } from './positions.js';

const TYPES: Record<Exclude<SymbolKind, 'import'>, string> = {
  table: 'class',
  target: 'namespace',
  column: 'property',
  relation: 'enumMember',
  alias: 'parameter',
  attribute: 'variable',
  function: 'function',
};

export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: [...new Set(Object.values(TYPES))],
  tokenModifiers: ['declaration'],
};

export function semanticTokens(occurrences: Occurrence[], file: string, lines: LineIndex): SemanticTokens {
  const tokens = occurrences
    .filter((o): o is Occurrence & { kind: keyof typeof TYPES } => o.span.file === file && o.kind !== 'import')
    .sort((a, b) => a.span.offset - b.span.offset);
  const data: number[] = [];
  let line = 0;
  let character = 0;
  let lastEnd = -1;
  for (const o of tokens) {
    if (o.span.offset < lastEnd) continue;
    const start = lines.positionAt(o.span.offset);
    const end = lines.positionAt(o.span.endOffset);
    if (end.line !== start.line) continue;
    data.push(
      start.line - line,
      start.line === line ? start.character - character : start.character,
      end.character - start.character,
      SEMANTIC_LEGEND.tokenTypes.indexOf(TYPES[o.kind]),
      o.isDeclaration ? 1 : 0,
    );
    line = start.line;
    character = start.character;
    lastEnd = o.span.endOffset;
  }
  return { data };
}
