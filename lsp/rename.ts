// Rename of a column, a row alias or an attribute: every occurrence, in this file and in the
// files that import the one declaring it. A column renamed without a `header` clause gets one
// with its old name, so that it still reads the same column of the CSV file.
import { resolve } from 'node:path';
import { ResponseError, ErrorCodes, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { KEYWORDS } from '../grammar/tokens.js';
import type { Analyses, Analysis } from './analysis.js';
import type { DocumentStore } from './documents.js';
import { occurrenceAt, occurrencesOf } from './lookup.js';
import type { Occurrence } from './occurrences.js';

const RENAMABLE = new Set<Occurrence['kind']>(['column', 'alias', 'attribute']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function prepareRenameAt(
  analysis: Analysis,
  path: string,
  offset: number,
): { range: Range; placeholder: string } | null {
  const occurrence = occurrenceAt(analysis, path, offset);
  const lines = occurrence && analysis.lines(occurrence.span.file);
  if (!occurrence || !lines || !RENAMABLE.has(occurrence.kind)) {
    throw new ResponseError(ErrorCodes.InvalidRequest, 'only columns, row aliases and attributes can be renamed');
  }
  return {
    range: lines.rangeOf(occurrence.span),
    placeholder: lines.text.slice(occurrence.span.offset, occurrence.span.endOffset).replace(/^`|`$/g, ''),
  };
}

export function renameAt(
  analysis: Analysis,
  path: string,
  offset: number,
  newName: string,
  analyses: Analyses,
  store: DocumentStore,
): WorkspaceEdit | null {
  const occurrence = occurrenceAt(analysis, path, offset);
  if (!occurrence || !RENAMABLE.has(occurrence.kind)) return null;
  if (!NAME.test(newName))
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `\`${newName}\` is not a name: names are letters, digits and _, not starting with a digit`,
    );
  const written = KEYWORDS.has(newName) ? `\`${newName}\`` : newName;
  const changes: Record<string, TextEdit[]> = {};
  for (const { occurrence: o, analysis: a } of occurrencesOf(occurrence.key, analyses, store, analysis)) {
    const lines = a.lines(o.span.file);
    if (!lines) continue;
    const edits = (changes[store.uriOf(resolve(o.span.file))] ??= []);
    edits.push({ range: lines.rangeOf(o.span), newText: written });
    const header = o.kind === 'column' && o.isDeclaration ? keepHeader(a, o) : null;
    if (header) edits.push(header);
  }
  return { changes };
}

/** ` header "old"` after a column declaration that has no header clause. */
function keepHeader(analysis: Analysis, occurrence: Occurrence): TextEdit | null {
  const lines = analysis.lines(occurrence.span.file);
  const file = analysis.files.find((f) => f.path === occurrence.span.file);
  const column = file?.ast.tables.flatMap((t) => t.columns).find((c) => c.name.span.offset === occurrence.span.offset);
  if (!lines || !column || column.header) return null;
  const end = lines.positionAt(column.span.endOffset);
  return { range: { start: end, end }, newText: ` header "${column.name.text}"` };
}
