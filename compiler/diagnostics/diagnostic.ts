// Diagnostics as data: a code, its parameters and where. Messages come from codes.ts only
// when a diagnostic is rendered or serialised. The parameters are those the code's message
// reads (MessageParameterTypes), checked where the diagnostic is made.
import type { Span } from '../../grammar/ast.js';
import { MAX_DIAGNOSTICS_PER_FILE } from '../../grammar/limits.js';
import { codeInfo, type Code, type MessageParameterTypes, type Severity } from './codes.js';

/** A diagnostic of one code, with that code's parameters. */
export interface DiagnosticOf<C extends Code> {
  code: C;
  params: MessageParameterTypes[C];
  span: Span;
}

/** A diagnostic of any code; `code` tells which parameters it holds. */
export type Diagnostic = { [C in Code]: DiagnosticOf<C> }[Code];

/**
 * The parameters a diagnostic of `C` must be given. When `C` is one of several codes (chosen at
 * run time), the parameters every one of them reads.
 */
export type ParamsFor<C extends Code> = IntersectionOf<MessageParameterTypes[C]>;
type IntersectionOf<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Makes a diagnostic: only the parameters of its code are accepted, and all of them. */
export function diagnostic<C extends Code>(code: C, span: Span, params: ParamsFor<C>): DiagnosticOf<C> {
  return { code, params: params as MessageParameterTypes[C], span };
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
  return viewOfCode(d);
}

function viewOfCode<C extends Code>(d: DiagnosticOf<C>): DiagnosticView {
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

  /** Reports `code` at `span` with the parameters its message reads. */
  report<C extends Code>(code: C, span: Span, params: ParamsFor<C>): void {
    this.add(diagnostic(code, span, params) as Diagnostic);
  }

  /** Reports a diagnostic made with diagnostic(). */
  add(d: Diagnostic): void {
    const { code, span } = d;
    const key = `${code}@${span.file}:${span.offset}`;
    if (this.seen.has(key)) return;
    const count = this.perFile.get(span.file) ?? 0;
    if (count > MAX_DIAGNOSTICS_PER_FILE) return;
    this.seen.add(key);
    this.perFile.set(span.file, count + 1);
    if (count === MAX_DIAGNOSTICS_PER_FILE) {
      this.keep(diagnostic('MAP0006', span, { limit: String(MAX_DIAGNOSTICS_PER_FILE), file: span.file }));
      return;
    }
    this.keep(d);
  }

  private keep(d: Diagnostic) {
    this.all.push(d);
    if (codeInfo(d.code).severity === 'error') this.errors += 1;
  }

  get errorCount(): number {
    return this.errors;
  }

  sorted(): Diagnostic[] {
    return [...this.all].sort(
      (a, b) => a.span.file.localeCompare(b.span.file) || a.span.offset - b.span.offset || a.code.localeCompare(b.code),
    );
  }
}
