/*
 * Bytes to text for the tokenizer, one piece per input chunk, each piece ending at a line
 * break: the bytes after a chunk's last "\n" (or, in a chunk without one, its last "\r" known
 * not to start a "\r\n") wait for the next chunk. So a character is never cut in two, a "\r\n"
 * never either, a UTF-8 byte order mark is always whole in the first piece, and the tokenizer
 * rarely has to carry a partial record over to the next piece.
 *
 * Invalid UTF-8 must not turn silently into U+FFFD inside a customer's name, yet one bad line
 * must not stop the whole file: each piece is decoded leniently, and only when it holds a
 * U+FFFD are its bytes checked (natively) — a U+FFFD written as such in the data is valid
 * UTF-8, so it is no false alarm. A piece that fails names its lines that fail, counted from
 * the piece's first line; the tokenizer faults the records touching them. Line breaks never
 * occur inside a UTF-8 sequence, so the lines can be split at the byte level.
 *
 * latin1 cannot be invalid and maps each byte to one character.
 */
import { isUtf8 } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** A line longer than this is passed on in parts (at a character boundary) instead of held. */
const MAX_HELD_BYTES = 64 * 1024 * 1024;

export interface DecodedPiece {
  text: string;
  /** 0-based indexes, among the piece's lines, of the lines holding invalid UTF-8; null if none. */
  invalidLines: number[] | null;
}

export class LineAlignedDecoder {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private atStart = true;

  /** `maxHeldBytes`: a line longer is passed on in parts (the tokenizer caps a record's length; 64 MiB at most). */
  constructor(
    private readonly encoding: 'utf-8' | 'latin1',
    private readonly maxHeldBytes = MAX_HELD_BYTES,
  ) {
    this.maxHeldBytes = Math.min(maxHeldBytes, MAX_HELD_BYTES);
  }

  /** The text of the whole lines received so far; null while no line is complete. */
  push(chunk: Buffer): DecodedPiece | null {
    const lastNewline = lastLineBreak(chunk);
    if (lastNewline < 0) {
      this.hold(chunk);
      return this.heldBytes > this.maxHeldBytes ? this.decodeHeldPart() : null;
    }
    let bytes = chunk.subarray(0, lastNewline + 1);
    if (this.heldBytes > 0) {
      this.held.push(bytes);
      bytes = Buffer.concat(this.held, this.heldBytes + bytes.length);
      this.held = [];
      this.heldBytes = 0;
    }
    if (lastNewline + 1 < chunk.length) this.hold(chunk.subarray(lastNewline + 1));
    return this.decode(bytes);
  }

  /** The rest, at the end of the input. */
  end(): DecodedPiece | null {
    if (this.heldBytes === 0) return null;
    const bytes = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    return this.decode(bytes);
  }

  private hold(bytes: Buffer): void {
    // A copy: the stream may reuse the chunk's memory once it is handed over.
    this.held.push(Buffer.from(bytes));
    this.heldBytes += bytes.length;
  }

  private decodeHeldPart(): DecodedPiece {
    const bytes = Buffer.concat(this.held, this.heldBytes);
    let cut = bytes.length;
    if (this.encoding === 'utf-8') {
      // Back up to the lead byte of the last character, which may be incomplete.
      while (cut > bytes.length - 4 && cut > 0 && (bytes[cut - 1] & 0xc0) === 0x80) cut--;
      if (cut > 0 && bytes[cut - 1] >= 0xc0) cut--;
    }
    // A "\r" may be the first half of a "\r\n".
    if (cut > 0 && bytes[cut - 1] === CR) cut--;
    this.held = cut < bytes.length ? [Buffer.from(bytes.subarray(cut))] : [];
    this.heldBytes = bytes.length - cut;
    return this.decode(bytes.subarray(0, cut));
  }

  private decode(bytes: Buffer): DecodedPiece {
    if (this.encoding === 'latin1') return { text: bytes.toString('latin1'), invalidLines: null };
    let start = 0;
    if (this.atStart) {
      this.atStart = false;
      if (bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2])
        start = 3;
    }
    const text = bytes.toString('utf8', start);
    if (text.indexOf('\uFFFD') < 0 || isUtf8(bytes.subarray(start))) return { text, invalidLines: null };
    return { text, invalidLines: invalidLinesOf(bytes.subarray(start)) };
  }
}

/** Where the chunk's last line break ends (its last byte), or -1. */
function lastLineBreak(chunk: Buffer): number {
  const lastLf = chunk.lastIndexOf(LF);
  if (lastLf >= 0 || chunk.length < 2) return lastLf;
  // Only files with lone "\r" line breaks get here. A "\r" ending the chunk may start a "\r\n".
  return chunk.lastIndexOf(CR, chunk.length - 2);
}

/** Line breaks as the tokenizer counts them: "\n", "\r\n" and a lone "\r". */
function invalidLinesOf(bytes: Buffer): number[] {
  const lines: number[] = [];
  let line = 0;
  let lineStart = 0;
  for (let at = 0; at < bytes.length; at++) {
    const c = bytes[at];
    if (c !== LF && !(c === CR && bytes[at + 1] !== LF)) continue;
    if (!isUtf8(bytes.subarray(lineStart, at + 1))) lines.push(line);
    line++;
    lineStart = at + 1;
  }
  if (!isUtf8(bytes.subarray(lineStart))) lines.push(line);
  return lines;
}
