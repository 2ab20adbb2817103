/*
 * Whether DynamoDB can hold a built item, asked of every item before any sink takes it (a
 * preview in either format, on one thread or on build threads, and the DynamoDB writer), so
 * that a preview's counts predict the real run: an item that breaks a limit rejects its root
 * row, with the reason and the attribute path, and the run goes on.
 *
 *   numbers   at most 38 significant digits, magnitudes 1E-130 to 9.99…E+125, no NaN or
 *             Infinity (the same rules sinks/dynamodb-json.ts enforces when it converts)
 *   nesting   at most 32 levels of maps and lists, the item itself counting as the first: an
 *             attribute may nest 31 maps or lists. Measured against DynamoDB Local, which
 *             refuses the 32nd with "Nesting Levels have exceeded supported limits"
 *   size      at most 400 KB as DynamoDB counts it (item-size.ts)
 *
 * One pass over the item's own values, without converting it to AttributeValues or text. The
 * pass sums an upper bound of the size (3 bytes per UTF-16 unit of a string, 21 bytes per
 * number, DynamoDB's most) while it checks numbers and nesting; only an item whose bound
 * passes 400 KB is walked again to size it exactly with item-size.ts's rules. Nearly every
 * item is far below the limit, so the check costs one cheap walk per item.
 */
import type { ItemObject, ItemValue } from '../eval/item-value.js';
import { formatIsoDate } from '../values/calendar.js';
import { decimalToString, dynamoNumberViolation } from '../values/decimal.js';
import { safeNumberOf } from '../values/bigint-numbers.js';
import type { Decimal } from '../values/value.js';
import { MAX_ITEM_BYTES, numberSize, sizeOfDigits, utf8Length } from './item-size.js';

/** Maps and lists nested in one another, the item itself counting as the first. */
export const MAX_NESTING_LEVELS = 32;

const LIST_OR_MAP_OVERHEAD = 3;
const ELEMENT_OVERHEAD = 1;
/** "T00:00:00.000Z" after the date of a timestamp's text. */
const TIME_OF_DAY_CHARS = 14;

/**
 * Whether DynamoDB can hold the item, or why not, worded to follow the item's name: "is 410624
 * bytes, over …", "cannot be stored in DynamoDB: attribute orders[3].total: the int … has 40
 * significant digits; …".
 */
export type ItemLimitCheck = { ok: true } | { ok: false; reason: string };

export function checkItemLimits(item: ItemObject): ItemLimitCheck {
  const bound = new LimitWalk(false);
  const boundSize = bound.members(item, 1, false);
  if (boundSize < 0) return refusedValue(bound);
  if (boundSize <= MAX_ITEM_BYTES) return { ok: true };
  const measured = measureItemLimits(item);
  return measured.ok ? { ok: true } : measured;
}

/** As checkItemLimits, with the item's exact size as DynamoDB counts it when it can be held. */
export function measureItemLimits(item: ItemObject): { ok: true; size: number } | { ok: false; reason: string } {
  const walk = new LimitWalk(true);
  const size = walk.members(item, 1, false);
  if (size < 0) return refusedValue(walk);
  if (size > MAX_ITEM_BYTES) {
    return {
      ok: false,
      reason: `is ${size} bytes, over DynamoDB's limit of ${MAX_ITEM_BYTES} (400 KB); lower a collection's limit or keep fewer attributes in the mapping`,
    };
  }
  return { ok: true, size };
}

function refusedValue(walk: LimitWalk): { ok: false; reason: string } {
  return { ok: false, reason: `cannot be stored in DynamoDB: ${walk.reason()}` };
}

/** The most bytes a DynamoDB number takes (38 significant digits). */
const MAX_NUMBER_BYTES = 21;

/**
 * Sizes values, exactly or as an upper bound (`exact` false: strings as 3 bytes per UTF-16
 * unit, numbers as MAX_NUMBER_BYTES); a negative size means a limit is broken, `problem` and
 * `path` say which and where.
 */
class LimitWalk {
  private problem = '';
  /** Filled innermost first, as the walk unwinds. */
  private readonly path: Array<string | number> = [];

  constructor(private readonly exact: boolean) {}

  reason(): string {
    let at = '';
    for (let i = this.path.length - 1; i >= 0; i--) {
      const step = this.path[i];
      at += typeof step === 'number' ? `[${step}]` : at === '' ? step : `.${step}`;
    }
    return at === '' ? this.problem : `attribute ${at}: ${this.problem}`;
  }

  /** The attributes of an object at nesting `level`; `nested`: it is a map inside the item, with its elements' overheads. */
  members(object: ItemObject, level: number, nested: boolean): number {
    const nameSizes = nameSizesOf(object.shape);
    const { values } = object;
    let size = nested ? LIST_OR_MAP_OVERHEAD : 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === undefined) continue;
      const valueSize = this.value(value, level);
      if (valueSize < 0) {
        this.path.push(object.shape.names[i]);
        return -1;
      }
      size += nameSizes[i] + valueSize + (nested ? ELEMENT_OVERHEAD : 0);
    }
    return size;
  }

  /** A value held by a map or list at nesting `level`. */
  private value(value: ItemValue, level: number): number {
    if (value === null || typeof value === 'boolean') return 1;
    if (typeof value === 'string') return this.exact ? utf8Length(value) : 3 * value.length;
    if (typeof value === 'bigint') return this.int(value);
    if (typeof value === 'number') return this.float(value);
    if (Array.isArray(value)) {
      if (level >= MAX_NESTING_LEVELS) return this.fail(nestingProblem());
      let size = LIST_OR_MAP_OVERHEAD;
      for (let i = 0; i < value.length; i++) {
        const elementSize = this.value(value[i], level + 1);
        if (elementSize < 0) {
          this.path.push(i);
          return -1;
        }
        size += elementSize + ELEMENT_OVERHEAD;
      }
      return size;
    }
    switch (value.kind) {
      case 'object':
        if (level >= MAX_NESTING_LEVELS) return this.fail(nestingProblem());
        return this.members(value, level + 1, true);
      case 'decimal':
        return this.decimal(value);
      case 'date':
        return isoDateLength(value.days);
      case 'timestamp':
        return isoDateLength(Math.floor(value.epochMillis / 86_400_000)) + TIME_OF_DAY_CHARS;
      default:
        return this.fail(`${String((value as { kind?: unknown }).kind)} is not an item value`);
    }
  }

  private int(value: bigint): number {
    const whole = safeNumberOf(value);
    if (whole !== null) return this.exact ? safeIntegerSize(whole, 0) : MAX_NUMBER_BYTES;
    const violation = dynamoNumberViolation(value, 0);
    if (violation !== null) return this.fail(`the int ${value} ${violation}`);
    return this.exact ? numberSize(value.toString()) : MAX_NUMBER_BYTES;
  }

  private decimal(value: Decimal): number {
    const { digits, scale } = value;
    const whole = safeNumberOf(digits);
    if (whole !== null && scale <= 130) return this.exact ? safeIntegerSize(whole, scale) : MAX_NUMBER_BYTES;
    const violation = dynamoNumberViolation(digits, scale);
    if (violation !== null) return this.fail(`the decimal ${decimalToString(value)} ${violation}`);
    return this.exact ? numberSize(decimalToString(value)) : MAX_NUMBER_BYTES;
  }

  private float(value: number): number {
    if (!Number.isFinite(value))
      return this.fail(`the float ${value} cannot be stored: DynamoDB has no NaN or Infinity`);
    const magnitude = Math.abs(value);
    if (magnitude !== 0 && (magnitude < 1e-130 || magnitude >= 1e126)) {
      return this.fail(`the float ${value} is out of the range DynamoDB numbers can hold (1E-130 to 9.99E+125)`);
    }
    if (!this.exact) return MAX_NUMBER_BYTES;
    if (Number.isSafeInteger(value)) return safeIntegerSize(value, 0);
    return numberSize(String(value));
  }

  private fail(problem: string): number {
    this.problem = problem;
    return -1;
  }
}

/** Items of one shape share their names: their UTF-8 sizes are measured once per shape. */
const NAME_SIZES = new WeakMap<ItemObject['shape'], number[]>();

function nameSizesOf(shape: ItemObject['shape']): number[] {
  let sizes = NAME_SIZES.get(shape);
  if (sizes === undefined) NAME_SIZES.set(shape, (sizes = shape.names.map(utf8Length)));
  return sizes;
}

/** Days of 1000-01-01 and 9999-12-31 after 1970-01-01: the dates written with ten characters. */
const FOUR_DIGIT_YEARS = { first: -354_285, last: 2_932_896 };

/** The length of a date's ISO text, without writing it for the years that have four digits. */
function isoDateLength(days: number): number {
  return days >= FOUR_DIGIT_YEARS.first && days <= FOUR_DIGIT_YEARS.last
    ? 10
    : formatIsoDate({ kind: 'date', days }).length;
}

function nestingProblem(): string {
  return `maps and lists are nested more than ${MAX_NESTING_LEVELS} levels deep (the item counting as one), DynamoDB's limit; nest fewer collections in the mapping`;
}

/** The stored size of the number `unscaled` × 10^-scale, for a safe integer `unscaled`. */
function safeIntegerSize(unscaled: number, scale: number): number {
  if (unscaled === 0) return 1;
  let rest = unscaled < 0 ? -unscaled : unscaled;
  let trailingZeros = 0;
  while (rest % 10 === 0) {
    rest /= 10;
    trailingZeros++;
  }
  let significant = 1;
  while (rest >= 10) {
    rest = Math.floor(rest / 10);
    significant++;
  }
  return sizeOfDigits(unscaled < 0, significant, significant + trailingZeros - scale);
}
