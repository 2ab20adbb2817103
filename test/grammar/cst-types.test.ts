// grammar/cst-types.ts is generated from the parser (`npm run gen:cst`) and checked in, so that
// cst-to-ast.ts reads the CST through its types. It must be current: a parser change without a
// regeneration would leave the type check blind to a renamed or removed label.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { cstTypesSource } from '../../grammar/cst-types-source.js';

describe('grammar/cst-types.ts', () => {
  it('is what the parser generates now', () => {
    const checkedIn = readFileSync(new URL('../../grammar/cst-types.ts', import.meta.url), 'utf8');
    expect(
      checkedIn,
      'grammar/cst-types.ts is out of date with grammar/parser.ts: run `npm run gen:cst`, then fix what `npm run build` reports',
    ).to.equal(cstTypesSource());
  });
});
