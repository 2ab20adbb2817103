// The language server: wires LSP requests to the modules that answer them. Each open document
// is analysed as a mapping of its own (analysis.ts); a change re-checks the document and every
// open document that imports it, and publishes their diagnostics.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { displayPath } from '../compiler/load-sources.js';
import { Analyses } from './analysis.js';
import { completionAt } from './completion.js';
import { definitionAt, referencesAt } from './definition.js';
import { lspDiagnostics } from './diagnostics.js';
import { DocumentStore, pathOfUri } from './documents.js';
import { formatDocument } from './formatting.js';
import { hoverAt } from './hover.js';
import { LineIndex } from './positions.js';
import { prepareRenameAt, renameAt } from './rename.js';
import { SEMANTIC_LEGEND, semanticTokens } from './semantic-tokens.js';
import { documentSymbols } from './symbols.js';
import { warmUp } from './warm-up.js';

export function startServer(connection: Connection): void {
  const store = new DocumentStore();
  const analyses = new Analyses(store);
  /** The files each open document's last analysis read: who to re-check when one changes. */
  const reads = new Map<string, Set<string>>();

  const publish = (path: string) => {
    const document = store.document(path);
    if (!document) return;
    const analysis = analyses.of(path);
    reads.set(path, analysis.reads);
    void connection.sendDiagnostics({
      uri: document.uri,
      version: document.version,
      diagnostics: lspDiagnostics(analysis, path),
    });
  };
  const changed = (path: string | null) => {
    if (!path) return;
    for (const open of store.openPaths()) if (open === path || reads.get(open)?.has(path)) publish(open);
  };

  /** The open document at `uri` with its analysis and the cursor's offset in it. */
  const at = (uri: string, position?: { line: number; character: number }) => {
    const path = pathOfUri(uri);
    const document = path ? store.document(path) : undefined;
    if (!path || !document) return null;
    return { path, document, analysis: analyses.of(path), offset: position ? document.offsetAt(position) : 0 };
  };

  connection.onInitialize((params): InitializeResult => {
    const folders =
      params.workspaceFolders?.map((f) => fileURLToPath(f.uri)) ??
      (params.rootUri ? [fileURLToPath(params.rootUri)] : []);
    store.scanWorkspace(folders.map((f) => resolve(f)));
    warmUp();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: ['.', ' ', '('] },
        documentFormattingProvider: true,
        documentSymbolProvider: true,
        renameProvider: { prepareProvider: true },
        semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
      },
      serverInfo: { name: 'mapc' },
    };
  });

  connection.onDidOpenTextDocument(({ textDocument: d }) => changed(store.openDocument(d.uri, d.version, d.text)));
  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) =>
    changed(store.changeDocument(d.uri, d.version, contentChanges)),
  );
  connection.onDidCloseTextDocument(({ textDocument: d }) => {
    const path = store.closeDocument(d.uri);
    if (path) reads.delete(path);
    void connection.sendDiagnostics({ uri: d.uri, diagnostics: [] });
    changed(path);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    store.touched();
    for (const change of changes) changed(pathOfUri(change.uri));
  });

  connection.onHover(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    return found ? hoverAt(found.analysis, found.path, found.offset) : null;
  });
  connection.onDefinition(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    return found ? definitionAt(found.analysis, found.path, found.offset, store) : null;
  });
  connection.onReferences(({ textDocument, position, context }) => {
    const found = at(textDocument.uri, position);
    return found
      ? referencesAt(found.analysis, found.path, found.offset, context.includeDeclaration, analyses, store)
      : [];
  });
  connection.onCompletion(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    return found ? completionAt(found.analysis, found.document.getText(), found.offset) : [];
  });
  connection.onPrepareRename(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    return found ? prepareRenameAt(found.analysis, found.path, found.offset) : null;
  });
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const found = at(textDocument.uri, position);
    return found ? renameAt(found.analysis, found.path, found.offset, newName, analyses, store) : null;
  });
  connection.onDocumentFormatting(({ textDocument }) => {
    const found = at(textDocument.uri);
    return found ? formatDocument(found.document.getText(), found.path) : [];
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const found = at(textDocument.uri);
    const file = found?.analysis.files.find((f) => f.path === displayPath(found.path));
    return found && file ? documentSymbols(file.ast, new LineIndex(file.text)) : [];
  });
  connection.languages.semanticTokens.on(({ textDocument }) => {
    const found = at(textDocument.uri);
    const lines = found?.analysis.lines(displayPath(found.path));
    return found && lines
      ? semanticTokens(found.analysis.index.occurrences, displayPath(found.path), lines)
      : { data: [] };
  });

  connection.listen();
}
