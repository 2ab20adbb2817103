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
import { dynamoNumberViolation, parseSimpleDecimal, readDecimal } from './decimal.js';
import { compileDateReader, compileTimestampReader } from './datetime-format.js';
import type { Parsed, Value } from './value.js';
import { bigintOf } from './bigint-numbers.js';

export type CastResult = Parsed<Value>;
export type CellCaster = (text: string | null) => CastResult;

/** Why a cell could not be cast (shown to the user as-is). Never a Value: values are plain data. */
export class CastFailure {
  constructor(readonly reason: string) {}
}

/** The row loop's caster: the value, or a CastFailure; nothing is allocated for a value but the value. */
export type CellReader = (text: string | null) => Value | CastFailure;

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN_WORDS = new Map<string, boolean>([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
  ['yes', true],
  ['no', false],
]);

/** A null `text` means the reader already knows the cell is null (no null token needed). */
export function castCell(text: string | null, column: PlanColumn, format: PlanFormat): CastResult {
  return compileCellCaster(column, format)(text);
}

export function compileCellCaster(column: PlanColumn, format: PlanFormat): CellCaster {
  const read = compileCellReader(column, format);
  return (text) => {
    const value = read(text);
    return value instanceof CastFailure ? { ok: false, reason: value.reason } : { ok: true, value };
  };
}

/**
 * `intsAsNumbers`: ints of up to 15 digits come as JS numbers instead of bigints, for a
 * reader that only stores rows (held tables keep ints as doubles anyway): no bigint is made
 * per cell. Nothing that computes with values may get them.
 */
export function compileCellReader(column: PlanColumn, format: PlanFormat, { intsAsNumbers = false } = {}): CellReader {
  const isNullToken = nullTokenTest(format.nullTokens);
  const castText =
    intsAsNumbers && column.type === 'int' ? trimmed(castIntegerAsNumber) : compileTextReader(column, format);
  const nullValue = column.nullable
    ? null
    : new CastFailure(
        `column ${column.name} is empty (null) but is not declared nullable (add ? to its type if empty is allowed)`,
      );
  const prefix = `column ${column.name} (${column.type}): `;
  return (text) => {
    if (text === null || isNullToken(text)) return nullValue;
    const value = castText(text);
    return value instanceof CastFailure ? new CastFailure(prefix + value.reason) : value;
  };
}

/**
 * A cell's value read straight from its record's text, text[start, end), for the common
 * forms only: undefined for anything else, which the column's CellReader then reads from the
 * cell's string (nulls, errors and all). No string is made for the cell. Null for a column
 * without such forms (ints, decimals, dates and timestamps have them), or one whose null
 * tokens look like one.
 */
export type QuickReader = (text: string, start: number, end: number) => Value | undefined;

export function compileQuickReader(
  column: PlanColumn,
  format: PlanFormat,
  { intsAsNumbers = false } = {},
): QuickReader | null {
  let quick: QuickReader;
  if (column.type === 'int') {
    quick = intsAsNumbers
      ? (text, start, end) => shortInteger(text, start, end) ?? undefined
      : (text, start, end) => {
          const short = shortInteger(text, start, end);
          return short === null ? undefined : bigintOf(short);
        };
  } else if (column.type === 'decimal') {
    quick = (text, start, end) => parseSimpleDecimal(text, start, end) ?? undefined;
  } else if (column.type === 'date' || column.type === 'timestamp') {
    const read =
      column.type === 'date' ? compileDateReader(format.dateFormat) : compileTimestampReader(format.timestampFormat);
    quick = (text, start, end) => {
      const value = read(text, start, end);
      return typeof value === 'string' ? undefined : value;
    };
  } else return null;
  // A null token is null, whatever it looks like: the reader must not take it for a number.
  return format.nullTokens.some((token) => quick(token, 0, token.length) !== undefined) ? null : quick;
}

function nullTokenTest(tokens: readonly string[]): (text: string) => boolean {
  if (tokens.length === 0) return () => false;
  if (tokens.length === 1) {
    const [token] = tokens;
    return token === '' ? (text) => text.length === 0 : (text) => text === token;
  }
  const set = new Set(tokens);
  return (text) => set.has(text);
}

type TextReader = (text: string) => Value | CastFailure;

function compileTextReader(column: PlanColumn, format: PlanFormat): TextReader {
  switch (column.type) {
    case 'string':
      return (text) => text;
    case 'int':
      return trimmed(castInteger);
    case 'decimal':
      return trimmed(failureFromText(readDecimal));
    case 'float':
      return trimmed(castFloat);
    case 'bool':
      return trimmed(castBoolean);
    case 'date':
      return trimmed(remembered(failureFromText(compileDateReader(format.dateFormat))));
    case 'timestamp':
      return trimmed(failureFromText(compileTimestampReader(format.timestampFormat)));
    default: {
      const unknown: never = column.type;
      throw new Error(`column ${column.name}: unknown type ${String(unknown)}`);
    }
  }
}

/** A reader that gives a reason as a string, giving a CastFailure instead. */
function failureFromText<T extends Value>(read: (text: string) => T | string): TextReader {
  return (text) => {
    const value = read(text);
    return typeof value === 'string' ? new CastFailure(value) : value;
  };
}

const SPACE = 32;
const TAB = 9;

function trimmed(cast: TextReader): TextReader {
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

function castInteger(text: string): Value | CastFailure {
  const short = shortInteger(text);
  if (short !== null) return bigintOf(short);
  if (!INTEGER_TEXT.test(text)) return new CastFailure(`"${text}" is not a whole number`);
  const value = BigInt(text);
  // Fewer than 39 characters cannot hold 39 digits.
  if (text.length <= 38) return value;
  const violation = dynamoNumberViolation(value, 0);
  if (violation !== null) return new CastFailure(`"${text}" ${violation}`);
  return value;
}

/** castInteger, with the common short ints as JS numbers. */
function castIntegerAsNumber(text: string): Value | CastFailure {
  return shortInteger(text) ?? castInteger(text);
}

function castFloat(text: string): Value | CastFailure {
  const value = FLOAT_TEXT.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) return new CastFailure(`"${text}" is not a finite number`);
  return value;
}

function castBoolean(text: string): Value | CastFailure {
  const value = BOOLEAN_WORDS.get(text.toLowerCase());
  if (value === undefined) return new CastFailure(`"${text}" is not a boolean (use true/false, 1/0 or yes/no)`);
  return value;
}

/**
 * The value of an optionally signed run of at most 15 digits, or null for anything else.
 * `start` and `end` delimit it in `text` (a cell read straight from its record).
 */
function shortInteger(text: string, start = 0, end = text.length): number | null {
  let at = start;
  let sign = 1;
  const first = text.charCodeAt(at);
  if (first === 45 /* - */ || first === 43 /* + */) {
    sign = first === 45 ? -1 : 1;
    at++;
  }
  const digits = end - at;
  if (digits <= 0 || digits > SHORT_INTEGER_DIGITS) return null;
  let value = 0;
  for (; at < end; at++) {
    const digit = text.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return sign * value;
}

/** Extracts repeat a few hundred distinct dates millions of times: parse each text once. */
const REMEMBERED_TEXTS = 10_000;

function remembered(cast: TextReader): TextReader {
  const known = new Map<string, Value | CastFailure>();
  return (text) => {
    let result = known.get(text);
    if (result === undefined) {
      result = cast(text);
      if (known.size < REMEMBERED_TEXTS) known.set(text, result);
    }
    return result;
  };
}
