/*
 * One comparable form for the runtime's items and the reference's: plain JSON where every
 * scalar is tagged text ("n:12.50", "d:2024-02-29", "s:…"), objects are lists of
 * [attribute, value] pairs in the order they were set, and lists keep their order. Numbers
 * keep their scale: 12.5 and 12.50 differ, as the digits a user sees do.
 */
import { fieldEntries, type ItemObject } from '../../../runtime/eval/item-value.js';
import { civilFromDays } from '../../../runtime/values/calendar.js';

export type Canonical = null | string | Canonical[] | { object: Array<[string, Canonical]> };

/** The reference's objects keep a Map of fields; the runtime's a shape and values. */
type AnyObject = { kind: 'object'; fields: Map<string, unknown> } | ItemObject;

function entriesOf(object: AnyObject): Array<[string, unknown]> {
  return 'fields' in object ? [...object.fields] : fieldEntries(object);
}

function decimalText(digits: bigint, scale: number): string {
  const body = (digits < 0n ? -digits : digits).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? body : `${body.slice(0, body.length - scale)}.${body.slice(body.length - scale)}`;
  return (digits < 0n ? '-' : '') + text;
}

function dateText(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function canonical(value: unknown): Canonical {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return `s:${value}`;
    case 'bigint':
      return `n:${value}`;
    case 'number':
      return `f:${value}`;
    case 'boolean':
      return `b:${value}`;
    default:
      break;
  }
  if (Array.isArray(value)) return value.map(canonical);
  const v = value as {
    kind: string;
    digits?: bigint;
    scale?: number;
    days?: number;
    epochMillis?: number;
    fields?: Map<string, unknown>;
  };
  switch (v.kind) {
    case 'decimal':
      return `n:${decimalText(v.digits!, v.scale!)}`;
    case 'date':
      return `d:${dateText(v.days!)}`;
    case 'timestamp':
      return `t:${new Date(v.epochMillis!).toISOString()}`;
    case 'object':
      return { object: entriesOf(value as AnyObject).map(([k, x]) => [k, canonical(x)] as [string, Canonical]) };
    default:
      throw new Error(`not an item value: ${JSON.stringify(value, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))}`);
  }
}

/** Readable one-line JSON of a canonical value, for assertion messages. */
export function show(value: Canonical): string {
  return JSON.stringify(value);
}
