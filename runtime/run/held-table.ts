// A table held in memory for the run: its rows (projected columns only) with where they came
// from, an index by key for lookups and duplicate detection, and groups by the columns that
// reference a parent, for collections.
import type { PlanTable } from '../plan/types.js';
import type { Row } from '../eval/compile-expr.js';
import { keyAt, type RowKey } from './row-key.js';

export interface HeldRow {
  values: Row;
  /** Index into the run's list of files, and the 1-based line in that file. */
  file: number;
  line: number;
  /** Set once the row is part of an item that was written. */
  used: boolean;
  /** Set when building an element from it failed (it is in the rejects file). */
  failed: boolean;
}

export class HeldTable {
  readonly rows: HeldRow[] = [];
  readonly byKey = new Map<RowKey, HeldRow>();
  /** Keys of rows the scan filters left out: their children are filtered, not orphaned. */
  readonly filteredKeys = new Set<RowKey>();
  /** Groups by referencing columns, one map per distinct list of columns. */
  private readonly groupings = new Map<string, { positions: number[]; groups: Map<RowKey, HeldRow[]> }>();
  readonly keyPositions: number[];

  constructor(readonly plan: PlanTable) {
    this.keyPositions = plan.key.map((c) => this.position(c));
    for (const role of plan.roles) {
      if (role.kind === 'grouped') this.groupingFor(role.byColumns);
    }
  }

  position(column: string): number {
    const index = this.plan.columns.findIndex((c) => c.name === column);
    if (index < 0) throw new Error(`the plan reads ${this.plan.name}.${column}, which it does not project: recompile the mapping`);
    return index;
  }

  private groupingFor(columns: string[]) {
    const id = columns.join('\u001f');
    let grouping = this.groupings.get(id);
    if (!grouping) {
      grouping = { positions: columns.map((c) => this.position(c)), groups: new Map() };
      this.groupings.set(id, grouping);
    }
    return grouping;
  }

  /** Adds a row; returns the row already held under the same key, if any (the row is then not added). */
  add(row: HeldRow): HeldRow | null {
    const key = keyAt(row.values, this.keyPositions);
    if (key !== null) {
      const twin = this.byKey.get(key);
      if (twin) return twin;
      this.byKey.set(key, row);
    }
    this.rows.push(row);
    for (const { positions, groups } of this.groupings.values()) {
      const groupKey = keyAt(row.values, positions);
      if (groupKey === null) continue;
      const group = groups.get(groupKey);
      if (group) group.push(row);
      else groups.set(groupKey, [row]);
    }
    return null;
  }

  /** The rows whose `columns` equal a parent's key. */
  groups(columns: string[]): Map<RowKey, HeldRow[]> {
    return this.groupingFor(columns).groups;
  }

  keyOfGroup(row: HeldRow, columns: string[]): RowKey | null {
    return keyAt(row.values, this.groupingFor(columns).positions);
  }
}
