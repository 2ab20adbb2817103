// The plan step of a sharded job (`mapc job --plan`): how many shards an extract needs and the
// memory each would use, from the ZIP's directory and the mappings alone. Nothing is written,
// and no row is read: the sizes are the entries' uncompressed sizes (runtime/job/shard-sizing.ts).
// planExtractShards sizes a named extract; planNextExtract finds the one a sharded job applies
// next (the oldest under the source that the ledgers have not applied: runtime/job/next-extract.ts),
// reading the control table without creating it, and sizes that one.
import { listEntries } from '../runtime/archive/central-directory.js';
import { openExtract } from '../runtime/archive/extract-location.js';
import type { S3SourceOptions } from '../runtime/archive/s3-source.js';
import { DynamoDbStateStore } from '../runtime/control/control-table.js';
import { withConnectionCause } from '../runtime/dynamodb/connection-error.js';
import {
  connectDynamoDb,
  type DynamoDbConnection,
  type DynamoDbOptions,
} from '../runtime/dynamodb/dynamodb-connection.js';
import { listExtracts, parseJobSource } from '../runtime/job/list-extracts.js';
import { nextExtract, type BlockingExtract } from '../runtime/job/next-extract.js';
import { readLedgers } from '../runtime/job/read-ledgers.js';
import { planShards, sizeMapping, SIZING_MODELS, type ShardPlan } from '../runtime/job/shard-sizing.js';
import { byExtract } from '../runtime/merge/ledger-order.js';
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
  const plans = loadPlans(options);
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

export interface PlanNextOptions extends Omit<PlanShardsOptions, 'extract'> {
  /** Where extracts land: s3://bucket/prefix/ or a local folder. */
  source: string;
  /** Where the ledgers are read: used as it is (and not destroyed), or a connection made from the options. */
  dynamodb?: DynamoDbOptions & { connection?: DynamoDbConnection };
  /** Where extracts read from S3 to be dated are spooled (default: the OS's temporary folder). */
  spoolFolder?: string;
}

/** What a sharded job does next: an extract's shards, none (nothing pending), or nothing because one blocks. */
export interface NextExtractPlan extends Omit<ExtractShardPlan, 'extract'> {
  /** The extract to apply next; null when none is pending, or when the oldest pending one blocks. */
  extract: string | null;
  /** Its as_of (ISO), as the job orders extracts by. */
  asOf?: string;
  /** Extracts under the source that some mapping has not applied, this one included. */
  pending: number;
  /** The oldest pending extract, when it cannot be applied next: it failed, or cannot be read. */
  blockedBy?: BlockingExtract;
}

/**
 * The oldest extract under the source that some mapping has not applied, sized as
 * planExtractShards sizes it. Reads the listing, the ledgers and the extracts' directories
 * (and manifests, to date them); writes nothing, and does not create the control table (when
 * it does not exist, every extract is pending).
 */
export async function planNextExtract(options: PlanNextOptions): Promise<NextExtractPlan> {
  const plans = loadPlans(options);
  const source = parseJobSource(options.source);
  const listed = await listExtracts(source, options.s3);
  const connection = options.dynamodb?.connection ?? connectDynamoDb(options.dynamodb);
  let ledgers;
  try {
    const store = new DynamoDbStateStore(connection.client, connection.controlTable);
    const raw = await readLedgers(
      store,
      plans.map((p) => p.mapping),
    );
    ledgers = new Map([...raw].map(([mapping, entries]) => [mapping, byExtract(entries)]));
  } catch (error) {
    throw withConnectionCause(error, connection.location);
  } finally {
    if (!options.dynamodb?.connection) connection.destroy();
  }
  const next = await nextExtract(listed, ledgers, { s3: options.s3, spoolFolder: options.spoolFolder });
  const nothing: NextExtractPlan = {
    extract: null,
    pending: next.pending,
    shards: 0,
    shardList: [],
    memoryMiB: 0,
    memoryLimitMiB: options.memoryLimitMiB,
    fits: true,
    mappings: [],
    model: 'dynamodb',
  };
  if (next.status === 'none') return nothing;
  if (next.status === 'blocked') return { ...nothing, blockedBy: next.blockedBy };
  const sized = await planExtractShards({ ...options, mappings: plans, extract: next.extract.uri });
  return { ...sized, asOf: next.asOf, pending: next.pending };
}

function loadPlans(options: Pick<PlanShardsOptions, 'mappings' | 'allowEditedPlan'>): Plan[] {
  return options.mappings.map((mapping) =>
    typeof mapping === 'string' ? loadPlan(mapping, { allowEdited: options.allowEditedPlan }) : mapping,
  );
}
