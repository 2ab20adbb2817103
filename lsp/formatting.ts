// Formatting: `mapc fmt`'s canonical layout as one edit of the whole document. A document with
// syntax errors is left as it is (the formatter refuses it), as `mapc fmt` does.
import type { TextEdit } from 'vscode-languageserver';
import { displayPath } from '../compiler/load-sources.js';
import { formatMap } from '../grammar/format.js';
import { LineIndex } from './positions.js';

export function formatDocument(text: string, path: string): TextEdit[] {
  const result = formatMap(text, displayPath(path));
  if (!result.ok || result.text === text) return [];
  return [{ range: new LineIndex(text).rangeOf({ offset: 0, endOffset: text.length }), newText: result.text }];
}
