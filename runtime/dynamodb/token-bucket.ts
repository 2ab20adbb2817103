// A token bucket for item writes per second, on an injected clock (times in ms). A caller
// reserves the tokens its call needs and is told how long to wait: tokens may go below zero,
// so a call larger than the bucket (25 items at 10/s) still goes, later, and callers are
// served in the order they asked. The bucket holds at most `burst` tokens, and starts full.
//
// A reservation is a ticket (take): the tokens taken in all, its own included. Its tokens have
// come when the tokens supplied in all reach it, so its wait can be asked again (waitFor) after
// the rate changed, without taking anything twice and without passing an earlier ticket.

export class TokenBucket {
  /** Supplied in all less `taken`: below zero while tickets wait. */
  private tokens: number;
  /** Tokens taken in all: the last ticket. */
  private taken = 0;
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
    return this.waitFor(this.take(n, now), now);
  }

  /** Takes `n` tokens; the ticket to wait for (waitFor). */
  take(n: number, now: number): number {
    this.refill(now);
    this.tokens -= n;
    this.taken += n;
    return this.taken;
  }

  /** The milliseconds until the tokens of `ticket` have come, at the rate from now on (0: they have). */
  waitFor(ticket: number, now: number): number {
    this.refill(now);
    const missing = ticket - this.taken - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.rate) * 1000);
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
