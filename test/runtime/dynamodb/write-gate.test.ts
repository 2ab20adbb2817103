// The write gate's parts as pure logic on an injected clock: the token bucket (--max-write-rate),
// the AIMD limit, and the gate backing off under a fake BatchWriteItem client that throttles.
import { expect } from 'chai';
import { AimdLimit } from '../../../runtime/dynamodb/aimd-limit.js';
import { TokenBucket } from '../../../runtime/dynamodb/token-bucket.js';
import { WriteGate, type GateClock } from '../../../runtime/dynamodb/write-gate.js';

/** A clock whose sleeps advance it at once (the waits are recorded, never waited). */
function fakeClock(): GateClock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

/**
 * A clock whose sleeps wait until the test moves it on (advanceTo), so that calls can sleep
 * side by side while something else happens; sleepers wake in the order of their ends.
 */
function steppedClock(): GateClock & { advanceTo(ms: number): Promise<void> } {
  let now = 0;
  const timers: Array<{ at: number; wake: () => void }> = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => timers.push({ at: now + ms, wake })),
    async advanceTo(ms) {
      await settle();
      for (;;) {
        const next = timers.filter((timer) => timer.at <= ms).sort((a, b) => a.at - b.at)[0];
        if (next === undefined) break;
        timers.splice(timers.indexOf(next), 1);
        now = next.at;
        next.wake();
        await settle();
      }
      now = ms;
    },
  };
}

describe('token bucket', () => {
  it('lets a burst through, then spaces calls at the rate, in the order they asked', () => {
    const bucket = new TokenBucket(100, 25, 0);
    expect(bucket.reserve(25, 0)).to.equal(0);
    expect(bucket.reserve(25, 0)).to.equal(250);
    expect(bucket.reserve(25, 0)).to.equal(500);
    // 1 s later the debt (50 tokens) is paid and 50 more came, but the bucket holds at most 25.
    expect(bucket.reserve(25, 1000)).to.equal(0);
    expect(bucket.reserve(1, 1000)).to.equal(10);
  });

  it('takes a call larger than the bucket, later', () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect(bucket.reserve(25, 0)).to.equal(2000);
  });

  it('a lower rate spaces the next calls further', () => {
    const bucket = new TokenBucket(100, 25, 0);
    bucket.reserve(25, 0);
    bucket.setRate(50, 0);
    expect(bucket.reserve(25, 0)).to.equal(500);
  });

  it('a ticket taken at one rate waits by the rate in force when it is asked again', () => {
    const bucket = new TokenBucket(100, 25, 0);
    bucket.take(25, 0);
    const ticket = bucket.take(25, 0);
    expect(bucket.waitFor(ticket, 0)).to.equal(250);
    // 100 ms at 100/s paid 10 of the 25 tokens; the other 15 come at 50/s.
    bucket.setRate(50, 100);
    expect(bucket.waitFor(ticket, 100)).to.equal(300);
    expect(bucket.waitFor(ticket, 250), 'asked again later: no token taken twice').to.equal(150);
    expect(bucket.waitFor(ticket, 400)).to.equal(0);
  });

  it('300 items at 100/s, 25 a call, are spread over 2.75 s', () => {
    const bucket = new TokenBucket(100, 25, 0);
    let last = 0;
    for (let call = 0; call < 12; call++) last = bucket.reserve(25, 0);
    expect(last).to.equal(2750);
  });
});

describe('AIMD limit', () => {
  it('halves on throttling, once for calls throttled together, down to its minimum', () => {
    const limit = new AimdLimit(16, 1, (value) => 1 / value);
    const epoch = limit.epoch;
    expect(limit.throttled(epoch)).to.equal(true);
    expect(limit.throttled(epoch), 'a call sent before the halving').to.equal(false);
    expect(limit.current).to.equal(8);
    for (let i = 0; i < 10; i++) limit.throttled(limit.epoch);
    expect(limit.current).to.equal(1);
    expect(limit.lowest).to.equal(1);
  });

  it('creeps back up by one per round of successes, never past its maximum', () => {
    const limit = new AimdLimit(16, 1, (value) => 1 / value);
    limit.throttled(limit.epoch);
    limit.throttled(limit.epoch); // 4
    for (let i = 0; i < 4; i++) limit.succeeded();
    expect(Math.floor(limit.current)).to.equal(4);
    limit.succeeded();
    expect(Math.floor(limit.current)).to.equal(5);
    for (let i = 0; i < 1000; i++) limit.succeeded();
    expect(limit.current).to.equal(16);
    expect(limit.lowest).to.equal(4);
  });
});

describe('write gate', () => {
  /**
   * A fake BatchWriteItem client behind the gate: `calls` writes of 25 items from `writers`
   * concurrent writers; the server throttles a call that arrives while `capacity` calls are in
   * flight already. A call stays in flight for one turn of the event loop.
   */
  async function drive(gate: Pick<WriteGate, 'enter' | 'leave'>, writers: number, calls: number, capacity: number) {
    let inFlight = 0;
    let most = 0;
    let throttled = 0;
    let left = calls;
    let sent = 0;
    const writer = async () => {
      // At most three sends per call, so that a run without backoff ends too.
      while (left > 0 && sent < calls * 3) {
        left--;
        sent++;
        const pass = await gate.enter(25);
        inFlight++;
        most = Math.max(most, inFlight);
        const overloaded = inFlight > capacity;
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        if (overloaded) {
          throttled++;
          left++; // sent again
        }
        gate.leave(pass, overloaded ? 'throttled' : 'ok');
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    return { most, throttled, written: calls - left };
  }

  it('halves the calls in flight when throttled, so throttling stops piling up', async () => {
    const gate = new WriteGate({ concurrency: 16, clock: fakeClock() });
    const { throttled, written } = await drive(gate, 16, 200, 3);
    const unbacked = await drive(
      { enter: async () => ({ concurrencyEpoch: 0, rateEpoch: 0 }), leave: () => undefined },
      16,
      200,
      3,
    );
    const report = gate.report();
    expect(report.throttledResponses).to.equal(throttled);
    expect(throttled).to.be.greaterThan(0);
    expect(report.lowestConcurrency).to.be.at.most(3);
    expect(report.concurrency).to.equal(16);
    // Once lowered, the gate stays near what the server takes; without it, throttling piles up.
    expect(written).to.equal(200);
    expect(throttled, `${throttled} throttled for 200 written`).to.be.below(200);
    expect(unbacked.most).to.equal(16);
    expect(unbacked.written, 'without the backoff, in as many sends').to.be.below(100);
  });

  it('without throttling, lets every writer through and lowers nothing', async () => {
    const gate = new WriteGate({ concurrency: 8, clock: fakeClock() });
    const { most, throttled } = await drive(gate, 8, 100, 100);
    expect(throttled).to.equal(0);
    expect(most).to.equal(8);
    expect(gate.report()).to.deep.equal({ throttledResponses: 0, concurrency: 8, lowestConcurrency: 8 });
  });

  it('waits for tokens under a rate cap, and halves the rate when throttled', async () => {
    const clock = fakeClock();
    const gate = new WriteGate({ concurrency: 1, maxWriteRate: 100, clock });
    for (let i = 0; i < 4; i++) gate.leave(await gate.enter(25), 'ok');
    expect(clock.now(), '100 items at 100/s, the first 25 at once').to.equal(750);
    gate.leave(await gate.enter(25), 'throttled');
    expect(gate.report()).to.include({ maxWriteRate: 100, lowestWriteRate: 50 });
    const before = clock.now();
    await gate.enter(25);
    expect(clock.now() - before, '25 items at 50/s').to.equal(500);
  });

  it('slows calls already waiting for tokens when the rate is cut, in the order they came', async () => {
    const clock = steppedClock();
    const gate = new WriteGate({ concurrency: 8, maxWriteRate: 100, clock });
    const first = await gate.enter(25); // the bucket's 25 tokens, at once
    const released: number[] = [];
    const enter = () =>
      gate.enter(25).then((pass) => {
        released.push(clock.now());
        return pass;
      });
    // At 100/s these three would go at 250, 500 and 750 ms.
    const waiting = [enter(), enter(), enter()];
    await clock.advanceTo(100);
    gate.leave(first, 'throttled'); // 50/s from 100 ms on
    const later = enter();
    await clock.advanceTo(10_000);
    const [second] = await Promise.all(waiting);
    await later;
    // At 100 ms, 15, 40 and 65 tokens were still owed to the three: at 50/s, 300, 800 and
    // 1300 ms more; the call that came after the cut waits behind them.
    expect(released).to.deep.equal([400, 900, 1400, 1900]);
    expect(gate.report()).to.include({ lowestWriteRate: 50 });
    // Sent at the lowered rate, its throttling lowers the rate again.
    gate.leave(second, 'throttled');
    expect(gate.report()).to.include({ lowestWriteRate: 25 });
  });
});
