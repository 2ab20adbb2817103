// Where built items go. A sink is transactional for the run: nothing is visible until
// commit() (a preview file appears whole or not at all), and abort() leaves nothing behind.
import type { BuiltItem } from '../eval/item-value.js';

export interface ItemSink {
  write(item: BuiltItem): Promise<void> | void;
  commit(): Promise<void>;
  abort(): Promise<void>;
}
