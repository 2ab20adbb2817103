// What every BatchWriteItem call of a run passes before it is sent: a slot among the calls in
// flight, and, under --max-write-rate, tokens for its items from a bucket all calls share.
// Both limits back off when DynamoDB throttles (AIMD, aimd-limit.ts): a throttled response or
// unprocessed items halve the calls in flight (and the rate), each success raises them again,
// the calls by one per round of calls, the rate by a twentieth of the cap per call. A rate cut
// also slows the calls already waiting for their tokens. The clock is injected, so the logic
// is tested without waiting.
import type { WriteBackoff } from '../report/dynamodb-requests.js';
import { AimdLimit } from './aimd-limit.js';
import { TokenBucket } from './token-bucket.js';

export interface GateClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: GateClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** BatchWriteItem's most requests per call: the bucket holds at least one call's worth. */
const LARGEST_CALL = 25;

export interface WriteGateOptions {
  /** Calls in flight at most (the backoff goes down to 1). */
  concurrency: number;
  /** Items per second at most (the backoff goes down to a 32nd of it); none when absent. */
  maxWriteRate?: number;
  clock?: GateClock;
}

export interface GatePass {
  concurrencyEpoch: number;
  rateEpoch: number;
}

export type CallOutcome = 'ok' | 'throttled' | 'failed';

export class WriteGate {
  private readonly clock: GateClock;
  private readonly calls: AimdLimit;
  private readonly rate: AimdLimit | undefined;
  private readonly bucket: TokenBucket | undefined;
  private inFlight = 0;
  private waiting: Array<() => void> = [];
  private throttledResponses = 0;

  constructor(private readonly options: WriteGateOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.calls = new AimdLimit(options.concurrency, 1, (value) => 1 / value);
    const max = options.maxWriteRate;
    if (max !== undefined) {
      this.rate = new AimdLimit(max, max / 32, () => max / 20);
      this.bucket = new TokenBucket(max, Math.max(LARGEST_CALL, max / 10), this.clock.now());
    }
  }

  /** Waits for a slot, then for the tokens of `items` writes. */
  async enter(items: number): Promise<GatePass> {
    // A slot is taken here, or handed over by leave() (so no later caller can take it first).
    if (this.inFlight < this.slots() && this.waiting.length === 0) this.inFlight++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    const concurrencyEpoch = this.calls.epoch;
    const rateEpoch = this.bucket ? await this.waitForTokens(items) : 0;
    return { concurrencyEpoch, rateEpoch };
  }

  /**
   * Takes the tokens of `items` writes and waits until they have come. A call that slept
   * through a rate cut waits again, for what its tokens still lack at the new rate (behind the
   * calls that took tokens before it): calls already waiting slow down with the rest. The rate
   * epoch its last wait was reckoned at, so its throttling, sent at the lowered rate, counts.
   */
  private async waitForTokens(items: number): Promise<number> {
    const ticket = this.bucket!.take(items, this.clock.now());
    for (;;) {
      const epoch = this.rate!.epoch;
      const wait = this.bucket!.waitFor(ticket, this.clock.now());
      if (wait > 0) await this.clock.sleep(wait);
      if (wait <= 0 || this.rate!.epoch === epoch) return epoch;
    }
  }

  leave(pass: GatePass, outcome: CallOutcome): void {
    this.inFlight--;
    if (outcome === 'throttled') {
      this.throttledResponses++;
      this.calls.throttled(pass.concurrencyEpoch);
      if (this.rate?.throttled(pass.rateEpoch)) this.bucket!.setRate(this.rate.current, this.clock.now());
    } else if (outcome === 'ok') {
      this.calls.succeeded();
      if (this.rate && this.rate.current < this.options.maxWriteRate!) {
        this.rate.succeeded();
        this.bucket!.setRate(this.rate.current, this.clock.now());
      }
    }
    while (this.waiting.length > 0 && this.inFlight < this.slots()) {
      this.inFlight++;
      this.waiting.shift()!();
    }
  }

  /** Calls allowed in flight now. */
  slots(): number {
    return Math.max(1, Math.floor(this.calls.current));
  }

  report(): WriteBackoff {
    return {
      throttledResponses: this.throttledResponses,
      concurrency: this.options.concurrency,
      lowestConcurrency: Math.max(1, Math.floor(this.calls.lowest)),
      ...(this.rate
        ? { maxWriteRate: this.options.maxWriteRate!, lowestWriteRate: Math.round(this.rate.lowest * 100) / 100 }
        : {}),
    };
  }
}
