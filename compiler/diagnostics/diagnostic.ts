// Diagnostics as data: a code, its parameters and where. Messages come from codes.ts only
// when a diagnostic is rendered or serialised.
import type { Span } from '../../grammar/ast.js';
import { MAX_DIAGNOSTICS_PER_FILE } from '../../grammar/limits.js';
import { codeInfo, type Code, type Severity } from './codes.js';

export interface Diagnostic {
  code: Code;
  params: Record<string, string>;
  span: Span;
}

/** `file:line:column`, as diagnostics name a place. */
export function placeOf(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}

export interface DiagnosticView {
  code: Code;
  severity: Severity;
  message: string;
  hint: string | null;
  file: string;
  line: number;
  column: number;
  endOffset: number;
  offset: number;
}

export function viewOf(d: Diagnostic): DiagnosticView {
  const info = codeInfo(d.code);
  return {
    code: d.code,
    severity: info.severity,
    message: info.message(d.params),
    hint: info.hint?.(d.params) ?? null,
    file: d.span.file,
    line: d.span.line,
    column: d.span.column,
    offset: d.span.offset,
    endOffset: d.span.endOffset,
  };
}

/**
 * Collects diagnostics; a second report of the same code at the same place is dropped. After
 * MAX_DIAGNOSTICS_PER_FILE in one file, one MAP0006 says so and the rest of that file's are dropped.
 */
export class DiagnosticSink {
  private readonly seen = new Set<string>();
  private readonly perFile = new Map<string, number>();
  private errors = 0;
  readonly all: Diagnostic[] = [];

  report(code: Code, span: Span, params: Record<string, string> = {}): void {
    const key = `${code}@${span.file}:${span.offset}`;
    if (this.seen.has(key)) return;
    const count = this.perFile.get(span.file) ?? 0;
    if (count > MAX_DIAGNOSTICS_PER_FILE) return;
    this.seen.add(key);
    this.perFile.set(span.file, count + 1);
    if (count === MAX_DIAGNOSTICS_PER_FILE) {
      this.add('MAP0006', span, { limit: String(MAX_DIAGNOSTICS_PER_FILE), file: span.file });
      return;
    }
    this.add(code, span, params);
  }

  private add(code: Code, span: Span, params: Record<string, string>) {
    this.all.push({ code, params, span });
    if (codeInfo(code).severity === 'error') this.errors += 1;
  }

  get errorCount(): number {
    return this.errors;
  }

  sorted(): Diagnostic[] {
    return [...this.all].sort((a, b) => a.span.file.localeCompare(b.span.file) || a.span.offset - b.span.offset || a.code.localeCompare(b.code));
  }
}
