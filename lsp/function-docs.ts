// The signature and one line of documentation of every function a mapping can call, for hover
// and completion. The compiler's FUNCTIONS and AGGREGATES name them; a test keeps the two lists
// in step.
export interface FunctionDoc {
  signature: string;
  doc: string;
}

export const FUNCTION_DOCS: Record<string, FunctionDoc> = {
  upper: { signature: 'upper(s: string): string', doc: 'The text in upper case.' },
  lower: { signature: 'lower(s: string): string', doc: 'The text in lower case.' },
  trim: { signature: 'trim(s: string): string', doc: 'The text without white space at either end.' },
  length: { signature: 'length(s: string): int', doc: 'The number of characters (code points) of the text.' },
  replace: {
    signature: 'replace(s: string, from: string, to: string): string',
    doc: 'The text with every `from` replaced by `to`.',
  },
  starts_with: {
    signature: 'starts_with(s: string, prefix: string): bool',
    doc: 'Whether the text begins with the prefix.',
  },
  substr: {
    signature: 'substr(s: string, start: int, length?: int): string',
    doc: 'Part of the text, from `start` (the first character is 1), `length` characters or to the end.',
  },
  concat: { signature: 'concat(a, b, …): string', doc: 'The values as text, one after the other; nulls are skipped.' },
  coalesce: { signature: 'coalesce(a, b, …)', doc: 'The first argument that is not null; the arguments share a type.' },
  round: {
    signature: 'round(x: number, places?: int): number',
    doc: 'The number rounded half away from zero, to `places` digits after the point (0 by default).',
  },
  abs: { signature: 'abs(x: number): number', doc: 'The number without its sign.' },
  floor: { signature: 'floor(x: number): number', doc: 'The largest whole number not above x.' },
  ceil: { signature: 'ceil(x: number): number', doc: 'The smallest whole number not below x.' },
  epoch_seconds: {
    signature: 'epoch_seconds(t: date | timestamp): int',
    doc: 'Whole seconds since 1970-01-01 UTC: the value DynamoDB TTL expects.',
  },
  date: {
    signature: 'date(x: timestamp | date | string): date',
    doc: 'The calendar day of a timestamp, or a date read from text.',
  },
  timestamp: {
    signature: 'timestamp(x: timestamp | date | string): timestamp',
    doc: 'A timestamp from a date (its midnight) or from text.',
  },
  year: { signature: 'year(t: date | timestamp): int', doc: 'The year of a date or timestamp.' },
  month: { signature: 'month(t: date | timestamp): int', doc: 'The month (1 to 12) of a date or timestamp.' },
  day: { signature: 'day(t: date | timestamp): int', doc: 'The day of the month (1 to 31) of a date or timestamp.' },
  days_between: {
    signature: 'days_between(a: date | timestamp, b: date | timestamp): int',
    doc: 'The number of days from a to b (negative when b is earlier).',
  },
  count: { signature: 'count(collection): int', doc: 'Aggregate: the number of elements of an embedded collection.' },
  sum: {
    signature: 'sum(collection.attribute): number',
    doc: 'Aggregate: the total of an attribute over the elements; null when there are none.',
  },
  min: {
    signature: 'min(collection.attribute)',
    doc: 'Aggregate: the smallest value of an attribute over the elements; null when there are none.',
  },
  max: {
    signature: 'max(collection.attribute)',
    doc: 'Aggregate: the largest value of an attribute over the elements; null when there are none.',
  },
  avg: {
    signature: 'avg(collection.attribute): decimal',
    doc: 'Aggregate: the mean of an attribute over the elements; null when there are none.',
  },
};

export function describeFunction(name: string): string {
  const doc = FUNCTION_DOCS[name];
  return doc ? `\`\`\`\n${doc.signature}\n\`\`\`\n\n${doc.doc}` : `**${name}**: unknown function`;
}
