// A token bucket for item writes per second, on an injected clock (times in ms). A caller
// reserves the tokens its call needs and is told how long to wait: tokens may go below zero,
// so a call larger than the bucket (25 items at 10/s) still goes, later, and callers are
// served in the order they asked. The bucket holds at most `burst` tokens, and starts full.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private rate: number,
    private readonly burst: number,
    now: number,
  ) {
    if (!(rate > 0) || !(burst > 0))
      throw new RangeError(`TokenBucket: rate and burst must be > 0, got ${rate}, ${burst}`);
    this.tokens = burst;
    this.last = now;
  }

  get perSecond(): number {
    return this.rate;
  }

  /** Takes `n` tokens; the milliseconds to wait before the call may go (0: at once). */
  reserve(n: number, now: number): number {
    this.refill(now);
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }

  /** A new rate from now on (the backoff lowers and raises it). */
  setRate(rate: number, now: number): void {
    this.refill(now);
    this.rate = rate;
  }

  private refill(now: number): void {
    if (now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = Math.max(this.last, now);
  }
}
