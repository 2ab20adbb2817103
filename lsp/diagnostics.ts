// compile()'s diagnostics as LSP diagnostics: the same codes and spans as `mapc check`, with
// the severity, the hint (after the message) and related places (a `file:line:column` named in
// a parameter, such as the other declaration of a duplicate).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
} from 'vscode-languageserver';
import { viewOf } from '../compiler/diagnostics/diagnostic.js';
import type { Analysis } from './analysis.js';

const PLACE = /^(.+\.map):(\d+):(\d+)$/;

function related(analysis: Analysis, params: object): DiagnosticRelatedInformation[] {
  const found: DiagnosticRelatedInformation[] = [];
  for (const value of Object.values(params)) {
    const match = typeof value === 'string' ? PLACE.exec(value) : null;
    if (!match) continue;
    const line = Number(match[2]) - 1;
    const character = Number(match[3]) - 1;
    const lines = analysis.lines(match[1]);
    const end = lines ? lines.positionAt(lines.offsetAt({ line, character }) + 1) : { line, character: character + 1 };
    found.push({
      location: { uri: pathToFileURL(resolve(match[1])).href, range: { start: { line, character }, end } },
      message: 'also declared here',
    });
  }
  return found;
}

/** The diagnostics of `analysis` that lie in the file at `path` (absolute). */
export function lspDiagnostics(analysis: Analysis, path: string): LspDiagnostic[] {
  const result: LspDiagnostic[] = [];
  for (const d of analysis.compiled.diagnostics) {
    if (resolve(d.span.file) !== path) continue;
    const view = viewOf(d);
    const lines = analysis.lines(d.span.file);
    const range = lines
      ? lines.rangeOf(d.span)
      : {
          start: { line: d.span.line - 1, character: d.span.column - 1 },
          end: { line: d.span.line - 1, character: d.span.column - 1 },
        };
    const info = related(analysis, d.params);
    result.push({
      range,
      severity: view.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: view.code,
      source: 'mapc',
      message: view.hint ? `${view.message}\nhint: ${view.hint}` : view.message,
      ...(info.length > 0 ? { relatedInformation: info } : {}),
      data: { hint: view.hint },
    });
  }
  return result;
}
