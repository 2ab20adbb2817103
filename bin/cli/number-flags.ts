// Numeric flags, checked with the rest of the command line before any data is read: a whole
// number within the bounds the flag allows, else a UsageError naming the flag and the bounds.
import { availableParallelism } from 'node:os';
import { UsageError } from './parse-options.js';

/** The most threads a run may start: twice the cores (more only adds memory and contention). */
export function maxThreads(): number {
  return availableParallelism() * 2;
}

/** `text` as a whole number in [minimum, maximum]; `fallback` when the flag is not given. */
export function wholeNumberFlag(
  flag: string,
  text: string | undefined,
  fallback: number,
  minimum: number,
  maximum = Number.MAX_SAFE_INTEGER,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
    const bounds = maximum === Number.MAX_SAFE_INTEGER ? `of at least ${minimum}` : `from ${minimum} to ${maximum}`;
    throw new UsageError(`--${flag} takes a whole number ${bounds}, not ${JSON.stringify(text)}`);
  }
  return value;
}
