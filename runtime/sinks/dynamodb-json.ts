/*
 * Items as DynamoDB AttributeValues ("DynamoDB JSON"), the form PutItem, BatchWriteItem and
 * `aws dynamodb put-item` take:
 *
 *   string           {S}     kept as is, empty strings included (DynamoDB allows them
 *                            outside key attributes; a key check belongs upstream)
 *   int, decimal     {N}     exact decimal text, the same digits the plain JSON form writes
 *   float            {N}     JS's shortest text (1.5, 1e+21)
 *   bool             {BOOL}
 *   null             {NULL: true}   null attributes are written, as in the plain form
 *   date, timestamp  {S}     "2024-02-29", "2024-02-29T13:05:00.250Z" (same text as plain JSON)
 *   list             {L}
 *   object           {M}     a whole item is the map's contents, without the {M} wrapper
 *
 * toDynamoItem builds the objects (for an SDK call); toDynamoItemJson writes the same thing
 * straight to JSON text (for files), about three times faster.
 *
 * DynamoDB numbers hold at most 38 significant digits and magnitudes from 1E-130 to
 * 9.99…E+125. Values are checked upstream when they are cast or computed; a number that
 * still breaks the limit here throws a DynamoValueError (a RangeError) naming the value and
 * the attribute path, rather than being rounded into a different number.
 *
 * AttributeValue is declared here, structurally a subset of @aws-sdk/client-dynamodb's type
 * (values of this type can be passed to the SDK), so the runtime does not depend on the SDK.
 */
import { fieldEntries, type ItemObject, type ItemValue } from '../eval/item-value.js';
import { formatIsoDate, formatIsoTimestamp } from '../values/calendar.js';
import { decimalToString, dynamoNumberViolation } from '../values/decimal.js';
import { MAX_SIGNIFICANT_DIGITS, type Decimal } from '../values/value.js';
import { memberNamesJson, numberText } from './plain-json.js';

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

/** A value DynamoDB cannot store; `path` is the attribute path inside the item, if known. */
export class DynamoValueError extends RangeError {
  constructor(readonly detail: string, readonly path: ReadonlyArray<string | number> = []) {
    super(path.length === 0 ? detail : `attribute ${formatPath(path)}: ${detail}`);
    this.name = 'DynamoValueError';
  }
}

export function toAttributeValue(value: ItemValue): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'bigint') return { N: checkedInt(value) };
  if (typeof value === 'number') return { N: checkedFloat(value) };
  if (Array.isArray(value)) return { L: listValues(value) };
  switch (value.kind) {
    case 'object': return { M: toDynamoItem(value) };
    case 'decimal': return { N: checkedDecimal(value) };
    case 'date': return { S: formatIsoDate(value) };
    case 'timestamp': return { S: formatIsoTimestamp(value) };
    default: return unknownValue(value);
  }
}

/** A whole item: attribute name → AttributeValue, in the mapping's field order. */
export function toDynamoItem(item: ItemObject): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, field] of fieldEntries(item)) {
    let converted: AttributeValue;
    try {
      converted = toAttributeValue(field);
    } catch (error) {
      throw located(error, name);
    }
    // Assigning "__proto__" would set the object's prototype instead of adding an attribute.
    if (name === '__proto__') {
      Object.defineProperty(attributes, name, { value: converted, enumerable: true, writable: true, configurable: true });
    } else {
      attributes[name] = converted;
    }
  }
  return attributes;
}

/**
 * The JSON text of toDynamoItem(item), written directly (no AttributeValue objects in
 * between) for files of millions of items. Unlike JSON.stringify of the object, it keeps
 * attribute names that look like array indexes ("10") in the mapping's order too.
 */
export function toDynamoItemJson(item: ItemObject): string {
  const names = memberNamesJson(item.shape);
  let text = '{';
  let first = true;
  for (let i = 0; i < item.values.length; i++) {
    const field = item.values[i];
    if (field === undefined) continue;
    const name = item.shape.names[i];
    if (!first) text += ',';
    first = false;
    try {
      text += names[i] + attributeJson(field);
    } catch (error) {
      throw located(error, name);
    }
  }
  return text + '}';
}

// Number texts (digits, '-', '.', 'e', '+') and ISO dates need no JSON escaping.
function attributeJson(value: ItemValue): string {
  if (value === null) return '{"NULL":true}';
  if (typeof value === 'string') return `{"S":${JSON.stringify(value)}}`;
  if (typeof value === 'boolean') return value ? '{"BOOL":true}' : '{"BOOL":false}';
  if (typeof value === 'bigint') return `{"N":"${checkedInt(value)}"}`;
  if (typeof value === 'number') return `{"N":"${checkedFloat(value)}"}`;
  if (Array.isArray(value)) return `{"L":${listJson(value)}}`;
  switch (value.kind) {
    case 'object': return `{"M":${toDynamoItemJson(value)}}`;
    case 'decimal': return `{"N":"${checkedDecimal(value)}"}`;
    case 'date': return `{"S":"${formatIsoDate(value)}"}`;
    case 'timestamp': return `{"S":"${formatIsoTimestamp(value)}"}`;
    default: return unknownValue(value);
  }
}

function listJson(list: ItemValue[]): string {
  let text = '[';
  for (let index = 0; index < list.length; index++) {
    if (index > 0) text += ',';
    try {
      text += attributeJson(list[index]);
    } catch (error) {
      throw located(error, index);
    }
  }
  return text + ']';
}

function listValues(list: ItemValue[]): AttributeValue[] {
  const converted = new Array<AttributeValue>(list.length);
  for (let index = 0; index < list.length; index++) {
    try {
      converted[index] = toAttributeValue(list[index]);
    } catch (error) {
      throw located(error, index);
    }
  }
  return converted;
}

const SIGNIFICANT_LIMIT = 10n ** BigInt(MAX_SIGNIFICANT_DIGITS);
// Below 10^38 in absolute digits, a number breaks DynamoDB's limits only through a scale
// pushing its leading digit under 1E-130; the fast paths skip the full check.
const MAX_SAFE_SCALE = 130;

function checkedInt(value: bigint): string {
  if (value > -SIGNIFICANT_LIMIT && value < SIGNIFICANT_LIMIT) return value.toString();
  return checkedExact(value, 0, value.toString(), 'int');
}

function checkedDecimal(value: Decimal): string {
  const { digits, scale } = value;
  if (digits > -SIGNIFICANT_LIMIT && digits < SIGNIFICANT_LIMIT && scale <= MAX_SAFE_SCALE) {
    return decimalToString(value);
  }
  return checkedExact(digits, scale, decimalToString(value), 'decimal');
}

function checkedExact(digits: bigint, scale: number, text: string, type: string): string {
  const violation = dynamoNumberViolation(digits, scale);
  if (violation !== null) throw new DynamoValueError(`the ${type} ${text} ${violation}`);
  return text;
}

function checkedFloat(value: number): string {
  if (!Number.isFinite(value)) throw new DynamoValueError(`the float ${value} cannot be stored: DynamoDB has no NaN or Infinity`);
  const text = numberText(value);
  // A float's shortest text has at most 17 significant digits, so only the magnitude can
  // break DynamoDB's limits; shortest texts keep the order of the floats they print.
  const magnitude = Math.abs(value);
  if (magnitude === 0 || (magnitude >= 1e-130 && magnitude < 1e126)) return text;
  throw new DynamoValueError(`the float ${text} is out of the range DynamoDB numbers can hold (1E-130 to 9.99E+125)`);
}

function located(error: unknown, step: string | number): unknown {
  if (error instanceof DynamoValueError) return new DynamoValueError(error.detail, [step, ...error.path]);
  return error;
}

function formatPath(path: ReadonlyArray<string | number>): string {
  let text = '';
  for (const step of path) {
    if (typeof step === 'number') text += `[${step}]`;
    else text += text === '' ? step : `.${step}`;
  }
  return text;
}

function unknownValue(value: never): never {
  throw new TypeError(`cannot write ${String((value as { kind?: unknown }).kind)} as DynamoDB JSON: not an item value`);
}
