// A corpus of bad mappings, one per file in test/bad-mappings/. Each file declares what the
// compiler must report in comments at its top:
//
//   # expect: MAP0302 12:15                      a diagnostic in this file, at line:column
//   # expect: MAP0102 _support/cycle-b.map:2:1   one in another file (relative to the folder)
//   # expect-text: did you mean `customer_id`    a substring of the rendered diagnostics
//
// The reported set of (code, file:line:column) must equal the expected set exactly: nothing
// missing, nothing extra. Every code in CODES must be expected by at least one file.
// Files under test/bad-mappings/_support/ are imported by the corpus, not compiled alone.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { CODES, type Code } from '../compiler/diagnostics/codes.js';
import { compile } from '../compiler/compile.js';
import { renderDiagnostics } from '../compiler/diagnostics/render.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = join(repoRoot, 'test', 'bad-mappings');
/** The corpus folder as the compiler shows it (relative to the working folder, with `/`). */
const shownDir = relative(process.cwd(), corpusDir).split('\\').join('/');

interface Expectations {
  diagnostics: string[];
  texts: string[];
  codes: Set<string>;
}

const EXPECT = /^#\s*expect:\s*(MAP\d{4})\s+(?:(\S+):)?(\d+):(\d+)\s*$/;
const EXPECT_TEXT = /^#\s*expect-text:\s*(.+?)\s*$/;

function readExpectations(file: string): Expectations {
  const result: Expectations = { diagnostics: [], texts: [], codes: new Set() };
  for (const line of readFileSync(join(corpusDir, file), 'utf8').split('\n')) {
    if (/^#\s*expect:/.test(line)) {
      const m = EXPECT.exec(line);
      if (!m) throw new Error(`${file}: malformed expectation: ${line}`);
      const [, code, otherFile, row, column] = m;
      if (!(code in CODES)) throw new Error(`${file}: ${code} is not a code in codes.ts`);
      result.diagnostics.push(`${code} ${shownDir}/${otherFile ?? file}:${row}:${column}`);
      result.codes.add(code);
      continue;
    }
    const t = EXPECT_TEXT.exec(line);
    if (t) result.texts.push(t[1]);
  }
  return result;
}

const files = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.map'))
  .sort();
const expectations = new Map(files.map((f) => [f, readExpectations(f)]));

describe('bad mappings', () => {
  it('has a corpus of at least 45 files, each declaring what it expects', () => {
    expect(files.length).to.be.at.least(45);
    for (const [file, e] of expectations) expect(e.diagnostics, `${file} declares no # expect: line`).to.not.be.empty;
  });

  it('exercises every diagnostic code at least once', () => {
    const covered = new Set([...expectations.values()].flatMap((e) => [...e.codes]));
    const missing = (Object.keys(CODES) as Code[]).filter((code) => !covered.has(code));
    expect(missing, 'codes without a bad mapping in test/bad-mappings/').to.deep.equal([]);
  });

  for (const file of files) {
    it(file, () => {
      const expected = expectations.get(file)!;
      const path = `${shownDir}/${file}`;
      const result = compile(path);
      const rendered = renderDiagnostics(result.diagnostics, (p) => result.sources.get(p));
      const actual = result.diagnostics.map((d) => `${d.code} ${d.span.file}:${d.span.line}:${d.span.column}`);
      expect([...actual].sort(), `diagnostics of ${file}:\n${rendered}`).to.deep.equal(
        [...expected.diagnostics].sort(),
      );
      for (const text of expected.texts) expect(rendered, `rendered diagnostics of ${file}`).to.include(text);
    });
  }
});
