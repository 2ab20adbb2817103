// The walk: customer.map typed from an empty file to the complete mapping, line by
// line and, for one line, character by character. At every step the server publishes its
// diagnostics within 100 ms and they are exactly compile()'s (what `mapc check` reports), and a
// completion request is answered within 100 ms too.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compile } from '../../compiler/compile.js';
import { viewOf } from '../../compiler/diagnostics/diagnostic.js';
import { copySampleWorkspace } from './fixture-workspace.js';
import { LspClient, type LspDiagnostic } from './lsp-client.js';

const BUDGET_MS = 100;

function positionAt(text: string, offset: number) {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** compile()'s diagnostics for `path` holding `text`, in the server's terms. */
function expected(path: string, text: string) {
  const result = compile(path, { readFile: (p) => (p === path ? text : readFileSync(p, 'utf8')) });
  // A span may end one past the text (a problem at the end of the file): a position stops there.
  const at = (offset: number) => positionAt(text, Math.min(offset, text.length));
  return result.diagnostics
    .filter((d) => resolve(d.span.file) === path)
    .map((d) => {
      const v = viewOf(d);
      return {
        code: v.code,
        severity: v.severity === 'error' ? 1 : 2,
        start: at(v.offset),
        end: at(Math.max(v.offset, v.endOffset)),
        message: v.hint ? `${v.message}\nhint: ${v.hint}` : v.message,
      };
    });
}

const actual = (list: LspDiagnostic[]) =>
  list.map((d) => ({ code: d.code, severity: d.severity, start: d.range.start, end: d.range.end, message: d.message }));

/** The steps: every prefix of whole lines, and one line typed a character at a time. */
function steps(complete: string): string[] {
  const lines = complete.split('\n');
  const result = [''];
  for (let i = 1; i <= lines.length; i++) {
    const prefix = lines.slice(0, i).join('\n');
    if (lines[i - 1].includes('lines = each l in')) {
      const start = prefix.length - lines[i - 1].length;
      for (let end = start + 1; end < prefix.length; end++) result.push(prefix.slice(0, end));
    }
    result.push(i === lines.length ? complete : `${prefix}\n`);
  }
  return result;
}

describe('language server: editing customer.map from empty to complete', function () {
  this.timeout(60000);
  const ws = copySampleWorkspace();
  const complete = readFileSync(ws.customer, 'utf8');
  let client: LspClient;
  before(async () => (client = await LspClient.start(ws.root)));
  after(async () => client?.stop());

  it(`answers every step within ${BUDGET_MS} ms with the diagnostics of mapc check`, async function () {
    // On a machine shared with other work, the scheduler alone can hold a process past the
    // budget once in a few hundred answers: the whole walk may run again, and one full walk
    // must then keep every step within it.
    this.retries(2);
    const texts = steps(complete);
    expect(texts.length).to.be.greaterThan(100);
    const times: number[] = [];
    const started = performance.now();
    expect(actual(await client.open(ws.customer, texts[0]))).to.deep.equal(expected(ws.customer, texts[0]));
    times.push(performance.now() - started);
    let withErrors = 0;
    for (const text of texts.slice(1)) {
      const t0 = performance.now();
      const diagnostics = await client.change(ws.customer, text);
      const published = performance.now() - t0;
      const t1 = performance.now();
      await client.request('textDocument/completion', ws.customer, positionAt(text, text.length));
      times.push(published, performance.now() - t1);
      const want = expected(ws.customer, text);
      expect(actual(diagnostics), `after typing ${JSON.stringify(text.slice(-40))}`).to.deep.equal(want);
      if (want.some((d) => d.severity === 1)) withErrors += 1;
    }
    // The walk passes through broken text and ends clean.
    expect(withErrors).to.be.greaterThan(20);
    expect(expected(ws.customer, complete)).to.deep.equal([]);
    const slowest = Math.max(...times);
    expect(slowest, `slowest answer ${slowest.toFixed(1)} ms`).to.be.below(BUDGET_MS);
  });

  it('publishes what the mapc check command prints, code and place, for a broken step', async () => {
    const broken = complete
      .replace('sum(lines.amount)', 'sum(lines.amuont)')
      .replace('o.order_date desc', 'o.order_dat desc');
    const published = await client.change(ws.customer, broken);
    writeFileSync(ws.customer, broken);
    const check = spawnSync(process.execPath, ['bin/mapc.js', 'check', ws.customer, '--format', 'json'], {
      encoding: 'utf8',
    });
    writeFileSync(ws.customer, complete);
    expect(check.status).to.equal(1);
    const printed = (JSON.parse(check.stdout) as Array<{ code: string; line: number; column: number }>).map(
      (d) => `${d.code}@${d.line}:${d.column}`,
    );
    expect(printed.length).to.be.greaterThan(1);
    expect(published.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`)).to.deep.equal(
      printed,
    );
  });
});
