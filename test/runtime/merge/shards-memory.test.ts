// Incremental runs as shards on a store in memory (shard-scenarios.ts); the same on DynamoDB
// Local in shards-servers.test.ts.
import { memoryWorld } from './fixtures.js';
import { shardScenarios } from './shard-scenarios.js';

shardScenarios('store in memory', memoryWorld);
