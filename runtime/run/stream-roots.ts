// Phase 2 of a run: every root row builds its items. Root tables that are held (they are also
// children or lookups) are walked in memory; others stream from the archive and are never
// held. Reading, duplicates and scan filters are settled here; what a batch of root rows
// becomes is up to `process` (write to a preview file, or merge into DynamoDB).
import type { ByteSource } from '../archive/byte-source.js';
import type { ArchiveEntry } from '../archive/central-directory.js';
import type { Row } from '../eval/compile-expr.js';
import type { Plan } from '../plan/types.js';
import type { TimestampValue } from '../values/value.js';
import { columnPosition } from '../plan/column-position.js';
import type { HeldTable } from './held-table.js';
import { keyAt, type RowKey } from './row-key.js';
import type { RunState } from './run-state.js';
import { duplicateKeyReason, readTable } from './table-reader.js';

export interface RootRow {
  table: string;
  values: Row;
  file: string;
  line: number;
}

/** What became of a root row: a reason string when it was rejected. */
export type RootOutcome = 'used' | 'filtered' | { rejected: string };

/** Builds and writes the items of a batch of root rows, in order. */
export type RootBatchProcessor = (rows: RootRow[]) => RootOutcome[] | Promise<RootOutcome[]>;

/**
 * Keys of streamed root rows by table, so that children can tell a missing parent from a
 * filtered one: `seen` every key read, `rejected` those whose row was rejected while
 * building, `scanFiltered` those the scan filters dropped.
 */
export type SeenRootKeys = Map<string, { seen: Set<RowKey>; rejected: Set<RowKey>; scanFiltered: Set<RowKey> }>;

export async function streamRoots(
  plan: Plan, source: ByteSource, entries: Map<string, ArchiveEntry[]>, held: Map<string, HeldTable>,
  asOf: TimestampValue, state: RunState, process: RootBatchProcessor,
): Promise<SeenRootKeys> {
  const seenRootKeys: SeenRootKeys = new Map();
  for (const rootTable of new Set(plan.items.map((i) => i.rootTable))) {
    const table = plan.tables.find((t) => t.name === rootTable)!;
    const heldRoot = held.get(rootTable);
    if (heldRoot) {
      const indexes: number[] = [];
      for (let index = 0; index < heldRoot.count; index++) if (!heldRoot.isFailed(index) && !heldRoot.isScanFiltered(index)) indexes.push(index);
      const rows = indexes.map((index) => ({ table: rootTable, values: heldRoot.row(index), file: state.files[heldRoot.fileOf(index)], line: heldRoot.lineOf(index) }));
      const outcomes = await process(rows);
      outcomes.forEach((outcome, i) => {
        const index = indexes[i];
        if (outcome === 'used') heldRoot.markUsed(index);
        else if (outcome !== 'filtered' && heldRoot.markFailed(index)) state.reject({ table: rootTable, file: rows[i].file, line: rows[i].line, reason: outcome.rejected });
      });
      continue;
    }
    const c = state.countsOf(rootTable);
    const keyPositions = table.key.map((k) => columnPosition(table, k));
    const seen = new Set<RowKey>();
    const rejected = new Set<RowKey>();
    const scanFiltered = new Set<RowKey>();
    seenRootKeys.set(rootTable, { seen, rejected, scanFiltered });
    for await (const batch of readTable(source, entries.get(rootTable)!, table, asOf)) {
      const rows: RootRow[] = [];
      const keys: Array<RowKey | null> = [];
      for (const event of batch) {
        c.read++;
        if (event.kind === 'reject') {
          c.rejected++;
          state.reject(event.reject);
          continue;
        }
        // The first row read wins, whether the scan filters keep it or not.
        const key = keyAt(event.values, keyPositions);
        if (key !== null && seen.has(key)) {
          c.rejected++;
          state.reject({ table: rootTable, file: event.file, line: event.line, reason: duplicateKeyReason(table) });
          continue;
        }
        if (key !== null) seen.add(key);
        if (event.kind === 'filtered') {
          c.filtered++;
          if (key !== null) scanFiltered.add(key);
          continue;
        }
        rows.push({ table: rootTable, values: event.values, file: event.file, line: event.line });
        keys.push(key);
      }
      const outcomes = rows.length === 0 ? [] : await process(rows);
      outcomes.forEach((outcome, i) => {
        if (outcome === 'used') c.used++;
        else if (outcome === 'filtered') c.filtered++;
        else {
          c.rejected++;
          // Its children count as orphaned, as they do under a row rejected for a bad value.
          if (keys[i] !== null) rejected.add(keys[i]!);
          state.reject({ table: rootTable, file: rows[i].file, line: rows[i].line, reason: outcome.rejected });
        }
      });
      state.progress('streaming', rootTable);
    }
    state.progress('streaming', rootTable, true);
  }
  return seenRootKeys;
}
