// Where built items go. A sink is transactional for the run: nothing is visible until
// commit() (a preview file appears whole or not at all), and abort() leaves nothing behind.
import type { BuiltItem, ItemValue } from '../eval/item-value.js';
import type { NdjsonFormat } from './ndjson-line.js';

export interface ItemSink {
  /**
   * Why the item cannot be written (a key its physical table cannot take, say), asked before
   * write(); null: it can. DynamoDB's limits (numbers, nesting, 400 KB) were checked before,
   * for every sink alike (write-root-items.ts).
   */
  check?(item: BuiltItem): string | null;
  write(item: BuiltItem): Promise<void> | void;
  /** Deletes a stored item by its key attributes, by name (sinks of incremental runs; in write order). */
  delete?(target: string, key: Readonly<Record<string, ItemValue>>): Promise<void> | void;
  /**
   * Starts making what was written so far durable, in the background, so that commit() has
   * less left to do: the run calls it once the last item is written, before the work that
   * remains (accounting for every row), which then overlaps it.
   */
  syncSoFar?(): void;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** A sink of text lines, which can take lines serialized elsewhere (by build threads, with appendNdjsonLine). */
export interface LineSink {
  readonly format: NdjsonFormat;
  /** `released`, when given, is called once the sink has no further use of `bytes` (they may then be reused). */
  writeLines(bytes: Uint8Array, items: number, released?: () => void): Promise<void> | void;
}

export function isLineSink(sink: ItemSink): sink is ItemSink & LineSink {
  return (
    typeof (sink as Partial<LineSink>).writeLines === 'function' &&
    typeof (sink as Partial<LineSink>).format === 'string'
  );
}
