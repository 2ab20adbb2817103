/**
 * A set of byte ranges [start, end), kept sorted and merged: what a ReadOnceSource holds
 * already, and what it still has to fetch for a read.
 */
export class ByteRanges {
  /** Sorted, disjoint, not touching: [start, end) pairs. */
  private readonly ranges: Array<[number, number]> = [];

  /** The parts of [start, end) not in the set, in order. */
  missing(start: number, end: number): Array<[number, number]> {
    const gaps: Array<[number, number]> = [];
    let at = start;
    for (const [from, to] of this.ranges) {
      if (to <= at) continue;
      if (from >= end) break;
      if (from > at) gaps.push([at, from]);
      at = Math.max(at, to);
      if (at >= end) break;
    }
    if (at < end) gaps.push([at, end]);
    return gaps;
  }

  add(start: number, end: number): void {
    if (end <= start) return;
    let from = start;
    let to = end;
    // Ranges that overlap or touch [start, end) merge into one.
    let first = 0;
    while (first < this.ranges.length && this.ranges[first][1] < start) first++;
    let last = first;
    while (last < this.ranges.length && this.ranges[last][0] <= end) {
      from = Math.min(from, this.ranges[last][0]);
      to = Math.max(to, this.ranges[last][1]);
      last++;
    }
    this.ranges.splice(first, last - first, [from, to]);
  }

  get count(): number {
    return this.ranges.length;
  }
}
