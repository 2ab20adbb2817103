// Incremental runs as shards (shard-scenarios.ts) on DynamoDB Local, extracts from s3rver,
// both on 127.0.0.1, started here and stopped afterwards.
import { startS3Server, type LocalS3Server } from '../../../examples/local-servers/s3-server.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local-hooks.js';
import { shardScenarios } from './shard-scenarios.js';
import { EXTRACTS_BUCKET, serversWorld } from './servers-world.js';

describe('shards on DynamoDB Local and s3rver', function () {
  const dynamo = useDynamoDbLocal();
  let s3: LocalS3Server;
  before(async () => {
    s3 = await startS3Server({ buckets: [EXTRACTS_BUCKET] });
  });
  after(async () => {
    await s3?.stop();
  });

  shardScenarios('DynamoDB Local, extracts from s3rver', () => serversWorld(dynamo, () => s3));
});
