// Bigints are objects: making one per cell or per count shows in a run of millions of rows.
// Line numbers, quantities, flags and counts are mostly small, so those are made once.

const SMALL_INTS = Array.from({ length: 1024 }, (_, i) => BigInt(i));

/** BigInt(whole) for a whole number within 2^53; 0n .. 1023n are shared. */
export function bigintOf(whole: number): bigint {
  return whole >= 0 && whole < SMALL_INTS.length ? SMALL_INTS[whole] : BigInt(whole);
}
