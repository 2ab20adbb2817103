import { expect } from 'chai';
import fc from 'fast-check';
import { sortStable } from '../../runtime/assemble/stable-sort.js';

describe('runtime: sortStable', () => {
  it('orders as Array.prototype.sort does, ties kept in input order, on both sides of the insertion-sort length', () => {
    // Few distinct sort keys make many ties; `at` tells elements with the same key apart.
    const list = fc
      .array(fc.integer({ min: 0, max: 5 }), { maxLength: 80 })
      .map((keys) => keys.map((key, at) => ({ key, at })));
    fc.assert(
      fc.property(list, fc.boolean(), (elements, descending) => {
        const compare = (a: { key: number }, b: { key: number }) => (descending ? b.key - a.key : a.key - b.key);
        const expected = [...elements].sort(compare);
        const sorted = [...elements];
        sortStable(sorted, compare);
        expect(sorted).to.deep.equal(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts an array already in order, in reverse order, and of one or no element', () => {
    const byValue = (a: number, b: number) => a - b;
    for (const input of [[1, 2, 3, 4], [4, 3, 2, 1], [7], []]) {
      const sorted = [...input];
      sortStable(sorted, byValue);
      expect(sorted).to.deep.equal([...input].sort(byValue));
    }
  });
});
