// The language server as the extension bundles it: `mapc lsp --stdio` without the rest of mapc.
import { serveOnStdio } from '../../../lsp/stdio.js';

serveOnStdio();
