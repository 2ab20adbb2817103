// The caps on what a run reads (runtime/report/read-limits.ts) as flags of `mapc run` and
// `mapc job` (and MAPC_* variables of the job), checked with the rest of the command line
// before any data is read: a size takes a unit (16MiB, 4GiB, 500MB; a bare number is bytes),
// the ratio a number (1000 or 1000:1), the entry count a whole number. A bad value is a
// UsageError naming the flag or variable.
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../../runtime/report/read-limits.js';
import { UsageError, type Options } from './parse-options.js';

type Kind = 'size' | 'ratio' | 'count';

interface ReadLimitFlag {
  flag: string;
  variable: string;
  limit: keyof ReadLimits;
  kind: Kind;
}

export const READ_LIMIT_FLAGS: readonly ReadLimitFlag[] = [
  { flag: 'max-record-size', variable: 'MAPC_MAX_RECORD_SIZE', limit: 'maxRecordChars', kind: 'size' },
  { flag: 'max-entry-size', variable: 'MAPC_MAX_ENTRY_SIZE', limit: 'maxEntryBytes', kind: 'size' },
  { flag: 'max-total-size', variable: 'MAPC_MAX_TOTAL_SIZE', limit: 'maxTotalBytes', kind: 'size' },
  {
    flag: 'max-compression-ratio',
    variable: 'MAPC_MAX_COMPRESSION_RATIO',
    limit: 'maxCompressionRatio',
    kind: 'ratio',
  },
  { flag: 'max-entries', variable: 'MAPC_MAX_ENTRIES', limit: 'maxEntries', kind: 'count' },
];

export const READ_LIMIT_OPTIONS = {
  'max-record-size': { type: 'string' },
  'max-entry-size': { type: 'string' },
  'max-total-size': { type: 'string' },
  'max-compression-ratio': { type: 'string' },
  'max-entries': { type: 'string' },
} satisfies Options;

/** The flags' lines of a usage text; `variables`: with the job's MAPC_* names beside them. */
export function readLimitUsage(variables: boolean): string {
  const text: Record<string, string> = {
    'max-record-size': `characters in one CSV record (default ${formatSize(DEFAULT_READ_LIMITS.maxRecordChars)})`,
    'max-entry-size': `bytes one archive entry inflates to (default ${formatSize(DEFAULT_READ_LIMITS.maxEntryBytes)})`,
    'max-total-size': `bytes all the entries read inflate to (default ${formatSize(DEFAULT_READ_LIMITS.maxTotalBytes)})`,
    'max-compression-ratio': `inflated per compressed byte of an entry (default ${DEFAULT_READ_LIMITS.maxCompressionRatio})`,
    'max-entries': `entries in one archive (default ${DEFAULT_READ_LIMITS.maxEntries})`,
  };
  const argument: Record<Kind, string> = { size: 'SIZE', ratio: 'N', count: 'N' };
  // The column the run's usage describes its flags at; the job's, which names variables there, is one further.
  const column = variables ? 27 : 26;
  return (
    READ_LIMIT_FLAGS.map(({ flag, variable, kind }) => {
      const left = `  --${flag} ${argument[kind]}`;
      const description = variables ? `${variable}: ${text[flag]}` : text[flag];
      return left.length < column
        ? `${left.padEnd(column)}${description}`
        : `${left}\n${' '.repeat(column)}${description}`;
    }).join('\n') +
    `\n${' '.repeat(column)}(sizes take a unit: 16MiB, 4GiB, 500MB, 64KiB; a bare number is bytes,\n${' '.repeat(column)}or characters for the record size)`
  );
}

/** The text given for a flag, with the name to quote when it is wrong (--flag, or its variable). */
export type GivenLimit = (flag: ReadLimitFlag) => { value: string; name: string } | undefined;

/** The caps given, each checked; those not given keep their defaults (absent here). */
export function readLimitsGiven(given: GivenLimit): Partial<ReadLimits> {
  const limits: Partial<ReadLimits> = {};
  for (const flag of READ_LIMIT_FLAGS) {
    const text = given(flag);
    if (text === undefined) continue;
    limits[flag.limit] =
      flag.kind === 'size'
        ? parseSize(text.value, text.name)
        : flag.kind === 'ratio'
          ? parseRatio(text.value, text.name)
          : parseCount(text.value, text.name);
  }
  return limits;
}

/** The flags of a parsed command line, as readLimitsGiven takes them. */
export function fromFlags(values: Partial<Record<string, unknown>>): GivenLimit {
  return ({ flag }) => (typeof values[flag] === 'string' ? { value: values[flag], name: `--${flag}` } : undefined);
}

const UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  kb: 1000n,
  mb: 1000n ** 2n,
  gb: 1000n ** 3n,
  tb: 1000n ** 4n,
  kib: 1024n,
  mib: 1024n ** 2n,
  gib: 1024n ** 3n,
  tib: 1024n ** 4n,
};

/** "16MiB" → 16777216; a fraction is allowed when the result is whole ("1.5GiB"). */
export function parseSize(text: string, name: string): number {
  const match = /^(\d+)(?:\.(\d+))?\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[match[3].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new UsageError(
      `${name} takes a size such as 16MiB, 4GiB, 500MB or a number of bytes, not ${JSON.stringify(text)} (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`,
    );
  }
  const fraction = match[2] ?? '';
  const scaled = BigInt(match[1] + fraction) * unit;
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) throw new UsageError(`${name} ${text} is not a whole number of bytes`);
  const value = scaled / divisor;
  if (value < 1n || value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new UsageError(
      `${name} takes a size of at least 1 byte and at most ${Number.MAX_SAFE_INTEGER}, not ${JSON.stringify(text)}`,
    );
  return Number(value);
}

function parseRatio(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(?::1)?$/.exec(text.trim());
  const value = match ? Number(match[1]) : NaN;
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`${name} takes a ratio above 0 such as 1000 (or 1000:1), not ${JSON.stringify(text)}`);
  return value;
}

function parseCount(text: string, name: string): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1)
    throw new UsageError(`${name} takes a whole number of at least 1, not ${JSON.stringify(text)}`);
  return value;
}

/** 16777216 → "16MiB"; a size that is no whole number of a binary unit stays in bytes. */
function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
