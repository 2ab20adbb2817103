/*
 * Deterministic randomness for the sample warehouse. Every entity draws from its own stream,
 * keyed by (seed, stream, index): order 1234's lines are the same whichever table is being
 * written, in whatever order, so tables can be generated in separate passes without holding
 * anything in memory, and a delta extract can recompute what the base extract contained.
 * mulberry32 is not cryptographic; it is small, fast and the same on every platform.
 */

/** Named streams, so two kinds of entity never share draws by accident. */
export const Stream = {
  customer: 1,
  customerOrderCount: 2,
  order: 3,
  orderShape: 4,
  orderLines: 5,
  payment: 6,
  product: 7,
  stockMove: 8,
  auditEvent: 9,
  repeatCustomers: 10,
  extraLines: 11,
  latePayments: 12,
} as const;

export class Random {
  private state: number;

  constructor(seed: number, stream: number, index: number) {
    this.state = mix(mix(mix(seed >>> 0) ^ stream) ^ (index >>> 0)) ^ Math.floor(index / 2 ** 32);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

// A 32-bit integer hash (Chris Wellons' lowbias32): spreads nearby keys far apart.
function mix(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
