// Go to definition and find references: the declaration of the symbol under the cursor, and
// every place that names it, in this mapping, the files it imports and the files importing them.
import { dirname, resolve } from 'node:path';
import type { Location } from 'vscode-languageserver';
import type { Analyses, Analysis } from './analysis.js';
import type { DocumentStore } from './documents.js';
import { locationOf, occurrenceAt, occurrencesOf } from './lookup.js';

export function definitionAt(analysis: Analysis, path: string, offset: number, store: DocumentStore): Location | null {
  const occurrence = occurrenceAt(analysis, path, offset);
  if (!occurrence) return null;
  if (occurrence.kind === 'import') {
    const target = resolve(dirname(resolve(occurrence.span.file)), occurrence.key.slice('import:'.length));
    return { uri: store.uriOf(target), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  }
  return occurrence.declaration ? locationOf(analysis, occurrence.declaration, (p) => store.uriOf(p)) : null;
}

export function referencesAt(
  analysis: Analysis,
  path: string,
  offset: number,
  includeDeclaration: boolean,
  analyses: Analyses,
  store: DocumentStore,
): Location[] {
  const occurrence = occurrenceAt(analysis, path, offset);
  if (!occurrence) return [];
  return occurrencesOf(occurrence.key, analyses, store, analysis)
    .filter((f) => includeDeclaration || !f.occurrence.isDeclaration)
    .flatMap((f) => locationOf(f.analysis, f.occurrence.span, (p) => store.uriOf(p)) ?? []);
}
