// One item as a line of an NDJSON preview file, in either format (see ndjson-sink.ts), as a
// string or as UTF-8 bytes. Build threads serialize with this too, so their lines are the
// sink's own.
import type { BuiltItem } from '../eval/item-value.js';
import { toDynamoItemJson } from './dynamodb-json.js';
import type { ByteBuffer } from './byte-buffer.js';
import { toPlainJson } from './plain-json.js';
import { writePlainJsonLine } from './plain-json-bytes.js';

export type NdjsonFormat = 'plain' | 'dynamodb';

export function ndjsonLine(format: NdjsonFormat, item: BuiltItem): string {
  if (format === 'plain') {
    return `{"item":${JSON.stringify(item.item)},"target":${JSON.stringify(item.target)},"attributes":${toPlainJson(item.attributes)}}\n`;
  }
  return `{"TableName":${JSON.stringify(item.target)},"Item":${toDynamoItemJson(item.attributes)}}\n`;
}

/** The line of an item, as UTF-8, at the end of `out`: plain lines are written as bytes (plain-json-bytes.ts). */
export function appendNdjsonLine(out: ByteBuffer, format: NdjsonFormat, item: BuiltItem): void {
  if (format === 'plain') writePlainJsonLine(out, item);
  else out.text(ndjsonLine(format, item));
}
