// `mapc lsp`: the language server for editors, over standard input and output (lsp/).
import { serveOnStdio } from '../../lsp/stdio.js';
import type { Command } from './main.js';
import { parseCommandLine, UsageError } from './parse-options.js';

const usage = `usage: mapc lsp [--stdio]

Runs the .map language server on standard input and output (the only transport; --stdio is
accepted because editors pass it). Diagnostics as you type, hover, go to definition, references,
completion, rename, document symbols, semantic tokens and formatting: see docs/editor.md.`;

export const lspCommand: Command = {
  run(args) {
    const { values, positionals } = parseCommandLine(args, { stdio: { type: 'boolean' } }, usage);
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`mapc lsp takes no files: the editor sends them\n\n${usage}`);
    serveOnStdio();
    // The server lives until the editor closes the connection (its exit notification ends the process).
    return new Promise<number>(() => {});
  },
};
