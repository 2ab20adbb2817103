// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
// Jitter"): a random wait up to base * 2^attempt, capped, so retrying clients spread out.
export function backoffDelay(attempt: number, baseMs = 50, capMs = 5_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
