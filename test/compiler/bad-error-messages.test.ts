// docs/bad-error-messages.md as a snapshot test, as PRQL's bad_error_messages.rs is: each
// ```map block is compiled as case.map and the ```text block after it must be what mapc prints
// now, so an improved message shows as a diff. UPDATE_SNAPSHOTS=1 rewrites the text blocks
// (`npm run test:update`), leaving the prose as it is.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';

const DOC = 'docs/bad-error-messages.md';
const FILE = 'case.map';

interface Case {
  /** The heading above the case, and the line of its ```map block. */
  name: string;
  input: string;
  /** What the page records, or null when the ```text block is missing. */
  recorded: string | null;
}

/** What mapc prints for one input: the rendered diagnostics, as `mapc check` shows them. */
function printed(input: string): string {
  const result = compile(FILE, { readFile: () => input, projectRoot: process.cwd() });
  return renderDiagnostics(result.diagnostics, (file) => result.sources.get(file)) || '(no diagnostics)\n';
}

/** The page's cases, and the page with each ```text block replaced by `output(input)`. */
function readPage(page: string, output?: (input: string) => string): { cases: Case[]; rewritten: string } {
  const lines = page.split('\n');
  const out: string[] = [];
  const cases: Case[] = [];
  let heading = '(no heading)';
  const block = (from: number): { body: string; end: number } => {
    const end = lines.indexOf('```', from + 1);
    if (end < 0) throw new Error(`${DOC}:${from + 1}: the block is never closed`);
    const body = lines.slice(from + 1, end);
    return { body: body.length === 0 ? '' : `${body.join('\n')}\n`, end };
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    out.push(line);
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (line !== '```map') continue;
    const at = i + 1;
    const input = block(i);
    out.push(...lines.slice(i + 1, input.end + 1));
    i = input.end;
    let next = i + 1;
    while (lines[next] === '') next++;
    const hasText = lines[next] === '```text';
    const recorded = hasText ? block(next) : null;
    cases.push({ name: `${heading} (${DOC}:${at})`, input: input.body, recorded: recorded?.body ?? null });
    if (!output) continue;
    out.push('', '```text', ...output(input.body).replace(/\n$/, '').split('\n'), '```');
    if (recorded) i = recorded.end;
  }
  return { cases, rewritten: out.join('\n') };
}

if (process.env.UPDATE_SNAPSHOTS === '1') {
  const page = readFileSync(DOC, 'utf8');
  writeFileSync(DOC, readPage(page, printed).rewritten);
}

describe(DOC, () => {
  const { cases } = readPage(readFileSync(DOC, 'utf8'));

  it('holds cases, each a ```map block followed by the ```text it prints', () => {
    expect(cases).not.to.be.empty;
    for (const c of cases)
      expect(c.recorded, `${c.name}: no \`\`\`text block after the \`\`\`map block`).not.to.equal(null);
  });

  for (const c of cases) {
    it(c.name, () => {
      expect(
        printed(c.input),
        `${c.name} prints something else now: if it is better, run \`UPDATE_SNAPSHOTS=1 npm run test:update\` and review the page`,
      ).to.equal(c.recorded);
    });
  }
});
