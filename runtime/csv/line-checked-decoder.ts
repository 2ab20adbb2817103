/*
 * The bytes in front of the CSV parser: normalised to UTF-8, and remembered for a short
 * while so the reader can tell on which physical line each record starts.
 *
 * Why not trust csv-parse for that? Its line counter counts a "\r" inside a quoted field as
 * a line of its own, so numbers drift on Windows files. Here a line ends at "\n", exactly as
 * an editor shows it, and `lineAt(offset)` answers for any byte offset the parser reports
 * (`info.bytes`), as long as the reader has not released it.
 *
 * Invalid UTF-8 must not turn silently into U+FFFD inside a customer's name, yet one bad line
 * must not stop the whole file either: the bytes pass through unchanged (csv-parse turns them
 * into U+FFFD) and the numbers of the lines holding them are kept in `invalidLines`; the
 * reader faults any record touching such a line. Lines are split on "\n" at the byte level
 * (that byte never occurs inside a UTF-8 sequence). A leading UTF-8 byte order mark is
 * dropped. latin1 input is converted to UTF-8 (it cannot be invalid).
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

const NEWLINE = 0x0a;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface WindowChunk {
  start: number;
  bytes: Buffer;
  /** Newlines in the output before this chunk. */
  newlinesBefore: number;
}

export class LineCheckedDecoder extends Transform {
  /** 1-based numbers of the lines holding bytes that are not UTF-8. */
  readonly invalidLines = new Set<number>();
  private newlinesOut = 0;
  private bytesOut = 0;
  private pending: Buffer = Buffer.alloc(0);
  private atStart = true;
  private window: WindowChunk[] = [];
  private cursorOffset = 0;
  private cursorNewlines = 0;

  constructor(private readonly encoding: 'utf-8' | 'latin1') {
    super();
  }

  /**
   * The 1-based line of the byte at `offset` of the output (offset = bytes before it).
   * Records come in order, so counting resumes where the previous question left off.
   */
  lineAt(offset: number): number {
    const first = this.window[0];
    if (first === undefined || offset < first.start) throw new RangeError(`line of byte ${offset} was released`);
    if (offset < this.cursorOffset || this.cursorOffset < first.start) {
      this.cursorOffset = first.start;
      this.cursorNewlines = first.newlinesBefore;
    }
    for (const chunk of this.window) {
      const end = chunk.start + chunk.bytes.length;
      if (end <= this.cursorOffset) continue;
      const to = Math.min(offset, end);
      this.cursorNewlines += countNewlines(chunk.bytes, this.cursorOffset - chunk.start, to - chunk.start);
      this.cursorOffset = to;
      if (to === offset) break;
    }
    return 1 + this.cursorNewlines;
  }

  /** The output byte at `offset`, or -1 outside the window. */
  byteAt(offset: number): number {
    const chunk = this.window.find((candidate) => offset < candidate.start + candidate.bytes.length);
    return chunk === undefined || offset < chunk.start ? -1 : chunk.bytes[offset - chunk.start];
  }

  /** Forget the output before `offset`: the reader will not ask about it again. */
  release(offset: number): void {
    while (this.window.length > 1 && this.window[0].start + this.window[0].bytes.length <= offset) this.window.shift();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.encoding === 'latin1') {
      this.forward(Buffer.from(chunk.toString('latin1'), 'utf8'));
      callback();
      return;
    }
    const data = this.stripBom(this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]));
    if (data === null) {
      callback();
      return;
    }
    // Only whole lines are checked, so a character is never judged half-read.
    const lastNewline = data.lastIndexOf(NEWLINE);
    this.pending = Buffer.from(data.subarray(lastNewline + 1));
    if (lastNewline >= 0) this.checkAndForward(data.subarray(0, lastNewline + 1));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.pending.length > 0) this.checkAndForward(this.pending);
    callback();
  }

  /** Null while too few bytes have come to tell whether there is a BOM. */
  private stripBom(data: Buffer): Buffer | null {
    if (!this.atStart) return data;
    if (data.length < UTF8_BOM.length && UTF8_BOM.subarray(0, data.length).equals(data)) {
      this.pending = data;
      return null;
    }
    this.atStart = false;
    this.pending = Buffer.alloc(0);
    return data.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? data.subarray(UTF8_BOM.length) : data;
  }

  // Fast path: one native check per chunk; only a failing chunk is checked line by line.
  private checkAndForward(text: Buffer): void {
    if (!isUtf8(text)) {
      let line = this.newlinesOut + 1;
      for (let lineStart = 0; lineStart < text.length; line++) {
        const newline = text.indexOf(NEWLINE, lineStart);
        const lineEnd = newline < 0 ? text.length : newline + 1;
        if (!isUtf8(text.subarray(lineStart, lineEnd))) this.invalidLines.add(line);
        lineStart = lineEnd;
      }
    }
    this.forward(text);
  }

  private forward(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.window.push({ start: this.bytesOut, bytes, newlinesBefore: this.newlinesOut });
    this.bytesOut += bytes.length;
    this.newlinesOut += countNewlines(bytes, 0, bytes.length);
    this.push(bytes);
  }
}

function countNewlines(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE, from); at >= 0 && at < to; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}
