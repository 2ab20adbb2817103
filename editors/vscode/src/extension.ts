// The VS Code side of mapc: starts the language server (the one bundled beside this file, or
// the command set in `mapc.server.command`) for .map files and stops it with the editor.
import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function serverOptions(context: ExtensionContext): ServerOptions {
  const command = workspace.getConfiguration('mapc').get<string[]>('server.command') ?? [];
  if (command.length > 0) return { command: command[0], args: command.slice(1), transport: TransportKind.stdio };
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  return { module, transport: TransportKind.stdio };
}

export async function activate(context: ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'mapc' }],
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/*.map') },
  };
  client = new LanguageClient('mapc', 'mapc', serverOptions(context), clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
