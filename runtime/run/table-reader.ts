// Reads one table's files from the archive: records, cast to their column types, through the
// scan filters. Bad records and values come out as rejects (data), never exceptions; only a
// file that cannot be read at all (missing header, damaged archive) throws.
import type { ArchiveEntry } from '../archive/central-directory.js';
import type { ByteSource } from '../archive/byte-source.js';
import { openEntry } from '../archive/entry-stream.js';
import { readCsvRecords } from '../csv/read-records.js';
import { compileCondition, type EvalContext, type ExprEnv, type Row } from '../eval/compile-expr.js';
import { EvaluationError } from '../eval/operators.js';
import type { PlanTable } from '../plan/types.js';
import { compileCellCaster } from '../values/cast-cell.js';
import type { TimestampValue } from '../values/value.js';

export interface Reject {
  table: string;
  file: string;
  line: number;
  column?: string;
  value?: string;
  reason: string;
}

export type TableEvent =
  | { kind: 'row'; values: Row; file: string; line: number }
  | { kind: 'filtered'; values: Row; file: string; line: number }
  | { kind: 'reject'; reject: Reject };

function scanFilterEnv(table: PlanTable): ExprEnv {
  return {
    // A scan filter reads only the scanned row, whatever alias the mapping gave it.
    alias: () => ({ slot: 0, table: table.name }),
    columnIndex: (_t, column) => table.columns.findIndex((c) => c.name === column),
    lookup: () => {
      throw new Error(`a scan filter of ${table.name} reads another table: recompile the mapping`);
    },
  };
}

export async function* readTable(
  source: ByteSource,
  entries: ArchiveEntry[],
  table: PlanTable,
  asOf: TimestampValue,
): AsyncGenerator<TableEvent> {
  const casters = table.columns.map((column) => compileCellCaster(column, table.format));
  const env = scanFilterEnv(table);
  const filters = table.filters.map((f) => compileCondition(f, env));
  const ctx: EvalContext = { rows: [undefined], object: null, asOf };
  for (const entry of entries) {
    const file = entry.name;
    for await (const record of readCsvRecords(openEntry(source, entry), table, file)) {
      if (record.kind === 'fault') {
        const { line, column, raw, reason } = record;
        yield { kind: 'reject', reject: { table: table.name, file, line, ...(column ? { column } : {}), ...(raw ? { value: raw } : {}), reason } };
        continue;
      }
      const values: Row = new Array(casters.length);
      let reject: Reject | null = null;
      for (let i = 0; i < casters.length; i++) {
        const cast = casters[i](record.cells[i]);
        if (!cast.ok) {
          reject = { table: table.name, file, line: record.line, column: table.columns[i].name, value: record.cells[i], reason: cast.reason };
          break;
        }
        values[i] = cast.value;
      }
      if (reject) {
        yield { kind: 'reject', reject };
        continue;
      }
      if (filters.length > 0) {
        ctx.rows[0] = values;
        let keep = true;
        try {
          for (const filter of filters) if (!filter(ctx)) keep = false;
        } catch (error) {
          if (!(error instanceof EvaluationError)) throw error;
          yield { kind: 'reject', reject: { table: table.name, file, line: record.line, reason: error.message } };
          continue;
        }
        if (!keep) {
          yield { kind: 'filtered', values, file, line: record.line };
          continue;
        }
      }
      yield { kind: 'row', values, file, line: record.line };
    }
  }
}
