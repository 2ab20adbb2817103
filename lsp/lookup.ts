// Finding the symbol under the cursor, and every occurrence of a symbol across the mappings
// the server knows (open documents and workspace files).
import { resolve } from 'node:path';
import { displayPath } from '../compiler/load-sources.js';
import type { Location } from 'vscode-languageserver';
import type { Analyses, Analysis } from './analysis.js';
import type { DocumentStore } from './documents.js';
import { covers, type Occurrence } from './occurrences.js';

export function occurrenceAt(analysis: Analysis, path: string, offset: number): Occurrence | null {
  const file = displayPath(path);
  let best: Occurrence | null = null;
  for (const o of analysis.index.occurrences) {
    if (o.span.file !== file || !covers(o.span, offset)) continue;
    if (!best || o.span.endOffset - o.span.offset < best.span.endOffset - best.span.offset) best = o;
  }
  return best;
}

export function locationOf(
  analysis: Analysis,
  span: Occurrence['span'],
  uriOf: (path: string) => string,
): Location | null {
  const lines = analysis.lines(span.file);
  return lines ? { uri: uriOf(resolve(span.file)), range: lines.rangeOf(span) } : null;
}

/** Every occurrence of the symbol `key`, once each, with the analysis that found it. */
export function occurrencesOf(
  key: string,
  analyses: Analyses,
  store: DocumentStore,
  first: Analysis,
): Array<{ occurrence: Occurrence; analysis: Analysis }> {
  const seen = new Set<string>();
  const found: Array<{ occurrence: Occurrence; analysis: Analysis }> = [];
  const collect = (analysis: Analysis) => {
    for (const occurrence of analysis.index.occurrences) {
      if (occurrence.key !== key) continue;
      const at = `${resolve(occurrence.span.file)}:${occurrence.span.offset}`;
      if (seen.has(at)) continue;
      seen.add(at);
      found.push({ occurrence, analysis });
    }
  };
  collect(first);
  // Symbols of one file (aliases, attributes) are only ever used in that file.
  if (key.startsWith('alias:') || key.startsWith('attribute:')) return found;
  const declaredIn = new Set(
    found.filter((f) => f.occurrence.isDeclaration).map((f) => resolve(f.occurrence.span.file)),
  );
  for (const path of store.knownFiles()) {
    if (path === first.path) continue;
    const analysis = analyses.of(path);
    if (declaredIn.size > 0 && ![...declaredIn].some((d) => analysis.reads.has(d))) continue;
    collect(analysis);
  }
  return found;
}
