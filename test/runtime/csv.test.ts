import { expect } from 'chai';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import type { PlanColumn, PlanFormat, PlanTable } from '../../runtime/plan/types.js';
import {
  readCsvBatches,
  readCsvRecords,
  type CsvFault,
  type CsvRecord,
  type RecordFields,
} from '../../runtime/csv/read-records.js';

const DEFAULT_FORMAT: PlanFormat = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  trailingDelimiter: false,
  encoding: 'utf-8',
  nullTokens: [''],
  dateFormat: '%Y-%m-%d',
  timestampFormat: '%Y-%m-%dT%H:%M:%S',
};

/** A table declaring `declared` (name or name=header), projecting `projected`. */
function table(declared: string[], projected: string[], format: Partial<PlanFormat> = {}): PlanTable {
  const columns: PlanColumn[] = declared.map((spec, position) => {
    const [name, header = name] = spec.split('=');
    return { name, header, position, type: 'string', nullable: true };
  });
  return {
    name: 't',
    pattern: 't*.csv',
    format: { ...DEFAULT_FORMAT, ...format },
    declaredHeaders: columns.map((column) => column.header),
    columns: projected.map((name) => columns.find((column) => column.name === name) as PlanColumn),
    key: [],
    filters: [],
    roles: [],
  };
}

async function read(input: string | Buffer | Buffer[], planTable: PlanTable): Promise<Array<CsvRecord | CsvFault>> {
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input, 'utf8') : input];
  const out: Array<CsvRecord | CsvFault> = [];
  for await (const item of readCsvRecords(Readable.from(chunks), planTable, 'x.csv')) out.push(item);
  return out;
}

const record = (line: number, ...cells: string[]): CsvRecord => ({ kind: 'record', line, cells });

/** The bytes cut into chunks of `size` (so boundaries fall inside characters, quotes, CRLFs). */
/** The message of the error reading throws (the test fails if it throws none). */
async function readError(input: string | Buffer | Buffer[], planTable: PlanTable): Promise<string> {
  try {
    await read(input, planTable);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('reading was expected to throw');
}

function chunked(text: string | Buffer, size: number): Buffer[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

const lineOf = (item: CsvRecord | CsvFault) => (item.kind === 'record' ? item.line : `fault ${item.line}`);

describe('runtime/csv', () => {
  it('projects columns by header name, whatever their order, ignoring extra columns', async () => {
    const result = await read('b,extra,a\n2,x,1\n4,y,3\n', table(['a', 'b'], ['a', 'b']));
    expect(result).to.deep.equal([record(2, '1', '2'), record(3, '3', '4')]);
  });

  it('matches renamed headers and projects only the columns asked for', async () => {
    const result = await read(
      'id,country_code,name\n1,FR,Ada\n',
      table(['id', 'country=country_code', 'name'], ['country']),
    );
    expect(result).to.deep.equal([record(2, 'FR')]);
  });

  it('stops with a clear error when a declared header is missing', async () => {
    let message = '';
    try {
      await read('id,name\n1,Ada\n', table(['id', 'country=country_code', 'name'], ['id']));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(
      /^x\.csv:1: the header has no column "country_code" \(declared by table t\)\. The header has: id, name\./,
    );
    expect(message).to.contain('header "…"');
  });

  it('reads headerless files by position and checks the field count', async () => {
    const planTable = table(['sku', 'description', 'price'], ['price', 'sku'], { header: false });
    const result = await read('A|Lamp|1.50\nB|Kettle\nC|Hose|2.00\n', {
      ...planTable,
      format: { ...planTable.format, delimiter: '|' },
    });
    expect(result[0]).to.deep.equal(record(1, '1.50', 'A'));
    expect(result[1]).to.deep.include({
      kind: 'fault',
      line: 2,
      raw: 'B|Kettle',
      reason: 'expected 3 fields (as table t declares), found 2',
    });
    expect(result[2]).to.deep.equal(record(3, '2.00', 'C'));
  });

  it('drops the trailing delimiter and faults records without it', async () => {
    const base = table(['sku', 'description', 'list_price'], ['sku', 'description', 'list_price'], {
      header: false,
      trailingDelimiter: true,
    });
    const planTable = { ...base, format: { ...base.format, delimiter: '|' } };
    const result = await read('A|"Lamp | 2-pack"||\nB|Kettle|3.00\nC|"two\nlines"|1|\n', planTable);
    expect(result[0]).to.deep.equal(record(1, 'A', 'Lamp | 2-pack', ''));
    expect(result[1]).to.deep.include({ kind: 'fault', line: 2 });
    expect((result[1] as CsvFault).reason).to.match(/does not end with a delimiter/);
    expect(result[2]).to.deep.equal(record(3, 'C', 'two\nlines', '1'));
  });

  it('handles a trailing delimiter on the header line too', async () => {
    const result = await read(
      'a;b;\n1;2;\n',
      table(['a', 'b'], ['b', 'a'], { delimiter: ';', trailingDelimiter: true }),
    );
    expect(result).to.deep.equal([record(2, '2', '1')]);
  });

  it('keeps quoted delimiters, quotes and newlines, and numbers lines physically', async () => {
    const text = 'id,note\n1,"a, b"\n2,"say ""hi"""\n\n3,"multi\nline\r\nnote"\n4,plain\r\n';
    const result = await read(text, table(['id', 'note'], ['id', 'note']));
    expect(result).to.deep.equal([
      record(2, '1', 'a, b'),
      record(3, '2', 'say "hi"'),
      record(5, '3', 'multi\nline\r\nnote'),
      record(8, '4', 'plain'),
    ]);
  });

  it('supports another quote and a backslash escape', async () => {
    const result = await read(
      "id,note\n1,'it\\'s, fine'\n",
      table(['id', 'note'], ['note'], { quote: "'", escape: '\\' }),
    );
    expect(result).to.deep.equal([record(2, "it's, fine")]);
  });

  it('can turn quoting off', async () => {
    const result = await read(
      'id\tnote\n1\t"as is"\n',
      table(['id', 'note'], ['note'], { delimiter: '\t', quote: '', escape: '' }),
    );
    expect(result).to.deep.equal([record(2, '"as is"')]);
  });

  it('strips a UTF-8 BOM, even when split across chunks', async () => {
    const bytes = Buffer.from('\uFEFFid,name\n1,Zoë\n', 'utf8');
    const planTable = table(['id', 'name'], ['id', 'name']);
    expect(await read(bytes, planTable)).to.deep.equal([record(2, '1', 'Zoë')]);
    expect(
      await read([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2, 12), bytes.subarray(12)], planTable),
    ).to.deep.equal([record(2, '1', 'Zoë')]);
  });

  it('decodes latin1', async () => {
    const result = await read(
      Buffer.from('id,city\n1,Zürich\n', 'latin1'),
      table(['id', 'city'], ['city'], { encoding: 'latin1' }),
    );
    expect(result).to.deep.equal([record(2, 'Zürich')]);
  });

  it('reports invalid UTF-8 with its line and column, and reads on', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name\n1,ok\n2,"bad\n', 'utf8'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"\n3,Zoë\n', 'utf8'),
    ]);
    const result = await read([bytes.subarray(0, 15), bytes.subarray(15)], table(['id', 'name'], ['id', 'name']));
    expect(result[0]).to.deep.equal(record(2, '1', 'ok'));
    expect(result[1]).to.deep.include({ kind: 'fault', line: 4, column: 'name' });
    expect((result[1] as CsvFault).reason).to.match(/not valid UTF-8/);
    expect(result[2]).to.deep.equal(record(5, '3', 'Zoë'));
  });

  it('faults records with the wrong number of fields', async () => {
    const result = await read('a,b\n1,2\n3\n4,5,6\n7,8\n', table(['a', 'b'], ['a']));
    expect(result.map((item) => (item.kind === 'record' ? item.line : `fault ${item.line}`))).to.deep.equal([
      2,
      'fault 3',
      'fault 4',
      5,
    ]);
    expect((result[1] as CsvFault).reason).to.equal('expected 2 fields (as the header has), found 1');
  });

  it('faults a stray quote and carries on with the next line', async () => {
    const result = await read('a,b\n1,x"y\n2,z\n', table(['a', 'b'], ['a', 'b']));
    expect(result[0]).to.deep.include({ kind: 'fault', line: 2 });
    expect(result[1]).to.deep.equal(record(3, '2', 'z'));
  });

  it('stops at a quote that is never closed (a file-level fault), saying where it opened', async () => {
    expect(await readError('a,b\n1,2\n3,"open\n4,5\n', table(['a', 'b'], ['a', 'b']))).to.match(
      /^x\.csv:3: a quote opened on this line \(column b\) is never closed, so the rest of the file cannot be read/,
    );
  });

  it('reads a header-only file as no records; an empty file is a file-level fault when a header is declared', async () => {
    expect(await read('a\n', table(['a'], ['a']))).to.deep.equal([]);
    expect(await readError('', table(['a'], ['a']))).to.match(
      /^x\.csv: the file is empty, yet table t declares a header line/,
    );
    expect(await readError('\n\n', table(['a'], ['a']))).to.match(/^x\.csv: the file is empty/);
    expect(await read('', table(['a'], ['a'], { header: false }))).to.deep.equal([]);
  });

  it('passes on errors of the byte stream (e.g. a CRC mismatch) instead of hiding them', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('x.zip: entry t.csv: CRC-32 mismatch'));
      },
    });
    let message = '';
    try {
      for await (const _ of readCsvRecords(failing, table(['a'], ['a']), 't.csv')) {
        /* nothing */
      }
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain('CRC-32 mismatch');
  });

  describe('tokenizing across chunk boundaries', () => {
    const text = 'id,note\r\n1,"a ""b"", c"\r\n2,"x\r\ny"\r\n3,Zoë €\r\n\r\n4,"""last"""\r\n';
    const expected = [
      record(2, '1', 'a "b", c'),
      record(3, '2', 'x\r\ny'),
      record(5, '3', 'Zoë €'),
      record(7, '4', '"last"'),
    ];
    for (const size of [1, 2, 3, 5, 7, 1000]) {
      it(`reads the same in chunks of ${size} bytes`, async () => {
        expect(await read(chunked(text, size), table(['id', 'note'], ['id', 'note']))).to.deep.equal(expected);
      });
    }

    it('keeps a backslash escape split from what it escapes', async () => {
      const planTable = table(['id', 'note'], ['note'], { quote: "'", escape: '\\' });
      const result = await read(chunked("id,note\n1,'a\\'b\\\\c\\d'\n", 1), planTable);
      expect(result).to.deep.equal([record(2, "a'b\\c\\d")]);
    });

    it('reads a quoted field spanning many chunks, and numbers the lines after it', async () => {
      const long = Array.from({ length: 5000 }, (_, i) => `line ${i}, with "quotes"`).join('\n');
      const text = `id,note\n1,"${long.replaceAll('"', '""')}"\n2,after\n`;
      const result = await read(chunked(text, 997), table(['id', 'note'], ['id', 'note']));
      expect(result).to.deep.equal([record(2, '1', long), record(5002, '2', 'after')]);
    });

    it('counts a lone CR as a line break, as an editor does, inside quotes too', async () => {
      const text = 'a,b\r1,2\r\r3,"x\ry"\r4,5\r\n6,7';
      const expected = [record(2, '2'), record(4, 'x\ry'), record(6, '5'), record(7, '7')];
      for (const size of [1, 2, 3, 1000])
        expect(await read(chunked(text, size), table(['a', 'b'], ['b']))).to.deep.equal(expected);
    });

    it('finds invalid UTF-8 on the right line in a file with lone CR line breaks', async () => {
      const bytes = Buffer.concat([Buffer.from('a,b\r1,"x\ry"\r2,'), Buffer.from([0xff]), Buffer.from('\r3,z\r')]);
      for (const size of [1, 4, 1000]) {
        const result = await read(chunked(bytes, size), table(['a', 'b'], ['a']));
        expect(result.map(lineOf)).to.deep.equal([2, 'fault 4', 5]);
      }
    });

    it('reads a last record without a line break, even ending in a quote or a delimiter', async () => {
      expect(await read('a,b\n1,"2"', table(['a', 'b'], ['a', 'b']))).to.deep.equal([record(2, '1', '2')]);
      expect(await read('a,b,\n1,2,', table(['a', 'b'], ['a', 'b'], { trailingDelimiter: true }))).to.deep.equal([
        record(2, '1', '2'),
      ]);
    });

    it('reads back whatever was written, in any chunking (property)', async () => {
      const alphabet = fc.constantFrom(
        'a',
        'Z',
        '0',
        ' ',
        ',',
        '|',
        '\t',
        '"',
        '\n',
        '\r\n',
        '\r',
        'é',
        '€',
        '😀',
        '\uFFFD',
      );
      const cell = fc.array(alphabet, { maxLength: 6 }).map((parts) => parts.join(''));
      const shape = fc.integer({ min: 1, max: 4 }).chain((width) =>
        fc.record({
          rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 12 }),
          header: fc.constant(Array.from({ length: width }, (_, i) => `c${i}`)),
          quoteAnyway: fc.boolean(),
          lineBreak: fc.constantFrom('\n', '\r\n', '\r'),
          finalBreak: fc.boolean(),
          chunk: fc.integer({ min: 1, max: 40 }),
          delimiter: fc.constantFrom(',', '|', '\t'),
        }),
      );
      await fc.assert(
        fc.asyncProperty(shape, async ({ rows, header, quoteAnyway, lineBreak, finalBreak, chunk, delimiter }) => {
          const quoted = (value: string) => `"${value.replaceAll('"', '""')}"`;
          const write = (cells: string[]) => {
            const text = cells
              .map((value) => (quoteAnyway || /[,|\t"\r\n]/.test(value) ? quoted(value) : value))
              .join(delimiter);
            return text === '' ? '""' : text;
          };
          const expected: CsvRecord[] = [];
          let text = write(header);
          for (const cells of rows) {
            text += lineBreak;
            expected.push(record(text.split(/\r\n|\r|\n/).length, ...cells));
            text += write(cells);
          }
          if (finalBreak) text += lineBreak;
          expect(await read(chunked(text, chunk), table(header, header, { delimiter }))).to.deep.equal(expected);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('batches', () => {
    it('gives non-empty batches, faults in line order among records', async () => {
      const chunks = [Buffer.from('a,b\n1,2\n3\n'), Buffer.from('4,5\n6,'), Buffer.from('7\n8,9,10\n')];
      const batches: Array<Array<CsvRecord | CsvFault>> = [];
      for await (const batch of readCsvBatches(Readable.from(chunks), table(['a', 'b'], ['b']), 'x.csv'))
        batches.push(batch);
      expect(batches.every((batch) => batch.length > 0)).to.equal(true);
      expect(batches.flat().map(lineOf)).to.deep.equal([2, 'fault 3', 4, 5, 'fault 6']);
    });

    it('does not wait for the whole input to give the first batch: it comes once 64 KiB are read', async () => {
      const input = new Readable({ read() {} });
      // 8,000 records of 10 bytes after the 4-byte header: the first 64 KiB end inside record 6,553.
      const rows = Array.from({ length: 8000 }, (_, i) => `${String(i).padStart(6, '0')},ab\n`);
      input.push(`a,b\n${rows.join('')}`);
      const batches = readCsvBatches(input, table(['a', 'b'], ['a']), 'x.csv');
      const first = (await batches.next()).value as CsvRecord[];
      expect(first).to.have.length(Math.floor((65536 - 4) / 10));
      expect(first[0]).to.deep.equal(record(2, '000000'));
      input.push('x,y\n');
      input.push(null);
      const rest = (await batches.next()).value as CsvRecord[];
      expect(rest.at(-1)).to.deep.equal(record(8002, 'x'));
      expect(first.length + rest.length).to.equal(8001);
      expect((await batches.next()).done).to.equal(true);
    });

    it('gives a record reader the projected fields as ranges of the text, and each cell on demand', async () => {
      const input = Readable.from([Buffer.from('c,a,b\nx,12,"3,4"\ny,"say ""hi""",\n')]);
      const seen: unknown[] = [];
      const reader = (fields: RecordFields, line: number) => {
        const ranges = Array.from({ length: fields.count }, (_, i) => [
          fields.text.slice(fields.start(i), fields.end(i)),
          fields.isVerbatim(i),
          fields.cell(i),
        ]);
        return { kind: 'read' as const, line, ranges };
      };
      for await (const batch of readCsvBatches(input, table(['a', 'b', 'c'], ['b', 'a']), 'x.csv', reader))
        seen.push(...batch);
      expect(seen).to.deep.equal([
        {
          kind: 'read',
          line: 2,
          ranges: [
            ['3,4', true, '3,4'],
            ['12', true, '12'],
          ],
        },
        {
          kind: 'read',
          line: 3,
          ranges: [
            ['', true, ''],
            ['say ""hi""', false, 'say "hi"'],
          ],
        },
      ]);
    });

    it('cuts the same batches however the input is chunked', async () => {
      const text = `a,b\n${Array.from({ length: 30_000 }, (_, i) => `${i},"v ${i % 97}"\n`).join('')}`;
      const sizes = async (chunk: number) => {
        const input = Readable.from(
          Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) =>
            Buffer.from(text.slice(i * chunk, (i + 1) * chunk)),
          ),
        );
        const lengths: number[] = [];
        for await (const batch of readCsvBatches(input, table(['a', 'b'], ['a']), 'x.csv')) lengths.push(batch.length);
        return lengths;
      };
      const whole = await sizes(text.length);
      expect(whole.length).to.be.above(5);
      for (const chunk of [1000, 4097, 65536, 200_000])
        expect(await sizes(chunk), `chunks of ${chunk}`).to.deep.equal(whole);
    });
  });

  describe('quoting problems', () => {
    it('faults a stray quote at the line its record starts, and reads on at the next line', async () => {
      const result = await read('a,b\n"multi\nline",x"y\n2,z\n', table(['a', 'b'], ['a', 'b']));
      expect(result[0]).to.deep.include({ kind: 'fault', line: 2, column: 'b', raw: '"multi\nline",x"y' });
      expect((result[0] as CsvFault).reason).to.match(/^a quote inside a field that is not quoted/);
      expect(result[1]).to.deep.equal(record(4, '2', 'z'));
    });

    it('stops at a quoted field followed by text (a file-level fault), saying so', async () => {
      expect(await readError('a,b\n1,2\n3,"say "hi""\n4,5\n', table(['a', 'b'], ['a', 'b']))).to.match(
        /^x\.csv:3: a quoted field \(column b\) is followed by text instead of a delimiter, so the rest of the file cannot be read and the run stops before writing anything — fix the export \(double the inner quotes\)/,
      );
    });

    it('stops at a quote never closed at the line where it opened, however long the rest', async () => {
      const rest = Array.from({ length: 3000 }, (_, i) => `${i},x`).join('\n');
      expect(
        await readError(chunked(`a,b\n1,2\n3,"ok\nfine"\n4,"open\n${rest}\n`, 512), table(['a', 'b'], ['a', 'b'])),
      ).to.match(/^x\.csv:5: a quote opened on this line \(column b\) is never closed/);
    });

    it('reads a record spread over many chunks without a line break once, and stops at the record size cap', async () => {
      const long = 'y'.repeat(200_000);
      const result = await read(chunked(`a,b\n1,${long}\n2,z\n`, 1000), table(['a', 'b'], ['a', 'b']));
      expect(result.map(lineOf)).to.deep.equal([2, 3]);
      expect((result[0] as CsvRecord).cells[1]).to.have.length(200_000);
      let message = '';
      try {
        for await (const _ of readCsvBatches(
          Readable.from(chunked(`a,b\n1,2\n3,${long}\n4,z\n`, 1000)),
          table(['a', 'b'], ['a', 'b']),
          'x.csv',
          (_fields, line) => line,
          100_000,
        )) {
          /* nothing */
        }
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.match(
        /^x\.csv:3: a record starting on this line is longer than 100000 characters \(the record size limit: maxRecordChars, --max-record-size\)/,
      );
    });

    it('cannot read a header with a quoting problem', async () => {
      let message = '';
      try {
        await read('a,b"\n1,2\n', table(['a', 'b'], ['a']));
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.match(/^x\.csv:1: the header line cannot be read: a quote inside a field/);
    });
  });

  describe('encodings', () => {
    it('does not mistake a U+FFFD written in the data for invalid bytes', async () => {
      expect(await read('id,name\n1,a\uFFFDb\n', table(['id', 'name'], ['name']))).to.deep.equal([
        record(2, 'a\uFFFDb'),
      ]);
    });

    it('finds invalid UTF-8 on the right line after many chunks, across a multi-line record', async () => {
      const head = Buffer.from(
        `id,name\n${Array.from({ length: 300 }, (_, i) => `${i},"n\n${i}"`).join('\n')}\n7,"x\n`,
      );
      const bytes = Buffer.concat([head, Buffer.from([0xc3, 0x28]), Buffer.from('"\n8,ok\n')]);
      const result = await read(chunked(bytes, 64), table(['id', 'name'], ['id']));
      expect(result.length).to.equal(302);
      expect(result[300]).to.deep.include({ kind: 'fault', line: 603, column: 'name' });
      expect(result[301]).to.deep.equal(record(604, '8'));
    });

    it('cannot read a header with invalid UTF-8', async () => {
      let message = '';
      try {
        await read(
          Buffer.concat([Buffer.from('id,n'), Buffer.from([0xff]), Buffer.from('\n1,2\n')]),
          table(['id'], ['id']),
        );
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.match(/^x\.csv:1: the header line cannot be read: bytes that are not valid UTF-8/);
    });
  });

  it('refuses a delimiter that is not one character', async () => {
    let message = '';
    try {
      await read('a\n', table(['a'], ['a'], { delimiter: '||' }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/table t has delimiter "\|\|"; it must be one character/);
  });
});
