// Stored rows packed in buckets: a bucket's size when a table's layout is chosen, a key's
// bucket, and parts under DynamoDB's item limit.
import { expect } from 'chai';
import { bitsFor, bucketOf, packParts, PART_BYTES, unpackPart } from '../../../runtime/control/row-buckets.js';

describe('runtime: stored rows in buckets', () => {
  it('chooses buckets of 64 to 128 rows for the rows a table is first written with', () => {
    expect([0, 1, 127, 128, 255, 256, 14_000].map(bitsFor)).to.deep.equal([0, 0, 0, 1, 1, 2, 7]);
    for (const rows of [128, 1000, 14_000, 140_000]) {
      const perBucket = rows / 2 ** bitsFor(rows);
      expect(perBucket).to.be.at.least(64).and.below(128);
    }
  });

  it('puts a key in the same bucket every time, and spreads keys over the buckets', () => {
    expect(bucketOf('order 7', 5)).to.equal(bucketOf('order 7', 5));
    expect(bucketOf('anything', 0)).to.equal(0);
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[bucketOf(String(i), 3)]++;
    for (const count of counts) expect(count).to.be.within(800, 1200);
  });

  it('packs a bucket into parts of at most 300 KB, and reads them back', () => {
    const rows = new Map([
      ['b', { M: { text: { S: 'y'.repeat(200 * 1024) } } }],
      ['a', { M: { text: { S: 'x'.repeat(200 * 1024) } } }],
      ['c', null],
    ]);
    const parts = packParts(rows);
    expect(parts).to.have.length(2);
    for (const part of parts) expect(Buffer.byteLength(JSON.stringify(part))).to.be.below(PART_BYTES + 100);
    const read = parts.flatMap((part) => unpackPart(part));
    expect(read.map((row) => row.key)).to.deep.equal(['a', 'b', 'c']);
    expect(read[2].values).to.equal(null);
    expect(packParts(new Map())).to.deep.equal([{ L: [] }]);
  });
});
