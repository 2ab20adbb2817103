/*
 * An extract's as_of read from its name, for archives without a _manifest.json: the last
 * date or timestamp written in the key or file name, in one of these forms (UTC):
 *
 *   2026-11-01T02:00:00Z   2026-11-01T020000Z   20261101T020000Z   2026-11-01_02-00-00
 *   20261101020000         2026-11-01           20261101
 *
 * A name without one has no as_of of its own; the job then orders it by its upload time.
 */
const FORMS: RegExp[] = [
  // date, separator, time (with or without separators), optional Z
  /(\d{4})-?(\d{2})-?(\d{2})[T_ -](\d{2})[:-]?(\d{2})[:-]?(\d{2})Z?/g,
  /(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/g,
  /(\d{4})-(\d{2})-(\d{2})/g,
  /(\d{4})(\d{2})(\d{2})/g,
];

/** The ISO timestamp the name carries, or null. */
export function asOfFromName(name: string): string | null {
  const base = name.slice(name.lastIndexOf('/') + 1);
  for (const text of [base, name]) {
    for (const form of FORMS) {
      const matches = [...text.matchAll(form)].map(toIso).filter((iso): iso is string => iso !== null);
      if (matches.length > 0) return matches[matches.length - 1];
    }
  }
  return null;
}

function toIso(match: RegExpMatchArray): string | null {
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .filter((part) => part !== undefined)
    .map(Number);
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(millis);
  // 20261341 is not a date: refuse what Date.UTC would roll over.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return date.toISOString();
}
