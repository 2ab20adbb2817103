// Whether one extract is applied, mapping by mapping, as the job counts it (byExtract): the
// check step of a sharded job (`mapc job --once X --check`), after the shards ran, before the
// next extract is planned. An extract is done for a mapping when its ledger has it applied
// (whole, or by every shard of one count) or skipped; otherwise the check says, for each shard
// count its entries were recorded under, which shards applied it, failed, still run (or were
// stopped), and which never started. Pure: the entries are read elsewhere (read-ledgers.ts).
import { byExtract, shardSets } from '../merge/ledger-order.js';
import type { LedgerEntry, LedgerStatus } from '../merge/state-store.js';
import { sameObject, type ListedExtract } from './list-extracts.js';

export interface ShardCountCheck {
  /** N, of shards "i/N". */
  count: number;
  applied: string[];
  failed: string[];
  /** Started and not finished: running, or stopped before it could record an end. */
  running: string[];
  /** No entry: never started. */
  missing: string[];
}

export interface MappingCheck {
  mapping: string;
  /** applied or skipped: the mapping is done with the extract. */
  done: boolean;
  /** As the job sees it; `not run` when the ledger has no entry of this object. */
  status: LedgerStatus | 'not run';
  /** The entry of a run of the whole extract (not as shards), when there is one. */
  whole?: LedgerStatus;
  shards: ShardCountCheck[];
  /** The error a failed run recorded. */
  error?: string;
}

export interface ExtractCheck {
  extract: string;
  /** Every mapping is done with it. */
  applied: boolean;
  mappings: MappingCheck[];
}

const DONE = new Set<string>(['applied', 'skipped']);

/** The extract's state in each mapping's ledger (`ledgers`: the entries as recorded, shards not folded). */
export function checkExtract(listed: ListedExtract, ledgers: Map<string, LedgerEntry[]>): ExtractCheck {
  const mappings = [...ledgers].map(([mapping, entries]) => checkMapping(mapping, listed, entries));
  return { extract: listed.uri, applied: mappings.every((m) => m.done), mappings };
}

function checkMapping(mapping: string, listed: ListedExtract, entries: LedgerEntry[]): MappingCheck {
  const mine = entries.filter((e) => sameObject(listed, e.identity));
  const folded = byExtract(mine);
  // One object has one identity key; should a versioned object have two, a done one counts.
  const entry = folded.find((e) => DONE.has(e.status)) ?? folded[0];
  const whole = mine.find((e) => e.shard === undefined);
  return {
    mapping,
    done: entry !== undefined && DONE.has(entry.status),
    status: entry?.status ?? 'not run',
    ...(whole ? { whole: whole.status } : {}),
    shards: shardCounts(mine.filter((e) => e.shard !== undefined)),
    ...(entry?.status === 'failed' && entry.error ? { error: entry.error } : {}),
  };
}

function shardCounts(shards: LedgerEntry[]): ShardCountCheck[] {
  return [...shardSets(shards)]
    .sort(([a], [b]) => a - b)
    .map(([count, set]) => {
      const check: ShardCountCheck = { count, applied: [], failed: [], running: [], missing: [] };
      for (let index = 0; index < count; index++) {
        const status = set.get(index)?.status;
        const shard = `${index}/${count}`;
        if (status === 'applied' || status === 'skipped') check.applied.push(shard);
        else if (status === 'failed') check.failed.push(shard);
        else if (status === 'running') check.running.push(shard);
        else check.missing.push(shard);
      }
      return check;
    });
}
