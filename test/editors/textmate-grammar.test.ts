// The TextMate grammar of the VS Code extension, run by vscode-textmate on the Oniguruma engine
// as VS Code runs it, over every .map file of the repository (mappings, examples, test
// fixtures). The compiler's own lexer says what each piece of text is; the grammar must agree:
// keywords, strings with their `{…}` templates, comments, numbers and durations.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken as LexToken } from 'chevrotain';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';
import { DURATION_UNITS, mapLexer } from '../../grammar/tokens.js';

const GRAMMAR = 'editors/vscode/syntaxes/mapc.tmLanguage.json';

function mapFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => {
    const path = join(folder, e.name);
    if (e.isDirectory()) return mapFiles(path);
    return e.isFile() && e.name.endsWith('.map') ? [path] : [];
  });
}

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = readFileSync('node_modules/vscode-oniguruma/release/onig.wasm');
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.mapc' ? textmate.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
  });
  return (await registry.loadGrammar('source.mapc'))!;
}

/** The scopes of every character of the text, by offset. */
function scopesByOffset(grammar: textmate.IGrammar, text: string): string[][] {
  const result: string[][] = [];
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const { tokens, ruleStack } = grammar.tokenizeLine(line, state);
    state = ruleStack;
    for (const token of tokens)
      for (let i = token.startIndex; i < Math.min(token.endIndex, line.length); i++) result.push(token.scopes);
    result.push(['source.mapc']); // the newline
  }
  return result;
}

const LANGUAGE_CONSTANTS = new Set(['true', 'false', 'null', 'as_of']);

describe('TextMate grammar', function () {
  this.timeout(60000);
  let grammar: textmate.IGrammar;
  before(async () => (grammar = await loadGrammar()));

  const files = [...mapFiles('mappings'), ...mapFiles('examples'), ...mapFiles('test')].sort();

  it('finds the mappings, examples and fixtures', () => {
    expect(files).to.include.members(['mappings/customer.map', 'examples/warehouse.map']);
    expect(files.length).to.be.greaterThan(100);
  });

  it('gives every token of every .map file the scope its lexer kind calls for', () => {
    const counts: Record<string, number> = {};
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const lexed = mapLexer.tokenize(text);
      if (lexed.errors.length > 0) continue; // deliberately broken text: no agreement to check
      const scopes = scopesByOffset(grammar, text);
      const expectScope = (token: LexToken, offset: number, want: string, what: string) => {
        counts[what] = (counts[what] ?? 0) + 1;
        const got = scopes[offset] ?? [];
        if (!got.some((s) => s.startsWith(want)))
          problems.push(
            `${file}:${token.startLine}:${token.startColumn}: ${what} \`${token.image.slice(0, 30)}\` has ${got.join(' ')}, not ${want}`,
          );
      };
      for (const comment of lexed.groups.comments ?? [])
        expectScope(comment, comment.startOffset, 'comment.line.number-sign.mapc', 'comment');
      lexed.tokens.forEach((token, i) => {
        const kind = token.tokenType.name;
        const next = lexed.tokens[i + 1];
        if (kind.startsWith('Kw_'))
          expectScope(
            token,
            token.startOffset,
            LANGUAGE_CONSTANTS.has(token.image) ? 'constant.language.mapc' : 'keyword.',
            'keyword',
          );
        if (kind === 'StringLiteral' || kind === 'UnterminatedString') {
          expectScope(token, token.startOffset, 'string.quoted.double.mapc', 'string');
          // A template part: `{` not escaped opens it; the text inside is code, not string text.
          for (let j = 1; j < token.image.length; j++) {
            if (token.image[j] === '\\') j += 1;
            else if (token.image[j] === '{') {
              expectScope(
                token,
                token.startOffset + j,
                'punctuation.definition.template-expression.begin.mapc',
                'template',
              );
              const name = /^[A-Za-z_]/.test(token.image[j + 1] ?? '') ? token.startOffset + j + 1 : -1;
              if (name >= 0) expectScope(token, name, 'meta.template.expression.mapc', 'template name');
            }
          }
        }
        if (kind === 'NumberLiteral') {
          const duration =
            next &&
            next.tokenType.name === 'Identifier' &&
            next.image in DURATION_UNITS &&
            next.startLine === token.startLine;
          expectScope(token, token.startOffset, 'constant.numeric', 'number');
          if (duration) {
            expectScope(token, token.startOffset, 'constant.numeric.duration.mapc', 'duration');
            expectScope(next, next.startOffset, 'keyword.other.unit.duration.mapc', 'duration unit');
          }
        }
      });
    }
    expect(problems.slice(0, 20)).to.deep.equal([]);
    // Each kind was met, many times: the checks above did run.
    for (const what of [
      'comment',
      'keyword',
      'string',
      'template',
      'template name',
      'number',
      'duration',
      'duration unit',
    ])
      expect(counts[what] ?? 0, what).to.be.greaterThan(5);
  });

  it('scopes the parts of customer.map as an editor shows them', () => {
    const text = readFileSync('mappings/customer.map', 'utf8');
    const scopes = scopesByOffset(grammar, text);
    const at = (needle: string, shift = 0) => scopes[text.indexOf(needle) + shift].at(-1);
    expect(at('item Customer')).to.equal('keyword.declaration.mapc');
    expect(at('item Customer', 5)).to.equal('entity.name.type.mapc');
    expect(at('where c.segment')).to.equal('keyword.control.mapc');
    expect(at('"CUST#{c.customer_id}"', 1)).to.equal('string.quoted.double.mapc');
    expect(at('"CUST#{c.customer_id}"', 6)).to.equal('punctuation.definition.template-expression.begin.mapc');
    expect(at('"CUST#{c.customer_id}"', 7)).to.equal('variable.other.mapc');
    expect(at('"CUST#{c.customer_id}"', 20)).to.equal('punctuation.definition.template-expression.end.mapc');
    expect(at('9 months')).to.equal('constant.numeric.mapc');
    expect(at('9 months', 2)).to.equal('keyword.other.unit.duration.mapc');
    expect(at('limit 100', 6)).to.equal('constant.numeric.mapc');
    expect(at('# One item')).to.equal('comment.line.number-sign.mapc');
    expect(at('lower(')).to.equal('entity.name.function.mapc');
    expect(at('is not null', 3)).to.equal('keyword.operator.word.mapc');
    expect(at('as_of')).to.equal('constant.language.mapc');
  });
});
