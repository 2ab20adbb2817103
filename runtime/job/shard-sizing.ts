/*
 * How many shards an extract needs, and the memory each would use (docs/running.md, "Sizing
 * an extract"), estimated before anything is read but the ZIP's directory: from the
 * uncompressed size of the entries each plan reads. The model, fitted to the peak RSS of
 * runs on the sample generator's extracts (bench/shard-sizing.ts prints the estimate next to
 * the measured peak), for a run as shard i of N:
 *
 *   memory = base + read × bytes read
 *          + held × (bytes of the tables split between the shards / N + bytes of those every shard holds)
 *          + keys × bytes of the tables whose keys every shard keeps
 *
 * A run into DynamoDB holds its root tables too, with the rows the scan filters drop, and
 * builds its state from them: its `held` factor is the larger. Pure: the plan step reads the
 * sizes and prints what this returns.
 */
import { tablesWithSharedKeys, whyNotShardable } from '../hold/shard-router.js';
import type { Plan } from '../plan/types.js';

/** MiB, and MiB per MiB of CSV (uncompressed). */
export interface SizingModel {
  baseMiB: number;
  readPerByte: number;
  heldPerByte: number;
  keysPerByte: number;
}

/** Fitted on previews and runs into DynamoDB Local of 20,000 to 200,000 customers (docs/running.md). */
export const SIZING_MODELS: Record<'preview' | 'dynamodb', SizingModel> = {
  preview: { baseMiB: 150, readPerByte: 0.3, heldPerByte: 2.3, keysPerByte: 0.8 },
  dynamodb: { baseMiB: 190, readPerByte: 0.3, heldPerByte: 6.0, keysPerByte: 0.8 },
};

/** How a run holds a table: its shard's share, whole in every shard, or not at all (streamed, or not read). */
export type HeldAs = 'split' | 'whole' | 'streamed' | 'unread';

export interface SizedTable {
  table: string;
  /** Uncompressed bytes of its entries in the extract. */
  bytes: number;
  held: HeldAs;
  /** Every shard keeps its keys (shard-router.ts). */
  keys: boolean;
}

export interface MappingSizing {
  mapping: string;
  tables: SizedTable[];
  /** Why the mapping cannot run as shards (empty: it can). */
  unshardable: string[];
}

const MIB = 1024 * 1024;

/** A plan's tables, with the bytes the extract holds of each (absent: 0) and how a run of `kind` holds them. */
export function sizeMapping(
  plan: Plan,
  bytesOf: ReadonlyMap<string, number>,
  kind: keyof typeof SIZING_MODELS,
): MappingSizing {
  const withKeys = tablesWithSharedKeys(plan);
  const tables = plan.tables.map((table): SizedTable => {
    const kinds = table.roles.map((r) => r.kind);
    const held: HeldAs =
      kinds.length === 0
        ? 'unread'
        : kinds.every((k) => k === 'lookup')
          ? 'whole'
          : kinds.includes('root') && !kinds.some((k) => k !== 'root') && kind === 'preview'
            ? 'streamed'
            : 'split';
    return { table: table.name, bytes: bytesOf.get(table.name) ?? 0, held, keys: withKeys.has(table.name) };
  });
  return { mapping: plan.mapping, tables, unshardable: whyNotShardable(plan) };
}

/** The estimated peak memory of one of `shards` shards, in MiB (rounded up). */
export function estimateMiB(sizing: MappingSizing, shards: number, model: SizingModel): number {
  let read = 0;
  let held = 0;
  let keys = 0;
  for (const table of sizing.tables) {
    if (table.held === 'unread') continue;
    read += table.bytes;
    if (table.held === 'split') held += table.bytes / shards;
    if (table.held === 'whole') held += table.bytes;
    if (table.keys && shards > 1) keys += table.bytes;
  }
  return Math.ceil(
    model.baseMiB + (model.readPerByte * read + model.heldPerByte * held + model.keysPerByte * keys) / MIB,
  );
}

export interface ShardPlan {
  /** Shards the extract runs as. */
  shards: number;
  /** "i/N" for each shard, the list a Distributed Map goes over. */
  shardList: string[];
  /** The largest estimate of any mapping's run, per shard. */
  memoryMiB: number;
  /** What each shard may use. */
  memoryLimitMiB: number;
  /** False when even maxShards shards are estimated over the limit (then they are maxShards). */
  fits: boolean;
  mappings: Array<{
    mapping: string;
    /** The estimate per shard at `shards`, and as one run. */
    memoryMiB: number;
    singleRunMiB: number;
    tables: SizedTable[];
    unshardable?: string[];
  }>;
}

/**
 * The fewest shards (up to maxShards) whose every mapping's run is estimated within the
 * memory limit. A mapping that cannot run as shards keeps the extract to one.
 */
export function planShards(
  sizings: MappingSizing[],
  options: { memoryLimitMiB: number; maxShards: number; model: SizingModel },
): ShardPlan {
  const { memoryLimitMiB, maxShards, model } = options;
  const largest = (shards: number) => Math.max(0, ...sizings.map((s) => estimateMiB(s, shards, model)));
  const canShard = sizings.every((s) => s.unshardable.length === 0);
  let shards = 1;
  while (canShard && shards < maxShards && largest(shards) > memoryLimitMiB) shards++;
  const memoryMiB = largest(shards);
  return {
    shards,
    shardList: Array.from({ length: shards }, (_, i) => `${i}/${shards}`),
    memoryMiB,
    memoryLimitMiB,
    fits: memoryMiB <= memoryLimitMiB,
    mappings: sizings.map((sizing) => ({
      mapping: sizing.mapping,
      memoryMiB: estimateMiB(sizing, shards, model),
      singleRunMiB: estimateMiB(sizing, 1, model),
      tables: sizing.tables,
      ...(sizing.unshardable.length > 0 ? { unshardable: sizing.unshardable } : {}),
    })),
  };
}
