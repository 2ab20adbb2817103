import { expect } from 'chai';
import { asOfFromName } from '../../runtime/read/as-of-from-name.js';

describe("runtime/run: as_of from an extract's name", () => {
  const cases: Array<[string, string | null]> = [
    ['extracts/2026-11-01T02:00:00Z.zip', '2026-11-01T02:00:00.000Z'],
    ['extract-2026-11-01T020000Z.zip', '2026-11-01T02:00:00.000Z'],
    ['dump_20261101T020000Z.zip', '2026-11-01T02:00:00.000Z'],
    ['dump_2026-11-01_02-30-15.zip', '2026-11-01T02:30:15.000Z'],
    ['dump_20261101023015.zip', '2026-11-01T02:30:15.000Z'],
    ['daily/2026-11-01.zip', '2026-11-01T00:00:00.000Z'],
    ['daily/20261101.zip', '2026-11-01T00:00:00.000Z'],
    ['2026-10-01/delta-2026-11-01.zip', '2026-11-01T00:00:00.000Z'],
    ['2026-10-01/delta.zip', '2026-10-01T00:00:00.000Z'],
    ['delta.zip', null],
    ['dump_20261341.zip', null],
    ['dump_2026-02-30.zip', null],
  ];
  for (const [name, expected] of cases) {
    it(`${name} → ${expected ?? 'none'}`, () => {
      expect(asOfFromName(name)).to.equal(expected);
    });
  }
});
