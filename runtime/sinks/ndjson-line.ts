// One item as a line of an NDJSON preview file, in either format (see ndjson-sink.ts). Build
// threads serialize with this too, so their lines are the sink's own.
import type { BuiltItem } from '../eval/item-value.js';
import { toDynamoItemJson } from './dynamodb-json.js';
import { toPlainJson } from './plain-json.js';

export type NdjsonFormat = 'plain' | 'dynamodb';

export function ndjsonLine(format: NdjsonFormat, item: BuiltItem): string {
  if (format === 'plain') {
    return `{"item":${JSON.stringify(item.item)},"target":${JSON.stringify(item.target)},"attributes":${toPlainJson(item.attributes)}}\n`;
  }
  return `{"TableName":${JSON.stringify(item.target)},"Item":${toDynamoItemJson(item.attributes)}}\n`;
}

/**
 * Lines encoded as UTF-8 one by one into a growing buffer: encoding one long string made of
 * many small concatenations cost more than building the JSON.
 */
export class Utf8Lines {
  private buffer: Buffer;
  private used = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get byteLength(): number {
    return this.used;
  }

  append(line: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    const most = line.length * 3;
    if (this.used + most > this.buffer.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + most));
      this.buffer.copy(next, 0, 0, this.used);
      this.buffer = next;
    }
    this.used += this.buffer.write(line, this.used);
  }

  /** The bytes so far, in a buffer of their own (transferable), and a fresh start. */
  take(): Uint8Array {
    const bytes = new Uint8Array(this.used);
    bytes.set(this.buffer.subarray(0, this.used));
    this.used = 0;
    return bytes;
  }
}
