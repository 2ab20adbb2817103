// One mapping as the server sees it: compile()'s diagnostics (exactly what `mapc check`
// reports), the files it read with their syntax trees, the schema, and the semantic index.
// Analyses are cached until the next change to any document.
import { resolve } from 'node:path';
import { compile, type CompileResult } from '../compiler/compile.js';
import { DiagnosticSink } from '../compiler/diagnostics/diagnostic.js';
import type { SourceFile } from '../compiler/load-sources.js';
import { buildSchema } from '../compiler/schema/build-schema.js';
import type { Schema } from '../compiler/schema/schema.js';
import type { DocumentStore } from './documents.js';
import { LineIndex } from './positions.js';
import { buildIndex, type SemanticIndex } from './semantic-index.js';

export interface Analysis {
  /** Absolute path of the mapping analysed as an entry. */
  path: string;
  compiled: CompileResult;
  /** The entry and its imports (display paths, as spans name them). */
  files: SourceFile[];
  entry: SourceFile | null;
  schema: Schema | null;
  index: SemanticIndex;
  /** Absolute paths of every file read. */
  reads: Set<string>;
  lines(file: string): LineIndex | null;
}

function analyze(path: string, store: DocumentStore): Analysis {
  let compiled: CompileResult;
  try {
    // The optimizer's rewrites add no diagnostic: the logical plan is enough, and quicker.
    compiled = compile(path, { readFile: store.readFile, optimize: false });
  } catch {
    // The entry itself cannot be read (deleted since it was listed).
    compiled = { plan: null, diagnostics: [], sources: new Map(), items: [], schema: null, files: [] };
  }
  const files = compiled.files;
  const entry = files.at(-1) ?? null;
  // compile() stops before the schema when there are syntax errors, which is most of the time
  // while someone types: then it is built here (quietly: compile() reported the errors).
  const schema = compiled.schema ?? (entry ? buildSchema(files, entry, new DiagnosticSink()) : null);
  const index: SemanticIndex = entry && schema ? buildIndex(files, entry, schema) : { occurrences: [], scopes: [] };
  const lineIndexes = new Map<string, LineIndex>();
  const texts = new Map(files.map((f) => [f.path, f.text]));
  for (const [file, text] of compiled.sources) if (!texts.has(file)) texts.set(file, text);
  return {
    path,
    compiled,
    files,
    entry,
    schema,
    index,
    reads: new Set([...texts.keys()].map((f) => resolve(f))),
    lines(file) {
      const text = texts.get(file);
      if (text === undefined) return null;
      let lines = lineIndexes.get(file);
      if (!lines) lineIndexes.set(file, (lines = new LineIndex(text)));
      return lines;
    },
  };
}

export class Analyses {
  private readonly cache = new Map<string, { generation: number; analysis: Analysis }>();

  constructor(private readonly store: DocumentStore) {}

  of(path: string): Analysis {
    const cached = this.cache.get(path);
    if (cached && cached.generation === this.store.generation) return cached.analysis;
    const analysis = analyze(path, this.store);
    this.cache.set(path, { generation: this.store.generation, analysis });
    return analysis;
  }

  /** Forgets files no longer open or listed. */
  prune(keep: Set<string>): void {
    for (const path of this.cache.keys()) if (!keep.has(path)) this.cache.delete(path);
  }
}
