// Hover: the text the semantic index holds for the name under the cursor.
import type { Hover } from 'vscode-languageserver';
import type { Analysis } from './analysis.js';
import { occurrenceAt } from './lookup.js';

export function hoverAt(analysis: Analysis, path: string, offset: number): Hover | null {
  const occurrence = occurrenceAt(analysis, path, offset);
  const lines = occurrence && analysis.lines(occurrence.span.file);
  if (!occurrence || !lines) return null;
  return { contents: { kind: 'markdown', value: occurrence.hover }, range: lines.rangeOf(occurrence.span) };
}
