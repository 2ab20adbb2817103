// The server on standard input and output: what `mapc lsp --stdio` and the VS Code extension's
// bundled server run.
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from './server.js';

export function serveOnStdio(): void {
  startServer(createConnection(process.stdin, process.stdout));
}
