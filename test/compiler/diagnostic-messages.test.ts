// Every code's message and hint, rendered with sample parameters: none may print "undefined",
// "null" or "[object …]", and each parameter a code declares (MessageParameterTypes) shows in
// its text, so the declared parameters are exactly those the message reads. The samples are
// typed by MessageParameterTypes: a code added without its samples does not compile.
import { expect } from 'chai';
import { CODES, type Code, type MessageParameterTypes } from '../../compiler/diagnostics/codes.js';
import { diagnostic, viewOf, type Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { Span } from '../../grammar/ast.js';

/** Parameters whose values name themselves (`‹table›`), so the text shows which one it printed. */
function sample<K extends string>(...keys: K[]): Record<K, string> {
  return Object.fromEntries(keys.map((key) => [key, `‹${key}›`])) as Record<K, string>;
}

/** Each code with the parameters it requires, and no others. */
const REQUIRED: { [C in Code]: MessageParameterTypes[C] } = {
  MAP0001: sample('detail'),
  MAP0002: sample('detail'),
  MAP0003: sample('detail'),
  MAP0004: sample('detail'),
  MAP0005: sample('path', 'size', 'limit'),
  MAP0006: sample('limit', 'file'),
  MAP0007: sample('detail'),
  MAP0008: sample('detail'),
  MAP0101: sample('path'),
  MAP0102: sample('cycle'),
  MAP0103: sample('what', 'name', 'other'),
  MAP0104: sample('column', 'table'),
  MAP0105: sample('type'),
  MAP0106: sample('detail'),
  MAP0107: sample('column', 'table'),
  MAP0108: sample('table', 'use'),
  MAP0109: sample('column', 'table'),
  MAP0110: sample('detail'),
  MAP0111: sample('table', 'name', 'from', 'target'),
  MAP0112: sample('name', 'table'),
  MAP0113: sample('cycle'),
  MAP0115: sample('path', 'root'),
  MAP0116: sample('path'),
  MAP0117: sample('path', 'why', 'hint'),
  MAP0114: sample('column', 'table'),
  MAP0201: sample('item', 'target'),
  MAP0202: sample('target'),
  MAP0203: sample('item', 'attribute', 'role', 'target'),
  MAP0204: sample('attribute', 'why'),
  MAP0205: sample('item', 'missing', 'table', 'attribute', 'example'),
  MAP0206: sample('a', 'b', 'target', 'why'),
  MAP0207: sample('attribute', 'type'),
  MAP0208: sample('detail'),
  MAP0209: sample('name'),
  MAP0210: sample('detail'),
  MAP0211: sample('item', 'table'),
  MAP0212: sample('target', 'problem'),
  MAP0301: sample('name'),
  MAP0302: sample('table', 'name'),
  MAP0303: sample('path', 'hint'),
  MAP0304: sample('path', 'what', 'hint'),
  MAP0305: sample('fn', 'path', 'why', 'hint'),
  MAP0306: sample('name'),
  MAP0307: sample('name', 'known'),
  MAP0308: sample('name', 'expected', 'actual'),
  MAP0309: sample('detail'),
  MAP0310: sample('type'),
  MAP0311: sample('term'),
  MAP0312: sample('detail'),
  MAP0313: sample('path', 'clause'),
  MAP0314: sample('name'),
  MAP0315: sample('value'),
  MAP0401: sample('name'),
  MAP0402: sample('table'),
  MAP0403: sample('name', 'missing', 'table', 'column', 'alias'),
  MAP0404: sample('mapping', 'table', 'pattern'),
};

/** The optional parameters (a suggestion, a hint) of the codes that take them. */
const OPTIONAL: { [C in Code]?: Partial<MessageParameterTypes[C]> } = {
  MAP0001: sample('hint'),
  MAP0007: sample('hint'),
  MAP0105: sample('suggestion'),
  MAP0106: sample('suggestion', 'hint'),
  MAP0107: sample('suggestion'),
  MAP0109: sample('suggestion'),
  MAP0110: sample('hint'),
  MAP0201: sample('suggestion'),
  MAP0208: sample('hint'),
  MAP0211: sample('suggestion'),
  MAP0301: sample('suggestion', 'hint'),
  MAP0302: sample('suggestion'),
  MAP0307: sample('suggestion'),
  MAP0309: sample('hint'),
  MAP0312: sample('suggestion', 'hint'),
};

const span: Span = { file: 'sample.map', line: 1, column: 1, offset: 0, endOffset: 1 };
const codes = Object.keys(CODES) as Code[];

function render<C extends Code>(code: C, params: MessageParameterTypes[C]): string {
  const view = viewOf(diagnostic(code, span, params as never) as Diagnostic);
  return `${view.message}\n${view.hint ?? ''}`;
}

const nulls = (text: string) => text.match(/\bnull\b/g)?.length ?? 0;

function expectClean(code: Code, text: string) {
  expect(text, code).not.to.match(/undefined|\[object|NaN/);
  // "null" is a word of the language (`is not null`): only as often as the code's own text says it.
  const info = CODES[code];
  expect(nulls(text), `${code} prints null`).to.be.at.most(nulls(`${String(info.message)} ${String(info.hint)}`));
  expect(text.split('\n')[0].trim(), `${code} has an empty message`).not.to.equal('');
}

describe('diagnostic messages', () => {
  it('has samples for exactly the codes of codes.ts', () => {
    expect(Object.keys(REQUIRED).sort()).to.deep.equal([...codes].sort());
  });

  for (const code of codes) {
    it(`${code} prints every parameter it requires, and nothing undefined`, () => {
      const text = render(code, REQUIRED[code]);
      expectClean(code, text);
      for (const [key, value] of Object.entries(REQUIRED[code]))
        expect(text, `${code} does not print its parameter ${key}`).to.contain(value);
    });

    const optional = OPTIONAL[code];
    if (optional) {
      it(`${code} with its optional parameters prints nothing undefined, and shows each alone`, () => {
        expectClean(code, render(code, { ...REQUIRED[code], ...optional }));
        for (const [key, value] of Object.entries(optional)) {
          const text = render(code, { ...REQUIRED[code], [key]: value });
          expectClean(code, text);
          expect(text, `${code} does not print its optional parameter ${key}`).to.contain(value);
        }
      });
    }
  }
});
