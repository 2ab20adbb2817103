/*
 * Parsing dates and timestamps by the format a table declares (PlanFormat.dateFormat and
 * timestampFormat), strftime-like:
 *
 *   %Y  year, exactly 4 digits        %H  hour 00-23, 1 or 2 digits
 *   %m  month, 1 or 2 digits          %M  minute 00-59, 1 or 2 digits
 *   %d  day, 1 or 2 digits            %S  second 00-59, 1 or 2 digits (no leap seconds)
 *   %f  fraction of a second, 1-9 digits (".5" is 500 ms)
 *   %%  a literal "%"                 anything else is literal text, matched exactly
 *
 * One optional trailing "Z" is accepted after the whole pattern (it says UTC, which every
 * value here is anyway); other zone offsets are rejected. The calendar is validated
 * (2023-02-29 and 2024-02-30 are rejected). A date read with a pattern that has a time of
 * day must be at midnight, so no time is lost silently. Timestamps keep milliseconds: a
 * fraction with non-zero digits beyond the third is rejected rather than truncated.
 *
 * Patterns are compiled once (a plan is loaded once, rows are many); a pattern without
 * %Y, %m and %d, or with an unknown %-token, throws at compile time.
 */
import { daysFromCivil, isValidCivilDate, MILLIS_PER_DAY, dateValue, timestampValue } from './calendar.js';
import type { DateValue, Parsed, TimestampValue } from './value.js';

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction';
type Part = { kind: 'literal'; text: string } | { kind: 'number'; field: Field; minDigits: number; maxDigits: number };

const TOKENS: Record<string, { field: Field; minDigits: number; maxDigits: number }> = {
  Y: { field: 'year', minDigits: 4, maxDigits: 4 },
  m: { field: 'month', minDigits: 1, maxDigits: 2 },
  d: { field: 'day', minDigits: 1, maxDigits: 2 },
  H: { field: 'hour', minDigits: 1, maxDigits: 2 },
  M: { field: 'minute', minDigits: 1, maxDigits: 2 },
  S: { field: 'second', minDigits: 1, maxDigits: 2 },
  f: { field: 'fraction', minDigits: 1, maxDigits: 9 },
};

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
}

export function compileDateParser(format: string): (text: string) => Parsed<DateValue> {
  const parseFields = compileFieldParser(format);
  return (text) => {
    const parsed = parseFields(text);
    if (!parsed.ok) return parsed;
    const { hour, minute, second, millis } = parsed.value;
    if (hour !== 0 || minute !== 0 || second !== 0 || millis !== 0) {
      return { ok: false, reason: `"${text}" has a time of day; a date column holds whole days (declare it timestamp)` };
    }
    return { ok: true, value: dateValue(daysFromCivil(parsed.value)) };
  };
}

export function compileTimestampParser(format: string): (text: string) => Parsed<TimestampValue> {
  const parseFields = compileFieldParser(format);
  return (text) => {
    const parsed = parseFields(text);
    if (!parsed.ok) return parsed;
    const { hour, minute, second, millis } = parsed.value;
    const timeOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    return { ok: true, value: timestampValue(daysFromCivil(parsed.value) * MILLIS_PER_DAY + timeOfDay) };
  };
}

function compileFieldParser(format: string): (text: string) => Parsed<Fields> {
  const parts = compilePattern(format);
  return (text) => {
    const fields: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millis: 0 };
    let at = 0;
    for (const part of parts) {
      if (part.kind === 'literal') {
        if (!text.startsWith(part.text, at)) return mismatch(text, format);
        at += part.text.length;
        continue;
      }
      let end = at;
      while (end < text.length && end - at < part.maxDigits && isDigit(text.charCodeAt(end))) end++;
      if (end - at < part.minDigits) return mismatch(text, format);
      const digits = text.slice(at, end);
      at = end;
      if (part.field === 'fraction') {
        if (/[1-9]/.test(digits.slice(3))) {
          return { ok: false, reason: `"${text}" has a fraction of a second finer than milliseconds, which would be lost` };
        }
        fields.millis = Number(digits.slice(0, 3).padEnd(3, '0'));
      } else {
        fields[part.field] = Number(digits);
      }
    }
    if (at !== text.length && !(at === text.length - 1 && text[at] === 'Z')) return mismatch(text, format);
    if (!isValidCivilDate(fields)) return { ok: false, reason: `"${text}" is not a calendar date` };
    if (fields.hour > 23 || fields.minute > 59 || fields.second > 59) {
      return { ok: false, reason: `"${text}" is not a valid time of day` };
    }
    return { ok: true, value: fields };
  };
}

function compilePattern(format: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      literal += format[i];
      continue;
    }
    const token = format[++i];
    if (token === '%') {
      literal += '%';
      continue;
    }
    const spec = token === undefined ? undefined : TOKENS[token];
    if (spec === undefined) {
      throw new Error(`date/time format "${format}": unknown token %${token ?? ''} (use %Y %m %d %H %M %S %f or %%)`);
    }
    if (literal !== '') parts.push({ kind: 'literal', text: literal });
    literal = '';
    parts.push({ kind: 'number', ...spec });
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  for (const required of ['year', 'month', 'day'] as const) {
    if (!parts.some((part) => part.kind === 'number' && part.field === required)) {
      throw new Error(`date/time format "${format}" has no ${required} (%Y, %m and %d are required)`);
    }
  }
  return parts;
}

function mismatch(text: string, format: string): Parsed<never> {
  return { ok: false, reason: `"${text}" does not match the format "${format}"` };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
