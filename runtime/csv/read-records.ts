/*
 * Streaming the records of one delimited-text file, per its table's PlanFormat, as the
 * PROJECTED cells only (PlanTable.columns order). Problems with one record are data, not
 * exceptions: the reader yields a fault for that record and carries on, so the run can
 * count and report rejects by file and line. Only problems that make the whole file
 * unusable throw: a declared header that is missing, or the bytes stream failing (e.g. a
 * CRC mismatch in the archive).
 *
 * Format handling:
 *   delimiter, quote, escape  passed to csv-parse (an empty quote turns quoting off; an
 *                             empty escape means quotes are escaped by doubling them)
 *   header                    see column-binding.ts (by name, or by position)
 *   trailingDelimiter         every record ends with one extra delimiter: the empty field it
 *                             makes is dropped; a record whose last field is not empty is a
 *                             fault
 *   encoding                  utf-8 (a BOM is dropped; invalid bytes fault their record) or
 *                             latin1
 *   nullTokens                not applied here: cells are the text as read, quotes removed;
 *                             castCell decides what is null
 * Empty lines are skipped. An empty file (no header either) has no records. `line` is the
 * 1-based physical line where the record starts (a quoted field may span several lines).
 *
 * csv-parse cannot resynchronise after a quote that is closed in the wrong place or never
 * closed: such a fault says which line it starts at and that the rest of the file was not
 * read.
 */
import { CsvError, parse, type Info } from 'csv-parse';
import { pipeline, type Readable } from 'node:stream';
import type { PlanFormat, PlanTable } from '../plan/types.js';
import { bindByHeader, bindByPosition, type ColumnBinding } from './column-binding.js';
import { LineCheckedDecoder } from './line-checked-decoder.js';

export interface CsvRecord {
  kind: 'record';
  line: number;
  /** The projected cells, in PlanTable.columns order. */
  cells: string[];
}

export interface CsvFault {
  kind: 'fault';
  file: string;
  line: number;
  /** The column the fault is about, when there is one. */
  column?: string;
  /** The record's fields joined by the delimiter, quotes removed (shortened), when it helps. */
  raw?: string;
  reason: string;
}

const MAX_RAW_IN_FAULT = 300;

export async function* readCsvRecords(input: Readable, table: PlanTable, file: string): AsyncGenerator<CsvRecord | CsvFault> {
  const { format } = table;
  const decoder = new LineCheckedDecoder(format.encoding);
  const skipped: CsvFault[] = [];
  const parser = parse({
    delimiter: format.delimiter,
    quote: format.quote === '' ? false : format.quote,
    escape: format.escape === '' ? format.quote || null : format.escape,
    // Any line ending, even mixed in one file (csv-parse would otherwise keep the first it sees).
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (error, raw) => {
      // Called while parsing, when the decoder still holds the bytes the error points at.
      if (error !== undefined) skipped.push(quotingFault(error, raw, decoder, file));
      return undefined;
    },
  });
  // Errors reach the loop below through the parser, which pipeline destroys with them.
  pipeline(input, decoder, parser, () => {});

  let binding: ColumnBinding | null = format.header ? null : bindByPosition(table);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const { startLine, endLine } = recordLines(record, info.bytes, decoder);
      decoder.release(info.bytes);
      // Faults csv-parse met before this record belong before it in the output.
      while (skipped.length > 0 && skipped[0].line < startLine) yield skipped.shift() as CsvFault;
      const fault = checkRecord(record, startLine, endLine, decoder.invalidLines, binding, format, file);
      if (fault !== null) {
        // Without its header the file cannot be read at all.
        if (binding === null) throw new Error(`${file}:${fault.line}: the header line cannot be read: ${fault.reason}`);
        yield fault;
        continue;
      }
      if (binding === null) {
        binding = bindByHeader(table, record, file, startLine);
        continue;
      }
      const cells = new Array<string>(binding.fieldIndexes.length);
      for (let i = 0; i < cells.length; i++) cells[i] = record[binding.fieldIndexes[i]];
      yield { kind: 'record', line: startLine, cells };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    skipped.push(quotingFault(error, undefined, decoder, file));
  }
  yield* skipped;
}

/**
 * The physical lines a record spans. `endOffset` is where csv-parse says the record ended,
 * its line break included; the last field cannot hold a line break unless quoted (and then
 * it ends with the quote), so the record's lines are the end line minus the line breaks
 * inside its fields.
 */
function recordLines(record: string[], endOffset: number, decoder: LineCheckedDecoder): { startLine: number; endLine: number } {
  let contentEnd = endOffset;
  if (decoder.byteAt(contentEnd - 1) === 0x0a) contentEnd--;
  if (decoder.byteAt(contentEnd - 1) === 0x0d) contentEnd--;
  const endLine = decoder.lineAt(Math.max(contentEnd - 1, 0));
  let inside = 0;
  for (const field of record) if (field.includes('\n')) inside += countNewlines(field);
  return { startLine: endLine - inside, endLine };
}

/** Drops the trailing delimiter's empty field (in place) and checks the record; null if fine. */
function checkRecord(
  record: string[],
  line: number,
  lastLine: number,
  invalidLines: ReadonlySet<number>,
  binding: ColumnBinding | null,
  format: PlanFormat,
  file: string,
): CsvFault | null {
  const raw = shorten(record.join(format.delimiter));
  if (invalidLines.size > 0) {
    for (let at = line; at <= lastLine; at++) {
      if (!invalidLines.has(at)) continue;
      const fieldIndex = record.findIndex((field) => field.includes('\uFFFD'));
      const column = binding?.fieldNames[fieldIndex];
      return {
        kind: 'fault', file, line: at, raw, ...(column === undefined ? {} : { column }),
        reason: 'bytes that are not valid UTF-8; re-export the file as UTF-8, or declare encoding = "latin1" if that is what it is',
      };
    }
  }
  if (format.trailingDelimiter) {
    if (record[record.length - 1] !== '') {
      return { kind: 'fault', file, line, raw, reason: 'the record does not end with a delimiter, but the table declares trailing_delimiter' };
    }
    record.pop();
  }
  if (binding !== null && record.length !== binding.expectedFieldCount) {
    return { kind: 'fault', file, line, raw, reason: `expected ${binding.expectedFieldCount} fields (${binding.fieldCountOrigin}), found ${record.length}` };
  }
  return null;
}

/** `raw` is the record's text up to the error, so its line breaks lead back to its start. */
function quotingFault(error: CsvError, raw: string | undefined, decoder: LineCheckedDecoder, file: string): CsvFault {
  const content = (raw ?? '').replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
  const errorOffset = (error as CsvError & { bytes?: number }).bytes ?? 0;
  let errorLine = (error as CsvError & { lines?: number }).lines ?? 1;
  try {
    errorLine = decoder.lineAt(Math.max(errorOffset - 1, 0));
  } catch {
    // Released already (cannot happen while parsing); keep csv-parse's own count.
  }
  const line = Math.max(1, errorLine - countNewlines(content));
  const reasons: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: `a quote opened on line ${line} is never closed; the file from line ${line} to its end was not read`,
    CSV_INVALID_CLOSING_QUOTE: `a quoted field is followed by text instead of a delimiter; the file from line ${line} to its end was not read`,
    INVALID_OPENING_QUOTE: 'a quote inside a field that is not quoted (quote the whole field and double the inner quotes)',
  };
  return {
    kind: 'fault', file, line, ...(content === '' ? {} : { raw: shorten(content) }),
    reason: reasons[error.code] ?? error.message,
  };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function shorten(text: string): string {
  return text.length <= MAX_RAW_IN_FAULT ? text : `${text.slice(0, MAX_RAW_IN_FAULT)}…`;
}
