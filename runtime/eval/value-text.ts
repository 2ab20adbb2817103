// The text of a value, as templates, concat() and cast(… as string) render it. The same text
// the sinks write for dates and timestamps, so a key built from a date reads like the date.
import { formatIsoDate, formatIsoTimestamp } from '../values/calendar.js';
import { decimalToString } from '../values/decimal.js';
import type { Value } from '../values/value.js';

export function valueText(value: Value): string {
  if (value === null) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
      return value.toString();
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value.kind === 'decimal') return decimalToString(value);
      if (value.kind === 'date') return formatIsoDate(value);
      return formatIsoTimestamp(value);
  }
}
