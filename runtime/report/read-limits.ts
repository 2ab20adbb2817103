/*
 * The caps a run puts on what it reads from an extract, so that a hostile or broken archive
 * ends in a clean stop naming the entry (or file and line) instead of exhausting memory or
 * time. Each has a default that no real warehouse extract comes near; a run's options may
 * raise or lower any of them (RunInput.limits).
 */
export interface ReadLimits {
  /** Characters in one CSV record (decoded text, its quoted line breaks included). */
  maxRecordChars: number;
  /** Bytes one archive entry inflates to, as the central directory declares (and inflating is held to). */
  maxEntryBytes: number;
  /** Bytes all the entries a run reads inflate to, together. */
  maxTotalBytes: number;
  /** Inflated bytes per compressed byte of one entry (deflate reaches about 1032:1 on a run of zeros). */
  maxCompressionRatio: number;
  /** Entries in one archive (folders included). */
  maxEntries: number;
}

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxRecordChars: 16 * 1024 * 1024,
  maxEntryBytes: 4 * 1024 ** 3,
  maxTotalBytes: 16 * 1024 ** 3,
  maxCompressionRatio: 1000,
  maxEntries: 10_000,
});

/** The defaults with the given caps in their place; a cap must be a positive number. */
export function readLimits(given: Partial<ReadLimits> = {}): ReadLimits {
  const limits = { ...DEFAULT_READ_LIMITS };
  for (const [name, value] of Object.entries(given) as Array<[keyof ReadLimits, number | undefined]>) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_READ_LIMITS))
      throw new Error(`unknown read limit "${name}"; the limits are ${Object.keys(DEFAULT_READ_LIMITS).join(', ')}`);
    if (typeof value !== 'number' || !(value > 0))
      throw new Error(`read limit ${name} is ${String(value)}; it must be a positive number`);
    limits[name] = value;
  }
  return limits;
}
