// Reads a mapping and, transitively, the files it imports; parses each once. The only part
// of the compiler that touches the file system (through the `readFile` it is given).
import { dirname, relative, resolve, sep } from 'node:path';
import { readFileSync } from 'node:fs';
import type { MapFile, Span } from '../grammar/ast.js';
import { parse, type SyntaxProblem } from '../grammar/parse.js';
import type { Code } from './diagnostics/codes.js';
import type { DiagnosticSink } from './diagnostics/diagnostic.js';

export interface SourceFile {
  /** Path as shown in diagnostics and the plan: relative to the working folder, with `/`. */
  path: string;
  text: string;
  ast: MapFile;
}

export interface LoadedSources {
  entry: SourceFile;
  /** Every file, the entry last, imports before the files that import them. */
  files: SourceFile[];
}

export type ReadFile = (path: string) => string;

export const readFromDisk: ReadFile = (path) => readFileSync(path, 'utf8');

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return (rel.startsWith('..') ? path : rel).split(sep).join('/');
}

const problemCodes: Record<SyntaxProblem['kind'], Code> = {
  syntax: 'MAP0001',
  'unexpected-character': 'MAP0002',
  'unterminated-string': 'MAP0003',
  'bad-string': 'MAP0004',
};

function reportSyntax(problem: SyntaxProblem, sink: DiagnosticSink) {
  const params: Record<string, string> = { detail: problem.message };
  if (problem.keywordUsedAsName) {
    params.hint = `\`${problem.keywordUsedAsName}\` is a keyword: write \`\`${problem.keywordUsedAsName}\`\` (in backticks) to use it as a name`;
  }
  sink.report(problemCodes[problem.kind], problem.span, params);
}

export function loadSources(entryPath: string, readFile: ReadFile, sink: DiagnosticSink): LoadedSources | null {
  const files: SourceFile[] = [];
  const byPath = new Map<string, SourceFile>();
  const visiting: string[] = [];

  const load = (path: string, importedAt: Span | null): SourceFile | null => {
    const shown = displayPath(path);
    const done = byPath.get(shown);
    if (done) return done;
    if (visiting.includes(shown)) {
      const cycle = [...visiting.slice(visiting.indexOf(shown)), shown].join(' -> ');
      sink.report('MAP0102', importedAt!, { cycle });
      return null;
    }
    let text: string;
    try {
      text = readFile(path);
    } catch {
      if (importedAt) sink.report('MAP0101', importedAt, { path: shown });
      else throw new Error(`cannot read ${shown}: no such file`);
      return null;
    }
    const { ast, problems } = parse(text, shown);
    for (const problem of problems) reportSyntax(problem, sink);
    visiting.push(shown);
    for (const imp of ast.imports) load(resolve(dirname(path), imp.path), imp.span);
    visiting.pop();
    const file: SourceFile = { path: shown, text, ast };
    byPath.set(shown, file);
    files.push(file);
    return file;
  };

  const entry = load(entryPath, null);
  return entry ? { entry, files } : null;
}
