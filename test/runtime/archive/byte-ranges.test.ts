// ByteRanges: what a ReadOnceSource holds; an archive of many entries leaves one range per
// entry, and each read must find its place without a walk over all of them.
import { expect } from 'chai';
import { ByteRanges } from '../../../runtime/archive/byte-ranges.js';

describe('ByteRanges', () => {
  it('gives the gaps of a read and merges what touches', () => {
    const ranges = new ByteRanges();
    ranges.add(10, 20);
    ranges.add(30, 40);
    expect(ranges.missing(0, 50)).to.deep.equal([
      [0, 10],
      [20, 30],
      [40, 50],
    ]);
    expect(ranges.missing(12, 18)).to.deep.equal([]);
    expect(ranges.missing(20, 30)).to.deep.equal([[20, 30]]);
    ranges.add(20, 30);
    expect(ranges.count).to.equal(1);
    expect(ranges.missing(5, 45)).to.deep.equal([
      [5, 10],
      [40, 45],
    ]);
  });

  it('holds 200k disjoint ranges (one per entry of a large archive) in n log n, not n²', () => {
    const ranges = new ByteRanges();
    const started = Date.now();
    let gaps = 0;
    for (let entry = 0; entry < 200_000; entry++) {
      // A local header and its data, then a gap: the next entry's name, never read.
      const at = entry * 100;
      gaps += ranges.missing(at, at + 30).length;
      ranges.add(at, at + 30);
      ranges.add(at + 40, at + 90);
    }
    expect(gaps).to.equal(200_000);
    expect(ranges.count).to.equal(400_000);
    expect(ranges.missing(0, 200)).to.deep.equal([
      [30, 40],
      [90, 100],
      [130, 140],
      [190, 200],
    ]);
    // Quadratic, this took minutes; in n log n it takes well under a second.
    expect(Date.now() - started, 'ms').to.be.below(3000);
  });
});
