// Runs a plan on one extract: hold the tables other rows need (lookups, groups), stream the
// root rows, build and write their items, and account for every row read.
import type { ByteSource } from '../archive/byte-source.js';
import { listEntries, type ArchiveEntry } from '../archive/central-directory.js';
import { matchEntries } from '../archive/match-entries.js';
import { openEntry } from '../archive/entry-stream.js';
import { readCsvRecords } from '../csv/read-records.js';
import { compileCondition, type EvalContext, type ExprEnv, type Row } from '../eval/compile-expr.js';
import { formatIsoTimestamp } from '../values/calendar.js';
import { EvaluationError } from '../eval/operators.js';
import type { Plan, PlanItem, PlanTable } from '../plan/types.js';
import type { ItemSink } from '../sinks/item-sink.js';
import type { TimestampValue } from '../values/value.js';
import { HeldTable, type HeldRow } from './held-table.js';
import { assembleItem, type ItemAssembler, type RowFailure } from './item-assembler.js';
import { keyAt, type RowKey } from './row-key.js';
import { emptyCounts, reconciles, type RunReport, type TableCounts } from './run-report.js';
import { readTable, type Reject } from './table-reader.js';

export interface RejectSink {
  write(reject: Reject): void;
}

export interface RunProgress {
  phase: 'holding' | 'streaming';
  table: string;
  tables: Record<string, TableCounts>;
  itemsWritten: number;
}

export interface RunInput {
  plan: Plan;
  source: ByteSource;
  asOf: TimestampValue;
  sink: ItemSink;
  rejects: RejectSink;
  /** The run stops (non-zero) when more rows than this are rejected. */
  maxRejects?: number;
  onProgress?: (progress: RunProgress) => void;
}

/** Stops a run before or while it writes: the sink is aborted, nothing becomes visible. */
export class RunFailure extends Error {}

const PROGRESS_EVERY = 25_000;

async function checkHeaders(source: ByteSource, table: PlanTable, entries: ArchiveEntry[]) {
  // A header that does not match must stop the run before any item is written, even when the
  // file is the last one read: look at every file's first lines up front.
  for (const entry of entries) {
    const records = readCsvRecords(openEntry(source, entry), table, entry.name);
    try {
      await records.next();
    } finally {
      await records.return(undefined);
    }
  }
}

function entriesByTable(plan: Plan, entries: ArchiveEntry[], extract: string): Map<string, ArchiveEntry[]> {
  const files = entries.filter((e) => !e.isDirectory);
  const result = new Map<string, ArchiveEntry[]>();
  for (const table of plan.tables) {
    const matched = matchEntries(files, table.pattern);
    if (matched.length === 0) {
      const names = files.map((e) => e.name).slice(0, 20).join(', ');
      throw new RunFailure(`${extract} has no file for table ${table.name} (pattern "${table.pattern}"). The archive holds: ${names || 'nothing'}. ` +
        'Check the table\'s `from "…"` pattern in the mapping, or ask for the extract again.');
    }
    result.set(table.name, matched);
  }
  return result;
}

export async function runPlan(input: RunInput): Promise<RunReport> {
  const { plan, source, asOf, sink } = input;
  const started = Date.now();
  const maxRejects = input.maxRejects ?? Infinity;
  const counts = new Map(plan.tables.map((t) => [t.name, emptyCounts()]));
  const itemCounts = Object.fromEntries(plan.items.map((i) => [i.name, { built: 0, written: 0, filtered: 0 }]));
  const tableFiles = new Map<string, string[]>();
  let rejectCount = 0;
  let itemsWritten = 0;
  const progress = (phase: RunProgress['phase'], table: string) =>
    input.onProgress?.({ phase, table, tables: Object.fromEntries(counts), itemsWritten });
  const reject = (r: Reject) => {
    rejectCount++;
    input.rejects.write(r);
    if (rejectCount > maxRejects) throw new RunFailure(`more than ${maxRejects} rows were rejected (the limit set by --max-rejects); last: ${r.file}:${r.line}: ${r.reason}`);
  };
  const report = (status: RunReport['status'], error?: string): RunReport => ({
    mapping: plan.mapping,
    planHash: plan.sourceHash,
    extract: source.name,
    asOf: formatIsoTimestamp(asOf),
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    tables: Object.fromEntries(plan.tables.map((t) => [t.name, { ...counts.get(t.name)!, files: tableFiles.get(t.name) ?? [] }])),
    items: itemCounts,
    rejects: rejectCount,
    reconciled: [...counts.values()].every(reconciles),
    status,
    ...(error ? { error } : {}),
  });

  try {
    const entries = entriesByTable(plan, await listEntries(source), source.name);
    for (const [table, list] of entries) tableFiles.set(table, list.map((e) => e.name));
    for (const table of plan.tables) await checkHeaders(source, table, entries.get(table.name)!);

    // 1. Hold every table that another table's rows need.
    const held = new Map<string, HeldTable>();
    const files: string[] = [];
    for (const table of plan.tables.filter((t) => t.roles.some((r) => r.kind !== 'root'))) {
      const heldTable = new HeldTable(table);
      held.set(table.name, heldTable);
      const c = counts.get(table.name)!;
      for await (const event of readTable(source, entries.get(table.name)!, table, asOf)) {
        c.read++;
        if (event.kind === 'reject') {
          c.rejected++;
          reject(event.reject);
        } else if (event.kind === 'filtered') {
          c.filtered++;
          const key = keyAt(event.values, heldTable.keyPositions);
          if (key !== null) heldTable.filteredKeys.add(key);
        } else {
          const fileIndex = files.indexOf(event.file) >= 0 ? files.indexOf(event.file) : files.push(event.file) - 1;
          const row: HeldRow = { values: event.values, file: fileIndex, line: event.line, used: false, failed: false };
          const twin = heldTable.add(row);
          if (twin) {
            c.rejected++;
            reject({ table: table.name, file: event.file, line: event.line, reason: `duplicate key: the row at ${files[twin.file]}:${twin.line} has the same ${table.key.join(', ')}; the first one read is kept` });
          }
        }
        if (c.read % PROGRESS_EVERY === 0) progress('holding', table.name);
      }
      progress('holding', table.name);
    }

    // 2. Stream the roots and build items.
    const tables = new Map(plan.tables.map((t) => [t.name, t]));
    const assemblers = plan.items.map((item) => ({ item, assembler: assembleItem(item, tables, held), rootFilter: rootFilterOf(item, tables) }));
    const seenRootKeys = new Map<string, Set<RowKey>>();
    for (const rootTable of [...new Set(plan.items.map((i) => i.rootTable))]) {
      const table = tables.get(rootTable)!;
      const forThisRoot = assemblers.filter((a) => a.item.rootTable === rootTable);
      const c = counts.get(rootTable)!;
      const buildFrom = async (values: Row): Promise<boolean> => {
        let written = false;
        for (const { item, assembler, rootFilter } of forThisRoot) {
          if (rootFilter && !rootFilter(values, asOf)) continue;
          const failures: RowFailure[] = [];
          let built;
          try {
            built = assembler.build(values, asOf, failures);
          } catch (error) {
            if (!(error instanceof EvaluationError)) throw error;
            reportFailures(failures);
            throw new RootRejected(error.message);
          }
          reportFailures(failures);
          itemCounts[item.name].built++;
          if (!built) {
            itemCounts[item.name].filtered++;
            continue;
          }
          const target = plan.targets.find((t) => t.name === item.target)!;
          const pk = built.object.fields.get(target.partitionKey);
          if (pk === null || pk === undefined) throw new RootRejected(`the item's partition key ${target.partitionKey} is null`);
          const pending = sink.write({ item: item.name, target: item.target, attributes: built.object });
          if (pending) await pending;
          for (const row of built.rows) row.used = true;
          itemCounts[item.name].written++;
          itemsWritten++;
          written = true;
        }
        return written;
      };
      const reportFailures = (failures: RowFailure[]) => {
        for (const f of failures) {
          if (!f.row || f.row.failed) continue;
          f.row.failed = true;
          reject({ table: f.table, file: files[f.row.file], line: f.row.line, reason: f.reason });
        }
      };
      const heldRoot = held.get(rootTable);
      if (heldRoot) {
        for (const row of heldRoot.rows) {
          try {
            if (await buildFrom(row.values)) row.used = true;
          } catch (error) {
            if (!(error instanceof RootRejected)) throw error;
            row.failed = true;
            reject({ table: rootTable, file: files[row.file], line: row.line, reason: error.message });
          }
        }
        continue;
      }
      const keyPositions = table.key.map((k) => table.columns.findIndex((col) => col.name === k));
      const seen = new Set<RowKey>();
      seenRootKeys.set(rootTable, seen);
      for await (const event of readTable(source, entries.get(rootTable)!, table, asOf)) {
        c.read++;
        if (c.read % PROGRESS_EVERY === 0) progress('streaming', rootTable);
        if (event.kind === 'reject') {
          c.rejected++;
          reject(event.reject);
          continue;
        }
        const key = keyAt(event.values, keyPositions);
        if (event.kind === 'filtered') {
          c.filtered++;
          if (key !== null) seen.add(key);
          continue;
        }
        if (key !== null && seen.has(key)) {
          c.rejected++;
          reject({ table: rootTable, file: event.file, line: event.line, reason: `duplicate key: an earlier row has the same ${table.key.join(', ')}; the first one read is kept` });
          continue;
        }
        if (key !== null) seen.add(key);
        try {
          if (await buildFrom(event.values)) c.used++;
          else c.filtered++;
        } catch (error) {
          if (!(error instanceof RootRejected)) throw error;
          c.rejected++;
          reject({ table: rootTable, file: event.file, line: event.line, reason: error.message });
        }
      }
      progress('streaming', rootTable);
    }

    // 3. Account for the held rows.
    accountHeldRows(plan, held, seenRootKeys, counts);
    await sink.commit();
    return report('ok');
  } catch (error) {
    await sink.abort();
    if (error instanceof RunFailure || error instanceof Error) return report('failed', error.message);
    throw error;
  }
}

class RootRejected extends Error {}

function rootFilterOf(item: PlanItem, tables: Map<string, PlanTable>): ((root: Row, asOf: TimestampValue) => boolean) | null {
  if (!item.rootFilter) return null;
  const table = tables.get(item.rootTable)!;
  const env: ExprEnv = {
    alias: () => ({ slot: 0, table: table.name }),
    columnIndex: (_t, column) => table.columns.findIndex((c) => c.name === column),
    lookup: () => {
      throw new Error('a root filter reads only the root row');
    },
  };
  const condition = compileCondition(item.rootFilter, env);
  return (root, asOf) => {
    const ctx: EvalContext = { rows: [root], object: null, asOf };
    return condition(ctx);
  };
}

/**
 * Every held row is now used, failed (already counted as rejected), or neither: then it is
 * orphaned when its parent (or an ancestor) is not in the extract, else filtered out by the
 * mapping. Rows of lookup-only tables count as used: they were indexed for lookups.
 */
function accountHeldRows(plan: Plan, held: Map<string, HeldTable>, seenRootKeys: Map<string, Set<RowKey>>, counts: Map<string, TableCounts>) {
  const orphanedKeys = new Map<string, Set<RowKey>>();
  // Plan order is deepest first: walk it backwards so parents are settled before children.
  for (const table of [...plan.tables].reverse()) {
    const heldTable = held.get(table.name);
    if (!heldTable) continue;
    const c = counts.get(table.name)!;
    const grouped = table.roles.find((r) => r.kind === 'grouped');
    const isRoot = table.roles.some((r) => r.kind === 'root');
    const orphaned = new Set<RowKey>();
    orphanedKeys.set(table.name, orphaned);
    for (const row of heldTable.rows) {
      if (row.used) {
        c.used++;
        continue;
      }
      if (row.failed) {
        c.rejected++;
        continue;
      }
      if (!grouped || grouped.kind !== 'grouped') {
        if (isRoot) c.filtered++;
        else c.used++;
        continue;
      }
      const parentKey = heldTable.keyOfGroup(row, grouped.byColumns);
      const parent = held.get(grouped.parentTable);
      const parentPresent = parentKey !== null &&
        (parent ? parent.byKey.has(parentKey) || parent.filteredKeys.has(parentKey) : seenRootKeys.get(grouped.parentTable)?.has(parentKey) ?? false) &&
        !orphanedKeys.get(grouped.parentTable)?.has(parentKey);
      if (parentPresent) {
        c.filtered++;
      } else {
        c.orphaned++;
        const key = keyAt(row.values, heldTable.keyPositions);
        if (key !== null) orphaned.add(key);
      }
    }
  }
}
