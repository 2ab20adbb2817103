import { expect } from 'chai';
import { Readable } from 'node:stream';
import type { PlanColumn, PlanFormat, PlanTable } from '../../runtime/plan/types.js';
import { readCsvRecords, type CsvFault, type CsvRecord } from '../../runtime/csv/read-records.js';

const DEFAULT_FORMAT: PlanFormat = {
  delimiter: ',', quote: '"', escape: '"', header: true, trailingDelimiter: false, encoding: 'utf-8',
  nullTokens: [''], dateFormat: '%Y-%m-%d', timestampFormat: '%Y-%m-%dT%H:%M:%S',
};

/** A table declaring `declared` (name or name=header), projecting `projected`. */
function table(declared: string[], projected: string[], format: Partial<PlanFormat> = {}): PlanTable {
  const columns: PlanColumn[] = declared.map((spec, position) => {
    const [name, header = name] = spec.split('=');
    return { name, header, position, type: 'string', nullable: true };
  });
  return {
    name: 't', pattern: 't*.csv', format: { ...DEFAULT_FORMAT, ...format },
    declaredHeaders: columns.map((column) => column.header),
    columns: projected.map((name) => columns.find((column) => column.name === name) as PlanColumn),
    key: [], filters: [], roles: [],
  };
}

async function read(input: string | Buffer | Buffer[], planTable: PlanTable): Promise<Array<CsvRecord | CsvFault>> {
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input, 'utf8') : input];
  const out: Array<CsvRecord | CsvFault> = [];
  for await (const item of readCsvRecords(Readable.from(chunks), planTable, 'x.csv')) out.push(item);
  return out;
}

const record = (line: number, ...cells: string[]): CsvRecord => ({ kind: 'record', line, cells });

describe('runtime/csv', () => {
  it('projects columns by header name, whatever their order, ignoring extra columns', async () => {
    const result = await read('b,extra,a\n2,x,1\n4,y,3\n', table(['a', 'b'], ['a', 'b']));
    expect(result).to.deep.equal([record(2, '1', '2'), record(3, '3', '4')]);
  });

  it('matches renamed headers and projects only the columns asked for', async () => {
    const result = await read('id,country_code,name\n1,FR,Ada\n', table(['id', 'country=country_code', 'name'], ['country']));
    expect(result).to.deep.equal([record(2, 'FR')]);
  });

  it('stops with a clear error when a declared header is missing', async () => {
    let message = '';
    try {
      await read('id,name\n1,Ada\n', table(['id', 'country=country_code', 'name'], ['id']));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/^x\.csv:1: the header has no column "country_code" \(declared by table t\)\. The header has: id, name\./);
    expect(message).to.contain('header "…"');
  });

  it('reads headerless files by position and checks the field count', async () => {
    const planTable = table(['sku', 'description', 'price'], ['price', 'sku'], { header: false });
    const result = await read('A|Lamp|1.50\nB|Kettle\nC|Hose|2.00\n', { ...planTable, format: { ...planTable.format, delimiter: '|' } });
    expect(result[0]).to.deep.equal(record(1, '1.50', 'A'));
    expect(result[1]).to.deep.include({ kind: 'fault', line: 2, raw: 'B|Kettle', reason: 'expected 3 fields (as table t declares), found 2' });
    expect(result[2]).to.deep.equal(record(3, '2.00', 'C'));
  });

  it('drops the trailing delimiter and faults records without it', async () => {
    const base = table(['sku', 'description', 'list_price'], ['sku', 'description', 'list_price'], { header: false, trailingDelimiter: true });
    const planTable = { ...base, format: { ...base.format, delimiter: '|' } };
    const result = await read('A|"Lamp | 2-pack"||\nB|Kettle|3.00\nC|"two\nlines"|1|\n', planTable);
    expect(result[0]).to.deep.equal(record(1, 'A', 'Lamp | 2-pack', ''));
    expect(result[1]).to.deep.include({ kind: 'fault', line: 2 });
    expect((result[1] as CsvFault).reason).to.match(/does not end with a delimiter/);
    expect(result[2]).to.deep.equal(record(3, 'C', 'two\nlines', '1'));
  });

  it('handles a trailing delimiter on the header line too', async () => {
    const result = await read('a;b;\n1;2;\n', table(['a', 'b'], ['b', 'a'], { delimiter: ';', trailingDelimiter: true }));
    expect(result).to.deep.equal([record(2, '2', '1')]);
  });

  it('keeps quoted delimiters, quotes and newlines, and numbers lines physically', async () => {
    const text = 'id,note\n1,"a, b"\n2,"say ""hi"""\n\n3,"multi\nline\r\nnote"\n4,plain\r\n';
    const result = await read(text, table(['id', 'note'], ['id', 'note']));
    expect(result).to.deep.equal([
      record(2, '1', 'a, b'), record(3, '2', 'say "hi"'), record(5, '3', 'multi\nline\r\nnote'), record(8, '4', 'plain'),
    ]);
  });

  it('supports another quote and a backslash escape', async () => {
    const result = await read("id,note\n1,'it\\'s, fine'\n", table(['id', 'note'], ['note'], { quote: "'", escape: '\\' }));
    expect(result).to.deep.equal([record(2, "it's, fine")]);
  });

  it('can turn quoting off', async () => {
    const result = await read('id\tnote\n1\t"as is"\n', table(['id', 'note'], ['note'], { delimiter: '\t', quote: '', escape: '' }));
    expect(result).to.deep.equal([record(2, '"as is"')]);
  });

  it('strips a UTF-8 BOM, even when split across chunks', async () => {
    const bytes = Buffer.from('\uFEFFid,name\n1,Zoë\n', 'utf8');
    const planTable = table(['id', 'name'], ['id', 'name']);
    expect(await read(bytes, planTable)).to.deep.equal([record(2, '1', 'Zoë')]);
    expect(await read([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2, 12), bytes.subarray(12)], planTable))
      .to.deep.equal([record(2, '1', 'Zoë')]);
  });

  it('decodes latin1', async () => {
    const result = await read(Buffer.from('id,city\n1,Zürich\n', 'latin1'), table(['id', 'city'], ['city'], { encoding: 'latin1' }));
    expect(result).to.deep.equal([record(2, 'Zürich')]);
  });

  it('reports invalid UTF-8 with its line and column, and reads on', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name\n1,ok\n2,"bad\n', 'utf8'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n3,Zoë\n', 'utf8'),
    ]);
    const result = await read([bytes.subarray(0, 15), bytes.subarray(15)], table(['id', 'name'], ['id', 'name']));
    expect(result[0]).to.deep.equal(record(2, '1', 'ok'));
    expect(result[1]).to.deep.include({ kind: 'fault', line: 4, column: 'name' });
    expect((result[1] as CsvFault).reason).to.match(/not valid UTF-8/);
    expect(result[2]).to.deep.equal(record(5, '3', 'Zoë'));
  });

  it('faults records with the wrong number of fields', async () => {
    const result = await read('a,b\n1,2\n3\n4,5,6\n7,8\n', table(['a', 'b'], ['a']));
    expect(result.map((item) => item.kind === 'record' ? item.line : `fault ${item.line}`)).to.deep.equal([2, 'fault 3', 'fault 4', 5]);
    expect((result[1] as CsvFault).reason).to.equal('expected 2 fields (as the header has), found 1');
  });

  it('faults a stray quote and carries on with the next line', async () => {
    const result = await read('a,b\n1,x"y\n2,z\n', table(['a', 'b'], ['a', 'b']));
    expect(result[0]).to.deep.include({ kind: 'fault', line: 2 });
    expect(result[1]).to.deep.equal(record(3, '2', 'z'));
  });

  it('faults a quote that is never closed, saying where it opened', async () => {
    const result = await read('a,b\n1,2\n3,"open\n4,5\n', table(['a', 'b'], ['a', 'b']));
    expect(result[0]).to.deep.equal(record(2, '1', '2'));
    expect(result[1]).to.deep.include({ kind: 'fault', line: 3 });
    expect((result[1] as CsvFault).reason).to.match(/quote opened on line 3 is never closed/);
  });

  it('reads an empty file as no records, and a header-only file too', async () => {
    expect(await read('', table(['a'], ['a']))).to.deep.equal([]);
    expect(await read('a\n', table(['a'], ['a']))).to.deep.equal([]);
  });

  it('passes on errors of the byte stream (e.g. a CRC mismatch) instead of hiding them', async () => {
    const failing = new Readable({ read() { this.destroy(new Error('x.zip: entry t.csv: CRC-32 mismatch')); } });
    let message = '';
    try {
      for await (const _ of readCsvRecords(failing, table(['a'], ['a']), 't.csv')) { /* nothing */ }
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain('CRC-32 mismatch');
  });
});
