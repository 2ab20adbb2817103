// Reads one .map file from disk, refusing what could hang or exhaust memory: only regular files
// (a FIFO or /dev/zero is refused before it is opened), at most MAX_MAP_FILE_BYTES of them.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { MAX_MAP_FILE_BYTES } from '../grammar/limits.js';

/** Why a file was not read, as data for a diagnostic. */
export class UnreadableMapFile extends Error {
  constructor(
    readonly reason: 'missing' | 'not-a-file' | 'too-large',
    readonly size = 0,
  ) {
    super(reason);
  }
}

function checkRegular(stat: { isFile(): boolean; size: number }) {
  if (!stat.isFile()) throw new UnreadableMapFile('not-a-file');
  if (stat.size > MAX_MAP_FILE_BYTES) throw new UnreadableMapFile('too-large', stat.size);
}

export function readMapFile(path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UnreadableMapFile('missing');
  }
  checkRegular(stat);
  const fd = openSync(path, 'r');
  try {
    checkRegular(fstatSync(fd)); // the file may have been swapped since the first look
    const buffer = Buffer.alloc(MAX_MAP_FILE_BYTES + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;)
      length += n;
    if (length > MAX_MAP_FILE_BYTES) throw new UnreadableMapFile('too-large', length);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
