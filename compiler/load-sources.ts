// Reads a mapping and, transitively, the files it imports; parses each once. The only part
// of the compiler that touches the file system (through the `readFile` it is given).
// Imports stay inside the mapping's project root (project-root.ts), are relative unless
// absolute ones are allowed, and name .map files: a mapping cannot make mapc read and echo
// /etc/passwd or block on a FIFO.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { MapFile, Span } from '../grammar/ast.js';
import { MAX_MAP_FILE_BYTES } from '../grammar/limits.js';
import { parse, type SyntaxProblem } from '../grammar/parse.js';
import type { Code } from './diagnostics/codes.js';
import { diagnostic, type Diagnostic, type DiagnosticSink } from './diagnostics/diagnostic.js';
import { projectRootOf } from './project-root.js';
import { readMapFile, UnreadableMapFile } from './read-map-file.js';

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

/** Returns a file's text, or throws (an UnreadableMapFile says why). */
export type ReadFile = (path: string) => string;

export const readFromDisk: ReadFile = readMapFile;

export interface LoadOptions {
  /** Let `import "/abs/path.map"` read files anywhere (relative imports stay inside the root). */
  allowAbsoluteImports?: boolean;
  /** The folder imports must stay inside; by default found from the entry file. */
  projectRoot?: string;
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return (rel.startsWith('..') ? path : rel).split(sep).join('/');
}

const problemCodes = {
  syntax: 'MAP0001',
  'unexpected-character': 'MAP0002',
  'unterminated-string': 'MAP0003',
  'bad-string': 'MAP0004',
  'too-deep': 'MAP0007',
  'too-long': 'MAP0008',
} as const satisfies Record<SyntaxProblem['kind'], Code>;

function reportSyntax(problem: SyntaxProblem, sink: DiagnosticSink) {
  const params: { detail: string; hint?: string } = { detail: problem.message };
  if (problem.kind === 'too-deep')
    params.hint =
      'give inner parts names of their own (attributes), or split a long chain `a + b + …` into shorter ones';
  if (problem.keywordUsedAsName) {
    params.hint = `\`${problem.keywordUsedAsName}\` is a keyword: write \`\`${problem.keywordUsedAsName}\`\` (in backticks) to use it as a name`;
  }
  sink.report(problemCodes[problem.kind], problem.span, params);
}

const isMapFile = (path: string) => path.endsWith('.map');

/** The real path when the file exists (symlinks followed), else the path as resolved. */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(realPathOf(root), realPathOf(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function unreadable(error: unknown, shown: string, at: Span): Diagnostic {
  if (error instanceof UnreadableMapFile && error.reason === 'too-large') {
    return diagnostic('MAP0005', at, { path: shown, size: String(error.size), limit: String(MAX_MAP_FILE_BYTES) });
  }
  if (error instanceof UnreadableMapFile && error.reason === 'not-a-file') {
    return diagnostic('MAP0117', at, {
      path: shown,
      why: 'is not a regular file (a folder, device or pipe)',
      hint: 'name a .map file',
    });
  }
  return diagnostic('MAP0101', at, { path: shown });
}

const fileStart = (file: string): Span => ({ file, line: 1, column: 1, offset: 0, endOffset: 0 });

export function loadSources(
  entryPath: string,
  readFile: ReadFile,
  sink: DiagnosticSink,
  options: LoadOptions = {},
): LoadedSources | null {
  const files: SourceFile[] = [];
  const byPath = new Map<string, SourceFile>();
  const visiting: string[] = [];
  const root = options.projectRoot ?? projectRootOf(resolve(entryPath), existsSync);

  /** Whether an import may be read; reports why not at the import. */
  const importAllowed = (written: string, path: string, at: Span): boolean => {
    if (isAbsolute(written) && !options.allowAbsoluteImports) {
      sink.report('MAP0116', at, { path: written });
      return false;
    }
    if (!isAbsolute(written) && !isInside(root, path)) {
      sink.report('MAP0115', at, { path: written, root: displayPath(root) || '.' });
      return false;
    }
    if (!isMapFile(path)) {
      sink.report('MAP0117', at, {
        path: written,
        why: 'is not a .map file',
        hint: 'imports name .map files; their content is never read otherwise',
      });
      return false;
    }
    return true;
  };

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
      if (text.length > MAX_MAP_FILE_BYTES) throw new UnreadableMapFile('too-large', Buffer.byteLength(text));
    } catch (error) {
      const problem = unreadable(error, shown, importedAt ?? fileStart(shown));
      if (importedAt || problem.code !== 'MAP0101') sink.add(problem);
      else throw new Error(`cannot read ${shown}: no such file`);
      return null;
    }
    const { ast, problems } = parse(text, shown);
    for (const problem of problems) reportSyntax(problem, sink);
    visiting.push(shown);
    for (const imp of ast.imports) {
      const target = resolve(dirname(path), imp.path);
      if (importAllowed(imp.path, target, imp.span)) load(target, imp.span);
    }
    visiting.pop();
    // The text of a file that is not a .map (only ever the entry, named by the user) is never
    // shown back in diagnostics.
    const file: SourceFile = { path: shown, text: isMapFile(path) ? text : '', ast };
    byPath.set(shown, file);
    files.push(file);
    return file;
  };

  const entry = load(entryPath, null);
  return entry ? { entry, files } : null;
}
