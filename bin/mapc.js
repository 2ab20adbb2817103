#!/usr/bin/env node
// The `mapc` command runs the compiled JavaScript in build/: `npm ci` builds it, and so do
// `npm test` and `npm run build` (run it after editing the sources).
import { existsSync } from 'node:fs';

const entry = new URL('../build/bin/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('mapc: build/ is missing: run `npm run build` (npm ci runs it for you)');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
