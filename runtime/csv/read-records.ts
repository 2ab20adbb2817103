/*
 * Streaming the records of one delimited-text file, per its table's PlanFormat, as the
 * PROJECTED cells only (PlanTable.columns order), or as what a RecordReader makes of those
 * fields straight from the text (the run casts them there). Problems with one record are data, not
 * exceptions: the reader gives a fault for that record and carries on, so the run can count
 * and report rejects by file and line. Problems that make the whole file unusable throw
 * (file-level faults: the run stops before it writes anything), naming the file and line and
 * what to do: a declared header that is missing or unreadable (an empty file too), a quoting
 * problem after which where the next record starts cannot be told, a record longer than the
 * record size cap, or the byte stream failing (e.g. a CRC mismatch in the archive).
 *
 *   bytes ─ line-aligned-decoder.ts → text pieces ─ record-tokenizer.ts → field ranges
 *         ─ BatchBuilder (here) → CsvRecord (or the reader's record) | CsvFault, in batches
 *
 * Format handling:
 *   delimiter, quote, escape  one character each; an empty quote turns quoting off; an escape
 *                             equal to the quote (or empty) means quotes are doubled, another
 *                             escape character makes the quote or itself literal in a quoted field
 *   header                    see column-binding.ts (by name, or by position)
 *   trailingDelimiter         every record ends with one extra delimiter: the empty field it
 *                             makes is dropped; a record whose last field is not empty is a fault
 *   encoding                  utf-8 (a BOM is dropped; invalid bytes fault their record) or latin1
 *   nullTokens                not applied here: cells are the text as read, quotes removed;
 *                             castCell decides what is null
 * Empty lines are skipped. An empty file has no records, unless its table declares a header:
 * then it throws (an export with no rows still writes its header). `line` is the 1-based
 * physical line where the record starts (a quoted field may span several lines).
 * A quote inside an unquoted field faults its record and reading goes on at the next line; a
 * quoted field followed by text, or a quote never closed, throws: where the next record would
 * start cannot be told safely, and the rest of the file would be lost without a word.
 */
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { PlanTable } from '../plan/types.js';
import { bindByHeader, bindByPosition, type ColumnBinding } from './column-binding.js';
import { LineAlignedDecoder } from './line-aligned-decoder.js';
import { DEFAULT_MAX_RECORD_CHARS, RecordTokenizer, type RecordProblem, type RecordSink } from './record-tokenizer.js';

export interface CsvRecord {
  kind: 'record';
  line: number;
  /** The projected cells, in PlanTable.columns order. */
  cells: string[];
}

/**
 * The projected fields of the record being read, in PlanTable.columns order, for a
 * RecordReader: valid only while it runs. A reader that casts fields straight from the text
 * (`start` to `end` of a verbatim field) makes no string for them.
 */
export interface RecordFields {
  readonly count: number;
  /** The decoded text the record is in. */
  readonly text: string;
  start(index: number): number;
  end(index: number): number;
  /** The field is text[start, end) as it is: no escaped quotes inside to resolve. */
  isVerbatim(index: number): boolean;
  /** The field's text: quotes removed, escapes resolved. */
  cell(index: number): string;
}

/** What a record becomes, from its fields and the line it starts on. */
export type RecordReader<R> = (fields: RecordFields, line: number) => R;

const cellsRecord: RecordReader<CsvRecord> = (fields, line) => {
  const cells = new Array<string>(fields.count);
  for (let i = 0; i < cells.length; i++) cells[i] = fields.cell(i);
  return { kind: 'record', line, cells };
};

export interface CsvFault {
  kind: 'fault';
  file: string;
  line: number;
  /** The column the fault is about, when there is one. */
  column?: string;
  /**
   * The record's fields joined by the delimiter, quotes removed (shortened), when it helps; for
   * a quoting problem, its text as written up to the end of the line holding the problem.
   */
  raw?: string;
  reason: string;
}

const MAX_RAW_IN_FAULT = 300;
/**
 * Bytes buffered ahead of the tokenizer, so that inflating (on libuv's threads) goes on while
 * the tokenizer works instead of waiting for each chunk to be taken.
 */
const READ_AHEAD_BYTES = 1 << 20;
/**
 * Input bytes per batch at most. Batches must die young: at 1 MiB a batch outlives
 * young-generation collections and gets promoted, which made reading three times slower.
 */
export const BATCH_BYTES = 64 * 1024;

/**
 * The records and faults of one file in line order, in batches: one per BATCH_BYTES of the
 * file (the records that end in it), never empty. For the hot path: a consumer loops over a
 * batch without awaiting per row, and should let go of it soon. Records are CsvRecords, or
 * what `readRecord` makes of each. A record longer than `maxRecordChars` throws.
 */
export function readCsvBatches(
  input: Readable,
  table: PlanTable,
  file: string,
): AsyncGenerator<Array<CsvRecord | CsvFault>>;
export function readCsvBatches<R>(
  input: Readable,
  table: PlanTable,
  file: string,
  readRecord: RecordReader<R>,
  maxRecordChars?: number,
): AsyncGenerator<Array<R | CsvFault>>;
export async function* readCsvBatches<R>(
  input: Readable,
  table: PlanTable,
  file: string,
  readRecord?: RecordReader<R>,
  maxRecordChars = DEFAULT_MAX_RECORD_CHARS,
): AsyncGenerator<Array<R | CsvRecord | CsvFault>> {
  const { format } = table;
  checkFormatCharacters(table, file);
  const decoder = new LineAlignedDecoder(format.encoding, maxRecordChars);
  const tokenizer = new RecordTokenizer(format.delimiter, format.quote, format.escape, maxRecordChars);
  const builder = new BatchBuilder<R | CsvRecord>(table, file, readRecord ?? cellsRecord, maxRecordChars);
  const readAhead = new PassThrough({ highWaterMark: READ_AHEAD_BYTES });
  // An error of the input reaches the loop below through readAhead, which pipeline destroys
  // with it; leaving the loop early destroys readAhead, and pipeline the input.
  pipeline(input, readAhead, () => {});
  // Bytes of the file pushed so far. A batch ends where a BATCH_BYTES step of the file does,
  // whatever the sizes of the chunks read (a read returns all the chunks that were waiting,
  // joined): the same file always gives the same batches, so a run's rejects come in the
  // same order however fast its parts went.
  let offset = 0;
  for await (const chunk of readAhead as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length;) {
      const piece = chunk.subarray(at, at + BATCH_BYTES - (offset % BATCH_BYTES));
      at += piece.length;
      offset += piece.length;
      const text = decoder.push(piece);
      if (text !== null) tokenizer.feed(text.text, text.invalidLines, false, builder);
      // Leaving the loop destroys the input: the rest of the file is not read.
      if (tokenizer.hasStopped) {
        if (builder.batch.length > 0) yield builder.take();
        return;
      }
      if (offset % BATCH_BYTES === 0 && builder.batch.length > 0) yield builder.take();
    }
  }
  const last = decoder.end();
  tokenizer.feed(last?.text ?? '', last?.invalidLines ?? null, true, builder);
  if (!builder.hasHeader) {
    throw new Error(
      `${file}: the file is empty, yet table ${table.name} declares a header line; an export with no rows still writes its header — ask for the extract again (or, if the file has no header, declare header = false)`,
    );
  }
  if (builder.batch.length > 0) yield builder.take();
}

/** The same, one record or fault at a time. */
export async function* readCsvRecords(
  input: Readable,
  table: PlanTable,
  file: string,
  maxRecordChars = DEFAULT_MAX_RECORD_CHARS,
): AsyncGenerator<CsvRecord | CsvFault> {
  for await (const batch of readCsvBatches(input, table, file, cellsRecord, maxRecordChars)) yield* batch;
}

/** The projected fields of the tokenizer's current record (see RecordFields). */
class ProjectedFields implements RecordFields {
  text = '';
  tokenizer: RecordTokenizer | null = null;
  /** The record's field index of each projected column. */
  indexes: number[] = [];

  get count(): number {
    return this.indexes.length;
  }

  start(index: number): number {
    return this.tokenizer!.fieldStart[this.indexes[index]];
  }

  end(index: number): number {
    return this.tokenizer!.fieldEnd[this.indexes[index]];
  }

  isVerbatim(index: number): boolean {
    return this.tokenizer!.fieldKind[this.indexes[index]] !== 2;
  }

  cell(index: number): string {
    return this.tokenizer!.field(this.text, this.indexes[index]);
  }
}

/** Turns the tokenizer's records into what the reader makes of them, and faults, checking each record. */
class BatchBuilder<R> implements RecordSink {
  batch: Array<R | CsvFault> = [];
  /** Null until the header is read. */
  private binding: ColumnBinding | null;
  private readonly fields = new ProjectedFields();
  private expectedFieldCount = 0;
  private readonly trailingDelimiter: boolean;
  private readonly delimiter: string;
  private readonly innerQuoteHint: string;

  constructor(
    private readonly table: PlanTable,
    private readonly file: string,
    private readonly readRecord: RecordReader<R>,
    private readonly maxRecordChars: number,
  ) {
    const { format } = table;
    this.trailingDelimiter = format.trailingDelimiter;
    this.delimiter = format.delimiter;
    this.innerQuoteHint =
      format.escape === '' || format.escape === format.quote
        ? 'double the inner quotes'
        : `write ${format.escape}${format.quote} for each inner quote`;
    this.binding = null;
    if (!format.header) this.bind(bindByPosition(table));
  }

  /** Whether the header is read (or none is declared). */
  get hasHeader(): boolean {
    return this.binding !== null;
  }

  take(): Array<R | CsvFault> {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }

  record(tokenizer: RecordTokenizer, text: string, line: number, invalidLine: number): void {
    let count = tokenizer.fieldCount;
    if (invalidLine !== 0 || this.binding === null) {
      this.slowRecord(tokenizer, text, line, invalidLine);
      return;
    }
    if (this.trailingDelimiter) {
      if (tokenizer.fieldEnd[count - 1] !== tokenizer.fieldStart[count - 1]) {
        this.fault(
          line,
          'the record does not end with a delimiter, but the table declares trailing_delimiter',
          tokenizer,
          text,
        );
        return;
      }
      count--;
    }
    if (count !== this.expectedFieldCount) {
      this.fault(
        line,
        `expected ${this.expectedFieldCount} fields (${this.binding.fieldCountOrigin}), found ${count}`,
        tokenizer,
        text,
      );
      return;
    }
    const fields = this.fields;
    fields.tokenizer = tokenizer;
    fields.text = text;
    this.batch.push(this.readRecord(fields, line));
  }

  recordProblem(problem: RecordProblem, line: number, quoteLine: number, fieldIndex: number, raw: string): void {
    const column = fieldIndex >= 0 ? this.binding?.fieldNames[fieldIndex] : undefined;
    if (problem === 'quote-in-unquoted-field') {
      const reason = `a quote inside a field that is not quoted (quote the whole field and ${this.innerQuoteHint})`;
      this.push({
        kind: 'fault',
        file: this.file,
        line,
        ...(column === undefined ? {} : { column }),
        raw: shorten(trimLineBreaks(raw)),
        reason,
      });
      return;
    }
    // Where the next record starts cannot be told: the rest of the file would be lost.
    const inColumn = column === undefined ? '' : ` (column ${column})`;
    const stops = 'so the rest of the file cannot be read and the run stops before writing anything';
    const cap = `${this.maxRecordChars} characters (the record size limit: maxRecordChars, --max-record-size)`;
    const messages: Record<Exclude<RecordProblem, 'quote-in-unquoted-field'>, string> = {
      'text-after-closing-quote': `${this.file}:${line}: a quoted field${inColumn} is followed by text instead of a delimiter, ${stops} — fix the export (${this.innerQuoteHint}) and ask for the extract again`,
      'quote-never-closed': `${this.file}:${quoteLine}: a quote opened on this line${inColumn} is never closed, ${stops} — fix the export (${this.innerQuoteHint}) and ask for the extract again`,
      'quoted-field-too-long': `${this.file}:${quoteLine}: a quote opened on this line${inColumn} is not closed within ${cap}, ${stops} — look for an unbalanced quote there, or raise the limit if fields this long are expected`,
      'record-too-long': `${this.file}:${line}: a record starting on this line is longer than ${cap}, ${stops} — check the file's line breaks there, or raise the limit if records this long are expected`,
    };
    throw new Error(`${messages[problem]}. It starts: ${JSON.stringify(shorten(trimLineBreaks(raw)).slice(0, 80))}`);
  }

  /** The header, and records touching invalid bytes. */
  private slowRecord(tokenizer: RecordTokenizer, text: string, line: number, invalidLine: number): void {
    const fields = allFields(tokenizer, text);
    if (invalidLine !== 0) {
      const column = this.binding?.fieldNames[fields.findIndex((field) => field.includes('\uFFFD'))];
      this.push({
        kind: 'fault',
        file: this.file,
        line: invalidLine,
        raw: shorten(fields.join(this.delimiter)),
        ...(column === undefined ? {} : { column }),
        reason:
          'bytes that are not valid UTF-8; re-export the file as UTF-8, or declare encoding = "latin1" if that is what it is',
      });
      return;
    }
    if (this.trailingDelimiter) {
      if (fields[fields.length - 1] !== '') {
        this.push({
          kind: 'fault',
          file: this.file,
          line,
          reason: 'the record does not end with a delimiter, but the table declares trailing_delimiter',
        });
        return;
      }
      fields.pop();
    }
    this.bind(bindByHeader(this.table, fields, this.file, line));
  }

  private bind(binding: ColumnBinding): void {
    this.binding = binding;
    this.fields.indexes = binding.fieldIndexes;
    this.expectedFieldCount = binding.expectedFieldCount;
  }

  private fault(line: number, reason: string, tokenizer: RecordTokenizer, text: string): void {
    this.push({
      kind: 'fault',
      file: this.file,
      line,
      raw: shorten(allFields(tokenizer, text).join(this.delimiter)),
      reason,
    });
  }

  private push(fault: CsvFault): void {
    // Without its header the file cannot be read at all.
    if (this.binding === null)
      throw new Error(`${this.file}:${fault.line}: the header line cannot be read: ${fault.reason}`);
    this.batch.push(fault);
  }
}

function allFields(tokenizer: RecordTokenizer, text: string): string[] {
  const fields = new Array<string>(tokenizer.fieldCount);
  for (let i = 0; i < fields.length; i++) fields[i] = tokenizer.field(text, i);
  return fields;
}

function checkFormatCharacters(table: PlanTable, file: string): void {
  const { delimiter, quote, escape } = table.format;
  const lineBreak = (char: string) => char === '\n' || char === '\r';
  if (delimiter.length !== 1 || lineBreak(delimiter) || delimiter === quote) {
    throw new Error(
      `${file}: table ${table.name} has delimiter ${JSON.stringify(delimiter)}; it must be one character, not a line break nor the quote — fix the mapping`,
    );
  }
  if (quote.length > 1 || lineBreak(quote) || escape.length > 1 || lineBreak(escape)) {
    throw new Error(
      `${file}: table ${table.name} has quote ${JSON.stringify(quote)} and escape ${JSON.stringify(escape)}; each must be one character (or empty), not a line break — fix the mapping`,
    );
  }
}

function trimLineBreaks(text: string): string {
  return text.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
}

function shorten(text: string): string {
  return text.length <= MAX_RAW_IN_FAULT ? text : `${text.slice(0, MAX_RAW_IN_FAULT)}…`;
}
