import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteSource } from '../../../runtime/archive/byte-source.js';
import { ByteRanges } from '../../../runtime/archive/byte-ranges.js';
import { ReadOnceSource } from '../../../runtime/archive/read-once-source.js';

/** A source in memory that records every read it is asked for. */
function recordingSource(bytes: Buffer) {
  const reads: Array<[number, number]> = [];
  let closed = false;
  const source: ByteSource = {
    name: 'memory.zip',
    size: async () => bytes.length,
    read: async (offset, length) => {
      if (offset + length > bytes.length) throw new Error('past the end');
      reads.push([offset, length]);
      return Buffer.from(bytes.subarray(offset, offset + length));
    },
    close: async () => {
      closed = true;
    },
  };
  return { source, reads, isClosed: () => closed };
}

describe('runtime/archive: ByteRanges', () => {
  it('answers missing() as a byte-by-byte set would, whatever was added (property)', () => {
    const size = 64;
    const range = fc.tuple(fc.nat(size), fc.nat(size)).map(([a, b]) => (a <= b ? [a, b] : [b, a]));
    fc.assert(
      fc.property(fc.array(range, { maxLength: 12 }), range, (added, asked) => {
        const ranges = new ByteRanges();
        const held = new Array<boolean>(size).fill(false);
        for (const [start, end] of added) {
          ranges.add(start, end);
          for (let i = start; i < end; i++) held[i] = true;
        }
        const expected: Array<[number, number]> = [];
        for (let i = asked[0]; i < asked[1]; i++) {
          if (held[i]) continue;
          const last = expected[expected.length - 1];
          if (last && last[1] === i) last[1] = i + 1;
          else expected.push([i, i + 1]);
        }
        expect(ranges.missing(asked[0], asked[1])).to.deep.equal(expected);
      }),
    );
  });

  it('merges ranges that touch or overlap into one', () => {
    const ranges = new ByteRanges();
    ranges.add(0, 10);
    ranges.add(20, 30);
    expect(ranges.count).to.equal(2);
    ranges.add(10, 20);
    expect(ranges.count).to.equal(1);
    expect(ranges.missing(0, 30)).to.deep.equal([]);
    expect(ranges.missing(0, 31)).to.deep.equal([[30, 31]]);
  });
});

describe('runtime/archive: ReadOnceSource', () => {
  const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) % 251));

  it('gives the bytes of the source, fetching each byte once however reads overlap', async () => {
    const { source, reads } = recordingSource(bytes);
    const once = new ReadOnceSource(source, mkdtempSync(join(tmpdir(), 'mapc-read-once-')));
    try {
      expect(await once.read(100, 50)).to.deep.equal(bytes.subarray(100, 150));
      expect(await once.read(120, 100)).to.deep.equal(bytes.subarray(120, 220));
      expect(await once.read(0, 10_000)).to.deep.equal(bytes);
      expect(await once.read(5_000, 10)).to.deep.equal(bytes.subarray(5_000, 5_010));
      expect(reads).to.deep.equal([
        [100, 50],
        [150, 70],
        [0, 100],
        [220, 9_780],
      ]);
      expect(once.fetchedBytes).to.equal(10_000);
    } finally {
      await once.close();
    }
  });

  it('removes its spool and closes the source on close', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mapc-read-once-'));
    const { source, isClosed } = recordingSource(bytes);
    const once = new ReadOnceSource(source, folder);
    await once.read(0, 10);
    expect(readdirSync(folder)).to.have.length(1);
    await once.close();
    expect(readdirSync(folder)).to.deep.equal([]);
    expect(isClosed()).to.equal(true);
    expect(existsSync(folder)).to.equal(true);
  });

  it('passes on a read the source refuses, and keeps nothing of it', async () => {
    const { source } = recordingSource(bytes);
    const once = new ReadOnceSource(source, mkdtempSync(join(tmpdir(), 'mapc-read-once-')));
    try {
      let error: unknown;
      await once.read(9_990, 20).catch((e: unknown) => {
        error = e;
      });
      expect((error as Error).message).to.equal('past the end');
      expect(await once.read(9_990, 10)).to.deep.equal(bytes.subarray(9_990));
    } finally {
      await once.close();
    }
  });
});
