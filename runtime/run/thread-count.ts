// How many threads a phase of a run gets (holding tables, building items): as asked, or for
// 'auto' one per core once the files the phase reads are large enough to pay for them.
import { availableParallelism } from 'node:os';
import type { ArchiveEntry } from '../archive/central-directory.js';

const AUTO_THREADS_FROM_BYTES = 8 * 1024 * 1024;
/** 'auto' uses at most this many threads: each build thread has a heap of its own (50-100 MB). */
const AUTO_THREADS_AT_MOST = 8;

/** Threads for a phase that reads `tables`: as asked, or for 'auto' one per core once their files are large enough. */
export function threadCount(
  requested: number | 'auto',
  tables: Iterable<string>,
  entries: Map<string, ArchiveEntry[]>,
): number {
  if (requested !== 'auto') return requested;
  const bytes = [...tables].flatMap((t) => entries.get(t) ?? []).reduce((sum, e) => sum + e.uncompressedSize, 0);
  return bytes >= AUTO_THREADS_FROM_BYTES ? Math.min(availableParallelism(), AUTO_THREADS_AT_MOST) : 1;
}
