// The plan step of a sharded job (`mapc job --plan`): how many shards an extract needs and the
// memory each would use, from the ZIP's directory and the mappings alone. Nothing is written,
// and no row is read: the sizes are the entries' uncompressed sizes (runtime/job/shard-sizing.ts).
import { listEntries } from '../runtime/archive/central-directory.js';
import { openExtract } from '../runtime/archive/extract-location.js';
import type { S3SourceOptions } from '../runtime/archive/s3-source.js';
import { planShards, sizeMapping, SIZING_MODELS, type ShardPlan } from '../runtime/job/shard-sizing.js';
import type { Plan } from '../runtime/plan/types.js';
import { entriesByTable } from '../runtime/read/extract-tables.js';
import { readLimits, type ReadLimits } from '../runtime/report/read-limits.js';
import { loadPlan } from './load-plan.js';

export interface PlanShardsOptions {
  /** .map or plan .json files, or plans loaded already. */
  mappings: Array<string | Plan>;
  /** s3://bucket/key.zip or a local path. */
  extract: string;
  s3?: S3SourceOptions;
  /** The memory a shard may use, in MiB. */
  memoryLimitMiB: number;
  /** At most this many shards. */
  maxShards: number;
  limits?: Partial<ReadLimits>;
  allowEditedPlan?: boolean;
}

export interface ExtractShardPlan extends ShardPlan {
  extract: string;
  /** The estimate is for runs into DynamoDB (the job's). */
  model: 'dynamodb';
}

export async function planExtractShards(options: PlanShardsOptions): Promise<ExtractShardPlan> {
  const plans = options.mappings.map((mapping) =>
    typeof mapping === 'string' ? loadPlan(mapping, { allowEdited: options.allowEditedPlan }) : mapping,
  );
  const limits = readLimits(options.limits);
  const extract = await openExtract(options.extract, options.s3 ?? {});
  try {
    const entries = await listEntries(extract.source);
    const sizings = plans.map((plan) => {
      const byTable = entriesByTable(plan, entries, extract.identity.uri, limits);
      const bytes = new Map(
        [...byTable].map(([table, list]) => [table, list.reduce((sum, entry) => sum + entry.uncompressedSize, 0)]),
      );
      return sizeMapping(plan, bytes, 'dynamodb');
    });
    const plan = planShards(sizings, {
      memoryLimitMiB: options.memoryLimitMiB,
      maxShards: options.maxShards,
      model: SIZING_MODELS.dynamodb,
    });
    return { extract: extract.identity.uri, ...plan, model: 'dynamodb' };
  } finally {
    await extract.source.close();
  }
}
