/*
 * Which archive entries belong to a table: its `from` pattern matched against entry names.
 *
 *   *  any run of characters except "/"      ?  exactly one character except "/"
 *   every other character matches itself, case-sensitively.
 *
 * A pattern without "/" is matched against the entry's base name, so "customers*.csv" finds
 * "customers_1.csv" and "2026-11-01/customers_1.csv" alike (extracts often wrap everything
 * in one dated folder). A pattern with "/" is matched against the full path.
 * Directory entries never match. The result is sorted by full name (code-unit order), so
 * parts are read in a stable order: customers_part1, customers_part2, ….
 */
import type { ArchiveEntry } from './central-directory.js';

export function matchEntries(entries: readonly ArchiveEntry[], pattern: string): ArchiveEntry[] {
  const matcher = patternToRegExp(pattern);
  const matchFullPath = pattern.includes('/');
  return entries
    .filter((entry) => !entry.isDirectory && matcher.test(matchFullPath ? entry.name : baseName(entry.name)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (const character of pattern) {
    if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
