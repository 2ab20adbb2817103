/*
 * checkItemLimits, the check every sink applies before it takes an item, and
 * measureItemLimits, the same with the exact size: the size must be the size of the same
 * item as DynamoDB AttributeValues (item-size.ts, which is checked against DynamoDB Local),
 * the quick check (an upper bound of the size first) must agree with the exact one, and the numbers, nesting and sizes DynamoDB refuses are named
 * with their attribute path. The nesting limit was measured against DynamoDB Local (an
 * attribute of 31 nested maps or lists is taken, one of 32 is refused).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { itemObjectFrom, type ItemObject, type ItemValue } from '../../../runtime/eval/item-value.js';
import { checkItemLimits, MAX_NESTING_LEVELS, measureItemLimits } from '../../../runtime/dynamodb/item-limits.js';
import { itemSize, MAX_ITEM_BYTES } from '../../../runtime/dynamodb/item-size.js';
import { toDynamoItem } from '../../../runtime/dynamodb/attribute-values.js';
import { decimal } from '../../../runtime/values/decimal.js';

function nestedMaps(levels: number, inner: ItemValue): ItemValue {
  let value = inner;
  for (let i = 0; i < levels; i++) value = itemObjectFrom([['x', value]]);
  return value;
}

function nestedLists(levels: number, inner: ItemValue): ItemValue {
  let value = inner;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** The reason, without the words every refusal of a value starts with. */
function reasonOf(item: ItemObject): string {
  const check = checkItemLimits(item);
  expect(check.ok, 'the item is refused').to.equal(false);
  return (check as { reason: string }).reason.replace(/^cannot be stored in DynamoDB: /, '');
}

describe('checkItemLimits', () => {
  it('sizes an item as item-size.ts sizes its AttributeValues', () => {
    const scalar: fc.Arbitrary<ItemValue> = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.bigInt({ min: -(10n ** 37n), max: 10n ** 37n }),
      fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
      fc.integer({ min: -1000, max: 1000 }).map((n) => BigInt(n) * 10n ** 6n),
      fc
        .record({ digits: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), scale: fc.integer({ min: 0, max: 40 }) })
        .map(({ digits, scale }) => decimal(digits, scale)),
      fc
        .double({ noNaN: true, noDefaultInfinity: true, min: -1e120, max: 1e120 })
        .filter((x) => x === 0 || Math.abs(x) >= 1e-120),
      fc.integer({ min: -1_000_000, max: 3_000_000 }).map((days) => ({ kind: 'date' as const, days })),
      fc
        .integer({ min: -62_000_000_000_000, max: 253_000_000_000_000 })
        .map((epochMillis) => ({ kind: 'timestamp' as const, epochMillis })),
    );
    const { value } = fc.letrec<{ value: ItemValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar,
        fc.array(tie('value'), { maxLength: 4 }),
        fc
          .array(fc.tuple(fc.string({ maxLength: 6 }), tie('value')), { maxLength: 4 })
          .map((pairs) => itemObjectFrom(dedupe(pairs))),
      ),
    }));
    const item = fc
      .array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), value), { minLength: 1, maxLength: 6 })
      .map((pairs) => itemObjectFrom(dedupe(pairs)));
    fc.assert(
      fc.property(item, (built) => {
        expect(measureItemLimits(built)).to.deep.equal({ ok: true, size: itemSize(toDynamoItem(built)) });
        expect(checkItemLimits(built)).to.deep.equal({ ok: true });
      }),
      { seed: 17, numRuns: 500 },
    );
  });

  it('takes and refuses the same items near 400 KB as the exact size does', () => {
    // Long strings of one-, two-, three- and four-byte characters around the limit, where
    // the upper bound (3 bytes per UTF-16 unit) passes it and the exact size decides.
    const character = fc.constantFrom('x', 'é', '€', '😀');
    const item = fc
      .tuple(character, fc.integer({ min: 90_000, max: 210_000 }), fc.bigInt({ min: -(10n ** 37n), max: 10n ** 37n }))
      .map(([unit, count, n]) =>
        itemObjectFrom([
          ['pk', 'A'],
          ['pad', unit.repeat(Math.floor(count / unit.length))],
          ['n', n],
        ]),
      );
    let refused = 0;
    fc.assert(
      fc.property(item, (built) => {
        const size = itemSize(toDynamoItem(built));
        const check = checkItemLimits(built);
        expect(check.ok, `an item of ${size} bytes`).to.equal(size <= MAX_ITEM_BYTES);
        if (!check.ok) {
          refused++;
          expect(check.reason).to.equal(
            `is ${size} bytes, over DynamoDB's limit of ${MAX_ITEM_BYTES} (400 KB); lower a collection's limit or keep fewer attributes in the mapping`,
          );
        }
      }),
      { seed: 23, numRuns: 60 },
    );
    expect(refused, 'some items were over the limit').to.be.greaterThan(0);
  });

  it('takes 31 nested maps or lists in an attribute and refuses 32, naming the attribute', () => {
    expect(MAX_NESTING_LEVELS).to.equal(32);
    expect(checkItemLimits(itemObjectFrom([['deep', nestedMaps(31, 'x')]])).ok).to.equal(true);
    expect(checkItemLimits(itemObjectFrom([['deep', nestedLists(31, 'x')]])).ok).to.equal(true);
    expect(reasonOf(itemObjectFrom([['deep', nestedMaps(32, 'x')]]))).to.match(
      /^attribute deep(\.x){31}: maps and lists are nested more than 32 levels deep/,
    );
    expect(reasonOf(itemObjectFrom([['deep', nestedLists(40, 1n)]]))).to.match(
      /^attribute deep(\[0\]){31}: maps and lists are nested more than 32 levels deep/,
    );
  });

  it('refuses numbers DynamoDB cannot hold, with the attribute path', () => {
    const inList = (value: ItemValue) =>
      itemObjectFrom([
        ['pk', 'A'],
        ['orders', [itemObjectFrom([['n', 1n]]), itemObjectFrom([['n', value]])]],
      ]);
    expect(reasonOf(inList(10n ** 38n + 1n))).to.equal(
      'attribute orders[1].n: the int 100000000000000000000000000000000000001 has 39 significant digits; DynamoDB numbers hold at most 38',
    );
    expect(reasonOf(inList(decimal(10n ** 40n + 1n, 2)))).to.match(
      /^attribute orders\[1\]\.n: the decimal 1\d+\.01 has 41 significant digits/,
    );
    expect(reasonOf(inList(decimal(1n, 131)))).to.match(
      /^attribute orders\[1\]\.n: the decimal 0\.0+1 is out of the range/,
    );
    expect(reasonOf(inList(1e-300))).to.equal(
      'attribute orders[1].n: the float 1e-300 is out of the range DynamoDB numbers can hold (1E-130 to 9.99E+125)',
    );
    expect(reasonOf(inList(1e126))).to.match(/the float 1e\+126 is out of the range/);
    expect(reasonOf(inList(Number.NaN))).to.equal(
      'attribute orders[1].n: the float NaN cannot be stored: DynamoDB has no NaN or Infinity',
    );
    expect(reasonOf(inList(-Infinity))).to.match(/the float -Infinity cannot be stored/);
    // At the edges, still held.
    expect(checkItemLimits(inList(10n ** 38n - 1n)).ok).to.equal(true);
    expect(checkItemLimits(inList(10n ** 40n)).ok, 'trailing zeros are not significant').to.equal(true);
    expect(checkItemLimits(inList(1e-130)).ok).to.equal(true);
    expect(checkItemLimits(inList(9.99e125)).ok).to.equal(true);
  });

  it('refuses an item over 400 KB and takes one of exactly 400 KB', () => {
    const padded = (bytes: number) =>
      itemObjectFrom([
        ['pk', 'A'],
        ['pad', 'x'.repeat(bytes - 'pk'.length - 1 - 'pad'.length)],
      ]);
    expect(measureItemLimits(padded(MAX_ITEM_BYTES))).to.deep.equal({ ok: true, size: MAX_ITEM_BYTES });
    expect(checkItemLimits(padded(MAX_ITEM_BYTES))).to.deep.equal({ ok: true });
    expect(reasonOf(padded(MAX_ITEM_BYTES + 1))).to.equal(
      `is ${MAX_ITEM_BYTES + 1} bytes, over DynamoDB's limit of ${MAX_ITEM_BYTES} (400 KB); lower a collection's limit or keep fewer attributes in the mapping`,
    );
  });
});

function dedupe<T>(pairs: Array<[string, T]>): Array<[string, T]> {
  const seen = new Set<string>();
  return pairs.filter(([name]) => !seen.has(name) && seen.add(name) !== undefined);
}
