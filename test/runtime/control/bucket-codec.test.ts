// Entries packed in buckets: a bucket's size when a collection's layout is chosen, a key's
// bucket, and deflated parts under DynamoDB's item limit.
import { expect } from 'chai';
import {
  bitsFor,
  bucketOf,
  packParts,
  PART_BYTES,
  unpackPart,
  type BucketEntries,
} from '../../../runtime/control/bucket-codec.js';
import type { AttributeValue } from '../../../runtime/dynamodb/attribute-values.js';
import { keyHash } from '../../../runtime/eval/key-hash.js';

/** keyHash of '', 'a', 'order 7' and 'é😀', as mapc has always placed them. */
const KNOWN_HASHES = [2872998923, 444641715, 3067577610, 4159213040];

describe('runtime: control entries in buckets', () => {
  it('chooses buckets of 64 to 128 rows for the rows a table is first written with', () => {
    expect([0, 1, 127, 128, 255, 256, 14_000].map((count) => bitsFor(count, 64))).to.deep.equal([0, 0, 0, 1, 1, 2, 7]);
    expect(bitsFor(20, 16)).to.equal(0);
    expect(bitsFor(2400, 16)).to.equal(7);
    for (const rows of [128, 1000, 14_000, 140_000]) {
      const perBucket = rows / 2 ** bitsFor(rows, 64);
      expect(perBucket).to.be.at.least(64).and.below(128);
    }
  });

  it('puts a key in the same bucket every time, and spreads keys over the buckets', () => {
    // Fixed values: a stored entry's place must not change from one version of mapc to the next.
    expect([keyHash(''), keyHash('a'), keyHash('order 7'), keyHash('\u00e9\u{1F600}')]).to.deep.equal(KNOWN_HASHES);
    expect(bucketOf('order 7', 5)).to.equal(keyHash('order 7') >>> 27);
    expect(bucketOf('order 7', 5)).to.equal(bucketOf('order 7', 5));
    expect(bucketOf('anything', 0)).to.equal(0);
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[bucketOf(String(i), 3)]++;
    for (const count of counts) expect(count).to.be.within(900, 1100);
    // Keys alike but for their last characters (order ids) spread over many buckets too.
    const wide = new Array(1024).fill(0);
    for (let i = 0; i < 102_400; i++) wide[bucketOf(`ORD#${i}`, 10)]++;
    for (const count of wide) expect(count).to.be.within(50, 160);
  });

  it('packs a bucket into deflated parts of at most 300 KB of JSON, and reads them back with every digit', () => {
    const entries: BucketEntries = new Map<string, AttributeValue | null>([
      ['b', { M: { text: { S: 'y'.repeat(200 * 1024) } } }],
      ['a', { M: { text: { S: 'x'.repeat(200 * 1024) }, amount: { N: '12345678901234567890.10' } } }],
      ['c', null],
    ]);
    const parts = packParts(entries);
    expect(parts).to.have.length(2);
    // Repeated text deflates to almost nothing.
    for (const part of parts) expect(part.length).to.be.below(2 * 1024);
    const read = parts.flatMap((part) => unpackPart(part));
    expect(read.map(([key]) => key)).to.deep.equal(['a', 'b', 'c']);
    expect(read[0][1]).to.deep.equal(entries.get('a'));
    expect(read[2][1]).to.equal(null);
    expect(packParts(new Map()).map((part) => unpackPart(part))).to.deep.equal([[]]);
  });

  it('counts a part by its UTF-8 bytes', () => {
    const wide = new Map([
      ['a', { S: '\u00e9'.repeat(100 * 1024) }],
      ['b', { S: '\u00e9'.repeat(100 * 1024) }],
    ]);
    // 200 KB of characters, 400 KB of UTF-8: two parts.
    expect(packParts(wide)).to.have.length(2);
    expect(PART_BYTES).to.equal(300 * 1024);
  });
});
