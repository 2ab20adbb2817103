import { expect } from 'chai';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { HeldTable } from '../../runtime/hold/held-table.js';
import { KeyIndex } from '../../runtime/hold/key-index.js';
import { ColumnStore } from '../../runtime/hold/column-store.js';
import { keyAt } from '../../runtime/eval/row-key.js';
import type { ColumnType } from '../../runtime/plan/types.js';
import { dateValue, timestampValue } from '../../runtime/values/calendar.js';
import { decimal } from '../../runtime/values/decimal.js';
import type { Value } from '../../runtime/values/value.js';
import { compileMapping } from './fixtures/recorded-run.js';

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
      fc.property(
        fc.array(fc.tuple(key, fc.integer({ min: 0, max: 1e6 })), { maxLength: 3000 }),
        fc.array(key, { maxLength: 50 }),
        (pairs, probes) => {
          const index = new KeyIndex();
          const reference = new Map<unknown, number>();
          for (const [k, v] of pairs) {
            index.set(k, v);
            reference.set(k, v);
          }
          expect(index.size).to.equal(reference.size);
          for (const [k] of pairs) expect(index.get(k)).to.equal(reference.get(k));
          for (const k of probes) expect(index.get(k)).to.equal(reference.get(k));
        },
      ),
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
      decimal: [
        decimal(1250n, 2),
        null,
        decimal(125n, 1),
        decimal(-3n, 0),
        decimal(2n ** 63n - 1n, 2),
        decimal(-(2n ** 63n), 0),
        decimal(10n ** 30n, 4),
        decimal(7n, 0),
      ],
      float: [1.5, null, -0.25],
      bool: [true, false, null],
      date: [dateValue(19000), null, dateValue(-3)],
      timestamp: [timestampValue(1_700_000_000_123), null],
    };
    for (const [type, list] of Object.entries(values) as Array<[ColumnType, Value[]]>) {
      const column = new ColumnStore(type);
      list.forEach((value) => column.push(value));
      list.forEach((value, i) => expect(column.keyAt(i), `${type} #${i}`).to.equal(keyAt([value], [0])));
      if (type === 'int' || type === 'decimal')
        list.forEach((value, i) => expect(column.get(i), `${type} #${i} read back`).to.deep.equal(value));
    }
    expect(keyAt([2n ** 53n - 1n], [0]), 'an int key within 2^53 is a number').to.equal(2 ** 53 - 1);
    expect(keyAt([2n ** 53n], [0]), 'beyond, it stays a bigint').to.equal(2n ** 53n);
  });
});

describe('runtime: rows read for holding, ints as JS numbers', () => {
  it('make the held table that their bigints make: keys, groups, twins and values (room reserved or not)', () => {
    const plan = compileMapping(fileURLToPath(new URL('./differential/differential.map', import.meta.url)));
    // lines: key (order_id, line_no), grouped by order_id; orders: one int key, a parent.
    for (const name of ['lines', 'orders']) {
      const table = plan.tables.find((t) => t.name === name)!;
      const ints = table.columns.map((c) => c.type === 'int');
      const rows: Value[][] = Array.from({ length: 3000 }, (_, i) =>
        table.columns.map((c, at) => {
          if (c.type !== 'int')
            return c.type === 'decimal'
              ? decimal(BigInt(i * 13), 2)
              : c.type === 'date'
                ? dateValue(19000 + (i % 50))
                : `s${i % 7}`;
          // Twins every 37 rows, a null now and then, and an int past 2^53 (read as a bigint either way).
          return at === 0
            ? BigInt(i % 37 === 36 ? i - 1 : i % 90 === 89 ? 2 ** 60 : i)
            : i % 11 === 5 && c.nullable
              ? null
              : BigInt(i % 4);
        }),
      );
      const asNumbers = rows.map((row) =>
        row.map((v, at) => (ints[at] && typeof v === 'bigint' && v < 2n ** 53n ? Number(v) : v)),
      );
      const exact = new HeldTable(table, name === 'orders');
      const read = new HeldTable(table, name === 'orders');
      rows.forEach((row, i) => {
        // Room for fewer rows than come: the arrays grow past it.
        if (i === 10) read.reserve(2000);
        expect(read.add(asNumbers[i], 0, i + 2), `${name} row ${i}`).to.equal(exact.add(row, 0, i + 2));
      });
      expect(read.seal()).to.deep.equal(exact.seal());
      expect(read.count).to.equal(exact.count);
      for (let i = 0; i < exact.count; i++) {
        expect(read.row(i), `${name} row ${i}`).to.deep.equal(exact.row(i));
        expect(read.keyOf(i)).to.equal(exact.keyOf(i));
        expect(read.isFailed(i)).to.equal(exact.isFailed(i));
        expect([read.fileOf(i), read.lineOf(i)]).to.deep.equal([exact.fileOf(i), exact.lineOf(i)]);
      }
      for (const role of table.roles) {
        if (role.kind !== 'grouped') continue;
        const [a, b] = [read.groups(role.byColumns), exact.groups(role.byColumns)];
        expect([...a.rows]).to.deep.equal([...b.rows]);
        for (let i = 0; i < 3000; i++) expect(a.idOf(i)).to.equal(b.idOf(i));
      }
    }
  });
});
