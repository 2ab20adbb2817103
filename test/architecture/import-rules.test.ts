// The floors of the house: every source file's relative imports are read and checked against
// a small table of the folder-to-folder edges allowed (a folder may import only the folders
// listed for it, so no import goes up the floors), and, for runtime/, against each folder's
// surface: the files other folders may import. The runtime never imports grammar/ or
// compiler/. Tests, examples and benchmarks are left out: they may reach into any file.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_FOLDERS = ['runtime', 'api', 'bin', 'deploy', 'compiler', 'grammar', 'lsp'];

/** Folder → the folders its files may import (besides their own), bottom floor first. */
export const ALLOWED_EDGES: Record<string, readonly string[]> = {
  'runtime/plan': [],
  'runtime/values': ['runtime/plan'],
  'runtime/eval': ['runtime/plan', 'runtime/values'],
  'runtime/archive': [],
  'runtime/csv': ['runtime/plan'],
  'runtime/threads': [],
  'runtime/report': ['runtime/plan', 'runtime/values'],
  'runtime/read': [
    'runtime/archive',
    'runtime/csv',
    'runtime/eval',
    'runtime/plan',
    'runtime/report',
    'runtime/values',
  ],
  'runtime/hold': [
    'runtime/archive',
    'runtime/csv',
    'runtime/eval',
    'runtime/plan',
    'runtime/read',
    'runtime/report',
    'runtime/threads',
    'runtime/values',
  ],
  'runtime/sinks': ['runtime/eval', 'runtime/report', 'runtime/values'],
  'runtime/dynamodb': ['runtime/eval', 'runtime/plan', 'runtime/report', 'runtime/sinks', 'runtime/values'],
  'runtime/assemble': [
    'runtime/archive',
    'runtime/dynamodb',
    'runtime/eval',
    'runtime/hold',
    'runtime/plan',
    'runtime/read',
    'runtime/report',
    'runtime/sinks',
    'runtime/threads',
    'runtime/values',
  ],
  'runtime/merge': [
    'runtime/archive',
    'runtime/assemble',
    'runtime/eval',
    'runtime/hold',
    'runtime/plan',
    'runtime/read',
    'runtime/report',
    'runtime/sinks',
    'runtime/values',
  ],
  'runtime/control': ['runtime/dynamodb', 'runtime/eval', 'runtime/merge'],
  'runtime/run': [
    'runtime/archive',
    'runtime/assemble',
    'runtime/control',
    'runtime/csv',
    'runtime/dynamodb',
    'runtime/eval',
    'runtime/hold',
    'runtime/merge',
    'runtime/plan',
    'runtime/read',
    'runtime/report',
    'runtime/sinks',
    'runtime/values',
  ],
  'runtime/job': [
    'runtime/archive',
    'runtime/control',
    'runtime/dynamodb',
    'runtime/eval',
    'runtime/hold',
    'runtime/merge',
    'runtime/plan',
    'runtime/read',
    'runtime/report',
    'runtime/run',
    'runtime/sinks',
    'runtime/values',
  ],
  grammar: [],
  compiler: ['grammar', 'runtime/plan', 'runtime/dynamodb'],
  lsp: ['compiler', 'grammar'],
  api: ['compiler', 'runtime/*'],
  bin: ['api', 'compiler', 'grammar', 'lsp', 'runtime/*'],
  deploy: ['compiler', 'runtime/dynamodb', 'runtime/job'],
};

/** runtime/ folder → the files of it other folders may import (its public surface). */
export const SURFACES: Record<string, readonly string[]> = {
  'runtime/plan': [
    'column-position.ts',
    'plan-hash.ts',
    'plan-shape.ts',
    'plan.schema.json',
    'sub-expressions.ts',
    'table-depth.ts',
    'types.ts',
    'validate-plan.ts',
  ],
  'runtime/values': [
    'bigint-numbers.ts',
    'calendar.ts',
    'cast-cell.ts',
    'datetime-format.ts',
    'decimal.ts',
    'number-text.ts',
    'value.ts',
  ],
  'runtime/eval': [
    'compile-expr.ts',
    'item-value.ts',
    'key-hash.ts',
    'operators.ts',
    'row-key.ts',
    'shard.ts',
    'value-text.ts',
  ],
  'runtime/archive': [
    'archive-limits.ts',
    'byte-source-port.ts',
    'byte-source.ts',
    'central-directory.ts',
    'entry-stream.ts',
    'extract-location.ts',
    'match-entries.ts',
    'read-once-source.ts',
    's3-source.ts',
  ],
  'runtime/csv': ['read-records.ts'],
  'runtime/threads': ['start-worker.ts'],
  'runtime/report': ['dynamodb-requests.ts', 'read-limits.ts', 'run-report.ts', 'run-state.ts'],
  'runtime/read': [
    'as-of-from-name.ts',
    'check-records-read.ts',
    'extract-tables.ts',
    'extract-time.ts',
    'manifest.ts',
    'table-reader.ts',
  ],
  'runtime/hold': ['first-seen-keys.ts', 'held-table.ts', 'hold-tables.ts', 'hold-threads.ts', 'shard-router.ts'],
  'runtime/sinks': [
    'byte-buffer.ts',
    'dynamodb-json.ts',
    'item-sink.ts',
    'ndjson-line.ts',
    'ndjson-sink.ts',
    'output-file.ts',
    'plain-json.ts',
    'rejects-file.ts',
  ],
  'runtime/dynamodb': [
    'attribute-values.ts',
    'batch-get.ts',
    'batch-writer.ts',
    'check-tables.ts',
    'connection-error.ts',
    'control-table-name.ts',
    'create-table.ts',
    'dynamodb-connection.ts',
    'dynamodb-item-sink.ts',
    'expected-table.ts',
    'item-limits.ts',
    'table-name.ts',
  ],
  'runtime/assemble': [
    'account-held-rows.ts',
    'build-threads.ts',
    'root-items.ts',
    'stored-elements.ts',
    'stream-roots.ts',
    'write-root-items.ts',
  ],
  'runtime/merge': [
    'check-mergeable.ts',
    'describe-extract.ts',
    'hydrate.ts',
    'keep-state.ts',
    'lease.ts',
    'ledger-order.ts',
    'ledger.ts',
    'merge-roots.ts',
    'state-store.ts',
    'stored-element-keys.ts',
    'stored-items.ts',
    'stored-roots.ts',
    'stored-values.ts',
  ],
  'runtime/control': ['control-table.ts', 'item-reader.ts'],
  'runtime/run': ['merge-into-dynamodb.ts', 'run-incremental.ts', 'run-plan.ts'],
  'runtime/job': [
    'emf-record.ts',
    'extract-check.ts',
    'job-log.ts',
    'job-report.ts',
    'list-extracts.ts',
    'next-extract.ts',
    'read-ledgers.ts',
    'run-job.ts',
    'shard-sizing.ts',
  ],
};

export interface ImportEdge {
  file: string;
  target: string;
}

function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, found);
    else if (/\.(ts|js|cjs|mjs)$/.test(name) && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** The relative imports (static, dynamic, re-exports) of every source file, as repository paths. */
export function readImports(root = ROOT): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const folder of SOURCE_FOLDERS) {
    for (const path of sourceFiles(join(root, folder))) {
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(root, resolve(dirname(path), match[1])).replace(/\.js$/, '.ts');
        edges.push({ file: relative(root, path), target });
      }
    }
  }
  return edges;
}

/** A path's folder as the table names it: runtime/<room>, or the top-level folder. */
export function folderOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'runtime' && parts.length > 2 ? `runtime/${parts[1]}` : parts[0];
}

function allowed(from: string, to: string): boolean {
  const edges = ALLOWED_EDGES[from];
  if (edges === undefined) return false;
  return edges.includes(to) || (to.startsWith('runtime/') && edges.includes('runtime/*'));
}

/** What breaks the rules: imports across a missing edge, or into a file off its folder's surface. */
export function brokenRules(edges: readonly ImportEdge[]): string[] {
  const broken: string[] = [];
  for (const { file, target } of edges) {
    const from = folderOf(file);
    const to = folderOf(target);
    if (from === to) continue;
    if (!allowed(from, to)) broken.push(`${file} imports ${target}: ${from} may not import ${to}`);
    const surface = SURFACES[to];
    const name = target.slice(to.length + 1);
    if (surface !== undefined && !surface.includes(name))
      broken.push(`${file} imports ${target}, which is not on the surface of ${to}`);
  }
  return broken;
}

describe('import rules: the folders of the house', () => {
  const edges = readImports();

  it('reads the imports of every source folder', () => {
    for (const folder of SOURCE_FOLDERS)
      expect(
        edges.some((e) => e.file.startsWith(`${folder}/`)),
        folder,
      ).to.equal(true);
  });

  it('every runtime folder is in both tables', () => {
    const rooms = readdirSync(join(ROOT, 'runtime'))
      .filter((name) => statSync(join(ROOT, 'runtime', name)).isDirectory())
      .map((name) => `runtime/${name}`);
    expect(
      Object.keys(ALLOWED_EDGES)
        .filter((f) => f.startsWith('runtime/'))
        .sort(),
    ).to.deep.equal(rooms.sort());
    expect(Object.keys(SURFACES).sort()).to.deep.equal(rooms.sort());
  });

  it("imports only along the allowed edges, and only files on a folder's surface", () => {
    expect(brokenRules(edges)).to.deep.equal([]);
  });

  it('the runtime never imports grammar/ or compiler/', () => {
    const up = edges.filter((e) => e.file.startsWith('runtime/') && /^(grammar|compiler)\//.test(e.target));
    expect(up.map((e) => `${e.file} imports ${e.target}`)).to.deep.equal([]);
  });

  it('the edges go one way: no folder is reachable from itself', () => {
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]): void => {
      for (const next of ALLOWED_EDGES[folder] ?? []) {
        if (next === path[0]) cycles.push([...path, next].join(' → '));
        else if (!path.includes(next) && !next.endsWith('*')) visit(next, [...path, next]);
      }
    };
    for (const folder of Object.keys(ALLOWED_EDGES)) visit(folder, [folder]);
    expect(cycles).to.deep.equal([]);
  });

  it('finds an import that goes up the floors, and one off a surface', () => {
    expect(
      brokenRules([{ file: 'runtime/eval/compile-expr.ts', target: 'runtime/assemble/item-assembler.ts' }]),
    ).to.have.length(2);
    expect(brokenRules([{ file: 'runtime/plan/types.ts', target: 'compiler/compile.ts' }])).to.have.length(1);
    expect(brokenRules([{ file: 'runtime/run/run-plan.ts', target: 'runtime/hold/column-store.ts' }])).to.deep.equal([
      'runtime/run/run-plan.ts imports runtime/hold/column-store.ts, which is not on the surface of runtime/hold',
    ]);
  });
});
