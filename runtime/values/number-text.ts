// The digits of a DynamoDB number ({N: "..."} text) as DynamoDB sees them: sign, significant
// digits and where the decimal point falls, without a JS float in between. Item sizes and key
// identities ("1.50" and "15E-1" name the same key) are computed from this form.

/** value = (negative ? -1 : 1) × 0.<digits> × 10^pointPosition; digits has no leading or trailing zeros. */
export interface NumberDigits {
  negative: boolean;
  /** Significant digits; '' for zero. */
  digits: string;
  pointPosition: number;
}

const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The significant digits of a number text; throws a RangeError on text that is not a number. */
export function numberDigits(text: string): NumberDigits {
  const match = NUMBER_TEXT.exec(text);
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new RangeError(`"${text}" is not a DynamoDB number`);
  }
  const [, sign, whole, fraction = '', exponent] = match;
  const all = whole + fraction;
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48 /* 0 */) first++;
  if (first === all.length) return { negative: false, digits: '', pointPosition: 0 };
  let end = all.length;
  while (all.charCodeAt(end - 1) === 48) end--;
  return {
    negative: sign === '-',
    digits: all.slice(first, end),
    pointPosition: whole.length - first + (exponent === undefined ? 0 : Number(exponent)),
  };
}

/** One text per numeric value: equal numbers give equal texts whatever their spelling. */
export function canonicalNumber(text: string): string {
  const { negative, digits, pointPosition } = numberDigits(text);
  if (digits === '') return '0';
  return `${negative ? '-' : ''}0.${digits}e${pointPosition}`;
}
