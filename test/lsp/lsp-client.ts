// A headless editor for the language server tests: starts a server as a child process and
// speaks JSON-RPC to it over the child's standard input and output (vscode-jsonrpc).
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  message: string;
  relatedInformation?: Array<{ location: { uri: string } }>;
}

export interface Position {
  line: number;
  character: number;
}

export const uriOf = (path: string) => pathToFileURL(path).href;

export class LspClient {
  readonly connection: MessageConnection;
  private readonly versions = new Map<string, number>();
  private readonly waiting: Array<{ uri: string; version: number | null; resolve: (d: LspDiagnostic[]) => void }> = [];
  readonly published = new Map<string, { version: number | undefined; diagnostics: LspDiagnostic[] }>();
  stderr = '';

  private constructor(readonly child: ChildProcess) {
    this.connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    child.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.connection.onNotification(
      'textDocument/publishDiagnostics',
      (params: { uri: string; version?: number; diagnostics: LspDiagnostic[] }) => {
        this.published.set(params.uri, { version: params.version, diagnostics: params.diagnostics });
        for (const w of [...this.waiting]) {
          if (w.uri === params.uri && (w.version === null || params.version === w.version)) {
            this.waiting.splice(this.waiting.indexOf(w), 1);
            w.resolve(params.diagnostics);
          }
        }
      },
    );
    this.connection.listen();
  }

  /** Starts `command args` (by default the built `mapc lsp --stdio`) and initializes it on `root`. */
  static async start(
    root: string,
    command: string[] = [process.execPath, 'bin/mapc.js', 'lsp', '--stdio'],
  ): Promise<LspClient> {
    const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new LspClient(child);
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: 'test' }],
      capabilities: {},
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  /** Resolves with the next diagnostics published for `uri` (at `version`, when given). */
  nextDiagnostics(uri: string, version: number | null = null): Promise<LspDiagnostic[]> {
    return new Promise((resolve) => this.waiting.push({ uri, version, resolve }));
  }

  async open(path: string, text: string): Promise<LspDiagnostic[]> {
    const uri = uriOf(path);
    this.versions.set(uri, 1);
    const published = this.nextDiagnostics(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'mapc', version: 1, text },
    });
    return published;
  }

  /** Replaces the whole text; resolves with the diagnostics published for the new version. */
  async change(path: string, text: string): Promise<LspDiagnostic[]> {
    const uri = uriOf(path);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const published = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return published;
  }

  request<T>(method: string, path: string, position?: Position, extra: object = {}): Promise<T> {
    return this.connection.sendRequest(method, {
      textDocument: { uri: uriOf(path) },
      ...(position ? { position } : {}),
      ...extra,
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    await exited;
    this.connection.dispose();
  }
}

/** The position of the `nth` (0-based) `needle` in `text`, `shift` characters into it. */
export function positionOf(text: string, needle: string, shift = 0, nth = 0): Position {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`\`${needle}\` (number ${nth + 1}) is not in the text`);
  }
  const before = text.slice(0, index + shift);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}
