/**
 * A set of byte ranges [start, end), kept sorted and merged: what a ReadOnceSource holds
 * already, and what it still has to fetch for a read. An archive of many entries leaves
 * about one range per entry (its header and its data, apart from the next entry's): the
 * first range a read touches is found by binary search, so reading n entries costs
 * n log n, not n² (200k entries took minutes).
 */
export class ByteRanges {
  /** Sorted, disjoint, not touching: [start, end) pairs. */
  private readonly ranges: Array<[number, number]> = [];

  /** The parts of [start, end) not in the set, in order. */
  missing(start: number, end: number): Array<[number, number]> {
    const gaps: Array<[number, number]> = [];
    let at = start;
    for (let index = this.firstEndingAfter(start); index < this.ranges.length; index++) {
      const [from, to] = this.ranges[index];
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
    const first = this.firstEndingAtOrAfter(start);
    let last = first;
    while (last < this.ranges.length && this.ranges[last][0] <= end) {
      from = Math.min(from, this.ranges[last][0]);
      to = Math.max(to, this.ranges[last][1]);
      last++;
    }
    this.ranges.splice(first, last - first, [from, to]);
  }

  /** The index of the first range whose end is past `at` (ends ascend, as the ranges are disjoint and sorted). */
  private firstEndingAfter(at: number): number {
    return this.search((to) => to > at);
  }

  private firstEndingAtOrAfter(at: number): number {
    return this.search((to) => to >= at);
  }

  /** The first index whose range end passes `test` (false for all before it, true from it on). */
  private search(test: (to: number) => boolean): number {
    let low = 0;
    let high = this.ranges.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (test(this.ranges[middle][1])) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  get count(): number {
    return this.ranges.length;
  }
}
