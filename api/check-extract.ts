// The check step of a sharded job (`mapc job --once X --check`): is the extract applied for
// every mapping, whole or by every shard of one count? The extract is found in the listing of
// the source (its size and ETag, or modification time, are what the ledger recorded), and the
// ledgers are read without creating the control table. Nothing is written.
import type { S3SourceOptions } from '../runtime/archive/s3-source.js';
import { DynamoDbStateStore } from '../runtime/control/control-table.js';
import { withConnectionCause } from '../runtime/dynamodb/connection-error.js';
import {
  connectDynamoDb,
  type DynamoDbConnection,
  type DynamoDbOptions,
} from '../runtime/dynamodb/dynamodb-connection.js';
import { checkExtract, type ExtractCheck } from '../runtime/job/extract-check.js';
import { describeSource, listExtracts, parseJobSource } from '../runtime/job/list-extracts.js';
import { readLedgers } from '../runtime/job/read-ledgers.js';
import { extractUri } from '../runtime/merge/describe-extract.js';
import type { Plan } from '../runtime/plan/types.js';
import { loadPlan } from './load-plan.js';

export interface CheckExtractOptions {
  /** .map or plan .json files, or plans loaded already: whose ledgers are read. */
  mappings: Array<string | Plan>;
  /** Where extracts land: s3://bucket/prefix/ or a local folder. */
  source: string;
  /** The extract: s3://bucket/key, or a path under a local source. */
  extract: string;
  s3?: S3SourceOptions;
  /** Used as it is (and not destroyed), or a connection made from the options. */
  dynamodb?: DynamoDbOptions & { connection?: DynamoDbConnection };
  allowEditedPlan?: boolean;
}

export async function checkExtractApplied(options: CheckExtractOptions): Promise<ExtractCheck> {
  const plans = options.mappings.map((mapping) =>
    typeof mapping === 'string' ? loadPlan(mapping, { allowEdited: options.allowEditedPlan }) : mapping,
  );
  const uri = extractUri(options.extract, '--once');
  const source = parseJobSource(options.source);
  const listed = (await listExtracts(source, options.s3)).find((e) => e.uri === uri);
  if (!listed)
    throw new Error(
      `${options.extract} is not an extract under ${describeSource(source)} (only .zip objects there are): check --once and --source`,
    );
  const connection = options.dynamodb?.connection ?? connectDynamoDb(options.dynamodb);
  try {
    const store = new DynamoDbStateStore(connection.client, connection.controlTable);
    const ledgers = await readLedgers(
      store,
      plans.map((p) => p.mapping),
    );
    return checkExtract(listed, ledgers);
  } catch (error) {
    throw withConnectionCause(error, connection.location);
  } finally {
    if (!options.dynamodb?.connection) connection.destroy();
  }
}
