// `mapc fmt`: fixtures test/format/<name>.input.map → <name>.expected.map, and properties that hold
// for every .map in the repo: formatting is idempotent, keeps every token and comment, and keeps
// the meaning (the AST without spans). `MAPC_UPDATE_GOLDEN=1` rewrites the expected files.
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { formatMap } from '../grammar/format.js';
import { parse } from '../grammar/parse.js';
import { mapLexer } from '../grammar/tokens.js';

const FIXTURES = 'test/format';
const update = process.env.MAPC_UPDATE_GOLDEN === '1';

function mapFilesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .sort()
    .flatMap((entry) => {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) return mapFilesUnder(path);
      return entry.endsWith('.map') ? [path] : [];
    });
}

/** Files that must format: the samples and the fixtures. Other test inputs may be broken on purpose. */
const wellFormed = [...mapFilesUnder('examples'), ...mapFilesUnder('mappings'), ...mapFilesUnder(FIXTURES)];
const otherTestInputs = mapFilesUnder('test').filter((path) => !path.startsWith(`${FIXTURES}/`));

/** Every token and comment as (type, image); a comment's trailing whitespace is not part of it. */
function tokenSequence(text: string): string[] {
  const lexed = mapLexer.tokenize(text);
  const all = [...lexed.tokens, ...(lexed.groups.comments ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  return all.map(
    (token) => `${token.tokenType.name} ${token.tokenType.name === 'Comment' ? token.image.trimEnd() : token.image}`,
  );
}

/** Each comment's text, and whether it stands alone on its line or trails code. */
function commentPlaces(text: string): string[] {
  return parse(text, 'f.map').comments.map(({ text: comment, span }) => {
    const lineStart = text.lastIndexOf('\n', span.offset - 1) + 1;
    const ownLine = text.slice(lineStart, span.offset).trim() === '';
    return `${ownLine ? 'own line' : 'trailing'}: ${comment.trimEnd()}`;
  });
}

/** The text cut into the gaps between tokens and comments and the pieces themselves. */
function gapsAndPieces(text: string): { gaps: string[]; pieces: string[] } {
  const lexed = mapLexer.tokenize(text);
  const all = [...lexed.tokens, ...(lexed.groups.comments ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  const gaps: string[] = [];
  let end = 0;
  for (const token of all) {
    gaps.push(text.slice(end, token.startOffset));
    end = token.startOffset + token.image.length;
  }
  gaps.push(text.slice(end));
  return { gaps, pieces: all.map((token) => token.image) };
}

function rebuild(gaps: string[], pieces: string[]): string {
  return pieces.map((piece, index) => gaps[index] + piece).join('') + gaps[gaps.length - 1];
}

function astWithoutSpans(text: string): string {
  return JSON.stringify(parse(text, 'f.map').ast, (key, value: unknown) => (key === 'span' ? undefined : value));
}

function formatted(text: string, file: string): string {
  const result = formatMap(text, file);
  if (!result.ok)
    throw new Error(
      `${file} was refused: ${result.problems.map((p) => `${p.span.line}:${p.span.column} ${p.message}`).join('; ')}`,
    );
  return result.text;
}

function expectFormattingProperties(input: string, file: string): void {
  const once = formatted(input, file);
  expect(formatted(once, file), 'formatting twice changes nothing').to.equal(once);
  expect(tokenSequence(once), 'same tokens and comments, in the same order').to.deep.equal(tokenSequence(input));
  expect(commentPlaces(once), 'comments keep their text and their place').to.deep.equal(commentPlaces(input));
  expect(astWithoutSpans(once), 'same meaning').to.equal(astWithoutSpans(input));
  const lines = once.split('\n');
  expect(lines.pop(), 'ends with exactly one newline').to.equal('');
  if (lines.length > 0) expect(lines[lines.length - 1]).to.not.equal('');
  lines.forEach((line, index) => {
    expect(line, `line ${index + 1} has no trailing whitespace`).to.not.match(/\s$/);
    expect(line, `line ${index + 1} is indented by two spaces a level`).to.match(/^(  )*(\S|$)/);
    if (index > 0)
      expect(line === '' && lines[index - 1] === '', `line ${index + 1} is a second blank line`).to.equal(false);
  });
}

describe('formatMap', () => {
  describe('fixtures', () => {
    const inputs = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.input.map'))
      .sort();
    it('has fixtures', () => expect(inputs).to.not.be.empty);
    for (const input of inputs) {
      it(input.replace(/\.input\.map$/, ''), () => {
        const actual = formatted(readFileSync(join(FIXTURES, input), 'utf8'), input);
        const expectedPath = join(FIXTURES, input.replace(/\.input\.map$/, '.expected.map'));
        if (update) writeFileSync(expectedPath, actual);
        expect(actual, `${expectedPath} differs: run with MAPC_UPDATE_GOLDEN=1 if the change is intended`).to.equal(
          readFileSync(expectedPath, 'utf8'),
        );
      });
    }
  });

  describe('properties of every .map in the repo', () => {
    for (const file of wellFormed) it(file, () => expectFormattingProperties(readFileSync(file, 'utf8'), file));
    for (const file of otherTestInputs) {
      it(`${file} (formatted, or refused with its syntax problems)`, () => {
        const text = readFileSync(file, 'utf8');
        const problems = parse(text, file).problems;
        if (problems.length > 0) expect(formatMap(text, file)).to.deep.equal({ ok: false, problems });
        else expectFormattingProperties(text, file);
      });
    }
  });

  describe('properties under random re-spacing', () => {
    const blanks = fc.array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 4 }).map((chars) => chars.join(''));
    for (const file of [
      ...mapFilesUnder('examples'),
      ...mapFilesUnder('mappings'),
      join(FIXTURES, 'comments.input.map'),
    ]) {
      const text = readFileSync(file, 'utf8');
      const { gaps, pieces } = gapsAndPieces(text);

      it(`${file}: spaces and indentation do not matter, only line breaks do`, () => {
        const expected = formatted(text, file);
        fc.assert(
          fc.property(fc.array(blanks, { minLength: gaps.length, maxLength: gaps.length }), (fill) => {
            // Keep each gap's line breaks; replace every run of spaces around them.
            const respaced = gaps.map((gap, index) =>
              gap === ''
                ? ''
                : gap
                    .split('\n')
                    .map(() => fill[index])
                    .join('\n'),
            );
            expect(formatted(rebuild(respaced, pieces), file)).to.equal(expected);
          }),
          { numRuns: 25 },
        );
      });

      it(`${file}: extra line breaks anywhere keep every property`, () => {
        fc.assert(
          fc.property(
            fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: gaps.length, maxLength: gaps.length }),
            (breaks) => {
              // A break before a comment would move it off its line; the breaks go in front of tokens only.
              const broken = gaps.map((gap, index) =>
                index < pieces.length && !pieces[index].startsWith('#') && index > 0
                  ? `${gap}${'\n'.repeat(breaks[index])} `
                  : gap,
              );
              expectFormattingProperties(rebuild(broken, pieces), file);
            },
          ),
          { numRuns: 25 },
        );
      });
    }
  });

  describe('layout', () => {
    it('aligns a table by the longest name and the longest type, `?` included', () => {
      const text = formatted(
        'table t from "t.csv" {\n id int key\n  description string?\n  n decimal -> other\n}\n',
        't.map',
      );
      expect(text).to.equal(
        'table t from "t.csv" {\n  id          int     key\n  description string?\n  n           decimal -> other\n}\n',
      );
    });

    it('aligns `=` only within a run of one-line attributes', () => {
      const input =
        'item I into t {\nfrom a as x\nab = 1\nabcd = 2\n\nz = 3\nlong_name = {\ny = 1\n}\nq = 4\nrr = 5\n}\n';
      expect(formatted(input, 'i.map')).to.equal(
        'item I into t {\n  from a as x\n  ab   = 1\n  abcd = 2\n\n  z = 3\n  long_name = {\n    y = 1\n  }\n  q  = 4\n  rr = 5\n}\n',
      );
    });

    it('tells unary from binary minus', () => {
      const text = formatted('item I into t {\nfrom a as x\nv=x.a-1\nw=-x.a\nu=x.a*-(1+2)\n}\n', 'm.map');
      expect(text).to.contain('v = x.a - 1\n').and.to.contain('w = -x.a\n').and.to.contain('u = x.a * -(1 + 2)\n');
    });

    it('keeps template strings and quoted names verbatim', () => {
      const text = formatted('item I into t {\nfrom a as x\n`order`="A#{ x.b }#{x.c}"\n}\n', 'q.map');
      expect(text).to.contain('`order` = "A#{ x.b }#{x.c}"');
    });

    it('formats an empty file to an empty file', () => {
      expect(formatted('', 'empty.map')).to.equal('');
      expect(formatted('\n\n  \n', 'empty.map')).to.equal('');
    });
  });

  describe('refusal', () => {
    it('refuses a file with a syntax error and returns the problems', () => {
      const text = 'item I into t {\n  from a as x\n  v = (1 +\n}\n';
      const result = formatMap(text, 'bad.map');
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.problems).to.deep.equal(parse(text, 'bad.map').problems);
      expect(result.problems[0]).to.include({ kind: 'syntax' });
      expect(result.problems[0].span).to.include({ file: 'bad.map', line: 4 });
    });

    it('refuses an unterminated string', () => {
      const result = formatMap('import "../x.map\n', 'bad.map');
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.problems.map((p) => p.kind)).to.include('unterminated-string');
    });
  });
});
