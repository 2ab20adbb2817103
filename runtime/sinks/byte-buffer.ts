// A growing buffer of UTF-8 bytes for writers that produce text piece by piece: ASCII they
// know (JSON punctuation, digits, escaped names) goes in byte by byte, other text through
// Buffer's UTF-8 encoder. Encoding each piece where it is made costs less than joining
// millions of small strings and encoding the result.

/** Pieces up to this length are copied byte by byte: a call into the encoder costs more. */
const SHORT_PIECE = 24;

/**
 * Bytes written over and over (a member name with its punctuation), laid out for
 * ByteBuffer.prepared(): four at a time as little-endian words, then the last 0-3.
 */
export interface PreparedBytes {
  length: number;
  words: Int32Array;
  tail: Uint8Array;
}

export function prepareBytes(bytes: Uint8Array): PreparedBytes {
  const wordCount = bytes.length >> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const words = new Int32Array(wordCount);
  for (let i = 0; i < wordCount; i++) words[i] = view.getInt32(i * 4, true);
  return { length: bytes.length, words, tail: bytes.slice(wordCount * 4) };
}

export class ByteBuffer {
  bytes: Buffer;
  length = 0;
  /** The same memory as `bytes`, for prepared(). */
  private view: DataView;
  /** Memory given back by reuse(), for the next take(). */
  private readonly spares: ArrayBuffer[] = [];

  constructor(initialBytes = 1 << 20) {
    this.bytes = unpooled(initialBytes);
    this.view = viewOf(this.bytes);
  }

  /** Room for `more` bytes after the current end. */
  reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const next = unpooled(Math.max(this.bytes.length * 2, this.length + more));
    this.bytes.copy(next, 0, 0, this.length);
    this.replaceBytes(next);
  }

  private replaceBytes(bytes: Buffer): void {
    this.bytes = bytes;
    this.view = viewOf(bytes);
  }

  byte(code: number): void {
    if (this.length === this.bytes.length) this.reserve(1);
    this.bytes[this.length++] = code;
  }

  /** Text known to be ASCII (every code below 0x80). */
  ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    if (n > SHORT_PIECE) {
      this.length += this.bytes.write(text, this.length, 'latin1');
      return;
    }
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < n; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Any text, as UTF-8. */
  text(text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    this.reserve(text.length * 3);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  /** Prepared bytes: a word store writes four of them (storing them one by one took twice as long). */
  prepared(piece: PreparedBytes): void {
    this.reserve(piece.length);
    const { view, bytes } = this;
    const { words, tail } = piece;
    let at = this.length;
    for (let i = 0; i < words.length; i++) {
      view.setInt32(at, words[i], true);
      at += 4;
    }
    for (let i = 0; i < tail.length; i++) bytes[at++] = tail[i];
    this.length = at;
  }

  /**
   * The bytes so far, and a fresh start: the buffer they are in is handed over (its memory is
   * no one else's, so it can be transferred to another thread) and one of the same size takes
   * its place, given back by reuse() or new. Copying them out instead cost a pass over every
   * byte of a preview.
   */
  take(): Uint8Array {
    const taken = this.bytes.subarray(0, this.length);
    const spare = this.spares.pop();
    this.replaceBytes(spare === undefined ? unpooled(this.bytes.length) : Buffer.from(spare));
    this.length = 0;
    return taken;
  }

  /**
   * Memory of a buffer taken earlier that its taker is done with, to take the place of the
   * next one taken: no new memory per batch (fresh memory costs page faults, and memory
   * handed to another thread there costs garbage collections).
   */
  reuse(memory: ArrayBuffer): void {
    if (memory.byteLength >= this.bytes.length) this.spares.push(memory);
  }
}

function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Uninitialised bytes in memory of their own: Buffer.allocUnsafe may carve small ones out of a pool shared by every buffer. */
function unpooled(size: number): Buffer {
  return Buffer.allocUnsafeSlow(size);
}
