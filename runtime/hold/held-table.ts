// A table held in memory for the run, column by column (column-store.ts), with where each row
// came from and what became of it, an index by key where one is needed (lookups, parents,
// duplicates), and its rows grouped by the columns that reference a parent.
import type { PlanTable } from '../plan/types.js';
import type { Row } from '../eval/compile-expr.js';
import type { Value } from '../values/value.js';
import { ColumnStore, type ColumnSnapshot } from './column-store.js';
import { columnPosition } from '../plan/column-position.js';
import { FirstSeenKeys } from './first-seen-keys.js';
import { KeyIndex, type KeyIndexSnapshot } from './key-index.js';
import { keyAt, type RowKey } from '../eval/row-key.js';
import { grown, inSharedMemory, sharedArray } from './shared-arrays.js';

/** Groups up to this size find twins by comparing keys pairwise. */
const SMALL_GROUP = 16;

// A row's state is a byte of bits: what became of it, and where it came from.
const USED = 1;
const FAILED = 2;
/** A twin of a row kept under the same key (also FAILED). */
const DUPLICATE = 4;

/** Where a held row came from (its bit in the row's state; numbers at run time). */
export const RowOrigin = {
  /** Read from this extract. */
  Extract: 0,
  /** Not read from this extract: kept by an earlier run and loaded to merge new rows under it. */
  Earlier: 8,
  /** Read from this extract but dropped by the scan filters, held anyway (incremental runs): it removes its stored twin. */
  ScanFiltered: 16,
} as const;
export type RowOrigin = (typeof RowOrigin)[keyof typeof RowOrigin];

/** A held row's index (>= 0). */
export type HeldIndex = number;

/** What add() did with a row, when it did not find a twin (numbers at run time). */
export const AddOutcome = {
  /** The row is held (at index count - 1). */
  Added: -1,
  /** Not added: a row with its key was dropped by the scan filters. */
  TwinFiltered: -2,
} as const;
/** add()'s answer: AddOutcome.Added, AddOutcome.TwinFiltered, or the index of the row already held under the key (the new one is then not added). */
export type AddOutcome = (typeof AddOutcome)[keyof typeof AddOutcome] | HeldIndex;

/**
 * Rows grouped by the columns that reference a parent, laid out compactly once loading ends:
 * `rows` holds row indexes group after group, group g at rows[starts[g] .. starts[g + 1]).
 */
interface Grouping {
  positions: number[];
  /** The group key of every row, while rows are added (null: no parent). */
  keysByRow: Array<RowKey | null> | null;
  ids: KeyIndex;
  starts: Int32Array;
  rows: Int32Array;
}

/**
 * The rows of one parent, found by its key: group `idOf(key)` (-1: none) is
 * rows[starts[id] .. starts[id + 1]). Plain arrays rather than a view per group: creating a
 * typed-array view per lookup cost more than the lookup.
 */
export interface GroupIndex {
  rows: Int32Array;
  starts: Int32Array;
  idOf(key: RowKey): number;
}

/**
 * A sealed table as plain data for build threads (HeldTable.share()): its typed arrays,
 * row states included, live in SharedArrayBuffers, so a thread that marks a row used marks
 * it for every thread.
 */
export interface HeldTableSnapshot {
  plan: PlanTable;
  isParent: boolean;
  count: number;
  columns: ColumnSnapshot[];
  files: Uint16Array;
  lines: Int32Array;
  states: Uint8Array;
  byKey: KeyIndexSnapshot | null;
  filteredKeys: Set<RowKey>;
  groupings: Array<{ id: string; ids: KeyIndexSnapshot; starts: Int32Array; rows: Int32Array }>;
}

export interface Duplicate {
  index: number;
  twin: number;
}

export class HeldTable {
  count = 0;
  private readonly columns: ColumnStore[];
  private readonly intColumns: boolean[];
  private files: Uint16Array = sharedArray(Uint16Array, 1024);
  private lines: Int32Array = sharedArray(Int32Array, 1024);
  private states: Uint8Array = sharedArray(Uint8Array, 1024);
  /** By key, for tables other rows look up or hang under, and to find duplicates. */
  byKey: KeyIndex | null;
  /** Keys of rows the scan filters left out: their children are filtered, not orphaned. */
  filteredKeys = new Set<RowKey>();
  readonly keyPositions: number[];
  private readonly groupings = new Map<string, Grouping>();
  /** Rows materialised for lookups, which read the same rows again and again. */
  private readonly lookupCache: Array<Row | undefined> | null;
  /** Duplicates inside one group, found by seal() (when the key includes the group columns). */
  private readonly duplicateCheckInGroups: { grouping: Grouping; rest: number[] } | null;
  /** Where each row the scan filters dropped was read (addFiltered), for the reject of a later twin. */
  private filteredAt: FirstSeenKeys | null = null;

  /** `isParent`: other tables' rows hang under this one's (their parent must be findable by key). */
  constructor(
    readonly plan: PlanTable,
    private readonly isParent: boolean,
  ) {
    this.columns = plan.columns.map((c) => new ColumnStore(c.type));
    this.intColumns = plan.columns.map((c) => c.type === 'int');
    this.keyPositions = plan.key.map((c) => this.position(c));
    for (const role of plan.roles) if (role.kind === 'grouped') this.groupingFor(role.byColumns);
    // A child whose key contains its parent's columns (order_lines: order_id, line_no) can only
    // have a twin in its own group: no table-wide index is needed for it.
    const grouping = [...this.groupings.values()].find((g) => g.positions.every((p) => this.keyPositions.includes(p)));
    // Twins must be found among rows the scan filters drop too (the first row read wins, kept or not).
    const needsIndex = isParent || plan.filters.length > 0 || plan.roles.some((r) => r.kind !== 'grouped') || !grouping;
    this.byKey = needsIndex ? new KeyIndex() : null;
    this.duplicateCheckInGroups =
      needsIndex || !grouping
        ? null
        : { grouping, rest: this.keyPositions.filter((p) => !grouping.positions.includes(p)) };
    this.lookupCache = plan.roles.some((r) => r.kind === 'lookup') ? [] : null;
  }

  /** The table in another thread, reading the same shared memory (see HeldTableSnapshot). */
  static fromSnapshot(snapshot: HeldTableSnapshot): HeldTable {
    const table = new HeldTable(snapshot.plan, snapshot.isParent);
    table.count = snapshot.count;
    table.columns.splice(0, table.columns.length, ...snapshot.columns.map((c) => ColumnStore.fromSnapshot(c)));
    table.files = snapshot.files;
    table.lines = snapshot.lines;
    table.states = snapshot.states;
    table.byKey = snapshot.byKey === null ? null : KeyIndex.fromSnapshot(snapshot.byKey);
    table.filteredKeys = snapshot.filteredKeys;
    for (const { id, ids, starts, rows } of snapshot.groupings) {
      const grouping = table.groupings.get(id)!;
      Object.assign(grouping, { ids: KeyIndex.fromSnapshot(ids), starts, rows, keysByRow: null });
    }
    return table;
  }

  /**
   * After seal(): the table as plain data for HeldTable.fromSnapshot in a build thread. Its
   * typed arrays are in shared memory from the start: the thread reads them, and marks rows,
   * in place.
   */
  share(): HeldTableSnapshot {
    const groupings = [...this.groupings].map(([id, grouping]) => {
      if (grouping.keysByRow !== null) throw new Error(`the table ${this.plan.name} is shared before it was sealed`);
      return {
        id,
        ids: grouping.ids.share(),
        starts: inSharedMemory(grouping.starts),
        rows: inSharedMemory(grouping.rows),
      };
    });
    return {
      plan: this.plan,
      isParent: this.isParent,
      count: this.count,
      columns: this.columns.map((c) => c.share()),
      files: inSharedMemory(this.files),
      lines: inSharedMemory(this.lines),
      states: inSharedMemory(this.states),
      byKey: this.byKey === null ? null : this.byKey.share(),
      filteredKeys: this.filteredKeys,
      groupings,
    };
  }

  position(column: string): number {
    return columnPosition(this.plan, column);
  }

  private groupingFor(columns: string[]): Grouping {
    const id = columns.join('\u001f');
    let grouping = this.groupings.get(id);
    if (!grouping) {
      grouping = {
        positions: columns.map((c) => this.position(c)),
        keysByRow: [],
        ids: new KeyIndex(),
        starts: sharedArray(Int32Array, 1),
        rows: sharedArray(Int32Array, 0),
      };
      this.groupings.set(id, grouping);
    }
    return grouping;
  }

  /**
   * Records a row the scan filters dropped: its key still counts (children of it are filtered,
   * not orphaned; a later twin is a duplicate). Returns false when the key was seen already.
   */
  addFiltered(values: Row, file: number, line: number): boolean {
    const key = this.keyOfValues(values, this.keyPositions);
    if (key === null) return true;
    if (this.filteredKeys.has(key) || this.byKey?.has(key)) return false;
    this.filteredKeys.add(key);
    (this.filteredAt ??= new FirstSeenKeys()).add(key, file, line);
    return true;
  }

  /** The key of a row being added, as add() takes it (null: a key column is null). */
  keyOfRow(values: Row): RowKey | null {
    return this.keyOfValues(values, this.keyPositions);
  }

  /**
   * Where the first row read under `key` came from (its file's number and line), held or
   * dropped by the scan filters; undefined when the table never read one (or keeps no index).
   */
  firstRowOf(key: RowKey): { fileNumber: number; line: number } | undefined {
    const index = this.byKey?.get(key);
    if (index !== undefined) return { fileNumber: this.files[index], line: this.lines[index] };
    return this.filteredAt?.firstOf(key);
  }

  /**
   * Adds a row read from `file` at `line`, marked with its origin: read from this extract
   * (the default), or held though the scan filters drop it (incremental runs: it is no
   * element, but a re-delivered row the mapping now filters out must take its stored twin
   * out of the item).
   */
  add(values: Row, file: number, line: number, origin: RowOrigin = RowOrigin.Extract): AddOutcome {
    if (this.byKey) {
      const key = this.keyOfValues(values, this.keyPositions);
      if (key !== null) {
        const twin = this.byKey.get(key);
        if (twin !== undefined) return twin;
        if (this.filteredKeys.has(key)) return AddOutcome.TwinFiltered;
        this.byKey.set(key, this.count);
      }
    }
    const index = this.count++;
    for (let c = 0; c < this.columns.length; c++) this.columns[c].push(values[c]);
    if (index >= this.files.length) {
      this.files = grown(this.files, index + 1);
      this.lines = grown(this.lines, index + 1);
      this.states = grown(this.states, index + 1);
    }
    this.files[index] = file;
    this.lines[index] = line;
    if (origin !== RowOrigin.Extract) this.states[index] = origin;
    for (const grouping of this.groupings.values())
      grouping.keysByRow!.push(this.keyOfValues(values, grouping.positions));
    return AddOutcome.Added;
  }

  /** Room for `rows` rows in all (an estimate is fine): growing the arrays as rows come copies them. */
  reserve(rows: number): void {
    for (const column of this.columns) column.reserve(rows);
    this.files = grown(this.files, rows);
    this.lines = grown(this.lines, rows);
    this.states = grown(this.states, rows);
  }

  isScanFiltered(index: number): boolean {
    return (this.states[index] & RowOrigin.ScanFiltered) !== 0;
  }

  /**
   * Adds rows after seal(), marked with their origin: they join the key index and the groups
   * (sealed again). Returns how many were not added, a row with their key being held already.
   */
  addAfterSeal(rows: readonly Row[], file: number, origin: RowOrigin): number {
    if (rows.length === 0) return 0;
    for (const grouping of this.groupings.values()) {
      grouping.keysByRow = [];
      grouping.ids = new KeyIndex();
      for (let index = 0; index < this.count; index++)
        grouping.keysByRow.push(this.keyOfColumns(index, grouping.positions));
    }
    let twins = 0;
    for (const values of rows) if (this.add(values, file, 0, origin) !== AddOutcome.Added) twins++;
    this.seal();
    return twins;
  }

  /** Where the row came from: this extract (scan-filtered or not), or an earlier run. */
  originOf(index: number): RowOrigin {
    const state = this.states[index];
    if ((state & RowOrigin.Earlier) !== 0) return RowOrigin.Earlier;
    return (state & RowOrigin.ScanFiltered) !== 0 ? RowOrigin.ScanFiltered : RowOrigin.Extract;
  }

  /** Ends loading: groups become compact arrays; duplicates found inside groups are returned (and left out). */
  seal(): Duplicate[] {
    const duplicates: Duplicate[] = [];
    for (const grouping of this.groupings.values()) {
      const keys = grouping.keysByRow!;
      // Counting sort by group, keeping read order inside each group.
      const groupOfRow = new Int32Array(keys.length).fill(-1);
      const sizes: number[] = [];
      // Files often list a parent's children together (an order's lines): the last group is
      // tried first.
      let lastKey: RowKey | null = null;
      let lastId = -1;
      for (let index = 0; index < keys.length; index++) {
        const key = keys[index];
        if (key === null) continue;
        let id = key === lastKey ? lastId : grouping.ids.get(key);
        if (id === undefined) {
          id = sizes.push(0) - 1;
          grouping.ids.set(key, id);
        }
        lastKey = key;
        lastId = id;
        sizes[id]++;
        groupOfRow[index] = id;
      }
      const starts = sharedArray(Int32Array, sizes.length + 1);
      for (let g = 0; g < sizes.length; g++) starts[g + 1] = starts[g] + sizes[g];
      const fill = starts.slice(0, sizes.length);
      const rows = sharedArray(Int32Array, starts[sizes.length]);
      for (let index = 0; index < keys.length; index++) {
        const id = groupOfRow[index];
        if (id >= 0) rows[fill[id]++] = index;
      }
      grouping.starts = starts;
      grouping.rows = rows;
      grouping.keysByRow = null;
      if (this.duplicateCheckInGroups?.grouping === grouping)
        this.markTwins(grouping, this.duplicateCheckInGroups.rest, duplicates);
    }
    return duplicates;
  }

  /** Marks later rows of a group that repeat an earlier row's key (the first one read wins). */
  private markTwins(grouping: Grouping, positions: number[], duplicates: Duplicate[]) {
    const { starts, rows } = grouping;
    const keys: Array<RowKey | null> = [];
    for (let g = 0; g + 1 < starts.length; g++) {
      const size = starts[g + 1] - starts[g];
      if (size < 2) continue;
      keys.length = 0;
      for (let at = starts[g]; at < starts[g + 1]; at++) keys.push(this.keyOfColumns(rows[at], positions));
      // Groups are small (the lines of one order): comparing each key with those before it
      // costs less than a map per group; a large group gets one.
      const seen = size > SMALL_GROUP ? new Map<RowKey, number>() : null;
      for (let i = 0; i < size; i++) {
        const key = keys[i];
        if (key === null) continue;
        let twin: number | undefined;
        if (seen === null) {
          for (let j = 0; j < i && twin === undefined; j++) if (keys[j] === key) twin = rows[starts[g] + j];
        } else {
          twin = seen.get(key);
          if (twin === undefined) seen.set(key, rows[starts[g] + i]);
        }
        if (twin !== undefined) {
          const index = rows[starts[g] + i];
          duplicates.push({ index, twin });
          this.states[index] = FAILED | DUPLICATE;
        }
      }
    }
  }

  row(index: number): Row {
    const cached = this.lookupCache?.[index];
    if (cached) return cached;
    const row: Value[] = new Array(this.columns.length);
    for (let c = 0; c < this.columns.length; c++) row[c] = this.columns[c].get(index);
    if (this.lookupCache) this.lookupCache[index] = row;
    return row;
  }

  /** The rows whose `columns` equal a parent's key (after seal()). Twins found by seal() are in their group, marked failed. */
  groups(columns: string[]): GroupIndex {
    const grouping = this.groupingFor(columns);
    if (grouping.keysByRow !== null)
      throw new Error(`the groups of ${this.plan.name} are read before the table was sealed`);
    const { ids, rows, starts } = grouping;
    return { rows, starts, idOf: (key) => ids.get(key) ?? -1 };
  }

  groupKeyOf(index: number, columns: string[]): RowKey | null {
    return this.keyOfColumns(index, this.groupingFor(columns).positions);
  }

  /** groupKeyOf for many rows: the columns are resolved once. */
  groupKeyReader(columns: string[]): (index: number) => RowKey | null {
    const { positions } = this.groupingFor(columns);
    return (index) => this.keyOfColumns(index, positions);
  }

  /** The key of a held row's values in `columns` (no grouping is made for them). */
  keyOfNamedColumns(index: number, columns: readonly string[]): RowKey | null {
    return this.keyOfColumns(
      index,
      columns.map((c) => this.position(c)),
    );
  }

  keyOf(index: number): RowKey | null {
    return this.keyOfColumns(index, this.keyPositions);
  }

  /**
   * keyAt of a row being added, whose ints may be JS numbers (rows read for holding, see
   * compileCellReader): an int's number is the key keyAt makes of its bigint, and a key of
   * several columns is their text, the same for both.
   */
  private keyOfValues(values: Row, positions: readonly number[]): RowKey | null {
    return readRowKey(values, positions, this.intColumns);
  }

  /** The key of a held row's values at `positions` (the row is not materialised whole). */
  private keyOfColumns(index: number, positions: readonly number[]): RowKey | null {
    if (positions.length === 1) return this.columns[positions[0]].keyAt(index);
    const values = positions.map((p) => this.columns[p].get(index));
    return keyAt(
      values,
      values.map((_, i) => i),
    );
  }

  hasKey(key: RowKey): boolean {
    if (this.byKey) return this.byKey.has(key);
    throw new Error(`table ${this.plan.name} keeps no index by key`);
  }

  fileOf(index: number): number {
    return this.files[index];
  }

  lineOf(index: number): number {
    return this.lines[index];
  }

  isUsed(index: number): boolean {
    return (this.states[index] & USED) !== 0;
  }

  isFailed(index: number): boolean {
    return (this.states[index] & FAILED) !== 0;
  }

  isDuplicate(index: number): boolean {
    return (this.states[index] & DUPLICATE) !== 0;
  }

  markUsed(index: number): void {
    this.states[index] |= USED;
  }

  /** Returns false when it was marked already (its reject is written once). */
  markFailed(index: number): boolean {
    if (this.isFailed(index)) return false;
    this.states[index] |= FAILED;
    return true;
  }
}

/**
 * The key at `positions` of a row as read for holding (readTable's `forHolding`: the ints of a
 * table without scan filters come as JS numbers, each its own key), as a held table keys it.
 */
export function readRowKey(values: Row, positions: readonly number[], intColumns: readonly boolean[]): RowKey | null {
  if (positions.length === 1) {
    const value = values[positions[0]];
    if (typeof value === 'number' && intColumns[positions[0]]) return value;
  }
  return keyAt(values, positions);
}
