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
import { parsedFrom, type DateValue, type Parsed, type TimestampValue } from './value.js';

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
  const read = compileDateReader(format);
  return (text) => parsedFrom(read(text));
}

export function compileTimestampParser(format: string): (text: string) => Parsed<TimestampValue> {
  const read = compileTimestampReader(format);
  return (text) => parsedFrom(read(text));
}

/**
 * A reader of the value in text[start, end) (the whole text unless told: a cell read straight
 * from its record), or the reason it holds none (a string).
 */
export type RangeReader<T> = (text: string, start?: number, end?: number) => T | string;

/** The date a text holds, or the reason it holds none (a string). */
export function compileDateReader(format: string): RangeReader<DateValue> {
  const parseFields = compileFieldParser(format);
  return (text, start = 0, end = text.length) => {
    const fields = parseFields(text, start, end);
    if (typeof fields === 'string') return fields;
    if (fields.hour !== 0 || fields.minute !== 0 || fields.second !== 0 || fields.millis !== 0) {
      return `"${text.slice(start, end)}" has a time of day; a date column holds whole days (declare it timestamp)`;
    }
    return dateValue(daysFromCivil(fields));
  };
}

/** The timestamp a text holds, or the reason it holds none (a string). */
export function compileTimestampReader(format: string): RangeReader<TimestampValue> {
  const parseFields = compileFieldParser(format);
  return (text, start = 0, end = text.length) => {
    const fields = parseFields(text, start, end);
    if (typeof fields === 'string') return fields;
    const timeOfDay = ((fields.hour * 60 + fields.minute) * 60 + fields.second) * 1000 + fields.millis;
    return timestampValue(daysFromCivil(fields) * MILLIS_PER_DAY + timeOfDay);
  };
}

const FIELD_INDEX: Record<Field, number> = { year: 0, month: 1, day: 2, hour: 3, minute: 4, second: 5, fraction: 6 };

/**
 * The fields of text[start, end), or why it does not match. The fields come in one record
 * reused by every call of this parser: read them before the next call.
 */
function compileFieldParser(format: string): (text: string, start: number, end: number) => Fields | string {
  const parts = compilePattern(format);
  const literals = parts.map((part) => (part.kind === 'literal' ? part.text : ''));
  const fieldIndexes = parts.map((part) => (part.kind === 'number' ? FIELD_INDEX[part.field] : -1));
  const minDigits = parts.map((part) => (part.kind === 'number' ? part.minDigits : 0));
  const maxDigits = parts.map((part) => (part.kind === 'number' ? part.maxDigits : 0));
  const layout = fullWidthLayout(parts);
  const values = [0, 0, 0, 0, 0, 0, 0];
  const fields: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millis: 0 };

  /**
   * Reads a text that writes every number at its full width (2026-06-22, the common case)
   * into `values`, one character after the other; false when it is written otherwise. It
   * reads what readByParts would.
   */
  const readFullWidth = (text: string, start: number, end: number): boolean => {
    const n = layout!.length;
    if (end - start !== n && !(end - start === n + 1 && text.charCodeAt(end - 1) === 90 /* Z */)) return false;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(start + i);
      const slot = layout![i];
      if (slot < 0) {
        if (code !== -1 - slot) return false;
        continue;
      }
      const digit = code - 48;
      if (digit < 0 || digit > 9) return false;
      values[slot] = values[slot] * 10 + digit;
    }
    return true;
  };

  /** Reads the text part by part into `values`; the reason it does not match, or null. */
  const readByParts = (text: string, start: number, end: number): string | null => {
    let at = start;
    for (let p = 0; p < parts.length; p++) {
      const field = fieldIndexes[p];
      if (field < 0) {
        const literal = literals[p];
        if (at + literal.length > end || !matchesAt(text, at, literal)) return mismatch(text.slice(start, end), format);
        at += literal.length;
        continue;
      }
      const limit = Math.min(end, at + maxDigits[p]);
      let digitsEnd = at;
      let value = 0;
      let finerThanMillis = false;
      for (; digitsEnd < limit; digitsEnd++) {
        const digit = text.charCodeAt(digitsEnd) - 48;
        if (digit < 0 || digit > 9) break;
        // A fraction keeps its first three digits (milliseconds); later ones must be zeros.
        if (field === 6 && digitsEnd - at >= 3) finerThanMillis ||= digit !== 0;
        else value = value * 10 + digit;
      }
      if (digitsEnd - at < minDigits[p]) return mismatch(text.slice(start, end), format);
      if (field === 6) {
        if (finerThanMillis)
          return `"${text.slice(start, end)}" has a fraction of a second finer than milliseconds, which would be lost`;
        for (let n = digitsEnd - at; n < 3; n++) value *= 10;
      }
      values[field] = value;
      at = digitsEnd;
    }
    if (at !== end && !(at === end - 1 && text.charCodeAt(at) === 90 /* Z */))
      return mismatch(text.slice(start, end), format);
    return null;
  };

  return (text, start, end) => {
    clear(values);
    if (layout === null || !readFullWidth(text, start, end)) {
      clear(values);
      const problem = readByParts(text, start, end);
      if (problem !== null) return problem;
    }
    fields.year = values[0];
    fields.month = values[1];
    fields.day = values[2];
    fields.hour = values[3];
    fields.minute = values[4];
    fields.second = values[5];
    fields.millis = values[6];
    if (!isValidCivilDate(fields)) return `"${text.slice(start, end)}" is not a calendar date`;
    if (fields.hour > 23 || fields.minute > 59 || fields.second > 59)
      return `"${text.slice(start, end)}" is not a valid time of day`;
    return fields;
  };
}

/**
 * What each character of a text writing every number of the pattern at its full width is: a
 * digit of the field at FIELD_INDEX (>= 0), or the literal character c (-1 - c). Null for a
 * pattern with a fraction of a second, whose full width is rare.
 */
function fullWidthLayout(parts: Part[]): number[] | null {
  const layout: number[] = [];
  for (const part of parts) {
    if (part.kind === 'literal') for (let i = 0; i < part.text.length; i++) layout.push(-1 - part.text.charCodeAt(i));
    else if (part.field === 'fraction') return null;
    else for (let i = 0; i < part.maxDigits; i++) layout.push(FIELD_INDEX[part.field]);
  }
  return layout;
}

function clear(values: number[]): void {
  for (let i = 0; i < values.length; i++) values[i] = 0;
}

/** Whether `literal` is in `text` at `at` (the caller checked it fits). */
function matchesAt(text: string, at: number, literal: string): boolean {
  for (let i = 0; i < literal.length; i++) if (text.charCodeAt(at + i) !== literal.charCodeAt(i)) return false;
  return true;
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

function mismatch(text: string, format: string): string {
  return `"${text}" does not match the format "${format}"`;
}
