// The files a run writes (items, report, rejects) are checked before any data is read, so a
// mistyped path fails in a second with what to do, instead of after the whole extract: each
// must be a regular file that can be created (or replaced) in a folder that exists. Devices,
// FIFOs, folders and the like are refused: a run never writes into one, nor renames over one.
import { closeSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class OutputFileError extends Error {
  /** The errno code of the failure underneath (ENOENT, ENOSPC, …), if there was one. */
  readonly code?: string;

  constructor(
    readonly path: string,
    readonly what: string,
    cause: string,
    code?: string,
  ) {
    super(`${what} ${path}: ${cause}`);
    this.name = 'OutputFileError';
    if (code !== undefined) this.code = code;
  }
}

/**
 * Throws OutputFileError unless `path` is an existing regular file or a file that can be
 * created. A file that does not exist is created to prove it can be, then removed again.
 * `what` names the file in the message ("--out", "the rejects file", …).
 */
export function checkOutputFile(path: string, what: string): void {
  const existing = statOrNull(path, what);
  if (existing) {
    refuseNonRegular(path, what, existing);
    probe(path, what, 'a');
    return;
  }
  const folder = dirname(resolve(path));
  const parent = statOrNull(folder, what);
  if (!parent)
    throw new OutputFileError(
      path,
      what,
      `the folder ${folder} does not exist: create it, or name a file in a folder that does`,
    );
  if (!parent.isDirectory())
    throw new OutputFileError(path, what, `${folder} is not a folder: name a file in a folder`);
  probe(path, what, 'wx');
  unlinkSync(path);
}

/** Throws when `path` exists and is not a regular file: nothing may be renamed over a device or a folder. */
export function refuseNonRegularTarget(path: string, what: string): void {
  const existing = statOrNull(path, what);
  if (existing) refuseNonRegular(path, what, existing);
}

/** The message for a failed write of `path`: the file, the cause, what to do. */
export function writeFailure(path: string, what: string, error: Error): OutputFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const cause =
    code === 'ENOSPC'
      ? 'the disk is full (ENOSPC): free some space, or write to another disk'
      : code === 'EDQUOT'
        ? 'the disk quota is used up (EDQUOT): free some space, or write elsewhere'
        : `cannot be written (${error.message}): check the path and its permissions`;
  return new OutputFileError(path, what, cause, code);
}

function refuseNonRegular(path: string, what: string, stats: Stats): void {
  if (stats.isDirectory()) throw new OutputFileError(path, what, 'is a folder: name a file (e.g. a file inside it)');
  if (!stats.isFile())
    throw new OutputFileError(
      path,
      what,
      `is not a regular file (${kindOf(stats)}): mapc writes only regular files, name one`,
    );
}

function probe(path: string, what: string, flags: 'a' | 'wx'): void {
  try {
    closeSync(openSync(path, flags));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const cause =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied: write somewhere you may create files'
        : code === 'EROFS'
          ? 'the file system is read-only: write somewhere else'
          : `cannot be created (${(error as Error).message}): name a file in a folder you can write to`;
    throw new OutputFileError(path, what, cause);
  }
}

function statOrNull(path: string, what: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR')
      throw new OutputFileError(path, what, 'a part of the path is a file, not a folder: check the path');
    throw new OutputFileError(
      path,
      what,
      `cannot be checked (${(error as Error).message}): check the path and its permissions`,
    );
  }
}

function kindOf(stats: Stats): string {
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}
