/*
 * Splitting decoded text into records and fields, per delimiter, quote and escape. Built for
 * millions of rows: it scans with charCodeAt, records where each field starts and ends in
 * typed arrays instead of making strings, and leaves it to the record's consumer to slice
 * the few fields it wants (`field`). Only a quoted field holding escapes is rebuilt.
 *
 * Text comes in pieces (see line-aligned-decoder.ts); a record left incomplete at the end of
 * a piece is carried over to the next one. A record can be very long (or a quoted field never
 * closed): while it is incomplete, further pieces are only searched for what may end it (a
 * line break, or a quote that may close the open field) and kept aside, so a long record
 * costs one pass, not one pass per piece. A record longer than `maxRecordChars` stops reading:
 * where it ends cannot be found without reading on unboundedly.
 *
 * Lines are physical lines, numbered from 1 as an editor shows them: each "\n", "\r\n" or lone
 * "\r" ends one, inside a quoted field too. Empty lines are skipped.
 *
 * Quoting problems are reported to the sink, then:
 *   a quote inside an unquoted field      the rest of that physical line is skipped, and
 *                                         reading goes on at the next line
 *   a closing quote followed by text,     reading stops: where the next record starts cannot
 *   a quote never closed, a record        be told, and guessing could turn the inside of a
 *   longer than maxRecordChars            quoted field into records
 * (the sink may also stop reading by throwing).
 */

const LF = 10;
const CR = 13;
/** Records longer than this (in characters) stop reading, unless the tokenizer is given another cap. */
export const DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;

export type RecordProblem =
  | 'quote-in-unquoted-field'
  | 'text-after-closing-quote'
  | 'quote-never-closed'
  | 'quoted-field-too-long'
  | 'record-too-long';

export interface RecordSink {
  /** A complete record: its fields are `tokenizer.field(text, i)` for i < fieldCount. */
  record(tokenizer: RecordTokenizer, text: string, line: number, invalidLine: number): void;
  /**
   * A record that cannot be split into fields. `raw` is its text up to the end of the line
   * where the problem is (its start, for a record too long); `fieldIndex` the field the
   * problem is in (-1: none).
   */
  recordProblem(problem: RecordProblem, line: number, quoteLine: number, fieldIndex: number, raw: string): void;
}

const enum Scan {
  Record,
  NeedMore,
  NeedMoreInQuote,
  StrayQuote,
  TextAfterQuote,
  NeverClosed,
}

/** How an open quoted field ended its piece: whether the next character decides something. */
const enum OpenQuote {
  Inside,
  AfterQuote,
  AfterEscape,
}

export class RecordTokenizer {
  fieldCount = 0;
  fieldStart = new Int32Array(64);
  fieldEnd = new Int32Array(64);
  /** Per field: 1 = quoted, 2 = quoted and holding escapes. */
  fieldKind = new Uint8Array(64);

  private readonly delimiter: number;
  private readonly quote: number;
  private readonly quoteText: string;
  /** The escape character when it is not the quote (-1 when quotes are escaped by doubling). */
  private readonly escape: number;
  private readonly doubledQuote: string;

  /** Unconsumed text (an incomplete record) and the line it starts on. */
  private carry = '';
  private line = 1;
  /** Pieces kept aside while a record is incomplete (null when none is). */
  private aside: string[] | null = null;
  private asideChars = 0;
  /** The incomplete record ends inside an open quoted field. */
  private asideInQuote = false;
  private openQuote = OpenQuote.Inside;
  /** Skipping the rest of a line holding a stray quote, up to its line break. */
  private skippingLine = false;
  private stopped = false;
  /** Absolute numbers of lines holding invalid bytes, ascending, not yet matched to a record. */
  private invalidLines: number[] = [];
  private nextInvalid = Infinity;

  // Results of scanRecord.
  private scanEnd = 0;
  private scanNewlines = 0;
  private quoteLine = 0;
  private problemAt = 0;

  constructor(
    delimiter: string,
    quote: string,
    escape: string,
    private readonly maxRecordChars = DEFAULT_MAX_RECORD_CHARS,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
    this.quote = quote === '' ? -1 : quote.charCodeAt(0);
    this.quoteText = quote;
    this.escape = escape === '' || escape === quote || quote === '' ? -1 : escape.charCodeAt(0);
    this.doubledQuote = quote + quote;
  }

  /** Whether a problem stopped reading: the rest of the input can be dropped. */
  get hasStopped(): boolean {
    return this.stopped;
  }

  /** The field's text: quotes removed, escapes resolved. */
  field(text: string, index: number): string {
    const kind = this.fieldKind[index];
    const value = text.slice(this.fieldStart[index], this.fieldEnd[index]);
    if (kind !== 2) return value;
    return this.escape < 0 ? value.replaceAll(this.doubledQuote, this.quoteText) : this.unescape(value);
  }

  /**
   * Tokenizes the next piece of text. `invalidLines` are 0-based line indexes within the piece
   * (see DecodedPiece). `final` marks the last piece: nothing is carried over then.
   */
  feed(piece: string, invalidLines: number[] | null, final: boolean, sink: RecordSink): void {
    if (this.stopped) return;
    if (invalidLines !== null) this.noteInvalidLines(invalidLines);
    let text: string;
    if (this.aside !== null) {
      this.aside.push(piece);
      this.asideChars += piece.length;
      if (!final && !(this.asideInQuote ? this.mayCloseQuote(piece) : hasLineBreak(piece))) {
        if (this.carry.length + this.asideChars > this.maxRecordChars)
          this.giveUp(this.carry + this.aside.join(''), this.line, this.asideInQuote, sink);
        return;
      }
      text = this.carry + this.aside.join('');
      this.aside = null;
      this.asideChars = 0;
    } else {
      text = this.carry.length === 0 ? piece : this.carry + piece;
    }
    this.carry = '';
    this.tokenize(text, final, sink);
  }

  private tokenize(text: string, final: boolean, sink: RecordSink): void {
    const n = text.length;
    let pos = 0;
    let line = this.line;
    if (this.skippingLine) pos = this.skipLine(text, 0);
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === LF) {
        line++;
        pos++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 < n) {
          if (text.charCodeAt(pos + 1) !== LF) line++;
          pos++;
          continue;
        }
        if (final) break;
        // Whether a "\n" follows is for the next piece to say.
        this.carry = '\r';
        this.line = line;
        return;
      }
      const scan = this.scanRecord(text, pos, final);
      if (scan === Scan.Record) {
        if (this.scanEnd - pos > this.maxRecordChars) {
          this.giveUp(text.slice(pos, pos + 1000), line, false, sink);
          return;
        }
        const endLine = line + this.scanNewlines;
        const invalidLine = endLine >= this.nextInvalid ? this.takeInvalidLine(line, endLine) : 0;
        sink.record(this, text, line, invalidLine);
        pos = this.scanEnd;
        line = endLine;
        continue;
      }
      if (scan === Scan.NeedMore || scan === Scan.NeedMoreInQuote) {
        this.carry = text.slice(pos);
        this.line = line;
        this.aside = [];
        this.asideChars = 0;
        this.asideInQuote = scan === Scan.NeedMoreInQuote;
        if (this.carry.length > this.maxRecordChars) this.giveUp(this.carry, line, this.asideInQuote, sink);
        return;
      }
      const quoteLine = line + this.quoteLine;
      if (scan === Scan.StrayQuote) {
        const lineEnd = this.skipLine(text, this.problemAt);
        sink.recordProblem('quote-in-unquoted-field', line, quoteLine, this.fieldCount, text.slice(pos, lineEnd));
        line += countLineBreaks(text, pos, lineEnd);
        this.dropInvalidLines(line);
        pos = lineEnd;
        continue;
      }
      const problem = scan === Scan.TextAfterQuote ? 'text-after-closing-quote' : 'quote-never-closed';
      sink.recordProblem(
        problem,
        line,
        quoteLine,
        this.fieldCount,
        text.slice(pos, this.skipLine(text, this.problemAt)),
      );
      this.stop();
      return;
    }
    this.line = line;
  }

  /**
   * Scans one record from `start` (not at a line break). On Scan.Record, the fields are set,
   * `scanEnd` is where its line break starts and `scanNewlines` the line breaks inside it.
   */
  private scanRecord(text: string, start: number, final: boolean): Scan {
    const n = text.length;
    const delimiter = this.delimiter;
    const quote = this.quote;
    const escape = this.escape;
    let p = start;
    let f = 0;
    let newlines = 0;
    for (;;) {
      if (f === this.fieldStart.length) this.grow();
      if (p < n && text.charCodeAt(p) === quote) {
        const quoteLine = newlines;
        let q = p + 1;
        let kind = 1;
        for (;;) {
          if (q >= n) return this.endInQuote(final, OpenQuote.Inside, quoteLine, f, p);
          const c = text.charCodeAt(q);
          if (c === quote) {
            if (escape >= 0) break;
            if (q + 1 >= n) {
              if (final) break;
              return this.endInQuote(final, OpenQuote.AfterQuote, quoteLine, f, p);
            }
            if (text.charCodeAt(q + 1) !== quote) break;
            kind = 2;
            q += 2;
          } else if (c === escape) {
            if (q + 1 >= n) return this.endInQuote(final, OpenQuote.AfterEscape, quoteLine, f, p);
            const next = text.charCodeAt(q + 1);
            if (next === quote || next === escape) {
              kind = 2;
              q += 2;
            } else q++;
          } else {
            if (c === LF || (c === CR && text.charCodeAt(q + 1) !== LF)) newlines++;
            q++;
          }
        }
        this.fieldStart[f] = p + 1;
        this.fieldEnd[f] = q;
        this.fieldKind[f] = kind;
        f++;
        p = q + 1;
        if (p >= n) {
          if (!final) return Scan.NeedMore;
          break;
        }
        const c = text.charCodeAt(p);
        if (c === delimiter) {
          p++;
          continue;
        }
        if (c === LF || c === CR) break;
        this.fieldCount = f - 1;
        this.quoteLine = newlines;
        this.problemAt = p;
        return Scan.TextAfterQuote;
      }
      let q = p;
      let c = 0;
      while (q < n) {
        c = text.charCodeAt(q);
        if (c === delimiter || c === LF || c === CR || c === quote) break;
        q++;
      }
      this.fieldStart[f] = p;
      this.fieldEnd[f] = q;
      this.fieldKind[f] = 0;
      f++;
      if (q >= n) {
        if (!final) return Scan.NeedMore;
        p = q;
        break;
      }
      if (c === delimiter) {
        p = q + 1;
        continue;
      }
      if (c === quote) {
        this.fieldCount = f - 1;
        this.quoteLine = newlines;
        this.problemAt = q;
        return Scan.StrayQuote;
      }
      p = q;
      break;
    }
    this.fieldCount = f;
    this.scanEnd = p;
    this.scanNewlines = newlines;
    return Scan.Record;
  }

  private endInQuote(final: boolean, state: OpenQuote, quoteLine: number, fieldIndex: number, quoteAt: number): Scan {
    this.quoteLine = quoteLine;
    this.fieldCount = fieldIndex;
    if (!final) {
      this.openQuote = state;
      return Scan.NeedMoreInQuote;
    }
    this.problemAt = quoteAt;
    return Scan.NeverClosed;
  }

  /**
   * Whether the quoted field left open may close in this piece (then the record is scanned
   * again); updates the state for the next piece when it surely does not.
   */
  private mayCloseQuote(piece: string): boolean {
    if (this.openQuote !== OpenQuote.Inside) return true;
    if (this.escape < 0) {
      for (let at = piece.indexOf(this.quoteText); at >= 0; at = piece.indexOf(this.quoteText, at + 2)) {
        if (at + 1 >= piece.length) {
          this.openQuote = OpenQuote.AfterQuote;
          return false;
        }
        if (piece.charCodeAt(at + 1) !== this.quote) return true;
      }
      return false;
    }
    for (let at = 0; at < piece.length; at++) {
      const c = piece.charCodeAt(at);
      if (c === this.quote) return true;
      if (c !== this.escape) continue;
      if (at + 1 >= piece.length) {
        this.openQuote = OpenQuote.AfterEscape;
        return false;
      }
      const next = piece.charCodeAt(at + 1);
      if (next === this.quote || next === this.escape) at++;
    }
    return false;
  }

  /** A record (from the start of `text`, on `line`) is longer than maxRecordChars: reading stops. */
  private giveUp(text: string, line: number, inQuote: boolean, sink: RecordSink): void {
    this.stop();
    if (!inQuote) {
      sink.recordProblem('record-too-long', line, line, -1, text.slice(0, 1000));
      return;
    }
    // Scanned once more only to learn where the open field starts.
    this.scanRecord(text, 0, true);
    sink.recordProblem('quoted-field-too-long', line, line + this.quoteLine, this.fieldCount, text.slice(0, 1000));
  }

  private stop(): void {
    this.stopped = true;
    this.carry = '';
    this.aside = null;
  }

  /** Where the line holding `from` ends (its line break, or the end of the text). */
  private skipLine(text: string, from: number): number {
    for (let at = from; at < text.length; at++) {
      const c = text.charCodeAt(at);
      if (c === LF || c === CR) {
        this.skippingLine = false;
        return at;
      }
    }
    this.skippingLine = true;
    return text.length;
  }

  private noteInvalidLines(indexes: number[]): void {
    // The piece starts after the carried text (and the pieces kept aside).
    let firstLine = this.line + countLineBreaks(this.carry, 0, this.carry.length);
    for (const piece of this.aside ?? []) firstLine += countLineBreaks(piece, 0, piece.length);
    for (const index of indexes) this.invalidLines.push(firstLine + index);
    this.nextInvalid = this.invalidLines[0];
  }

  /** The first invalid line among the record's lines (0 if none), forgetting those before. */
  private takeInvalidLine(startLine: number, endLine: number): number {
    this.dropInvalidLines(startLine - 1);
    const found = this.nextInvalid <= endLine ? this.nextInvalid : 0;
    this.dropInvalidLines(endLine);
    return found;
  }

  private dropInvalidLines(upTo: number): void {
    let drop = 0;
    while (drop < this.invalidLines.length && this.invalidLines[drop] <= upTo) drop++;
    if (drop > 0) this.invalidLines.splice(0, drop);
    this.nextInvalid = this.invalidLines.length > 0 ? this.invalidLines[0] : Infinity;
  }

  private unescape(value: string): string {
    let out = '';
    let from = 0;
    for (let at = 0; at < value.length - 1; at++) {
      if (value.charCodeAt(at) !== this.escape) continue;
      const next = value.charCodeAt(at + 1);
      if (next !== this.quote && next !== this.escape) continue;
      out += value.slice(from, at);
      from = at + 1;
      at++;
    }
    return out + value.slice(from);
  }

  private grow(): void {
    const size = this.fieldStart.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.fieldStart = grown(this.fieldStart, new Int32Array(size));
    this.fieldEnd = grown(this.fieldEnd, new Int32Array(size));
    this.fieldKind = grown(this.fieldKind, new Uint8Array(size));
  }
}

/** Whether the text holds a line break (searched natively). */
function hasLineBreak(text: string): boolean {
  return text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
}

/** Line breaks ("\n", "\r\n" or a lone "\r") in text[from, to); a "\r" ending the text counts. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = from; at < to; at++) {
    const c = text.charCodeAt(at);
    if (c === LF || (c === CR && text.charCodeAt(at + 1) !== LF)) count++;
  }
  return count;
}
