/*
 * One line of delimited text, quoted the way warehouse exports do it: a field is quoted
 * only when it holds the delimiter, a quote, a newline or a carriage return, and inner quotes
 * are doubled. null is written as an empty unquoted field (the default null token).
 */
export type FieldValue = string | number | null;

export function delimitedLine(fields: readonly FieldValue[], delimiter: string, trailingDelimiter = false): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += delimiter;
    const field = fields[i];
    if (field === null) continue;
    const text = String(field);
    line += needsQuotes(text, delimiter) ? `"${text.replaceAll('"', '""')}"` : text;
  }
  return `${line}${trailingDelimiter ? delimiter : ''}\n`;
}

function needsQuotes(text: string, delimiter: string): boolean {
  return text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r');
}
