// A network failure, said so people can act on it: the service and the endpoint it tried,
// what went wrong, and what to check. "connect ECONNREFUSED 127.0.0.1:1" alone names neither
// the service nor the flag that chose the address.

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  EPIPE: 'the connection broke',
};

export interface ServiceLocation {
  /** "DynamoDB", "S3". */
  service: string;
  /** The endpoint flag's value, if one was given. */
  endpoint?: string;
  region?: string;
  /** The flags that choose the endpoint, for the advice: "--endpoint and --region". */
  flags: string;
}

/** The network error code of `error` or of its cause, or null when it is not a network failure. */
export function networkCode(error: unknown): string | null {
  for (
    let e = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string' && e.code in NETWORK_CAUSES) return e.code;
    // AggregateError (happy eyeballs: one per address tried)
    const inner = Array.isArray(e.errors) ? (e.errors[0] as { code?: unknown } | undefined) : undefined;
    if (inner && typeof inner.code === 'string' && inner.code in NETWORK_CAUSES) return inner.code;
  }
  return null;
}

/** A one-line message for a network failure; null when `error` is something else. */
export function describeConnectionError(error: unknown, where: ServiceLocation): string | null {
  const code = networkCode(error);
  if (code === null) return null;
  const at = where.endpoint
    ? `${where.service} at ${where.endpoint}`
    : `${where.service} in ${where.region ?? process.env.AWS_REGION ?? 'the default region'}`;
  return `${at}: ${NETWORK_CAUSES[code]} (${code}): check ${where.flags}, and that the service is running and reachable; then run again`;
}

/**
 * describeConnectionError's line for a network failure, with what a wrapping error said after
 * it ("3 items were not written to …"); null when `error` is something else.
 */
export function connectionFailureText(error: unknown, where: ServiceLocation): string | null {
  const unreachable = describeConnectionError(error, where);
  if (unreachable === null) return null;
  // The network error itself ("connect ECONNREFUSED 127.0.0.1:1") adds nothing to the line.
  const wrapped =
    (error as { code?: unknown }).code === undefined && error instanceof Error ? ` (${error.message})` : '';
  return `${unreachable}${wrapped}`;
}

/** `error` as it is, or, for a network failure, an Error with connectionFailureText's line (the original as its cause). */
export function withConnectionCause(error: unknown, where: ServiceLocation): unknown {
  const text = connectionFailureText(error, where);
  return text === null ? error : new Error(text, { cause: error });
}
