// Sorting a collection's elements in place, stably. Collections are small (an order's lines),
// and Array.prototype.sort copies every array it sorts into a work array of its own: on a
// large extract those copies were a sixth of all the memory building items allocated.
// Insertion sort allocates nothing, and an input already in order (lines listed by line
// number) costs one comparison per element.

/** Arrays up to this length are sorted by insertion; longer ones by Array.prototype.sort. */
const INSERTION_SORT_MAX = 32;

/** Sorts `list` in place; elements that compare equal keep their order (as Array.prototype.sort does). */
export function sortStable<T>(list: T[], compare: (a: T, b: T) => number): void {
  const n = list.length;
  if (n > INSERTION_SORT_MAX) {
    list.sort(compare);
    return;
  }
  for (let i = 1; i < n; i++) {
    const item = list[i];
    let j = i - 1;
    // Strictly greater moves: an equal element stays after the one read before it.
    while (j >= 0 && compare(list[j], item) > 0) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = item;
  }
}
