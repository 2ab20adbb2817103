// `node bin/mapc.js …` as the benchmarks run it: a child process of the repository's compiled
// mapc (run `npm run build` first), and what bench/max-rss.mjs wrote of it.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs mapc as a child to its end, asynchronously (a proxy in this process can serve it);
 * standard output ignored, a failure throws with its standard error. `nodeFlags` go before
 * bin/mapc.js (a preload, say).
 */
export function mapc(args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Promise<void> {
  const child = spawn(process.execPath, [...nodeFlags, 'bin/mapc.js', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`mapc ${args.join(' ')} exited with ${code}:\n${stderr}`)),
    );
  });
}

/** What bench/max-rss.mjs wrote when the child exited: peak RSS (KiB) and CPU time (µs). */
export async function readPeak(file: string): Promise<{ maxRssKiB: number; userMicros: number; systemMicros: number }> {
  const [maxRssKiB, userMicros, systemMicros] = (await readFile(file, 'utf8')).trim().split(' ').map(Number);
  return { maxRssKiB, userMicros, systemMicros };
}
