// The loud end of a write: the items that did not reach the table, named by their keys.
import { formatKey, type ItemKey } from './item-key.js';

const KEYS_NAMED_IN_MESSAGE = 10;

export class BatchWriteError extends Error {
  constructor(
    readonly tableName: string,
    /** Every key not written (puts and deletes), in the order they were given. */
    readonly unwrittenKeys: ItemKey[],
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${unwrittenKeys.length} item${unwrittenKeys.length === 1 ? ' was' : 's were'} not written to table ${tableName}: ${reason}. ` +
        `Not written: ${describeKeys(unwrittenKeys)}`,
      options,
    );
    this.name = 'BatchWriteError';
  }
}

function describeKeys(keys: ItemKey[]): string {
  const named = keys.slice(0, KEYS_NAMED_IN_MESSAGE).map(formatKey).join('; ');
  const more = keys.length - KEYS_NAMED_IN_MESSAGE;
  return more > 0 ? `${named}; and ${more} more (error.unwrittenKeys lists them all)` : named;
}

/** "ThrottlingException: Rate exceeded", or the text of anything else thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
