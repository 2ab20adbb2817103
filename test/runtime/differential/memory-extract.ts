/*
 * A random warehouse as the runtime reads it: one or two CSV files per table (header first,
 * columns in a shuffled order, sometimes a column the mapping does not declare) in a ZIP
 * built in memory with the extract generator's ZipWriter, behind a ByteSource.
 */
import { Writable } from 'node:stream';
import type { ByteSource } from '../../../runtime/archive/byte-source.js';
import { ZipWriter } from '../../../examples/extract-generator/zip-writer.js';
import {
  TABLE_COLUMNS,
  TABLE_NAMES,
  type Cell,
  type RawRow,
  type RawWarehouse,
  type TableName,
} from './random-warehouse.js';

export class MemoryByteSource implements ByteSource {
  constructor(
    readonly name: string,
    private readonly bytes: Buffer,
  ) {}

  async size(): Promise<number> {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (offset + length > this.bytes.length) throw new Error(`${this.name}: read past the end`);
    return this.bytes.subarray(offset, offset + length);
  }

  async close(): Promise<void> {}
}

function csvField(cell: Cell): string {
  if (cell === null) return '';
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

export function csvText(table: TableName, rows: RawRow[], columnOrder: number[], extraColumn: boolean): string {
  const columns = columnOrder.map((i) => TABLE_COLUMNS[table][i]);
  const header = [...columns, ...(extraColumn ? ['not_declared'] : [])];
  const lines = [header.join(',')];
  rows.forEach((row, index) => {
    const fields = columns.map((c) => csvField(row[c]));
    if (extraColumn) fields.push(`x${index}`);
    lines.push(fields.join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** The archive's bytes: `<table>_1.csv` holds the rows before the split, `<table>_2.csv` the rest. */
export async function zipWarehouse(warehouse: RawWarehouse): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const zip = new ZipWriter(output, new Date(Date.UTC(2024, 0, 1)), 1);
  for (const table of TABLE_NAMES) {
    const rows = warehouse.tables[table];
    const { splitAt, columnOrder, extraColumn } = warehouse.layout[table];
    await zip.addEntry(`${table}_1.csv`, [csvText(table, rows.slice(0, splitAt), columnOrder, extraColumn)]);
    if (splitAt < rows.length)
      await zip.addEntry(`${table}_2.csv`, [csvText(table, rows.slice(splitAt), columnOrder, extraColumn)]);
  }
  await zip.finish();
  return Buffer.concat(chunks);
}
