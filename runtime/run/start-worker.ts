// Starting one of the runtime's worker threads (hold-worker, build-worker): the compiled .js
// next to this file or, when this file runs as TypeScript source (tests, under tsx), the .ts
// source with tsx registered in the thread.
import { Worker, type Transferable } from 'node:worker_threads';

export function startWorker(module: 'hold-worker' | 'build-worker', workerData: unknown, transferList: Transferable[] = []): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${module}.js`, import.meta.url), { workerData, transferList });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const source = JSON.stringify(new URL(`./${module}.ts`, import.meta.url).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${source}); });`, { eval: true, workerData, transferList });
}
