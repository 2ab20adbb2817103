// Additive increase, multiplicative decrease (as TCP's congestion window): a limit halved when
// DynamoDB throttles and raised a step on each success, between `min` and `max`. Calls sent
// before the last halving carry an older epoch: their throttling says nothing new (the limit
// was already lowered for it), so several calls throttled together halve the limit once.

export class AimdLimit {
  private value: number;
  private epochNow = 0;
  private lowestValue: number;

  /** `step(value)`: how much one success raises the limit. */
  constructor(
    private readonly max: number,
    private readonly min: number,
    private readonly step: (value: number) => number,
  ) {
    if (!(min > 0) || !(max >= min)) throw new RangeError(`AimdLimit: need 0 < min <= max, got ${min}, ${max}`);
    this.value = max;
    this.lowestValue = max;
  }

  get current(): number {
    return this.value;
  }

  get lowest(): number {
    return this.lowestValue;
  }

  /** The epoch to give back with the call's outcome. */
  get epoch(): number {
    return this.epochNow;
  }

  /** A call that started in `epoch` was throttled: halve, once per epoch. True when lowered. */
  throttled(epoch: number): boolean {
    if (epoch !== this.epochNow) return false;
    this.epochNow++;
    this.value = Math.max(this.min, this.value / 2);
    this.lowestValue = Math.min(this.lowestValue, this.value);
    return true;
  }

  succeeded(): void {
    this.value = Math.min(this.max, this.value + this.step(this.value));
  }
}
