// A build thread (build-threads.ts starts it): it reads the held tables in the memory the
// main thread shares, and turns each batch of root rows it is sent into NDJSON lines.
import { parentPort, workerData } from 'node:worker_threads';
import type { Plan } from '../plan/types.js';
import type { NdjsonFormat } from '../sinks/ndjson-line.js';
import type { TimestampValue } from '../values/value.js';
import { buildRootBatch } from './build-batch.js';
import { HeldTable, type HeldTableSnapshot } from './held-table.js';
import { RootItems } from './root-items.js';
import type { RootRow } from './stream-roots.js';

export interface BuildWorkerData {
  plan: Plan;
  asOf: TimestampValue;
  format: NdjsonFormat;
  tables: HeldTableSnapshot[];
}

export interface BatchRequest {
  id: number;
  rows: RootRow[];
}

const { plan, asOf, format, tables } = workerData as BuildWorkerData;
const held = new Map(tables.map((snapshot) => [snapshot.plan.name, HeldTable.fromSnapshot(snapshot)]));
const roots = new RootItems(plan, held, asOf);

parentPort!.on('message', ({ id, rows }: BatchRequest) => {
  const batch = buildRootBatch(roots, rows, format);
  parentPort!.postMessage({ id, batch }, [batch.bytes.buffer as ArrayBuffer]);
});
