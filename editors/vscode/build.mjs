// Bundles the extension's client and the language server (lsp/ and everything it imports from
// grammar/ and compiler/) into dist/, with the esbuild of the repository's node_modules, then
// packages dist/ into a .vsix with vsce, offline: `node editors/vscode/build.mjs [--package]`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(join(repo, 'package.json'));
const esbuild = require('esbuild');

// grammar/chevrotain.ts loads Chevrotain's single-file build with a top-level await; a bundle
// takes the same file statically.
const chevrotainFile = join(repo, 'node_modules', 'chevrotain', 'lib', 'chevrotain.mjs');
const chevrotainStatic = {
  name: 'chevrotain-static',
  setup(build) {
    build.onResolve({ filter: /\/chevrotain\.js$/ }, (args) => (args.importer.includes(`${join('grammar')}`) ? { path: 'chevrotain-static', namespace: 'mapc' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'mapc' }, () => ({
      contents: `export { createToken, CstParser, defaultParserErrorProvider, Lexer } from ${JSON.stringify(chevrotainFile)};`,
      resolveDir: repo,
      loader: 'js',
    }));
  },
};

const common = { bundle: true, preserveSymlinks: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'warning', nodePaths: [join(repo, 'node_modules')], minify: true };
await esbuild.build({ ...common, entryPoints: [join(here, 'src', 'extension.ts')], outfile: join(here, 'dist', 'extension.js'), external: ['vscode'] });
await esbuild.build({ ...common, entryPoints: [join(here, 'src', 'server.ts')], outfile: join(here, 'dist', 'server.js'), plugins: [chevrotainStatic] });

if (process.argv.includes('--package')) {
  const vsce = join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = join(here, 'mapc.vsix');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', out], { cwd: here, stdio: 'inherit' });
}
