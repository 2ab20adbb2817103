#!/usr/bin/env node
// The `mapc` command runs the compiled JavaScript in build/: `npm ci` builds it, and so do
// `npm test` and `npm run build` (run it after editing the sources).
import { existsSync } from 'node:fs';

const entry = new URL('../build/bin/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('mapc: build/ is missing: run `npm run build` (npm ci runs it for you)');
  process.exit(2);
}
// The last resort for an error no command caught (an unheard stream error, say): one line and
// exit 1, as for any failure; MAPC_DEBUG=1 shows the stack.
const lastResort = (error) => {
  console.error(`mapc: ${process.env.MAPC_DEBUG ? error?.stack ?? error : error?.message ?? error} (not handled by mapc: please report it, with the command line)`);
  process.exit(1);
};
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
