import { expect } from 'chai';
import fc from 'fast-check';
import type { ColumnType } from '../../runtime/plan/types.js';
import { packRows, unpackRows } from '../../runtime/assemble/packed-rows.js';
import { decimal } from '../../runtime/values/decimal.js';
import type { Value } from '../../runtime/values/value.js';

const TYPES: ColumnType[] = ['int', 'date', 'timestamp', 'string', 'decimal', 'float', 'bool'];

/** A value of the type, null about one time in five. */
function valueOf(type: ColumnType): fc.Arbitrary<Value> {
  const values: Record<ColumnType, fc.Arbitrary<Value>> = {
    // Both sides of 2^53: an int column holding a larger value travels as values.
    int: fc.oneof(fc.bigInt({ min: -1000n, max: 5000n }), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n })),
    date: fc.integer({ min: -800_000, max: 2_900_000 }).map((days) => ({ kind: 'date' as const, days })),
    timestamp: fc
      .integer({ min: -6e13, max: 2.5e14 })
      .map((epochMillis) => ({ kind: 'timestamp' as const, epochMillis })),
    string: fc.string(),
    decimal: fc
      .record({ digits: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), scale: fc.integer({ min: 0, max: 6 }) })
      .map(({ digits, scale }) => decimal(digits, scale)),
    float: fc.double({ noNaN: true, noDefaultInfinity: true }),
    bool: fc.boolean(),
  };
  return fc.oneof({ arbitrary: values[type], weight: 4 }, { arbitrary: fc.constant(null), weight: 1 });
}

describe('runtime: root rows packed for a build thread', () => {
  it('unpack to rows equal to the rows packed, every column type and nulls included', () => {
    const rows = fc
      .integer({ min: 0, max: 40 })
      .chain((count) =>
        fc
          .tuple(...TYPES.map((type) => fc.array(valueOf(type), { minLength: count, maxLength: count })))
          .map((columns) => Array.from({ length: count }, (_, i) => columns.map((column) => column[i]))),
      );
    fc.assert(
      fc.property(rows, (input) => {
        // Through a structured clone, as postMessage sends it.
        const packed = structuredClone(packRows(input, TYPES));
        expect(unpackRows(packed)).to.deep.equal(input);
      }),
      { numRuns: 300 },
    );
  });

  it('sends ints, dates and timestamps as doubles, and an int column past 2^53 as its values', () => {
    const rows: Value[][] = [
      [1n, { kind: 'date', days: 3 }, { kind: 'timestamp', epochMillis: 5 }, 'a'],
      [null, null, null, null],
    ];
    const packed = packRows(rows, ['int', 'date', 'timestamp', 'string']);
    expect(packed.columns.map((c) => c.kind)).to.deep.equal(['int', 'date', 'timestamp', 'values']);
    const large = packRows([[2n ** 53n + 1n], [7n]], ['int']);
    expect(large.columns[0].kind).to.equal('values');
    expect(unpackRows(large)).to.deep.equal([[2n ** 53n + 1n], [7n]]);
  });
});
