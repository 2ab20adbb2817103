/*
 * Casting one CSV cell to its column's declared type.
 *
 *   null      the text equals one of the table's nullTokens exactly (nothing is trimmed
 *             first, so " " is not "" ). A null in a column not declared nullable (`?`) is
 *             a reject: the row cannot be used, and the reason says which column.
 *   string    the text as it is, spaces included.
 *   other     surrounding spaces and tabs are ignored (they cannot mean anything in a number
 *             or a date), then:
 *     int        optional sign and digits only ("12.0" and "1e3" are rejected), at most 38
 *                significant digits (the DynamoDB limit)
 *     decimal    see decimal.ts (exact, scale kept, 38 significant digits)
 *     float      finite numbers in plain or exponent notation; NaN and Infinity rejected
 *     bool       true/false, 1/0, yes/no, any letter case
 *     date       by format.dateFormat       (see datetime-format.ts)
 *     timestamp  by format.timestampFormat  (see datetime-format.ts)
 *
 * A caster is compiled once per column (compileCellCaster) for the row loop; castCell is the
 * same thing for one-off use.
 */
import type { PlanColumn, PlanFormat } from '../plan/types.js';
import { dynamoNumberViolation, parseDecimal } from './decimal.js';
import { compileDateParser, compileTimestampParser } from './datetime-format.js';
import type { Parsed, Value } from './value.js';

export type CastResult = Parsed<Value>;
export type CellCaster = (text: string | null) => CastResult;

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN_WORDS = new Map<string, boolean>([
  ['true', true], ['false', false], ['1', true], ['0', false], ['yes', true], ['no', false],
]);

/** A null `text` means the reader already knows the cell is null (no null token needed). */
export function castCell(text: string | null, column: PlanColumn, format: PlanFormat): CastResult {
  return compileCellCaster(column, format)(text);
}

export function compileCellCaster(column: PlanColumn, format: PlanFormat): CellCaster {
  const nullTokens = new Set(format.nullTokens);
  const castText = compileTextCaster(column, format);
  const nullResult: CastResult = column.nullable
    ? { ok: true, value: null }
    : { ok: false, reason: `column ${column.name} is empty (null) but is not declared nullable (add ? to its type if empty is allowed)` };
  return (text) => {
    if (text === null || nullTokens.has(text)) return nullResult;
    const result = castText(text);
    if (result.ok) return result;
    return { ok: false, reason: `column ${column.name} (${column.type}): ${result.reason}` };
  };
}

function compileTextCaster(column: PlanColumn, format: PlanFormat): (text: string) => CastResult {
  switch (column.type) {
    case 'string':
      return (text) => ({ ok: true, value: text });
    case 'int':
      return trimmed(castInteger);
    case 'decimal':
      return trimmed(parseDecimal);
    case 'float':
      return trimmed(castFloat);
    case 'bool':
      return trimmed(castBoolean);
    case 'date':
      return trimmed(remembered(compileDateParser(format.dateFormat)));
    case 'timestamp':
      return trimmed(compileTimestampParser(format.timestampFormat));
    default: {
      const unknown: never = column.type;
      throw new Error(`column ${column.name}: unknown type ${String(unknown)}`);
    }
  }
}

const SPACE = 32;
const TAB = 9;

function trimmed(cast: (text: string) => CastResult): (text: string) => CastResult {
  return (text) => {
    const first = text.charCodeAt(0);
    const last = text.charCodeAt(text.length - 1);
    // Most cells have nothing to trim: skip the regular expression for them.
    if (first !== SPACE && first !== TAB && last !== SPACE && last !== TAB) return cast(text);
    return cast(text.replace(/^[ \t]+|[ \t]+$/g, ''));
  };
}

/** Up to 15 digits, accumulated in a JS number: every such integer is exact in a double. */
const SHORT_INTEGER_DIGITS = 15;

function castInteger(text: string): CastResult {
  const short = shortInteger(text);
  if (short !== null) return { ok: true, value: BigInt(short) };
  if (!INTEGER_TEXT.test(text)) return { ok: false, reason: `"${text}" is not a whole number` };
  const value = BigInt(text);
  // Fewer than 39 characters cannot hold 39 digits.
  if (text.length <= 38) return { ok: true, value };
  const violation = dynamoNumberViolation(value, 0);
  if (violation !== null) return { ok: false, reason: `"${text}" ${violation}` };
  return { ok: true, value };
}

function castFloat(text: string): CastResult {
  const value = FLOAT_TEXT.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) return { ok: false, reason: `"${text}" is not a finite number` };
  return { ok: true, value };
}

function castBoolean(text: string): CastResult {
  const value = BOOLEAN_WORDS.get(text.toLowerCase());
  if (value === undefined) return { ok: false, reason: `"${text}" is not a boolean (use true/false, 1/0 or yes/no)` };
  return { ok: true, value };
}

/** The value of an optionally signed run of at most 15 digits, or null for anything else. */
function shortInteger(text: string): number | null {
  let at = 0;
  let sign = 1;
  const first = text.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */) {
    sign = first === 45 ? -1 : 1;
    at = 1;
  }
  const digits = text.length - at;
  if (digits === 0 || digits > SHORT_INTEGER_DIGITS) return null;
  let value = 0;
  for (; at < text.length; at++) {
    const digit = text.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return sign * value;
}

/** Extracts repeat a few hundred distinct dates millions of times: parse each text once. */
const REMEMBERED_TEXTS = 10_000;

function remembered(cast: (text: string) => CastResult): (text: string) => CastResult {
  const known = new Map<string, CastResult>();
  return (text) => {
    let result = known.get(text);
    if (result === undefined) {
      result = cast(text);
      if (known.size < REMEMBERED_TEXTS) known.set(text, result);
    }
    return result;
  };
}
