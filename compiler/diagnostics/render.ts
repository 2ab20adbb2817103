// Renders diagnostics for people (file:line:col, the source line, a caret, the hint) or as
// JSON for tools. The only place where diagnostics become text.
import type { Diagnostic } from './diagnostic.js';
import { viewOf } from './diagnostic.js';

export type SourceLookup = (file: string) => string | undefined;

/** Each file split into lines once, however many diagnostics it has. */
function lineLookup(sources: SourceLookup): (file: string, line: number) => string | undefined {
  const split = new Map<string, string[] | undefined>();
  return (file, line) => {
    if (!split.has(file)) split.set(file, sources(file)?.split('\n'));
    return split.get(file)?.[line - 1];
  };
}

export function renderDiagnostic(d: Diagnostic, sources: SourceLookup): string {
  return renderOne(d, lineLookup(sources));
}

function renderOne(d: Diagnostic, sourceLineOf: (file: string, line: number) => string | undefined): string {
  const v = viewOf(d);
  const lines = [`${v.file}:${v.line}:${v.column}: ${v.severity} ${v.code}: ${v.message}`];
  const sourceLine = sourceLineOf(v.file, v.line);
  if (sourceLine !== undefined) {
    const gutter = String(v.line).padStart(4);
    const width = Math.max(1, Math.min(v.endOffset - v.offset, sourceLine.length - v.column + 1));
    lines.push(`${gutter} | ${sourceLine.replace(/\t/g, ' ')}`);
    lines.push(`${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, v.column - 1))}${'^'.repeat(width)}`);
  }
  if (v.hint) lines.push(`     = hint: ${v.hint}`);
  return lines.join('\n');
}

export function renderDiagnostics(list: Diagnostic[], sources: SourceLookup): string {
  if (list.length === 0) return '';
  const errors = list.filter((d) => viewOf(d).severity === 'error').length;
  const warnings = list.length - errors;
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const sourceLineOf = lineLookup(sources);
  return `${list.map((d) => renderOne(d, sourceLineOf)).join('\n\n')}\n\n${summary}\n`;
}

export function diagnosticsAsJson(list: Diagnostic[]): string {
  return JSON.stringify(list.map(viewOf), null, 2);
}
