// Ints are bigints, exact at any size; held columns, keys and JSON digits work on JS numbers,
// which hold every integer within 2^53 exactly. Moving between the two, cheaply: a bigint is
// an object, and comparing bigints costs more than converting one.

const SMALL_INTS = Array.from({ length: 1024 }, (_, i) => BigInt(i));

/** BigInt(whole) for a whole number within 2^53; 0n .. 1023n (line numbers, quantities, counts) are made once. */
export function bigintOf(whole: number): bigint {
  return whole >= 0 && whole < SMALL_INTS.length ? SMALL_INTS[whole] : BigInt(whole);
}

/** The value as a JS number when it is within 2^53, else null. */
export function safeNumberOf(value: bigint): number | null {
  // Beyond 2^53 a bigint converts to a rounded double, which is no safe integer.
  const whole = Number(value);
  return Number.isSafeInteger(whole) ? whole : null;
}
