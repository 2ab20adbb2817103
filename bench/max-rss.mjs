// Preload for benchmarks that need a child's peak memory without /usr/bin/time:
//
//   MAX_RSS_FILE=/tmp/x.rss node --import ./bench/max-rss.mjs bin/mapc.js …
//
// When the process exits, writes one line to that file: process.resourceUsage().maxRSS, the
// peak resident set size in KiB (getrusage: the whole process, its worker threads included),
// then its user and system CPU time in microseconds. Plain JavaScript, so that the child
// needs no TypeScript loader; only the main thread writes (a worker thread runs preloads
// too). A process killed by a signal writes nothing.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.MAX_RSS_FILE;
if (file && isMainThread)
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(file, `${maxRSS} ${userCPUTime} ${systemCPUTime}\n`);
  });
