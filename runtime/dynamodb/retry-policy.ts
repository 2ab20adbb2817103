// Which failed DynamoDB calls are worth repeating, and how long to wait before the next try.
import { networkCode } from './connection-error.js';

// Throttling and server-side trouble: the same request may well succeed a moment later.
const RETRYABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

// The connection broke or never formed; the request may or may not have been applied, which
// is harmless here: a repeated PutRequest or DeleteRequest leaves the same item.
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $metadata, $retryable } = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  if (name !== undefined && RETRYABLE_ERROR_NAMES.has(name)) return true;
  if (code !== undefined && RETRYABLE_NETWORK_CODES.has(code)) return true;
  const status = $metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  // The SDK marks what it knows to be transient (throttling, clock skew) with $retryable.
  return $retryable !== undefined && $retryable !== null;
}

/**
 * How long refused connections are retried: a refusal means nothing listens at the address
 * (DynamoDB Local stopped, a wrong --endpoint, a proxy gone), not that DynamoDB is busy. A
 * restart takes seconds, so a few tries are worth it, but not the minute throttling gets: a
 * run whose DynamoDB went away says so in about this long.
 */
export const REFUSED_RETRY_MS = 10_000;

/** A connection refused (ECONNREFUSED), directly or as the cause of the error. */
export function isRefused(error: unknown): boolean {
  return networkCode(error) === 'ECONNREFUSED';
}

export interface Backoff {
  /** The first retry waits up to this long (default 50 ms). */
  baseMs: number;
  /** No wait is longer than this (default 5 s). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 50, maxMs: 5000 };

/**
 * "Full jitter": a random wait between 0 and an exponentially growing cap, so writers that
 * were throttled together do not come back together (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"). `retry` counts from 1.
 */
export function backoffDelay(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(retry - 1, 30));
  return Math.floor(random() * cap);
}

// DynamoDB (or the account) refused the request for its rate: retrying sooner makes it worse.
const THROTTLING_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

export function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && THROTTLING_ERROR_NAMES.has(name);
}
