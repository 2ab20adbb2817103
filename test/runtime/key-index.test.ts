import { expect } from 'chai';
import fc from 'fast-check';
import { KeyIndex } from '../../runtime/run/key-index.js';

describe('runtime: KeyIndex', () => {
  it('agrees with a Map on random keys, numbers near 2^53 and strings and bigints included', () => {
    const key = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.maxSafeInteger(),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 32, 2 ** 32 + 1, -(2 ** 32)),
      fc.string({ maxLength: 4 }),
      fc.bigInt({ min: 2n ** 60n, max: 2n ** 64n }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer({ min: 0, max: 1e6 })), { maxLength: 3000 }), fc.array(key, { maxLength: 50 }), (pairs, probes) => {
        const index = new KeyIndex();
        const reference = new Map<unknown, number>();
        for (const [k, v] of pairs) {
          index.set(k, v);
          reference.set(k, v);
        }
        expect(index.size).to.equal(reference.size);
        for (const [k] of pairs) expect(index.get(k)).to.equal(reference.get(k));
        for (const k of probes) expect(index.get(k)).to.equal(reference.get(k));
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('tells 1 from "1" and from 1n', () => {
    const index = new KeyIndex();
    index.set(1, 10);
    expect(index.get('1')).to.equal(undefined);
    expect(index.get(1n)).to.equal(undefined);
    expect(index.has(1)).to.equal(true);
  });
});
