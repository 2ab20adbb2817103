import { expect } from 'chai';
import fc from 'fast-check';
import type { PlanColumn, PlanFormat } from '../../runtime/plan/types.js';
import {
  addDuration,
  civilFromDays,
  daysFromCivil,
  epochSeconds,
  formatIsoDate,
  formatIsoTimestamp,
  dateValue,
  timestampValue,
} from '../../runtime/values/calendar.js';
import { castCell, CastFailure, compileCellReader, compileQuickReader } from '../../runtime/values/cast-cell.js';
import { compileDateParser, compileTimestampParser } from '../../runtime/values/datetime-format.js';
import {
  addDecimals,
  compareDecimals,
  decimal,
  decimalToString,
  divideDecimals,
  multiplyDecimals,
  parseDecimal,
  roundDecimal,
  subtractDecimals,
  sumSmallDecimals,
} from '../../runtime/values/decimal.js';
import type { Decimal, Parsed } from '../../runtime/values/value.js';
import { arithmetic, EvaluationError } from '../../runtime/eval/operators.js';

function dec(text: string): Decimal {
  const parsed = parseDecimal(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function ok<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`expected ok, got: ${parsed.reason}`);
  return parsed.value;
}

function date(text: string) {
  return ok(compileDateParser('%Y-%m-%d')(text));
}

describe('values: decimal', () => {
  it('parses and prints keeping the scale', () => {
    for (const [text, printed] of [
      ['12.50', '12.50'],
      ['-0.5', '-0.5'],
      ['.5', '0.5'],
      ['5.', '5'],
      ['+7', '7'],
      ['0.000', '0.000'],
      ['1e3', '1000'],
      ['1.25E-2', '0.0125'],
      ['-12.340e1', '-123.40'],
      ['-0.00', '0.00'],
    ]) {
      expect(decimalToString(dec(text)), text).to.equal(printed);
    }
  });

  it('rejects text that is not a number', () => {
    for (const text of ['', '.', '1,5', '1.2.3', 'abc', '--1', '1e', ' 1']) {
      expect(parseDecimal(text).ok, text).to.equal(false);
    }
  });

  it('adds, subtracts and multiplies exactly', () => {
    expect(decimalToString(addDecimals(dec('0.1'), dec('0.2')))).to.equal('0.3');
    expect(decimalToString(subtractDecimals(dec('1.00'), dec('0.015')))).to.equal('0.985');
    expect(decimalToString(multiplyDecimals(dec('3'), dec('19.99')))).to.equal('59.97');
    expect(decimalToString(multiplyDecimals(dec('-1.5'), dec('1.5')))).to.equal('-2.25');
    // An int operand of a decimal product: the same product as with the int made a decimal.
    const times = arithmetic('*', 'decimal');
    expect(decimalToString(times(3n, dec('19.99')) as Decimal)).to.equal('59.97');
    expect(decimalToString(times(dec('19.99'), -3n) as Decimal)).to.equal('-59.97');
    expect(decimalToString(times(3n, 4n) as Decimal)).to.equal('12');
    expect(times(null, 4n)).to.equal(null);
    expect(() => times(10n ** 30n + 1n, dec('1000000000.5'))).to.throw(EvaluationError, /significant digits/);
    const big = dec('12345678901234567890.123456789012345678');
    expect(decimalToString(addDecimals(big, dec('0.000000000000000001')))).to.equal(
      '12345678901234567890.123456789012345679',
    );
  });

  it('sums ints and decimals on doubles exactly as adding them one by one does, or leaves it to bigints', () => {
    // Digits near 2^53 and scales up to 20, so both the fast sums and the refusals are hit.
    const digits = fc.oneof(
      fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }),
      fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }),
    );
    const term = fc.oneof(
      digits,
      fc.record({ digits, scale: fc.integer({ min: 0, max: 20 }) }).map(({ digits: d, scale }) => decimal(d, scale)),
    );
    let summedFast = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 8 }), (terms) => {
        const expected = terms.reduce<Decimal>(
          (sum, t) => addDecimals(sum, typeof t === 'bigint' ? decimal(t, 0) : t),
          decimal(0n, 0),
        );
        const fast = sumSmallDecimals(terms);
        if (fast === null) {
          refused++;
          return;
        }
        summedFast++;
        expect(fast).to.deep.equal(expected);
      }),
      { numRuns: 2000 },
    );
    expect(summedFast).to.be.greaterThan(25);
    expect(refused).to.be.greaterThan(25);
    expect(sumSmallDecimals([2n ** 53n - 1n, 1n]), 'a partial sum past 2^53').to.equal(null);
    expect(sumSmallDecimals([decimal(1n, 16)]), 'a scale whose power of ten is not held').to.equal(null);
    expect(decimalToString(sumSmallDecimals([dec('0.10'), 2n, dec('-0.005')])!)).to.equal('2.095');
  });

  it('divides with scale max(6, a, b), rounding half away from zero', () => {
    expect(decimalToString(divideDecimals(dec('1'), dec('3')))).to.equal('0.333333');
    expect(decimalToString(divideDecimals(dec('2'), dec('3')))).to.equal('0.666667');
    expect(decimalToString(divideDecimals(dec('-2'), dec('3')))).to.equal('-0.666667');
    expect(decimalToString(divideDecimals(dec('2'), dec('-3')))).to.equal('-0.666667');
    expect(decimalToString(divideDecimals(dec('1.00000000'), dec('8')))).to.equal('0.12500000');
    expect(decimalToString(divideDecimals(dec('0.0000005'), dec('1')))).to.equal('0.0000005');
    expect(decimalToString(divideDecimals(dec('1'), dec('0.0000003')))).to.equal('3333333.3333333');
    expect(() => divideDecimals(dec('1'), dec('0.00'))).to.throw(RangeError, /division by zero/);
  });

  it('rounds half away from zero, negatives included', () => {
    const cases: Array<[string, number, string]> = [
      ['2.5', 0, '3'],
      ['-2.5', 0, '-3'],
      ['2.4999', 0, '2'],
      ['-2.4999', 0, '-2'],
      ['1.005', 2, '1.01'],
      ['-1.005', 2, '-1.01'],
      ['1.004', 2, '1.00'],
      ['12.5', 3, '12.500'],
      ['125', -1, '130'],
      ['-125', -1, '-130'],
      ['-0.4', 0, '0'],
      ['999.95', 1, '1000.0'],
    ];
    for (const [text, places, expected] of cases) {
      expect(decimalToString(roundDecimal(dec(text), places)), `round(${text}, ${places})`).to.equal(expected);
    }
  });

  it('compares by value, whatever the scale', () => {
    expect(compareDecimals(dec('1.50'), dec('1.5'))).to.equal(0);
    expect(compareDecimals(dec('-1.50'), dec('1.5'))).to.equal(-1);
    expect(compareDecimals(dec('10'), dec('9.999'))).to.equal(1);
  });

  it('holds the DynamoDB limit of 38 significant digits', () => {
    const digits38 = '1'.repeat(38);
    expect(parseDecimal(digits38).ok).to.equal(true);
    expect(parseDecimal(`0.${digits38}`).ok).to.equal(true);
    expect(parseDecimal(`${digits38}000`).ok, 'trailing zeros are not significant').to.equal(true);
    const tooMany = parseDecimal(`${digits38}1`);
    expect(tooMany.ok).to.equal(false);
    expect(tooMany.ok ? '' : tooMany.reason).to.match(/39 significant digits; DynamoDB numbers hold at most 38/);
    expect(parseDecimal('1e126').ok).to.equal(false);
    expect(parseDecimal('1e-131').ok).to.equal(false);
    expect(parseDecimal('1e999999999').ok, 'huge exponents fail fast').to.equal(false);
    expect(() => multiplyDecimals(dec(digits38), dec('1.1'))).to.throw(RangeError, /39 significant digits/);
  });

  it('agrees with bigint arithmetic on random values (property)', () => {
    const arbitraryDecimal = fc
      .record({ digits: fc.bigInt(-(10n ** 18n), 10n ** 18n), scale: fc.integer({ min: 0, max: 6 }) })
      .map(({ digits, scale }) => decimal(digits, scale));
    fc.assert(
      fc.property(arbitraryDecimal, arbitraryDecimal, (a, b) => {
        const sum = addDecimals(a, b);
        expect(compareDecimals(subtractDecimals(sum, b), a)).to.equal(0);
        expect(ok(parseDecimal(decimalToString(a)))).to.deep.equal(a);
        if (b.digits !== 0n) {
          // |a/b - q| <= half a unit in the last place, so q*b is within b/2 units of a.
          const quotient = divideDecimals(a, b);
          const error = subtractDecimals(multiplyDecimals(quotient, b), a);
          const halfUnit = multiplyDecimals(
            decimal(5n, quotient.scale + 1),
            b.digits < 0n ? decimal(-b.digits, b.scale) : b,
          );
          expect(
            compareDecimals(error.digits < 0n ? decimal(-error.digits, error.scale) : error, halfUnit),
          ).to.be.at.most(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('values: calendar', () => {
  it('converts civil dates to day numbers and back', () => {
    expect(daysFromCivil({ year: 1970, month: 1, day: 1 })).to.equal(0);
    expect(daysFromCivil({ year: 2000, month: 3, day: 1 })).to.equal(11017);
    expect(daysFromCivil({ year: 1969, month: 12, day: 31 })).to.equal(-1);
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 800_000 }), (days) => {
        expect(daysFromCivil(civilFromDays(days))).to.equal(days);
      }),
      { numRuns: 500 },
    );
  });

  it('adds months keeping the day and clamping to the end of the month', () => {
    const cases: Array<[string, number, string]> = [
      ['2024-01-31', 1, '2024-02-29'],
      ['2023-01-31', 1, '2023-02-28'],
      ['2024-03-31', -1, '2024-02-29'],
      ['2024-05-31', 1, '2024-06-30'],
      ['2024-12-15', 1, '2025-01-15'],
      ['2024-01-15', -13, '2022-12-15'],
      ['2026-11-01', -9, '2026-02-01'],
    ];
    for (const [from, months, expected] of cases) {
      expect(formatIsoDate(addDuration(date(from), months, 'month')), `${from} + ${months} months`).to.equal(expected);
    }
    expect(formatIsoDate(addDuration(date('2024-02-29'), 1, 'year'))).to.equal('2025-02-28');
    expect(formatIsoDate(addDuration(date('2024-02-29'), 4n, 'year'))).to.equal('2028-02-29');
  });

  it('adds days and weeks, and times to timestamps', () => {
    expect(formatIsoDate(addDuration(date('2024-02-28'), 1, 'day'))).to.equal('2024-02-29');
    expect(formatIsoDate(addDuration(date('2024-12-25'), 2, 'week'))).to.equal('2025-01-08');
    const at = ok(compileTimestampParser('%Y-%m-%dT%H:%M:%S')('2024-01-31T23:30:00Z'));
    expect(formatIsoTimestamp(addDuration(at, 45, 'minute'))).to.equal('2024-02-01T00:15:00.000Z');
    expect(formatIsoTimestamp(addDuration(at, 1, 'month'))).to.equal('2024-02-29T23:30:00.000Z');
    expect(formatIsoTimestamp(addDuration(at, -3, 'hour'))).to.equal('2024-01-31T20:30:00.000Z');
    expect(formatIsoTimestamp(addDuration(at, 90, 'second'))).to.equal('2024-01-31T23:31:30.000Z');
    expect(addDuration(date('2024-01-01'), 1, 'hour')).to.deep.equal(timestampValue(Date.UTC(2024, 0, 1, 1)));
    expect(() => addDuration(date('2024-01-01'), 1.5, 'day')).to.throw(RangeError);
  });

  it('gives epoch seconds of dates and timestamps as bigint', () => {
    expect(epochSeconds(date('2026-11-01'))).to.equal(1793491200n);
    expect(epochSeconds(dateValue(-1))).to.equal(-86400n);
    expect(epochSeconds(timestampValue(-1))).to.equal(-1n);
    expect(epochSeconds(timestampValue(1999))).to.equal(1n);
  });
});

describe('values: date and timestamp formats', () => {
  it('parses by the declared pattern', () => {
    expect(formatIsoDate(ok(compileDateParser('%d/%m/%Y')('29/02/2024')))).to.equal('2024-02-29');
    expect(formatIsoDate(ok(compileDateParser('%Y%m%d')('20240229')))).to.equal('2024-02-29');
    expect(formatIsoDate(ok(compileDateParser('%Y-%m-%d')('2024-2-9')))).to.equal('2024-02-09');
    const parse = compileTimestampParser('%Y-%m-%d %H:%M:%S.%f');
    expect(formatIsoTimestamp(ok(parse('2024-02-29 13:05:09.25')))).to.equal('2024-02-29T13:05:09.250Z');
    expect(formatIsoTimestamp(ok(parse('2024-02-29 13:05:09.250000Z')))).to.equal('2024-02-29T13:05:09.250Z');
    expect(formatIsoTimestamp(ok(compileTimestampParser('at %H%%%M on %Y-%m-%d')('at 07%30 on 2020-01-01')))).to.equal(
      '2020-01-01T07:30:00.000Z',
    );
  });

  it('rejects impossible dates and text that does not match', () => {
    const parseDate = compileDateParser('%Y-%m-%d');
    for (const text of [
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '24-01-01',
      '2024-01-01x',
      '2024-01-01ZZ',
      '',
    ]) {
      expect(parseDate(text).ok, text).to.equal(false);
    }
    expect(parseDate('2024-02-30')).to.deep.include({ ok: false, reason: '"2024-02-30" is not a calendar date' });
    const parseTimestamp = compileTimestampParser('%Y-%m-%dT%H:%M:%S');
    for (const text of [
      '2024-01-01T24:00:00',
      '2024-01-01T10:60:00',
      '2024-01-01T10:00:60',
      '2024-01-01T10:00:00+02:00',
    ]) {
      expect(parseTimestamp(text).ok, text).to.equal(false);
    }
    expect(
      compileTimestampParser('%Y-%m-%d %H:%M:%S.%f')('2024-01-01 00:00:00.1234').ok,
      'sub-millisecond digits',
    ).to.equal(false);
    expect(compileDateParser('%Y-%m-%d %H:%M')('2024-01-01 10:30').ok, 'a date with a time of day').to.equal(false);
    expect(compileDateParser('%Y-%m-%d %H:%M')('2024-01-01 00:00').ok).to.equal(true);
  });

  it('reads the same instant whether the numbers are written at their full width or not, as Date.UTC counts it', () => {
    const parse = compileTimestampParser('%Y-%m-%dT%H:%M:%S');
    const pad = (value: number, full: boolean) => String(value).padStart(full ? 2 : 1, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.boolean(),
        fc.boolean(),
        (year, month, day, hour, minute, second, full, zone) => {
          const text = `${year}-${pad(month, full)}-${pad(day, full)}T${pad(hour, full)}:${pad(minute, full)}:${pad(second, full)}${zone ? 'Z' : ''}`;
          const millis = Date.UTC(year, month - 1, day, hour, minute, second);
          const real = month <= 12 && hour <= 23 && new Date(millis).getUTCDate() === day;
          const parsed = parse(text);
          expect(parsed, text).to.deep.equal(
            real ? { ok: true, value: { kind: 'timestamp', epochMillis: millis } } : parsed.ok ? 'rejected' : parsed,
          );
        },
      ),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('refuses bad patterns when compiled', () => {
    expect(() => compileDateParser('%Y-%m-%q')).to.throw(/unknown token %q/);
    expect(() => compileDateParser('%Y-%m')).to.throw(/has no day/);
  });
});

describe('values: castCell', () => {
  const format: PlanFormat = {
    delimiter: ',',
    quote: '"',
    escape: '"',
    header: true,
    trailingDelimiter: false,
    encoding: 'utf-8',
    nullTokens: ['', 'NULL'],
    dateFormat: '%Y-%m-%d',
    timestampFormat: '%Y-%m-%dT%H:%M:%S',
  };
  const column = (type: PlanColumn['type'], nullable = false): PlanColumn => ({
    name: `a_${type}`,
    header: 'a',
    position: 0,
    type,
    nullable,
  });

  it('casts each type', () => {
    expect(castCell('42', column('int'), format)).to.deep.equal({ ok: true, value: 42n });
    expect(castCell(' -7 ', column('int'), format)).to.deep.equal({ ok: true, value: -7n });
    expect(castCell('12.50', column('decimal'), format)).to.deep.equal({ ok: true, value: decimal(1250n, 2) });
    expect(castCell('1.5e2', column('float'), format)).to.deep.equal({ ok: true, value: 150 });
    for (const [text, value] of [
      ['TRUE', true],
      ['no', false],
      ['1', true],
      ['0', false],
      ['Yes', true],
    ] as const) {
      expect(castCell(text, column('bool'), format), text).to.deep.equal({ ok: true, value });
    }
    expect(castCell(' x ', column('string'), format)).to.deep.equal({ ok: true, value: ' x ' });
    expect(castCell('2024-02-29', column('date'), format)).to.deep.equal({ ok: true, value: dateValue(19782) });
    expect(castCell('1970-01-01T00:00:01Z', column('timestamp'), format)).to.deep.equal({
      ok: true,
      value: timestampValue(1000),
    });
  });

  it('rejects bad text with a reason naming the column', () => {
    for (const [type, text] of [
      ['int', '12.0'],
      ['int', '1e3'],
      ['float', 'NaN'],
      ['float', 'Infinity'],
      ['bool', 'maybe'],
      ['date', '2024-02-30'],
      ['decimal', '1,5'],
    ] as const) {
      const result = castCell(text, column(type), format);
      expect(result.ok, `${type} ${text}`).to.equal(false);
      expect(result.ok ? '' : result.reason).to.contain(`column a_${type} (${type})`);
    }
    expect(castCell('1'.repeat(39), column('int'), format).ok).to.equal(false);
  });

  it('reads ints for holding as JS numbers up to 15 digits, the same values and failures otherwise', () => {
    const asBigint = compileCellReader(column('int', true), format);
    const asNumber = compileCellReader(column('int', true), format, { intsAsNumbers: true });
    const texts = [
      '0',
      '-0',
      '+5',
      '007',
      ' 42 ',
      '-123456789012345',
      '1234567890123456',
      '9'.repeat(38),
      '',
      'NULL',
      '12.0',
      '1e3',
      '1'.repeat(39),
      '-',
    ];
    for (const text of texts) {
      const exact = asBigint(text);
      const read = asNumber(text);
      if (exact instanceof CastFailure) expect(read, text).to.deep.equal(exact);
      else if (typeof read === 'number') expect(BigInt(read), text).to.equal(exact);
      else expect(read, text).to.equal(exact);
    }
    expect(asNumber('-123456789012345')).to.equal(-123456789012345);
    expect(asNumber('1234567890123456'), 'past 15 digits, a bigint').to.equal(1234567890123456n);
  });

  it("reads ints, decimals, dates and timestamps straight from a record's text as the cell reader reads them, or leaves the cell to it", () => {
    // Text around the cell must not matter: the reader gets the cell's range in a longer text.
    const around = fc.constantFrom('', ',', '-', '.', '7', '"', 'Z', ':00');
    const number = fc.oneof(
      fc.stringMatching(/^[+-]?\d{0,17}(\.\d{0,4})?$/),
      fc.stringMatching(/^[ +\-.\de]{0,6}$/),
      fc.constantFrom('', 'NULL', '0', '-0', '+5', '.5', '5.', '1e3', ' 42', '999999999999999', '9999999999999999'),
    );
    const day = fc.stringMatching(/^\d{4}-(0?[1-9]|1[0-3])-(0?[1-9]|[12]\d|3[0-2])$/);
    const time = fc.stringMatching(/^T([01]?\d|2[0-5]):[0-6]\d:[0-6]\d(\.\d{1,5})?Z?$/);
    const texts = {
      int: number,
      decimal: number,
      date: fc.oneof(
        day,
        fc.tuple(day, time).map(([d, t]) => d + t),
        fc.constantFrom('', 'NULL', '2024-02-29', '2023-02-29', ' 2024-01-01'),
      ),
      timestamp: fc.oneof(
        fc.tuple(day, time).map(([d, t]) => d + t),
        day,
        fc.constantFrom('', '2024-01-01T00:00:00.0001Z', '2024-01-01T24:00:00'),
      ),
    };
    for (const type of ['int', 'decimal', 'date', 'timestamp'] as const) {
      for (const intsAsNumbers of [false, true]) {
        const quick = compileQuickReader(column(type, true), format, { intsAsNumbers })!;
        const read = compileCellReader(column(type, true), format, { intsAsNumbers });
        let quickReads = 0;
        fc.assert(
          fc.property(around, texts[type], around, (before, text, after) => {
            const value = quick(before + text + after, before.length, before.length + text.length);
            if (value === undefined) return;
            quickReads++;
            expect(value, `${type} ${JSON.stringify(text)}`).to.deep.equal(read(text));
          }),
          { seed: 7, numRuns: 400 },
        );
        expect(quickReads, `${type}: most texts are read quickly`).to.be.greaterThan(25);
      }
    }
    expect(compileQuickReader(column('string', true), format), 'strings have no quick form').to.equal(null);
    // A null token that looks like a value is null: such a column is left to the cell reader.
    expect(compileQuickReader(column('int', true), { ...format, nullTokens: ['', '-1'] })).to.equal(null);
    expect(compileQuickReader(column('decimal', true), { ...format, nullTokens: ['0.00'] })).to.equal(null);
    expect(compileQuickReader(column('date', true), { ...format, nullTokens: ['1900-01-01'] })).to.equal(null);
    expect(
      compileQuickReader(column('int', true), { ...format, nullTokens: ['0.00'] }),
      'no int looks like 0.00',
    ).to.not.equal(null);
  });

  it('honours null tokens and nullability', () => {
    expect(castCell('', column('int', true), format)).to.deep.equal({ ok: true, value: null });
    expect(castCell('NULL', column('string', true), format)).to.deep.equal({ ok: true, value: null });
    expect(castCell(null, column('date', true), format)).to.deep.equal({ ok: true, value: null });
    const rejected = castCell('', column('int'), format);
    expect(rejected.ok).to.equal(false);
    expect(rejected.ok ? '' : rejected.reason).to.match(/column a_int is empty \(null\) but is not declared nullable/);
    expect(
      castCell(' ', column('string', true), format),
      'nothing is trimmed before matching null tokens',
    ).to.deep.equal({ ok: true, value: ' ' });
  });
});
