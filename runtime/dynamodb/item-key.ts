// An item's primary key: read from its key attributes, checked against what DynamoDB accepts
// in a key, and turned into one identity text per key (so "1.50" and "1.5" are one key, as
// they are to DynamoDB), for keeping two writes of a key apart.
import type { AttributeValue } from './attribute-values.js';
import { canonicalNumber } from '../values/number-text.js';

/** The names of a table's key attributes. */
export interface KeyAttributeNames {
  partition: string;
  sort?: string | null;
}

export type ItemKey = Record<string, AttributeValue>;

export type KeyReading = { ok: true; key: ItemKey; identity: string } | { ok: false; key: ItemKey; reason: string };

// DynamoDB's key value limits (Developer Guide, "Quotas": partition key values 1 to 2048
// bytes, sort key values 1 to 1024 bytes).
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

export function readKey(attributes: Record<string, AttributeValue>, names: KeyAttributeNames): KeyReading {
  const key: ItemKey = {};
  let identity = '';
  const parts: Array<[string, 'partition' | 'sort', number]> = [
    [names.partition, 'partition', MAX_PARTITION_KEY_BYTES],
  ];
  if (names.sort) parts.push([names.sort, 'sort', MAX_SORT_KEY_BYTES]);
  for (const [name, role, maxBytes] of parts) {
    const value = Object.prototype.hasOwnProperty.call(attributes, name) ? attributes[name] : undefined;
    if (value !== undefined) key[name] = value;
    const part = keyPart(value, maxBytes);
    if (part.reason !== undefined) return { ok: false, key, reason: `${role} key ${name} ${part.reason}` };
    // Length-prefixed, so no value can imitate the boundary between the two parts.
    identity += `${part.text.length}:${part.text}`;
  }
  return { ok: true, key, identity };
}

function keyPart(
  value: AttributeValue | undefined,
  maxBytes: number,
): { text: string; reason?: undefined } | { text?: undefined; reason: string } {
  if (value === undefined) return { reason: 'is missing' };
  if ('S' in value) {
    if (value.S === '') return { reason: 'is an empty string' };
    const bytes = Buffer.byteLength(value.S, 'utf8');
    if (bytes > maxBytes) return { reason: `is ${bytes} bytes long; DynamoDB takes at most ${maxBytes}` };
    return { text: `S${value.S}` };
  }
  if ('N' in value) {
    try {
      return { text: `N${canonicalNumber(value.N)}` };
    } catch (error) {
      return { reason: (error as Error).message };
    }
  }
  return { reason: `is a ${Object.keys(value)[0]}; a key must be a string or a number` };
}

/** pk="CUSTOMER#1" sk=42: a key as people read it in messages. */
export function formatKey(key: ItemKey): string {
  return Object.entries(key)
    .map(
      ([name, value]) =>
        `${name}=${'N' in value ? value.N : 'S' in value ? JSON.stringify(value.S) : JSON.stringify(value)}`,
    )
    .join(' ');
}
