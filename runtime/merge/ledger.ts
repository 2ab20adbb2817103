// A mapping's ledger for people and tools: its extracts listed oldest as_of first with what
// their runs did (`mapc ledger`), and marking a broken extract skipped so that later extracts
// can go on (`mapc ledger skip`). The command line and the job runner both call these.
import { byExtract, latestPerUri } from './ledger-order.js';
import {
  identityKey,
  type ExtractIdentity,
  type LedgerEntry,
  type LedgerStatus,
  type StateStore,
} from './state-store.js';

/** Totals over the tables and items of a run report. */
export interface ExtractCounts {
  rowsRead: number;
  /** Rows parked by earlier runs and read again. */
  rowsRetried: number;
  rowsRejected: number;
  rowsParked: number;
  itemsWritten: number;
}

/** A ledger entry as shown: its run report read into counts, and how long the run took. */
export interface LedgerListing extends Omit<LedgerEntry, 'report'> {
  /** Once a run finished (a failed run: what it got through before it stopped). */
  counts?: ExtractCounts;
  /** From start to finish. */
  seconds?: number;
}

/** The mapping's ledger, oldest as_of first (then oldest start); an extract's shards as one entry (byExtract). */
export async function listLedger(store: Pick<StateStore, 'ledger'>, mapping: string): Promise<LedgerListing[]> {
  const entries = byExtract(await store.ledger(mapping));
  return entries.sort(byAsOfThenStart).map(toListing);
}

function byAsOfThenStart(a: LedgerEntry, b: LedgerEntry): number {
  const [x, y] = [a.asOf ?? a.startedAt, b.asOf ?? b.startedAt];
  if (x !== y) return x < y ? -1 : 1;
  return a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0;
}

function toListing(entry: LedgerEntry): LedgerListing {
  const { report, ...rest } = entry;
  const counts = report === undefined ? undefined : countsOf(report);
  const seconds =
    entry.finishedAt === undefined ? undefined : (Date.parse(entry.finishedAt) - Date.parse(entry.startedAt)) / 1000;
  return {
    ...rest,
    ...(counts ? { counts } : {}),
    ...(seconds !== undefined && Number.isFinite(seconds) ? { seconds } : {}),
  };
}

interface StoredReport {
  tables?: Record<string, { read?: number; retried?: number; rejected?: number; parked?: number }>;
  items?: Record<string, { written?: number }>;
}

function countsOf(reportJson: string): ExtractCounts | undefined {
  let report: StoredReport;
  try {
    report = JSON.parse(reportJson);
  } catch {
    return undefined;
  }
  const tables = Object.values(report.tables ?? {});
  const sum = (values: Array<number | undefined>) => values.reduce<number>((total, n) => total + (n ?? 0), 0);
  return {
    rowsRead: sum(tables.map((t) => t.read)),
    rowsRetried: sum(tables.map((t) => t.retried)),
    rowsRejected: sum(tables.map((t) => t.rejected)),
    rowsParked: sum(tables.map((t) => t.parked)),
    itemsWritten: sum(Object.values(report.items ?? {}).map((i) => i.written)),
  };
}

/** What the ledger records of an extract no run has recorded yet, read from the extract itself. */
export interface DescribedExtract {
  identity: ExtractIdentity;
  /** ISO 8601. */
  asOf: string;
  /** Where as_of came from, in words ("its _manifest.json", …). */
  asOfFrom: string;
}

export interface SkipRequest {
  /** The mappings to skip the extract for, with their plan's hash (recorded in an entry made from scratch). */
  mappings: Array<{ mapping: string; planHash: string }>;
  /** The extract as the ledger shows it: s3://bucket/key, or a local file's absolute path. */
  uri: string;
  reason: string;
  /** Who skips it, as the ledger shows it (user@host, the job's name). */
  by: string;
  /** Holds the lease while the skip is recorded; default "<by> (mapc ledger skip)". */
  owner?: string;
  /** Called (once) when some mapping's ledger has no entry for the URI. */
  describeExtract(): Promise<DescribedExtract>;
  now?: () => Date;
}

export interface SkippedExtract {
  /** The entry as recorded. */
  entry: LedgerEntry;
  /** Its status before; `unrecorded` when no run had recorded the extract. */
  previously: LedgerStatus | 'unrecorded';
  /** Set when the entry was made from the extract itself. */
  described?: DescribedExtract;
}

export type SkipResult =
  | { ok: true; skipped: SkippedExtract[] }
  | {
      ok: false;
      error: string;
      /** The mappings that applied the extract already (nothing was recorded). */ appliedFor: string[];
    };

const SKIP_LEASE_MS = 60_000;

/**
 * Marks an extract skipped for each mapping, so that later extracts apply: recorded against
 * the newest entry of its URI (the identity the last run saw), or, for a mapping that has
 * none, a new entry with the identity and as_of the extract itself gives. Refuses, recording
 * nothing, when a mapping applied it already or when a run holds the lease (it could record
 * the extract after the skip).
 */
export async function skipExtract(store: StateStore, request: SkipRequest): Promise<SkipResult> {
  const reason = request.reason.trim();
  if (reason === '')
    return {
      ok: false,
      error: 'give the reason for skipping the extract: the ledger shows it to whoever looks later',
      appliedFor: [],
    };
  const owner = request.owner ?? `${request.by} (mapc ledger skip)`;
  const lease = await store.acquireLease(owner, SKIP_LEASE_MS);
  if (!lease.ok) {
    return {
      ok: false,
      error:
        `a run (${lease.holder}) holds the lease until ${lease.until}, so nothing was skipped: skip once it has finished ` +
        "(a crashed run's lease lapses at that time)",
      appliedFor: [],
    };
  }
  try {
    const newest = new Map<string, LedgerEntry | undefined>();
    for (const { mapping } of request.mappings) {
      newest.set(
        mapping,
        latestPerUri(byExtract(await store.ledger(mapping))).find((e) => e.identity.uri === request.uri),
      );
    }
    const appliedFor = request.mappings
      .map((m) => m.mapping)
      .filter((mapping) => newest.get(mapping)?.status === 'applied');
    if (appliedFor.length > 0) {
      return {
        ok: false,
        error: `${request.uri} was applied for mapping ${appliedFor.join(', ')}: its rows are merged, so it cannot be skipped there, and nothing was skipped`,
        appliedFor,
      };
    }
    const skippedAt = (request.now?.() ?? new Date()).toISOString();
    const skip = { status: 'skipped' as const, skippedAt, skippedBy: request.by, skipReason: reason };
    // Every entry is made before any is recorded: an extract that cannot be read records nothing.
    let described: DescribedExtract | undefined;
    const skipped: SkippedExtract[] = [];
    for (const { mapping, planHash } of request.mappings) {
      const known = newest.get(mapping);
      if (known) {
        skipped.push({ entry: { ...known, ...skip }, previously: known.status });
        continue;
      }
      described ??= await describeUnrecorded(request);
      const entry: LedgerEntry = {
        mapping,
        extract: identityKey(described.identity),
        identity: described.identity,
        planHash,
        asOf: described.asOf,
        startedAt: skippedAt,
        ...skip,
      };
      skipped.push({ entry, previously: 'unrecorded', described });
    }
    for (const { entry } of skipped) await store.recordLedger(entry);
    return { ok: true, skipped };
  } finally {
    await store.releaseLease(owner);
  }
}

async function describeUnrecorded(request: SkipRequest): Promise<DescribedExtract> {
  let described: DescribedExtract;
  try {
    described = await request.describeExtract();
  } catch (error) {
    throw new Error(
      `${request.uri} is not in the ledger, and reading it to record the skip failed: ${(error as Error).message}. ` +
        "Give the extract as `mapc ledger` shows it (s3://bucket/key, or the file's path)",
    );
  }
  if (described.identity.uri !== request.uri) {
    throw new Error(`${request.uri} opened as ${described.identity.uri}: give the extract as \`mapc ledger\` shows it`);
  }
  return described;
}
