/*
 * Items as DynamoDB JSON text, the form `aws dynamodb put-item` and the preview's 'dynamodb'
 * format take, written straight from the item model (no AttributeValue objects in between)
 * for files of millions of items:
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
 * The same mapping as objects for SDK calls is dynamodb/attribute-values.ts, which checks
 * numbers with the functions here.
 *
 * DynamoDB numbers hold at most 38 significant digits and magnitudes from 1E-130 to
 * 9.99…E+125. Values are checked upstream when they are cast or computed; a number that
 * still breaks the limit here throws a DynamoValueError (a RangeError) naming the value and
 * the attribute path, rather than being rounded into a different number.
 */
import type { ItemObject, ItemValue } from '../eval/item-value.js';
import { formatIsoDate, formatIsoTimestamp } from '../values/calendar.js';
import { decimalToString, dynamoNumberViolation } from '../values/decimal.js';
import { MAX_SIGNIFICANT_DIGITS, type Decimal } from '../values/value.js';
import { memberNamesJson, numberText } from './plain-json.js';

/** A value DynamoDB cannot store; `path` is the attribute path inside the item, if known. */
export class DynamoValueError extends RangeError {
  constructor(
    readonly detail: string,
    readonly path: ReadonlyArray<string | number> = [],
  ) {
    super(path.length === 0 ? detail : `attribute ${formatPath(path)}: ${detail}`);
    this.name = 'DynamoValueError';
  }
}

/**
 * The DynamoDB JSON text of an item. Unlike JSON.stringify of its AttributeValues, it keeps
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
      throw locatedError(error, name);
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
    case 'object':
      return `{"M":${toDynamoItemJson(value)}}`;
    case 'decimal':
      return `{"N":"${checkedDecimal(value)}"}`;
    case 'date':
      return `{"S":"${formatIsoDate(value)}"}`;
    case 'timestamp':
      return `{"S":"${formatIsoTimestamp(value)}"}`;
    default:
      return notAnItemValue(value);
  }
}

function listJson(list: ItemValue[]): string {
  let text = '[';
  for (let index = 0; index < list.length; index++) {
    if (index > 0) text += ',';
    try {
      text += attributeJson(list[index]);
    } catch (error) {
      throw locatedError(error, index);
    }
  }
  return text + ']';
}

const SIGNIFICANT_LIMIT = 10n ** BigInt(MAX_SIGNIFICANT_DIGITS);
// Below 10^38 in absolute digits, a number breaks DynamoDB's limits only through a scale
// pushing its leading digit under 1E-130; the fast paths skip the full check.
const MAX_SAFE_SCALE = 130;

/** The int's {N} text; a DynamoValueError when DynamoDB cannot hold it. */
export function checkedInt(value: bigint): string {
  if (value > -SIGNIFICANT_LIMIT && value < SIGNIFICANT_LIMIT) return value.toString();
  return checkedExact(value, 0, value.toString(), 'int');
}

/** The decimal's {N} text; a DynamoValueError when DynamoDB cannot hold it. */
export function checkedDecimal(value: Decimal): string {
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

/** The float's {N} text; a DynamoValueError when DynamoDB cannot hold it. */
export function checkedFloat(value: number): string {
  if (!Number.isFinite(value))
    throw new DynamoValueError(`the float ${value} cannot be stored: DynamoDB has no NaN or Infinity`);
  const text = numberText(value);
  // A float's shortest text has at most 17 significant digits, so only the magnitude can
  // break DynamoDB's limits; shortest texts keep the order of the floats they print.
  const magnitude = Math.abs(value);
  if (magnitude === 0 || (magnitude >= 1e-130 && magnitude < 1e126)) return text;
  throw new DynamoValueError(`the float ${text} is out of the range DynamoDB numbers can hold (1E-130 to 9.99E+125)`);
}

/** A DynamoValueError thrown inside attribute (or list index) `step`, with the step added to its path. */
export function locatedError(error: unknown, step: string | number): unknown {
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

/** Reached only by a value outside the item model. */
export function notAnItemValue(value: never): never {
  throw new TypeError(`cannot write ${String((value as { kind?: unknown }).kind)} as DynamoDB JSON: not an item value`);
}
