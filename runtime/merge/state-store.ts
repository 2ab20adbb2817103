// What incremental runs keep between extracts (docs/design.md, "Running incrementally"), behind one
// interface so the merge logic is tested on a store in memory and runs on a DynamoDB control
// table (control/control-table.ts). The interface speaks the runtime's own values; a store
// keeps them in its own form (the control table as DynamoDB AttributeValues) and gives them
// back in their stored form: a value's type is not kept, so numbers come back as bigints
// (whole) or decimals, dates and timestamps as their ISO text, maps as objects; the plan's
// types read them again (stored-values.ts, stored-item.ts).
import type { ExtractIdentity } from '../archive/extract-location.js';
import type { ItemObject, ItemValue } from '../eval/item-value.js';
import { formatIsoDate, formatIsoTimestamp } from '../values/calendar.js';
import { decimalToString } from '../values/decimal.js';
import { canonicalNumber } from '../values/number-text.js';

export type { ExtractIdentity };

/** Values by name: a row's projected columns, or an item's key attributes. */
export type StoredValues = Record<string, ItemValue>;
/** An item's key attributes (partition key, and sort key if any), by name. */
export type StoredKey = StoredValues;

/**
 * What became of an extract for a mapping:
 * - running: a run started and has not finished; if no run holds the lease, it crashed;
 * - applied: its rows are merged;
 * - failed: the run stopped with an error it recorded (`error`);
 * - skipped: someone decided it is not to be applied (`mapc ledger skip`, `skipReason`).
 * Applied and skipped extracts are done: later extracts may go on.
 */
export type LedgerStatus = 'running' | 'applied' | 'failed' | 'skipped';

export interface LedgerEntry {
  mapping: string;
  /** identityKey(identity) */
  extract: string;
  identity: ExtractIdentity;
  planHash: string;
  /** The run's as_of (ISO). */
  asOf?: string;
  /** A shard's run: "i/N" (the extract is applied once every shard of N has applied it). */
  shard?: string;
  status: LedgerStatus;
  /** When the run started; for an extract skipped before any run recorded it, when it was skipped. */
  startedAt: string;
  finishedAt?: string;
  /** The run report's counts (JSON text), once finished. */
  report?: string;
  /** failed: the error the run stopped with. */
  error?: string;
  /** skipped: when, who and why. */
  skippedAt?: string;
  skippedBy?: string;
  skipReason?: string;
}

/** A row whose parent had not arrived, kept until it has. `values` are its projected columns. */
export interface ParkedRow {
  table: string;
  /** Unique per row: where it was read (extract, file, line). */
  id: string;
  extract: string;
  file: string;
  line: number;
  parkedAt: string;
  reason: string;
  values: StoredValues;
  /**
   * No longer parked: a shard of this extract (its identityKey) settled it, and keeps it here
   * so that the extract's other shards still learn which shard its children go to (a row of a
   * table others hang under that was rejected is stored nowhere else). Runs of later extracts
   * take it out.
   */
  settledBy?: string;
}

/** A stored row of a root, parent or lookup table; null values: the scan filters dropped it. */
export interface StoredRow {
  key: string;
  values: StoredValues | null;
}

export type LeaseResult = { ok: true } | { ok: false; holder: string; until: string };

/** The lease of a run of every shard (a run as one), or of one shard's runs ("shard i/N": shards of an extract run at once). */
export const WHOLE_RUN_LEASE = 'lease';

export interface StateStore {
  /** `scope`: which lease (default WHOLE_RUN_LEASE). */
  acquireLease(owner: string, durationMs: number, scope?: string): Promise<LeaseResult>;
  /** False when the lease was lost (expired and taken by another run). */
  renewLease(owner: string, durationMs: number, scope?: string): Promise<boolean>;
  releaseLease(owner: string, scope?: string): Promise<void>;

  ledger(mapping: string): Promise<LedgerEntry[]>;
  recordLedger(entry: LedgerEntry): Promise<void>;

  getRows(mapping: string, table: string, keys: string[]): Promise<Map<string, StoredValues | null>>;
  /**
   * `writers`: how many runs put their own share of the table's rows (the shards of an
   * extract, each about as many): a table first written here is laid out for all of them.
   */
  putRows(mapping: string, table: string, rows: StoredRow[], writers?: number): Promise<void>;

  parkedRows(mapping: string, table: string): Promise<ParkedRow[]>;
  park(mapping: string, rows: ParkedRow[]): Promise<void>;
  unpark(mapping: string, rows: Array<{ table: string; id: string }>): Promise<void>;

  /**
   * Items the mapping's `require` left out, kept here instead of in their table, so that the
   * rows in them are not lost: a later extract may bring what makes the item pass.
   */
  heldBackItems(mapping: string, target: string, keys: StoredKey[]): Promise<Map<string, ItemObject>>;
  /** `writers`: as for putRows. */
  holdBack(mapping: string, target: string, items: HeldBackItem[], writers?: number): Promise<void>;
  releaseHeldBack(mapping: string, target: string, keys: StoredKey[]): Promise<void>;
}

export interface HeldBackItem {
  key: StoredKey;
  item: ItemObject;
}

/** Reads the items earlier runs wrote, by key; found items by itemKeyText of their key. */
export interface ItemReader {
  getItems(target: string, keys: StoredKey[]): Promise<Map<string, ItemObject>>;
}

/** S3 objects by version or ETag (a re-upload of the same bytes is the same extract); local files by modification time. */
export function identityKey(identity: ExtractIdentity): string {
  return [identity.uri, identity.versionId ?? identity.etag ?? identity.lastModified ?? '', String(identity.size)].join(
    '|',
  );
}

/**
 * The text a key's attributes are matched by: equal keys, equal text (12.50 and 12.5 are one
 * number key, as to DynamoDB). The control table keeps it in its own keys, so it does not
 * change: each attribute as its DynamoDB type ({"S":…} or {"N":…}, numbers canonical).
 */
export function itemKeyText(key: StoredKey): string {
  return JSON.stringify(
    Object.keys(key)
      .sort()
      .map((name) => [name, keyAttribute(key[name])]),
  );
}

function keyAttribute(value: ItemValue): object {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'bigint' || typeof value === 'number') return { N: canonicalNumber(String(value)) };
  if (Array.isArray(value)) throw new TypeError('a key attribute is a list');
  switch (value.kind) {
    case 'decimal':
      return { N: canonicalNumber(decimalToString(value)) };
    case 'date':
      return { S: formatIsoDate(value) };
    case 'timestamp':
      return { S: formatIsoTimestamp(value) };
    default:
      throw new TypeError('a key attribute is a map');
  }
}
