import { NumberValueImpl as NumberValue, unmarshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  itemObject,
  itemObjectFrom,
  itemShape,
  type BuiltItem,
  type ItemObject,
  type ItemValue,
} from '../../runtime/eval/item-value.js';
import { toAttributeValue, toDynamoItem } from '../../runtime/dynamodb/attribute-values.js';
import { DynamoValueError, toDynamoItemJson } from '../../runtime/sinks/dynamodb-json.js';
import { ByteBuffer } from '../../runtime/sinks/byte-buffer.js';
import { ndjsonLine } from '../../runtime/sinks/ndjson-line.js';
import { NdjsonSink } from '../../runtime/sinks/ndjson-sink.js';
import { writePlainJsonLine } from '../../runtime/sinks/plain-json-bytes.js';
import { toPlainJson } from '../../runtime/sinks/plain-json.js';
import { dateValue, daysFromCivil, timestampValue } from '../../runtime/values/calendar.js';
import { decimal } from '../../runtime/values/decimal.js';
// A lossless JSON reader: numbers stay as their text, objects keep their order.
import { JsonNumber, parseExact, type Json } from './fixtures/exact-json.js';

/** One comparable shape for the exact JSON reading and for unmarshall's output. */
function comparable(value: unknown): unknown {
  if (value instanceof JsonNumber) return { number: value.text };
  if (value instanceof NumberValue) return { number: value.value };
  if (Array.isArray(value)) return value.map(comparable);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, field]) => [key, comparable(field)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, comparable(field)]));
  }
  return value;
}

function object(fields: Record<string, ItemValue>): ItemObject {
  return itemObjectFrom(Object.entries(fields));
}

const dayOf = (year: number, month: number, day: number) => dateValue(daysFromCivil({ year, month, day }));

const TWO_TO_70 = 2n ** 70n; // 1180591620717411303424, beyond any float's exact integers
const DIGITS_38 = 12345678901234567890123456789012345678n;

/** An item with a value of every kind, nested. */
function sampleItem(): ItemObject {
  return object({
    pk: 'CUSTOMER#42',
    big: TWO_TO_70,
    negativeBig: -TWO_TO_70,
    precise: decimal(DIGITS_38, 10),
    dime: decimal(10n, 2),
    negativeCents: decimal(-5n, 2),
    zeroScaled: decimal(0n, 3),
    float: 0.1,
    bigFloat: 1e21,
    yes: true,
    no: false,
    missing: null,
    empty: '',
    odd: 'quote " backslash \\ newline \n tab \t nul \u0000 sep \u2028 emoji 😀 lone \ud800 end',
    born: dayOf(2024, 2, 29),
    seen: timestampValue(Date.UTC(2024, 1, 29, 13, 5, 0, 250)),
    orders: [
      object({ id: 1n, total: decimal(1250n, 2), lines: [object({ sku: 'A', qty: 3n })] }),
      object({ id: 2n, total: decimal(-1n, 0), lines: [] }),
    ],
    nested: object({ z: 1n, a: object({}), m: [[1n, '2'], []] }),
  });
}

function built(attributes: ItemObject, item = 'Customer', target = 'app_table'): BuiltItem {
  return { item, target, attributes };
}

// ---------------------------------------------------------------------------------------------

/** Random items of every kind of value, nested; numbers both within and beyond 2^53. */
function randomItem(): fc.Arbitrary<ItemObject> {
  const name = fc.string({ unit: 'binary', maxLength: 6 }).filter((key) => key !== '__proto__');
  const exactDigits = fc.oneof(
    fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }),
    fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }),
    fc.bigInt({ min: -1000n, max: 1000n }),
  );
  const scalar: fc.Arbitrary<ItemValue> = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({
      unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '\n', '\u0001', '\u007f', 'é', '€', '\ud83d', '\ude00'),
      maxLength: 12,
    }),
    exactDigits,
    fc.record({ digits: exactDigits, scale: fc.nat(40) }).map(({ digits, scale }) => decimal(digits, scale)),
    fc
      .double({ noNaN: true, noDefaultInfinity: true, min: -1e120, max: 1e120 })
      .filter((x) => x === 0 || Math.abs(x) >= 1e-130),
    fc.integer({ min: -800_000, max: 800_000 }).map(dateValue),
    fc.integer({ min: -8e12, max: 8e12 }).map(timestampValue),
  );
  const { tree } = fc.letrec<{ tree: ItemValue; map: ItemObject }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('tree'), { maxLength: 4 }),
      tie('map'),
    ),
    map: fc
      .uniqueArray(fc.tuple(name, tie('tree')), { maxLength: 5, selector: ([key]) => key })
      .map((entries) => itemObjectFrom(entries)),
  }));
  return fc
    .uniqueArray(fc.tuple(name, tree), { maxLength: 6, selector: ([key]) => key })
    .map((entries): ItemObject => itemObjectFrom(entries));
}

describe('plain JSON', () => {
  it('writes as bytes exactly the UTF-8 of its text (random items, item and target names too)', () => {
    const out = new ByteBuffer(16);
    fc.assert(
      fc.property(
        randomItem(),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.string({ maxLength: 8 }),
        (attributes, name, target) => {
          const item: BuiltItem = { item: name, target, attributes };
          out.length = 0;
          writePlainJsonLine(out, item);
          expect(Buffer.from(out.take()).toString('hex')).to.equal(
            Buffer.from(ndjsonLine('plain', item), 'utf8').toString('hex'),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('writes ints and decimals with every digit and the scale kept', () => {
    expect(toPlainJson(TWO_TO_70)).to.equal('1180591620717411303424');
    expect(toPlainJson(-TWO_TO_70)).to.equal('-1180591620717411303424');
    expect(toPlainJson(0n)).to.equal('0');
    expect(toPlainJson(decimal(DIGITS_38, 10))).to.equal('1234567890123456789012345678.9012345678');
    expect(toPlainJson(decimal(-DIGITS_38, 38))).to.equal('-0.12345678901234567890123456789012345678');
    expect(toPlainJson(decimal(10n, 2))).to.equal('0.10');
    expect(toPlainJson(decimal(-5n, 2))).to.equal('-0.05');
    expect(toPlainJson(decimal(0n, 3))).to.equal('0.000');
    expect(toPlainJson(decimal(-1250n, 2))).to.equal('-12.50');
  });

  it('writes floats as JS prints them and refuses NaN and Infinity', () => {
    expect(toPlainJson(0.1)).to.equal('0.1');
    expect(toPlainJson(-1.5)).to.equal('-1.5');
    expect(toPlainJson(1e21)).to.equal('1e+21');
    expect(toPlainJson(-0)).to.equal('0');
    for (const bad of [NaN, Infinity, -Infinity])
      expect(() => toPlainJson(bad)).to.throw(RangeError, /NaN or Infinity/);
  });

  it('writes dates and timestamps as ISO text', () => {
    expect(toPlainJson(dayOf(2024, 2, 29))).to.equal('"2024-02-29"');
    expect(toPlainJson(dateValue(-1))).to.equal('"1969-12-31"');
    expect(toPlainJson(timestampValue(Date.UTC(2024, 1, 29, 13, 5, 0, 250)))).to.equal('"2024-02-29T13:05:00.250Z"');
    expect(toPlainJson(timestampValue(-1))).to.equal('"1969-12-31T23:59:59.999Z"');
    expect(toPlainJson(timestampValue(0))).to.equal('"1970-01-01T00:00:00.000Z"');
  });

  it('keeps field order, nests lists and objects, and writes null attributes', () => {
    const value = object({ z: 1n, a: [object({ y: true, b: null }), [], 'x'], m: object({}), n: null });
    expect(toPlainJson(value)).to.equal('{"z":1,"a":[{"y":true,"b":null},[],"x"],"m":{},"n":null}');
  });

  it('leaves out attributes that are not set, the first one included', () => {
    const value = itemObject(itemShape(['a', 'b', 'c']));
    expect(toPlainJson(value)).to.equal('{}');
    value.values[1] = 'x';
    expect(toPlainJson(value)).to.equal('{"b":"x"}');
    value.values[2] = null;
    expect(toPlainJson([value, value])).to.equal('[{"b":"x","c":null},{"b":"x","c":null}]');
  });

  it('writes the same strings whether an attribute repeats its values or not (they are kept once quoted)', () => {
    // More elements than the cache probes, with a repeating and a distinct attribute.
    const shape = itemShape(['repeated', 'distinct']);
    const odd = ['say "hi"', 'lone \ud800', 'café ☕', 'tab\t', 'plain'];
    const elements = Array.from({ length: 30_000 }, (_, i) => {
      const element = itemObject(shape);
      element.values[0] = odd[i % odd.length];
      element.values[1] = `${odd[i % odd.length]} ${i}`;
      return element;
    });
    const expected = `[${elements.map((e) => `{"repeated":${JSON.stringify(e.values[0])},"distinct":${JSON.stringify(e.values[1])}}`).join(',')}]`;
    expect(toPlainJson(elements)).to.equal(expected);
    expect(toPlainJson(elements)).to.equal(expected);
  });

  it('escapes odd strings and names so the text parses back to the same strings', () => {
    const odd = [
      '',
      'say "hi"',
      'back\\slash',
      'line\nbreak\r\n',
      'tab\t',
      'nul\u0000bell\u0007',
      'separators \u2028\u2029',
      'café ☕ 😀',
      'lone high \ud800',
      'lone low \udc00',
      'reversed \udc00\ud800',
      '</script>',
    ];
    for (const text of odd) {
      const json = toPlainJson(text);
      expect(json).not.to.match(/[\n\r\u0000-\u001f]/);
      expect(JSON.parse(json)).to.equal(text);
      // Lone surrogates are escaped, so the text survives UTF-8 unchanged.
      expect(Buffer.from(json, 'utf8').toString('utf8')).to.equal(json);
      const named = toPlainJson(object({ [text]: text }));
      expect(parseExact(named)).to.deep.equal(new Map([[text, text]]));
    }
    expect(toPlainJson('lone \ud800')).to.equal('"lone \\ud800"');
  });

  it('writes the sample item as JSON that an exact reader takes back digit for digit', () => {
    const json = parseExact(toPlainJson(sampleItem())) as Map<string, Json>;
    expect((json.get('big') as JsonNumber).text).to.equal('1180591620717411303424');
    expect((json.get('precise') as JsonNumber).text).to.equal('1234567890123456789012345678.9012345678');
    expect((json.get('dime') as JsonNumber).text).to.equal('0.10');
    expect([...json.keys()]).to.deep.equal(sampleItem().shape.names);
  });
});

describe('DynamoDB JSON', () => {
  it('converts each kind of value to its AttributeValue', () => {
    expect(toAttributeValue('x')).to.deep.equal({ S: 'x' });
    expect(toAttributeValue('')).to.deep.equal({ S: '' });
    expect(toAttributeValue(true)).to.deep.equal({ BOOL: true });
    expect(toAttributeValue(null)).to.deep.equal({ NULL: true });
    expect(toAttributeValue(TWO_TO_70)).to.deep.equal({ N: '1180591620717411303424' });
    expect(toAttributeValue(decimal(10n, 2))).to.deep.equal({ N: '0.10' });
    expect(toAttributeValue(decimal(-5n, 2))).to.deep.equal({ N: '-0.05' });
    expect(toAttributeValue(0.1)).to.deep.equal({ N: '0.1' });
    expect(toAttributeValue(dayOf(2024, 2, 29))).to.deep.equal({ S: '2024-02-29' });
    expect(toAttributeValue(timestampValue(Date.UTC(2024, 1, 29, 13, 5, 0, 250)))).to.deep.equal({
      S: '2024-02-29T13:05:00.250Z',
    });
    expect(toAttributeValue([1n, [], object({ a: 'b' })])).to.deep.equal({
      L: [{ N: '1' }, { L: [] }, { M: { a: { S: 'b' } } }],
    });
  });

  it('writes a whole item without the M wrapper, in field order', () => {
    const item = toDynamoItem(object({ pk: 'A', sk: 'B', n: null, nested: object({ x: 1n }) }));
    expect(item).to.deep.equal({ pk: { S: 'A' }, sk: { S: 'B' }, n: { NULL: true }, nested: { M: { x: { N: '1' } } } });
    expect(Object.keys(item)).to.deep.equal(['pk', 'sk', 'n', 'nested']);
  });

  it('writes the same text directly as JSON.stringify of the item, keeping index-like names in order', () => {
    expect(toDynamoItemJson(sampleItem())).to.equal(JSON.stringify(toDynamoItem(sampleItem())));
    const indexLike = itemObjectFrom([
      ['b', 1n],
      ['10', 'x'],
      ['__proto__', null],
    ]);
    expect(toDynamoItemJson(indexLike)).to.equal('{"b":{"N":"1"},"10":{"S":"x"},"__proto__":{"NULL":true}}');
    const bad = object({ orders: [object({ total: decimal(10n ** 38n + 1n, 2) })] });
    expect(() => toDynamoItemJson(bad)).to.throw(DynamoValueError, /^attribute orders\[0\]\.total: the decimal/);
  });

  it('keeps an attribute named __proto__ as an attribute', () => {
    const item = toDynamoItem(object({ ['__proto__']: 'x' }));
    expect(Object.getPrototypeOf(item)).to.equal(Object.prototype);
    expect(Object.keys(item)).to.deep.equal(['__proto__']);
    expect(JSON.stringify(item)).to.equal('{"__proto__":{"S":"x"}}');
  });

  it('accepts numbers at the edge of DynamoDB limits', () => {
    const nines38 = 10n ** 38n - 1n;
    expect(toAttributeValue(nines38)).to.deep.equal({ N: nines38.toString() });
    expect(toAttributeValue(10n ** 100n)).to.deep.equal({ N: (10n ** 100n).toString() }); // 1 significant digit
    expect(toAttributeValue(decimal(1n, 130))).to.deep.equal({ N: `0.${'0'.repeat(129)}1` });
    expect(toAttributeValue(decimal(100n, 132))).to.deep.equal({ N: `0.${'0'.repeat(129)}100` });
    expect(toAttributeValue(1e-130)).to.deep.equal({ N: '1e-130' });
    expect(toAttributeValue(9.99e125)).to.deep.equal({ N: '9.99e+125' });
  });

  it('refuses numbers DynamoDB cannot hold, naming the value and where it is', () => {
    const tooLong = 10n ** 38n + 1n;
    expect(() => toAttributeValue(tooLong)).to.throw(RangeError, `the int ${tooLong} has 39 significant digits`);
    expect(() => toAttributeValue(decimal(1n, 131))).to.throw(RangeError, /the decimal 0\.0+1 is out of the range/);
    expect(() => toAttributeValue(1e300)).to.throw(RangeError, /the float 1e\+300 is out of the range/);
    expect(() => toAttributeValue(5e-324)).to.throw(RangeError, /the float 5e-324 is out of the range/);
    expect(() => toAttributeValue(NaN)).to.throw(RangeError, /NaN or Infinity/);
    const item = object({ orders: [object({ ok: 1n }), object({ total: decimal(tooLong, 2) })] });
    expect(() => toDynamoItem(item)).to.throw(
      DynamoValueError,
      /^attribute orders\[1\]\.total: the decimal 1000000000000000000000000000000000000\.01 has 39/,
    );
  });

  it('unmarshalls to exactly the plain JSON item (sample with big numbers and odd strings)', () => {
    const item = sampleItem();
    const fromDynamo = unmarshall(toDynamoItem(item), { wrapNumbers: true });
    // Through JSON text as well: N values are strings, so JSON.parse loses nothing.
    const fromDynamoText = unmarshall(JSON.parse(JSON.stringify(toDynamoItem(item))), { wrapNumbers: true });
    const fromPlain = comparable(parseExact(toPlainJson(item)));
    expect(comparable(fromDynamo)).to.deep.equal(fromPlain);
    expect(comparable(fromDynamoText)).to.deep.equal(fromPlain);
    expect(fromDynamo.big).to.be.instanceOf(NumberValue);
    expect((fromDynamo.big as NumberValue).value).to.equal('1180591620717411303424');
  });

  it('unmarshalls to exactly the plain JSON item (random items)', () => {
    const item = randomItem();
    fc.assert(
      fc.property(item, (attributes) => {
        const fromPlain = comparable(parseExact(toPlainJson(attributes)));
        const fromDynamo = unmarshall(JSON.parse(JSON.stringify(toDynamoItem(attributes))), { wrapNumbers: true });
        expect(comparable(fromDynamo)).to.deep.equal(fromPlain);
        const fromDynamoText = unmarshall(JSON.parse(toDynamoItemJson(attributes)), { wrapNumbers: true });
        expect(comparable(fromDynamoText)).to.deep.equal(fromPlain);
      }),
      { numRuns: 300 },
    );
  });
});

describe('NdjsonSink', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mapc-sinks-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '');

  it('syncs while writing, and when asked, and still writes every line once, in order (lines from a build thread too)', async () => {
    const path = join(dir, 'synced.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain', syncEveryBytes: 4096 });
    const expected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const item: BuiltItem = {
        item: 'Customer',
        target: 'app_table',
        attributes: object({ pk: `CUST#${i}`, note: 'x'.repeat(i % 200) }),
      };
      expected.push(ndjsonLine('plain', item).trimEnd());
      if (i % 500 === 499) {
        // A chunk of lines serialized elsewhere, as build threads hand them over.
        const out = new ByteBuffer();
        out.text(`${expected[expected.length - 1]}\n`);
        expected.push(expected[expected.length - 1]);
        await sink.write(item);
        await sink.writeLines(out.take(), 1);
        continue;
      }
      await sink.write(item);
      if (i === 1500) sink.syncSoFar();
    }
    // As a run does before its accounting; a second call while the sync runs is no other sync.
    sink.syncSoFar();
    sink.syncSoFar();
    await sink.commit();
    sink.syncSoFar();
    expect(sink.itemCount).to.equal(expected.length);
    expect(lines(path)).to.deep.equal(expected);
  });

  it('releases lines handed over once they are written, and a ByteBuffer serializes the next ones into that memory', async () => {
    const path = join(dir, 'released.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain' });
    const out = new ByteBuffer(64);
    const written: string[] = [];
    for (let i = 0; i < 50; i++) {
      const line = `{"n":${i}}`;
      written.push(line);
      out.ascii(`${line}\n`);
      const bytes = out.take();
      const released = new Promise<void>((resolve) => void sink.writeLines(bytes, 1, resolve));
      await released;
      // The memory the sink let go of serializes the next line: what it wrote must not change.
      out.reuse(bytes.buffer as ArrayBuffer);
      out.take();
      expect(out.bytes.buffer).to.equal(bytes.buffer);
      out.ascii('{"overwritten":true}\n');
      out.length = 0;
    }
    // No lines: released at once.
    let releasedEmpty = false;
    await sink.writeLines(new Uint8Array(0), 0, () => void (releasedEmpty = true));
    expect(releasedEmpty).to.equal(true);
    await sink.commit();
    expect(lines(path)).to.deep.equal(written);
  });

  it('aborts cleanly while a sync may be running', async () => {
    const path = join(dir, 'aborted.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain', syncEveryBytes: 1024 });
    for (let i = 0; i < 20_000; i++)
      await sink.write({ item: 'Customer', target: 'app_table', attributes: object({ pk: `CUST#${i}` }) });
    sink.syncSoFar();
    await sink.abort();
    sink.syncSoFar();
    expect(existsSync(path)).to.equal(false);
    expect(existsSync(`${path}.partial`)).to.equal(false);
  });

  it('writes plain lines with the item type, target and attributes, visible only on commit', async () => {
    const path = join(dir, 'items.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain' });
    await sink.write(built(sampleItem()));
    await sink.write(built(object({ sku: 'P1', price: decimal(1999n, 2) }), 'Product', 'catalog'));
    expect(existsSync(path)).to.equal(false);
    await sink.commit();
    expect(sink.itemCount).to.equal(2);
    expect(existsSync(`${path}.partial`)).to.equal(false);
    const [first, second] = lines(path);
    expect(second).to.equal('{"item":"Product","target":"catalog","attributes":{"sku":"P1","price":19.99}}');
    const envelope = parseExact(first) as Map<string, Json>;
    expect([...envelope.keys()]).to.deep.equal(['item', 'target', 'attributes']);
    expect(envelope.get('item')).to.equal('Customer');
    expect(comparable(envelope.get('attributes'))).to.deep.equal(comparable(parseExact(toPlainJson(sampleItem()))));
  });

  it('writes DynamoDB lines as PutItem requests that unmarshall to the plain item', async () => {
    const path = join(dir, 'items.dynamodb.ndjson');
    const sink = new NdjsonSink({ path, format: 'dynamodb' });
    await sink.write(built(sampleItem()));
    await sink.commit();
    const [line] = lines(path);
    const request = JSON.parse(line) as { TableName: string; Item: Record<string, never> };
    expect(Object.keys(request)).to.deep.equal(['TableName', 'Item']);
    expect(request.TableName).to.equal('app_table');
    expect(comparable(unmarshall(request.Item, { wrapNumbers: true }))).to.deep.equal(
      comparable(parseExact(toPlainJson(sampleItem()))),
    );
  });

  it('writes many items in order through chunks and backpressure', async () => {
    const path = join(dir, 'many.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain' });
    const padding = 'x'.repeat(200);
    const count = 30_000;
    let promises = 0;
    for (let index = 0; index < count; index++) {
      const pending = sink.write(built(object({ index: BigInt(index), padding })));
      if (pending !== undefined) {
        promises++;
        await pending;
      }
    }
    expect(promises)
      .to.be.greaterThan(0)
      .and.lessThan(count / 100); // most writes are synchronous
    expect(existsSync(`${path}.partial`)).to.equal(true);
    expect(existsSync(path)).to.equal(false);
    await sink.commit();
    const written = lines(path);
    expect(written).to.have.length(count);
    written.forEach((line, index) =>
      expect(line).to.equal(
        `{"item":"Customer","target":"app_table","attributes":{"index":${index},"padding":"${padding}"}}`,
      ),
    );
    expect(sink.itemCount).to.equal(count);
  });

  it('commits an empty file when there were no items', async () => {
    const path = join(dir, 'empty.ndjson');
    const sink = new NdjsonSink({ path, format: 'dynamodb' });
    await sink.commit();
    expect(readFileSync(path, 'utf8')).to.equal('');
  });

  it('replaces an existing file only on commit', async () => {
    const path = join(dir, 'items.ndjson');
    writeFileSync(path, 'old\n');
    const sink = new NdjsonSink({ path, format: 'plain' });
    for (let index = 0; index < 3000; index++)
      await sink.write(built(object({ index: BigInt(index), padding: 'y'.repeat(200) })));
    expect(readFileSync(path, 'utf8')).to.equal('old\n');
    await sink.commit();
    expect(lines(path)).to.have.length(3000);
  });

  it('leaves nothing behind on abort, and refuses writes afterwards', async () => {
    const path = join(dir, 'aborted.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain' });
    // Past the stream's 1 MiB high-water mark, so a write has waited and the file is open.
    for (let index = 0; index < 10_000; index++)
      await sink.write(built(object({ index: BigInt(index), padding: 'z'.repeat(200) })));
    expect(existsSync(`${path}.partial`)).to.equal(true);
    await sink.abort();
    expect(existsSync(path)).to.equal(false);
    expect(existsSync(`${path}.partial`)).to.equal(false);
    await sink.abort(); // a second abort is harmless
    expect(() => sink.write(built(object({})))).to.throw(Error, /already aborted/);
    let rejected = false;
    await sink.commit().catch(() => (rejected = true));
    expect(rejected).to.equal(true);
    expect(existsSync(path)).to.equal(false);
  });

  it('leaves nothing behind when aborted while the file is still opening', async () => {
    const path = join(dir, 'aborted-early.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain' });
    for (let index = 0; index < 2000; index++)
      await sink.write(built(object({ index: BigInt(index), padding: 'z'.repeat(200) })));
    await sink.abort();
    expect(existsSync(path)).to.equal(false);
    expect(existsSync(`${path}.partial`)).to.equal(false);
  });

  it('refuses an item with a number DynamoDB cannot hold and keeps going', async () => {
    const path = join(dir, 'items.ndjson');
    const sink = new NdjsonSink({ path, format: 'dynamodb' });
    expect(() => sink.write(built(object({ n: 10n ** 40n + 1n })))).to.throw(DynamoValueError, /attribute n: the int/);
    await sink.write(built(object({ n: 1n })));
    await sink.commit();
    expect(sink.itemCount).to.equal(1);
    expect(lines(path)).to.deep.equal(['{"TableName":"app_table","Item":{"n":{"N":"1"}}}']);
  });

  it('reports a file that cannot be created through commit, and abort still succeeds', async () => {
    const path = join(dir, 'no-such-dir', 'items.ndjson');
    const sink = new NdjsonSink({ path, format: 'plain' });
    await sink.write(built(object({ a: 1n })));
    let failure: unknown = null;
    await sink.commit().catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error).with.property('code', 'ENOENT');
    await sink.abort();
    expect(existsSync(path)).to.equal(false);
  });
});
