import { expect } from 'chai';
import fc from 'fast-check';
import { KeyIndex } from '../../runtime/run/key-index.js';
import { ColumnStore } from '../../runtime/run/column-store.js';
import { keyAt } from '../../runtime/run/row-key.js';
import type { ColumnType } from '../../runtime/plan/types.js';
import { dateValue, timestampValue } from '../../runtime/values/calendar.js';
import { decimal } from '../../runtime/values/decimal.js';
import type { Value } from '../../runtime/values/value.js';

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

describe('runtime: keys read from a held column', () => {
  it('are the keys of the values read back, for every column type, nulls and big values included', () => {
    const values: Record<ColumnType, Value[]> = {
      int: [1n, null, -7n, 2n ** 53n - 1n, -(2n ** 53n - 1n), 0n, 2n ** 53n, -(2n ** 53n), 2n ** 70n, 5n],
      string: ['a', null, '', 'a', 'é', 'b'],
      decimal: [decimal(1250n, 2), null, decimal(125n, 1), decimal(-3n, 0)],
      float: [1.5, null, -0.25],
      bool: [true, false, null],
      date: [dateValue(19000), null, dateValue(-3)],
      timestamp: [timestampValue(1_700_000_000_123), null],
    };
    for (const [type, list] of Object.entries(values) as Array<[ColumnType, Value[]]>) {
      const column = new ColumnStore(type);
      list.forEach((value) => column.push(value));
      list.forEach((value, i) => expect(column.keyAt(i), `${type} #${i}`).to.equal(keyAt([value], [0])));
      if (type === 'int') list.forEach((value, i) => expect(column.get(i), `int #${i} read back`).to.equal(value));
    }
    expect(keyAt([2n ** 53n - 1n], [0]), 'an int key within 2^53 is a number').to.equal(2 ** 53 - 1);
    expect(keyAt([2n ** 53n], [0]), 'beyond, it stays a bigint').to.equal(2n ** 53n);
  });
});
