import { CreateTableCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import fc from 'fast-check';
import { attributeSize, itemSize, MAX_ITEM_BYTES, numberSize } from '../../../runtime/dynamodb/item-size.js';
import type { AttributeValue } from '../../../runtime/dynamodb/attribute-values.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';

type Item = Record<string, AttributeValue>;

describe('DynamoDB item size', () => {
  describe('by hand', () => {
    // Bytes per number, worked out on base-100 pairs aligned on the decimal point (see
    // item-size.ts); each one was also measured on DynamoDB Local.
    const numbers: Array<[string, number]> = [
      ['0', 1],
      ['0.0', 1],
      ['-0', 1],
      ['1', 2],
      ['12', 2],
      ['99', 2],
      ['100', 2],
      ['1200', 2],
      ['1e10', 2],
      ['0.5', 2],
      ['0.05', 2],
      ['0012', 2],
      ['1E-130', 2],
      ['120', 3],
      ['123', 3],
      ['1234', 3],
      ['1.5', 3],
      ['1.50', 3],
      ['1.23e-10', 3],
      ['-1', 3],
      ['-12', 3],
      ['-0.5', 3],
      ['12345', 4],
      ['-123', 4],
      ['-1E-130', 3],
      ['12345678901234567890123456789012345678', 20],
      ['-12345678901234567890123456789012345678', 21],
      // 20 pairs, the most there are: a negative number then takes no extra byte.
      ['1234567890123456789012345678901234567.8', 21],
      ['-1234567890123456789012345678901234567.8', 21],
      ['9.9999999999999999999999999999999999999E+125', 20],
    ];
    for (const [text, bytes] of numbers) {
      it(`N ${text} is ${bytes} bytes`, () => expect(numberSize(text)).to.equal(bytes));
    }

    it('sizes plain number texts in one pass as the general reader does (property)', () => {
      // "e0" changes no value but sends the text down the general path (numberDigits).
      const plainNumber = fc
        .tuple(
          fc.constantFrom('', '-', '+'),
          fc.stringMatching(/^\d{0,40}$/),
          fc.option(fc.stringMatching(/^\d{0,40}$/)),
        )
        .filter(([, whole, fraction]) => whole.length + (fraction ?? '').length > 0)
        .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`);
      fc.assert(
        fc.property(plainNumber, (text) => numberSize(text) === numberSize(`${text}e0`)),
        { seed: 7, numRuns: 2000 },
      );
    });

    it('counts strings and names in UTF-8 bytes', () => {
      expect(attributeSize({ S: '' })).to.equal(0);
      expect(attributeSize({ S: 'abc' })).to.equal(3);
      expect(attributeSize({ S: 'é' })).to.equal(2);
      expect(attributeSize({ S: '€' })).to.equal(3);
      expect(attributeSize({ S: '😀' })).to.equal(4);
      expect(itemSize({ né: { S: 'x' } })).to.equal(3 + 1);
    });

    it('counts BOOL and NULL as 1 byte, binary by its raw bytes', () => {
      expect(attributeSize({ BOOL: false })).to.equal(1);
      expect(attributeSize({ NULL: true })).to.equal(1);
      expect(attributeSize({ B: new Uint8Array([0, 1, 2]) })).to.equal(3);
    });

    it('counts 3 bytes per list or map and 1 byte per element', () => {
      expect(attributeSize({ L: [] })).to.equal(3);
      expect(attributeSize({ M: {} })).to.equal(3);
      expect(attributeSize({ L: [{ NULL: true }, { S: 'ab' }] })).to.equal(3 + (1 + 1) + (2 + 1));
      expect(attributeSize({ M: { a: { NULL: true } } })).to.equal(3 + 1 + 1 + 1);
      // M{ab: M{c: L[N 1]}}: L = 3 + (2 + 1) = 6; M{c} = 3 + 1 + 6 + 1 = 11; M{ab} = 3 + 2 + 11 + 1
      expect(attributeSize({ M: { ab: { M: { c: { L: [{ N: '1' }] } } } } })).to.equal(17);
    });

    it('adds names and values over a whole item', () => {
      const item: Item = {
        pk: { S: 'CUST#42' }, // 2 + 7
        total: { N: '-12.50' }, // 5 + (-|12.50 → 2 pairs + 1 + 1 = 4)
        tags: { L: [{ S: 'a' }, { BOOL: true }] }, // 4 + 3 + 2 + 2
        addr: { M: { zip: { S: '75001' } } }, // 4 + 3 + (3 + 5 + 1)
      };
      expect(itemSize(item)).to.equal(9 + 9 + 11 + 16);
    });

    it('refuses text that is not a number', () => {
      expect(() => numberSize('12a')).to.throw(RangeError, /not a DynamoDB number/);
      expect(() => numberSize('')).to.throw(RangeError);
    });
  });

  describe('against DynamoDB Local at the 400 KB limit', function () {
    this.timeout(60_000);
    const local = useDynamoDbLocal();
    const table = 'item_size_limit';
    let client: DynamoDBClient;

    before(async () => {
      client = local.client({ maxAttempts: 1 });
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
    });

    /** The item with a filler string making it exactly `bytes` by our count. */
    function padded(base: Item, bytes: number): Item {
      const without = itemSize({ ...base, filler: { S: '' } });
      const item = { ...base, filler: { S: 'x'.repeat(bytes - without) } };
      expect(itemSize(item)).to.equal(bytes);
      return item;
    }

    async function accepted(item: Item): Promise<boolean> {
      try {
        await client.send(new PutItemCommand({ TableName: table, Item: item }));
        return true;
      } catch (error) {
        expect((error as Error).message).to.match(/Item size has exceeded the maximum allowed size/);
        return false;
      }
    }

    const mixed: Item = {
      pk: { S: 'CUST#ümlaut-😀' },
      näme: { S: 'Zoë Müller' },
      amounts: { L: [{ N: '12.50' }, { N: '-0.05' }, { N: '120' }, { N: '12345678901234567890123456789012345678' }] },
      address: {
        M: {
          country: { S: 'FR' },
          since: { S: '2024-02-29' },
          geo: { M: { lat: { N: '48.8566' }, lon: { N: '-2.3522' } } },
        },
      },
      active: { BOOL: true },
      note: { NULL: true },
      empty: { L: [] },
    };

    it('takes an item of 399 KB and refuses one of 401 KB', async () => {
      expect(await accepted(padded(mixed, 399 * 1024))).to.equal(true);
      expect(await accepted(padded(mixed, 401 * 1024))).to.equal(false);
    });

    it('takes an item of exactly 400 KB by our count and refuses one a byte larger', async () => {
      expect(await accepted(padded(mixed, MAX_ITEM_BYTES))).to.equal(true);
      expect(await accepted(padded(mixed, MAX_ITEM_BYTES + 1))).to.equal(false);
    });

    // Each number moves the limit by exactly its size: one byte off in numberSize and one of
    // the two puts goes the other way.
    const numbers = [
      '0',
      '7',
      '120',
      '1200',
      '1.5',
      '0.05',
      '-1',
      '-0.5',
      '1.23e-10',
      '1E+125',
      '-1E-130',
      '12345678901234567890123456789012345678',
      '-12345678901234567890123456789012345678',
      '-1234567890123456789012345678901234567.8',
    ];
    it('agrees with the server on the size of each kind of number', async () => {
      for (const text of numbers) {
        const base: Item = { pk: { S: `n${text}` }, n: { N: text } };
        expect(await accepted(padded(base, MAX_ITEM_BYTES)), `${text} at the limit`).to.equal(true);
        expect(await accepted(padded(base, MAX_ITEM_BYTES + 1)), `${text} one byte over`).to.equal(false);
      }
    });
  });
});
