// What the phases of one run share: the counts per table, the rejects (with the limit the
// user set), the caps on what is read, the list of files rows come from, the records read from each, and progress reporting.
import type { Plan, PlanTable } from '../plan/types.js';
import { formatIsoTimestamp } from '../values/calendar.js';
import type { TimestampValue } from '../values/value.js';
import { emptyCounts, reconciles, type RunReport, type TableCounts, type TableReport } from './run-report.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './read-limits.js';

/** A row the run could not use: where it was read and why. */
export interface Reject {
  table: string;
  file: string;
  line: number;
  column?: string;
  value?: string;
  reason: string;
}

export interface RejectSink {
  write(reject: Reject): void;
}

export interface RunProgress {
  phase: 'holding' | 'streaming';
  /** True once the table is read to its end. */
  finished: boolean;
  table: string;
  tables: Record<string, TableCounts>;
  itemsWritten: number;
}

/** Stops a run: the sink is aborted, nothing becomes visible. */
export class RunFailure extends Error {}

export class RunState {
  readonly counts: Map<string, TableCounts>;
  readonly items: RunReport['items'];
  /** Files rows were read from; held rows keep an index into this list. */
  readonly files: string[] = [];
  private readonly fileIndexes = new Map<string, number>();
  /** Records read from each file of a table (every record, the header not counted), by table: what the manifest's counts are checked against. */
  readonly recordsRead = new Map<string, Map<string, number>>();
  rejectCount = 0;
  itemsWritten = 0;

  constructor(
    plan: Plan,
    private readonly rejects: RejectSink,
    private readonly maxRejects: number,
    private readonly onProgress?: (progress: RunProgress) => void,
    readonly limits: ReadLimits = DEFAULT_READ_LIMITS,
  ) {
    this.counts = new Map(plan.tables.map((t) => [t.name, emptyCounts()]));
    this.items = Object.fromEntries(plan.items.map((i) => [i.name, { built: 0, written: 0, filtered: 0 }]));
  }

  countsOf(table: string): TableCounts {
    return this.counts.get(table)!;
  }

  recordsReadOf(table: string): Map<string, number> {
    let files = this.recordsRead.get(table);
    if (!files) this.recordsRead.set(table, (files = new Map()));
    return files;
  }

  fileIndex(file: string): number {
    let index = this.fileIndexes.get(file);
    if (index === undefined) {
      index = this.files.push(file) - 1;
      this.fileIndexes.set(file, index);
    }
    return index;
  }

  reject(reject: Reject): void {
    this.rejectCount++;
    this.rejects.write(reject);
    if (this.rejectCount > this.maxRejects) {
      throw new RunFailure(
        `more than ${this.maxRejects} rows were rejected (the limit set by --max-rejects); the last: ${reject.file}:${reject.line}: ${reject.reason}`,
      );
    }
  }

  /** The run report as things stand; `files` lists each table's archive entries. */
  report(
    plan: Plan,
    run: { extract: string; asOf: TimestampValue; started: number; files: Map<string, string[]> },
    status: RunReport['status'],
    extra: { error?: string; incremental?: boolean; shard?: string } = {},
  ): RunReport {
    return {
      mapping: plan.mapping,
      planHash: plan.sourceHash,
      extract: run.extract,
      asOf: formatIsoTimestamp(run.asOf),
      startedAt: new Date(run.started).toISOString(),
      seconds: (Date.now() - run.started) / 1000,
      tables: Object.fromEntries(plan.tables.map((t) => [t.name, this.tableReport(t, run.files.get(t.name))])),
      items: status === 'failed' ? unconfirmedItems(this.items) : this.items,
      rejects: this.rejectCount,
      reconciled: [...this.counts.values()].every(reconciles),
      status,
      ...(extra.incremental ? { incremental: true } : {}),
      ...(extra.shard ? { shard: extra.shard } : {}),
      ...(extra.error ? { error: extra.error } : {}),
    };
  }

  /** A table's counts and files (undefined: the run stopped before it looked for them). */
  private tableReport(table: PlanTable, files: string[] | undefined): TableReport {
    const absent = table.optional === true && files !== undefined && files.length === 0;
    return { ...this.countsOf(table.name), files: files ?? [], ...(absent ? { absent: true } : {}) };
  }

  progress(phase: RunProgress['phase'], table: string, finished = false): void {
    this.onProgress?.({
      phase,
      table,
      finished,
      tables: Object.fromEntries(this.counts),
      itemsWritten: this.itemsWritten,
    });
  }
}

/**
 * A failed run's item counts: nothing it sent is confirmed written (a preview's file never
 * appears; a writer that failed may have stored some, which a rerun converges), so `written`
 * is 0 and `sent` says how many went to the sink before it failed.
 */
function unconfirmedItems(items: RunReport['items']): RunReport['items'] {
  return Object.fromEntries(
    Object.entries(items).map(([name, counts]) => [name, { ...counts, written: 0, sent: counts.written }]),
  );
}
