/*
 * Calendar arithmetic as SQL has it, on exact values (proleptic Gregorian calendar, UTC).
 *
 *   date ± days/weeks                 exact day count
 *   date ± months/years               keeps the day of month and clamps to the month's last
 *                                     day: 2024-01-31 + 1 month = 2024-02-29,
 *                                     2024-02-29 + 1 year = 2025-02-28
 *   date ± hours/minutes/seconds      becomes a timestamp at midnight first (as SQL's
 *                                     date + interval does)
 *   timestamp ± any unit              months/years clamp the day and keep the time of day
 *   epochSeconds(date | timestamp)    whole seconds since 1970-01-01T00:00:00Z, floored
 *                                     (a date counts from its midnight)
 *
 * Durations are whole numbers (bigint or integer number); a fractional amount throws.
 */
import type { DurationUnit } from '../plan/types.js';
import { bigintOf, safeNumberOf } from './bigint-numbers.js';
import type { DateValue, TimestampValue } from './value.js';

export const MILLIS_PER_SECOND = 1000;
export const MILLIS_PER_DAY = 86_400_000;
const MILLIS_PER_UNIT: Record<'second' | 'minute' | 'hour', number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
};

export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

export function dateValue(days: number): DateValue {
  return { kind: 'date', days };
}

export function timestampValue(epochMillis: number): TimestampValue {
  return { kind: 'timestamp', epochMillis };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isValidCivilDate({ year, month, day }: CivilDate): boolean {
  return Number.isInteger(year) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for any year, no Date object
// (Date would drag in the local time zone and the float millisecond range).
export function daysFromCivil({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function addDaysToDate(date: DateValue, days: number): DateValue {
  return dateValue(date.days + days);
}

export function addMonthsToDate(date: DateValue, months: number): DateValue {
  const { year, month, day } = civilFromDays(date.days);
  const monthIndex = year * 12 + (month - 1) + months;
  const newYear = Math.floor(monthIndex / 12);
  const newMonth = monthIndex - newYear * 12 + 1;
  const newDay = Math.min(day, daysInMonth(newYear, newMonth));
  return dateValue(daysFromCivil({ year: newYear, month: newMonth, day: newDay }));
}

export function dateAtMidnight(date: DateValue): TimestampValue {
  return timestampValue(date.days * MILLIS_PER_DAY);
}

/** The calendar day a timestamp falls on (UTC). */
export function dateOfTimestamp(timestamp: TimestampValue): DateValue {
  return dateValue(Math.floor(timestamp.epochMillis / MILLIS_PER_DAY));
}

export function addDuration(
  value: DateValue,
  amount: bigint | number,
  unit: 'day' | 'week' | 'month' | 'year',
): DateValue;
export function addDuration(value: TimestampValue, amount: bigint | number, unit: DurationUnit): TimestampValue;
export function addDuration(
  value: DateValue | TimestampValue,
  amount: bigint | number,
  unit: DurationUnit,
): DateValue | TimestampValue;
export function addDuration(
  value: DateValue | TimestampValue,
  amount: bigint | number,
  unit: DurationUnit,
): DateValue | TimestampValue {
  const count = wholeAmount(amount);
  if (value.kind === 'date') {
    switch (unit) {
      case 'day':
        return addDaysToDate(value, count);
      case 'week':
        return addDaysToDate(value, count * 7);
      case 'month':
        return addMonthsToDate(value, count);
      case 'year':
        return addMonthsToDate(value, count * 12);
      case 'hour':
      case 'minute':
      case 'second':
        return addDuration(dateAtMidnight(value), count, unit);
    }
  }
  switch (unit) {
    case 'second':
    case 'minute':
    case 'hour':
      return timestampValue(value.epochMillis + count * MILLIS_PER_UNIT[unit]);
    case 'day':
      return timestampValue(value.epochMillis + count * MILLIS_PER_DAY);
    case 'week':
      return timestampValue(value.epochMillis + count * 7 * MILLIS_PER_DAY);
    case 'month':
    case 'year': {
      const day = dateOfTimestamp(value);
      const timeOfDay = value.epochMillis - day.days * MILLIS_PER_DAY;
      const moved = addMonthsToDate(day, unit === 'year' ? count * 12 : count);
      return timestampValue(moved.days * MILLIS_PER_DAY + timeOfDay);
    }
  }
}

/** Milliseconds since the epoch: a date's are those of its midnight (UTC). */
export function epochMillisOf(value: DateValue | TimestampValue): number {
  return value.kind === 'date' ? value.days * MILLIS_PER_DAY : value.epochMillis;
}

export function epochSeconds(value: DateValue | TimestampValue): bigint {
  return bigintOf(Math.floor(epochMillisOf(value) / MILLIS_PER_SECOND));
}

const dateTexts = new Map<number, string>();
const DATE_TEXTS_KEPT = 100_000;

/** "2024-02-29" (years beyond 0000–9999 get a sign and 6 digits, as ISO 8601 extends). */
export function formatIsoDate(date: DateValue): string {
  return formatIsoDay(date.days);
}

/** formatIsoDate of the day `days` after 1970-01-01. */
export function formatIsoDay(days: number): string {
  // Items repeat the same few hundred days over and over.
  let text = dateTexts.get(days);
  if (text === undefined) {
    const { year, month, day } = civilFromDays(days);
    text = `${formatYear(year)}-${pad2(month)}-${pad2(day)}`;
    if (dateTexts.size < DATE_TEXTS_KEPT) dateTexts.set(days, text);
  }
  return text;
}

/** "2024-02-29T13:05:00.250Z": always UTC, always milliseconds, so text order = time order. */
export function formatIsoTimestamp(timestamp: TimestampValue): string {
  const day = dateOfTimestamp(timestamp);
  let rest = timestamp.epochMillis - day.days * MILLIS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${formatIsoDate(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${String(millis).padStart(3, '0')}Z`;
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

function wholeAmount(amount: bigint | number): number {
  const count = typeof amount === 'bigint' ? safeNumberOf(amount) : amount;
  if (count === null || !Number.isSafeInteger(count))
    throw new RangeError(`a duration must be a whole number, got ${amount}`);
  return count;
}
