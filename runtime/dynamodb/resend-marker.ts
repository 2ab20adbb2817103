// A request sent again by our own retry loops (the BatchWriter, batchGetAll) carries why on its
// input, under a symbol the SDK's serializer never reads, so the request counter
// (request-counter.ts) can count it as a retry, and as a throttled one.
export const RESENT = Symbol.for('mapc.resent');

/** throttled: after throttling or unprocessed items/keys; failed: after another retryable failure. */
export type ResendReason = 'throttled' | 'failed';

export function markResent<T extends object>(input: T, reason: ResendReason | undefined): T {
  if (reason !== undefined) (input as Record<symbol, unknown>)[RESENT] = reason;
  return input;
}

export function resendReason(input: unknown): ResendReason | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  return (input as Record<symbol, ResendReason | undefined>)[RESENT];
}
