// The document store: the text of every open .map document (as the editor has it, saved or
// not) and of the files on disk, and the translation between file URIs and paths. The
// compiler reads imports through `readFile`, so it sees unsaved edits.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ReadFile } from '../compiler/load-sources.js';
import { readFromDisk } from '../compiler/load-sources.js';

const SKIPPED_FOLDERS = new Set(['node_modules', 'build', 'dist', 'out']);
/** At most this many .map files are looked for in the workspace (for references and rename). */
export const MAX_WORKSPACE_FILES = 2000;

export function pathOfUri(uri: string): string | null {
  return uri.startsWith('file:') ? resolve(fileURLToPath(uri)) : null;
}

export class DocumentStore {
  private readonly open = new Map<string, TextDocument>();
  private readonly uris = new Map<string, string>();
  private workspaceFiles: string[] = [];
  /** Grows by one at every change: analyses remember the generation they were made in. */
  generation = 0;

  openDocument(uri: string, version: number, text: string): string | null {
    const path = pathOfUri(uri);
    if (!path) return null;
    this.open.set(path, TextDocument.create(uri, 'mapc', version, text));
    this.uris.set(path, uri);
    this.generation += 1;
    return path;
  }

  changeDocument(uri: string, version: number, changes: Parameters<typeof TextDocument.update>[1]): string | null {
    const path = pathOfUri(uri);
    const document = path && this.open.get(path);
    if (!path || !document) return null;
    this.open.set(path, TextDocument.update(document, changes, version));
    this.generation += 1;
    return path;
  }

  closeDocument(uri: string): string | null {
    const path = pathOfUri(uri);
    if (!path) return null;
    this.open.delete(path);
    this.generation += 1;
    return path;
  }

  /** A file changed on disk (saved by another program, created, deleted). */
  touched(): void {
    this.generation += 1;
  }

  document(path: string): TextDocument | undefined {
    return this.open.get(path);
  }

  openPaths(): string[] {
    return [...this.open.keys()];
  }

  uriOf(path: string): string {
    return this.uris.get(path) ?? pathToFileURL(path).href;
  }

  /** The editor's text of an open file, else the file on disk (throws as readFromDisk does). */
  readonly readFile: ReadFile = (path) => {
    const document = this.open.get(resolve(path));
    return document ? document.getText() : readFromDisk(path);
  };

  /** Every .map file under the workspace folders (skipping hidden and build folders). */
  scanWorkspace(folders: string[]): void {
    const found: string[] = [];
    const visit = (folder: string) => {
      let entries;
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (found.length >= MAX_WORKSPACE_FILES) return;
        if (entry.name.startsWith('.')) continue;
        const path = join(folder, entry.name);
        if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) visit(path);
        else if (entry.isFile() && entry.name.endsWith('.map')) found.push(resolve(path));
      }
    };
    for (const folder of folders) visit(folder);
    this.workspaceFiles = found;
  }

  /** Open documents and workspace files: the mappings that may use a symbol. */
  knownFiles(): string[] {
    return [...new Set([...this.open.keys(), ...this.workspaceFiles])];
  }
}
