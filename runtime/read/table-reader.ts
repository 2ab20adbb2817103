// Reads one table's files from the archive: records, cast to their column types, through the
// scan filters. Bad records and values come out as rejects (data), never exceptions; only a
// file that cannot be read at all (missing header, broken quoting, a record past the size
// cap, damaged archive) throws.
import type { ArchiveEntry } from '../archive/central-directory.js';
import type { ByteSource } from '../archive/byte-source.js';
import { openEntry } from '../archive/entry-stream.js';
import { readCsvBatches, type RecordFields } from '../csv/read-records.js';
import { compileCondition, singleRowEnv, type EvalContext, type Row } from '../eval/compile-expr.js';
import { EvaluationError } from '../eval/operators.js';
import type { PlanTable } from '../plan/types.js';
import { CastFailure, compileCellReader, compileQuickReader } from '../values/cast-cell.js';
import type { TimestampValue } from '../values/value.js';
import type { Reject } from '../report/run-state.js';
import type { RowKey } from '../eval/row-key.js';

/** Why a row is rejected as a duplicate; `first` is where the kept row is, `key` the key's text, when known. */
export function duplicateKeyReason(
  table: PlanTable,
  first?: { file: string; line: number },
  key?: RowKey | null,
): string {
  const where = first ? `the row at ${first.file}:${first.line}` : 'an earlier row';
  const value = key === undefined || key === null ? '' : ` (${JSON.stringify(keyText(key))})`;
  return `duplicate key: ${where} has the same ${table.key.join(', ')}${value}; the first one read is kept`;
}

/** A key as a reject shows it: a composite key's values joined by ", " (shortened). */
function keyText(key: RowKey): string {
  const text = String(key).replaceAll('\u001f', ', ');
  return text.length <= 100 ? text : `${text.slice(0, 100)}…`;
}

export type TableEvent =
  | { kind: 'row'; values: Row; file: string; line: number }
  | { kind: 'filtered'; values: Row; file: string; line: number }
  | { kind: 'reject'; reject: Reject };

/**
 * Events in batches (one per decoded chunk): consumers loop over a batch without awaiting.
 * `forHolding`: the rows only go into a held table (HeldTable.add), which takes the ints of
 * a table without scan filters as JS numbers (see compileCellReader); filters compute with
 * the values, so their table's ints stay bigints. `recordsRead` gets the records read from
 * each file so far (one event each: a row, filtered or rejected), from 0 when a file opens.
 * A record longer than `maxRecordChars` stops the reading (it throws).
 */
export async function* readTable(
  source: ByteSource,
  entries: ArchiveEntry[],
  table: PlanTable,
  asOf: TimestampValue,
  {
    forHolding = false,
    recordsRead,
    maxRecordChars,
  }: { forHolding?: boolean; recordsRead?: Map<string, number>; maxRecordChars?: number } = {},
): AsyncGenerator<TableEvent[]> {
  const intsAsNumbers = forHolding && table.filters.length === 0;
  const casters = table.columns.map((column) => compileCellReader(column, table.format, { intsAsNumbers }));
  const quickReaders = table.columns.map((column) => compileQuickReader(column, table.format, { intsAsNumbers }));
  const env = singleRowEnv(table, 'a scan filter');
  const filters = table.filters.map((f) => compileCondition(f, env));
  const ctx: EvalContext = { rows: [undefined], object: null, asOf };
  let currentFile = '';
  for (const entry of entries) {
    const file = entry.name;
    currentFile = file;
    let records = 0;
    recordsRead?.set(file, records);
    // Records are cast as they are read: no cell strings are kept, nor made for most numbers.
    for await (const batch of readCsvBatches(openEntry(source, entry), table, file, castRecord, maxRecordChars)) {
      records += batch.length;
      recordsRead?.set(file, records);
      for (let r = 0; r < batch.length; r++) {
        const record = batch[r];
        if (record.kind !== 'fault') continue;
        const { line, column, raw, reason } = record;
        batch[r] = {
          kind: 'reject',
          reject: {
            table: table.name,
            file,
            line,
            ...(column ? { column } : {}),
            ...(raw ? { value: raw } : {}),
            reason,
          },
        };
      }
      yield batch as TableEvent[];
    }
  }

  function castRecord(fields: RecordFields, line: number): TableEvent {
    const values: Row = new Array(casters.length);
    for (let i = 0; i < casters.length; i++) {
      const quick = quickReaders[i];
      const value =
        quick !== null && fields.isVerbatim(i) ? quick(fields.text, fields.start(i), fields.end(i)) : undefined;
      if (value !== undefined) {
        values[i] = value;
        continue;
      }
      const cell = fields.cell(i);
      const cast = casters[i](cell);
      if (cast instanceof CastFailure) {
        return {
          kind: 'reject',
          reject: {
            table: table.name,
            file: currentFile,
            line,
            column: table.columns[i].name,
            value: cell,
            reason: cast.reason,
          },
        };
      }
      values[i] = cast;
    }
    if (filters.length > 0) {
      ctx.rows[0] = values;
      try {
        for (const filter of filters) if (!filter(ctx)) return { kind: 'filtered', values, file: currentFile, line };
      } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
        return { kind: 'reject', reject: { table: table.name, file: currentFile, line, reason: error.message } };
      }
    }
    return { kind: 'row', values, file: currentFile, line };
  }
}
