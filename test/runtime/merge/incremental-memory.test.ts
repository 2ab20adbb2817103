// The incremental-run scenarios on a store in memory: quick, and the same assertions as on
// the real servers (incremental-servers.test.ts).
import { memoryWorld } from './fixtures.js';
import { incrementalScenarios } from './scenarios.js';

incrementalScenarios('store in memory', memoryWorld);
