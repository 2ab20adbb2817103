import { expect } from 'chai';
import fc from 'fast-check';
import { StringIds } from '../../runtime/hold/string-ids.js';

describe('runtime: StringIds', () => {
  it('gives each distinct string the next id in first-seen order, as a Map would, across growth', () => {
    // Few characters make repeats; thousands of values make the table grow several times.
    const text = fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.nat(5000).map((n) => `SKU-${n}`),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4000 }), (values) => {
        const ids = new StringIds();
        const reference = new Map<string, number>();
        for (const value of values) {
          if (!reference.has(value)) reference.set(value, reference.size);
          expect(ids.idOf(value)).to.equal(reference.get(value));
        }
        expect(ids.values).to.deep.equal([...reference.keys()]);
        expect(ids.size).to.equal(reference.size);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps what `stored` makes of a new value, and finds it by an equal string', () => {
    const ids = new StringIds();
    expect(ids.idOf('ab', (v) => v.slice(0))).to.equal(0);
    expect(ids.idOf(['a', 'b'].join(''))).to.equal(0);
    expect(ids.idOf('')).to.equal(1);
    expect(ids.values).to.deep.equal(['ab', '']);
  });
});
