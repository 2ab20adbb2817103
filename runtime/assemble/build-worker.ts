// A build thread (build-threads.ts starts it): it reads the held tables in the memory the
// main thread shares, and turns each batch of root rows it is sent into NDJSON lines.
import { parentPort, workerData } from 'node:worker_threads';
import type { Plan } from '../plan/types.js';
import type { NdjsonFormat } from '../sinks/ndjson-line.js';
import type { TimestampValue } from '../values/value.js';
import { ByteBuffer } from '../sinks/byte-buffer.js';
import { buildRootBatch } from './build-batch.js';
import { HeldTable, type HeldTableSnapshot } from '../hold/held-table.js';
import { RootItems } from './root-items.js';
import { unpackRows, type PackedRows } from './packed-rows.js';

export interface BuildWorkerData {
  plan: Plan;
  asOf: TimestampValue;
  format: NdjsonFormat;
}

/** The held tables come first, once they are (the thread starts while they are being read); then batches. */
export type BuildRequest =
  | { kind: 'tables'; tables: HeldTableSnapshot[] }
  | { kind: 'batch'; id: number; table: string; rows: PackedRows }
  /** The memory of a batch's bytes, back once they are written: the next batch is serialized into it. */
  | { kind: 'written'; memory: ArrayBuffer };

const { plan, asOf, format } = workerData as BuildWorkerData;
let roots: RootItems | null = null;
const lines = new ByteBuffer();

parentPort!.on('message', (request: BuildRequest) => {
  if (request.kind === 'tables') {
    const held = new Map(request.tables.map((snapshot) => [snapshot.plan.name, HeldTable.fromSnapshot(snapshot)]));
    roots = new RootItems(plan, held, asOf);
    return;
  }
  if (request.kind === 'written') return lines.reuse(request.memory);
  if (roots === null) throw new Error('a batch of root rows came before the held tables');
  const { table } = request;
  const batch = buildRootBatch(
    roots,
    unpackRows(request.rows).map((values) => ({ table, values })),
    format,
    lines,
  );
  parentPort!.postMessage({ id: request.id, batch }, [batch.bytes.buffer as ArrayBuffer]);
});
