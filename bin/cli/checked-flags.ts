// Flags whose text must have a form, checked with the rest of the command line before anything
// is read or called: an endpoint URL, a time. A bad one is a UsageError naming the flag (or
// the variable it came from), not a failure once the run has begun.
import { parseAsOf } from '../../runtime/read/extract-time.js';
import { UsageError } from './parse-options.js';

/** An --endpoint or --s3-endpoint: an http:// or https:// URL. `name`: the flag or variable it came from. */
export function endpointUrl(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`${name} takes a URL such as http://127.0.0.1:8000, not ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`${name} takes an http:// or https:// URL, not ${JSON.stringify(value)}`);
  }
  return value;
}

/** The endpoint flags given in `values`, each checked. */
export function checkEndpoints(values: { endpoint?: string; 's3-endpoint'?: string }): void {
  if (values.endpoint !== undefined) endpointUrl('--endpoint', values.endpoint);
  if (values['s3-endpoint'] !== undefined) endpointUrl('--s3-endpoint', values['s3-endpoint']);
}

/** --as-of: a date or an ISO timestamp. */
export function checkAsOf(value: string | undefined): void {
  if (value === undefined) return;
  try {
    parseAsOf(value);
  } catch (error) {
    throw new UsageError(`--as-of ${(error as Error).message}`);
  }
}
