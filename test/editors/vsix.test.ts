// The VS Code extension builds offline from the repository's node_modules: the client and the
// language server bundled with esbuild, packaged by vsce into a .vsix that holds the manifest,
// the grammar, the language configuration and the two bundles, and nothing else. The bundled
// server starts on its own and answers as `mapc lsp` does.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { compile } from '../../compiler/compile.js';
import { listEntries } from '../../runtime/archive/central-directory.js';
import { LocalFileSource } from '../../runtime/archive/local-file-source.js';
import { copySampleWorkspace } from '../lsp/fixture-workspace.js';
import { LspClient } from '../lsp/lsp-client.js';

const EXTENSION = 'editors/vscode';

describe('VS Code extension package', function () {
  this.timeout(120000);

  before(() => {
    const build = spawnSync(process.execPath, [join(EXTENSION, 'build.mjs'), '--package'], {
      encoding: 'utf8',
      env: { ...process.env, npm_config_offline: 'true' },
    });
    expect(build.status, build.stderr + build.stdout).to.equal(0);
  });

  it('builds a .vsix holding the manifest, grammar, language configuration and the bundles', async () => {
    const source = new LocalFileSource(join(EXTENSION, 'mapc.vsix'));
    const names = (await listEntries(source)).map((e) => e.name).sort();
    await source.close();
    expect(names).to.deep.equal([
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/language-configuration.json',
      'extension/package.json',
      'extension/readme.md',
      'extension/syntaxes/mapc.tmLanguage.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8'));
    expect(manifest.main).to.equal('./dist/extension.js');
    expect(manifest.contributes.grammars[0].path).to.equal('./syntaxes/mapc.tmLanguage.json');
  });

  it('bundles a client that needs nothing but vscode, and a server that needs nothing at all', () => {
    const required = (file: string) =>
      [...readFileSync(join(EXTENSION, 'dist', file), 'utf8').matchAll(/require\("([^"./][^"]*)"\)/g)]
        .map((m) => m[1])
        .filter((m) => !m.startsWith('node:'));
    const builtins = new Set(builtinModules);
    expect([...new Set(required('extension.js'))].filter((m) => !builtins.has(m))).to.deep.equal(['vscode']);
    // Ajv writes `require("ajv/dist/runtime/…")` as text into the code it generates for standalone
    // validators; the validator compiled at run time takes those helpers from its scope instead.
    expect(
      [...new Set(required('server.js'))].filter((m) => !builtins.has(m) && !m.startsWith('ajv/dist/runtime/')),
    ).to.deep.equal([]);
  });

  it('starts the bundled server, which answers initialize and checks a mapping', async () => {
    const ws = copySampleWorkspace();
    const client = await LspClient.start(ws.root, [process.execPath, join(EXTENSION, 'dist', 'server.js'), '--stdio']);
    try {
      // A clean mapping goes through every phase, the plan's schema check included.
      expect(await client.open(ws.product, readFileSync(ws.product, 'utf8'))).to.deep.equal([]);
      const text = readFileSync(ws.customer, 'utf8').replace('sum(lines.amount)', 'sum(lines.amuont)');
      const diagnostics = await client.open(ws.customer, text);
      const expected = compile(ws.customer, {
        readFile: (p) => (p === ws.customer ? text : readFileSync(p, 'utf8')),
      }).diagnostics;
      expect(expected.map((d) => d.code)).to.include('MAP0301');
      expect(
        diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`),
      ).to.deep.equal(expected.map((d) => `${d.code}@${d.span.line}:${d.span.column}`));
    } finally {
      await client.stop();
    }
  });
});
