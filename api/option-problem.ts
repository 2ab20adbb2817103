// The run options a library caller gives that no run can take, said as a report's error
// rather than thrown: runExtract and runJob return a failed report for them, as for any other
// failure, before anything is read.
import { readLimits, type ReadLimits } from '../runtime/report/read-limits.js';

export interface CheckedRunOptions {
  limits?: Partial<ReadLimits>;
  maxWriteRate?: number;
  /** BatchWriteItem calls in flight: a whole number from 1 to 1000, as `--concurrency` takes. */
  concurrency?: number;
}

/** What is wrong with the options, or null when a run can take them. */
export function optionProblem(options: CheckedRunOptions): string | null {
  try {
    readLimits(options.limits);
  } catch (error) {
    return `limits: ${(error as Error).message}`;
  }
  const rate = options.maxWriteRate;
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
    return `maxWriteRate: items per second must be a number above 0, not ${rate}`;
  }
  const calls = options.concurrency;
  if (calls !== undefined && !(Number.isInteger(calls) && calls >= 1 && calls <= 1000)) {
    return `concurrency: calls in flight must be a whole number from 1 to 1000, not ${calls}`;
  }
  return null;
}
