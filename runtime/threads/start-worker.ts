// Starting one of the runtime's worker threads (hold/hold-worker, assemble/build-worker): the
// compiled .js next to the file that asks or, when that file runs as TypeScript source (tests,
// under tsx), the .ts source with tsx registered in the thread.
import { Worker, type Transferable } from 'node:worker_threads';

/** Starts the worker module `module` (a name without extension) that sits next to `caller` (the asking file's import.meta.url). */
export function startWorker(
  caller: string,
  module: string,
  workerData: unknown,
  transferList: Transferable[] = [],
): Worker {
  if (!caller.endsWith('.ts')) return new Worker(new URL(`./${module}.js`, caller), { workerData, transferList });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const source = JSON.stringify(new URL(`./${module}.ts`, caller).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${source}); });`, {
    eval: true,
    workerData,
    transferList,
  });
}
