// Phase 1 of a run: read every table that other rows need (lookups, collections) into held
// tables, rejecting bad and duplicate rows as they come.
import type { ByteSource } from '../archive/byte-source.js';
import { BATCH_BYTES } from '../csv/read-records.js';
import type { ArchiveEntry } from '../archive/central-directory.js';
import type { Row } from '../eval/compile-expr.js';
import type { Plan, PlanTable } from '../plan/types.js';
import { parentTables } from '../plan/plan-shape.js';
import type { TimestampValue } from '../values/value.js';
import { AddOutcome, HeldTable, RowOrigin } from './held-table.js';
import type { Reject, RunState } from '../report/run-state.js';
import { emptyCounts } from '../report/run-report.js';
import type { ShardRouter } from './shard-router.js';
import { duplicateKeyReason, readTable } from '../read/table-reader.js';

/** A retried row another shard holds (ShardRouter): this shard neither counts it nor takes it out of the parking lot. */
export const RETRIED_ELSEWHERE = -2;

/** A row parked by an earlier run, read again after the table's files; `heldIndex` is set here (-1: rejected; RETRIED_ELSEWHERE). */
export interface RetriedRow {
  values: Row;
  file: string;
  line: number;
  heldIndex: number;
}

/**
 * The tables a run holds, in the plan's order. Root tables stream unless asked (incremental
 * runs hold them, to know before building which parents this extract has; they also hold the
 * rows the scan filters drop, which take their stored twins out of items).
 */
export function tablesToHold(plan: Plan, holdRoots = false): PlanTable[] {
  return plan.tables.filter((t) => holdRoots || t.roles.some((r) => r.kind !== 'root'));
}

/** Room reserved up front for at most this many rows; a larger table's arrays grow past it. */
const MAX_RESERVED_ROWS = 16_000_000;

/**
 * The rows a table's files hold, about, from the first batch of its first file: one per
 * BATCH_BYTES of a file (see readCsvBatches). A tenth more, so that the estimate is rarely
 * short (then the arrays grow once more); unused room is address space, not memory.
 * Reserving it spared a third of the page faults of holding order_lines.
 */
function estimatedRows(files: ArchiveEntry[], firstBatchRows: number): number {
  const first = files[0]?.uncompressedSize ?? 0;
  if (first <= BATCH_BYTES) return 0;
  const bytes = files.reduce((sum, file) => sum + file.uncompressedSize, 0);
  return Math.min(MAX_RESERVED_ROWS, Math.ceil(((firstBatchRows * bytes) / BATCH_BYTES) * 1.1));
}

export interface HoldOptions {
  /** Rows parked by earlier runs, read after each table's files (their heldIndex is set). */
  retried?: Map<string, RetriedRow[]>;
  /** Hold the root tables too (incremental runs). */
  holdRoots?: boolean;
  /** Hold the rows the scan filters drop, marked (incremental runs: they take stored twins out). */
  holdScanFiltered?: boolean;
  /** Only these tables (a holding thread's share). */
  only?: ReadonlySet<string>;
  /** A shard's run: only the rows under its own roots are held and counted (shard-router.ts). */
  shard?: ShardRouter;
  /** A shard's run: rows another shard of this extract settled (parked tombstones): their keys are noted with their shard, never held. */
  settledElsewhere?: Map<string, Row[]>;
}

export async function holdTables(
  plan: Plan,
  source: ByteSource,
  entries: Map<string, ArchiveEntry[]>,
  asOf: TimestampValue,
  state: RunState,
  options: HoldOptions = {},
): Promise<Map<string, HeldTable>> {
  const retried = options.retried ?? new Map<string, RetriedRow[]>();
  const parents = parentTables(plan);
  const held = new Map<string, HeldTable>();
  const shard = options.shard;
  const toHold = tablesToHold(plan, options.holdRoots);
  for (const table of shard ? shard.holdingOrder(plan, toHold) : toHold) {
    if (options.only && !options.only.has(table.name)) continue;
    const heldTable = new HeldTable(table, parents.has(table.name));
    held.set(table.name, heldTable);
    // A shard counts (and rejects) only the rows it owns; every shard holds a lookup-only table, one counts it.
    const counted = shard?.counts(table.name) ?? true;
    const c = counted ? state.countsOf(table.name) : emptyCounts();
    const reject = counted ? (r: Reject) => state.reject(r) : () => {};
    // Rows come file after file: a file's number is looked up when the file changes.
    let file = '';
    let fileNumber = -1;
    const numberOf = (name: string) => {
      if (name !== file) {
        file = name;
        fileNumber = state.fileIndex(name);
      }
      return fileNumber;
    };
    const files = entries.get(table.name)!;
    // A twin's reject names its key and where the row kept under it was read.
    const duplicate = (values: Row): string => {
      const key = heldTable.keyOfRow(values);
      const first = key === null ? undefined : heldTable.firstRowOf(key);
      return duplicateKeyReason(table, first && { file: state.files[first.fileNumber], line: first.line }, key);
    };
    let firstBatch = true;
    for await (const batch of readTable(source, files, table, asOf, {
      forHolding: true,
      recordsRead: state.recordsReadOf(table.name),
      maxRecordChars: state.limits.maxRecordChars,
    })) {
      // A shard of an incremental run first finds in the store the parents its rows name that the extract lacks.
      if (shard) await shard.findStoredParents(table.name, rowsOf(batch));
      if (firstBatch) {
        firstBatch = false;
        // A shard holds about its share of a table it splits.
        heldTable.reserve(Math.ceil(estimatedRows(files, batch.length) / (shard?.shareOf(table.name) ?? 1)));
      }
      for (const event of batch) {
        if (event.kind === 'reject') {
          // Its key unknown: one shard counts it (ShardRouter.ownsRoot(null)).
          if (shard && !shard.ownsRoot(null)) continue;
          c.read++;
          c.rejected++;
          reject(event.reject);
          continue;
        }
        const route = shard?.route(table.name, event.values, numberOf(event.file), event.line);
        if (route?.kind === 'elsewhere') continue;
        c.read++;
        if (route?.kind === 'twin') {
          // Its first row is held by another shard, or by this one: either way the first one read is kept.
          c.rejected++;
          const first = { file: state.files[route.first.fileNumber], line: route.first.line };
          const reason = duplicateKeyReason(table, first, heldTable.keyOfRow(event.values));
          reject({ table: table.name, file: event.file, line: event.line, reason });
        } else if (event.kind === 'filtered') {
          const accepted = options.holdScanFiltered
            ? heldTable.add(event.values, numberOf(event.file), event.line, RowOrigin.ScanFiltered) === AddOutcome.Added
            : heldTable.addFiltered(event.values, numberOf(event.file), event.line);
          if (accepted) c.filtered++;
          else {
            c.rejected++;
            reject({ table: table.name, file: event.file, line: event.line, reason: duplicate(event.values) });
          }
        } else if (heldTable.add(event.values, numberOf(event.file), event.line) !== AddOutcome.Added) {
          c.rejected++;
          reject({ table: table.name, file: event.file, line: event.line, reason: duplicate(event.values) });
        }
      }
      state.progress('holding', table.name);
    }
    // After the extract's rows: a row of this extract with the same key is the newer one.
    const retriedRows = retried.get(table.name) ?? [];
    if (shard)
      await shard.findStoredParents(
        table.name,
        retriedRows.map((row) => row.values),
      );
    for (const row of retriedRows) {
      const route = shard?.route(table.name, row.values, state.fileIndex(row.file), row.line);
      if (route?.kind === 'elsewhere') {
        row.heldIndex = RETRIED_ELSEWHERE;
        continue;
      }
      c.retried++;
      // A twin: the extract brought its key (the row read may be another shard's).
      const added =
        route?.kind !== 'twin' && heldTable.add(row.values, state.fileIndex(row.file), row.line) === AddOutcome.Added;
      row.heldIndex = added ? heldTable.count - 1 : -1;
      if (!added) {
        c.rejected++;
        reject({
          table: table.name,
          file: row.file,
          line: row.line,
          reason: 'parked earlier; replaced by a row with the same key in this extract',
        });
      }
    }
    const settledRows = options.settledElsewhere?.get(table.name) ?? [];
    if (shard && settledRows.length > 0) {
      await shard.findStoredParents(table.name, settledRows);
      for (const values of settledRows) shard.note(table.name, values);
    }
    // Twins found in their group stay in the table, marked failed: the final accounting counts them.
    for (const { index, twin } of heldTable.seal()) {
      const first = { file: state.files[heldTable.fileOf(twin)], line: heldTable.lineOf(twin) };
      reject({
        table: table.name,
        file: state.files[heldTable.fileOf(index)],
        line: heldTable.lineOf(index),
        reason: duplicateKeyReason(table, first, heldTable.keyOf(index)),
      });
    }
    state.progress('holding', table.name, true);
  }
  return held;
}

function* rowsOf(batch: Array<{ kind: string; values?: Row }>): Iterable<Row> {
  for (const event of batch) if (event.values) yield event.values;
}
