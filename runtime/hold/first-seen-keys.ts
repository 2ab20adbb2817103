/*
 * The keys of a streamed root table read so far, with where each was first read, so that a
 * duplicate's reject can name the row that was kept. Memory-conscious for millions of keys:
 * the map holds a small int per key (a slot), and the slots' file numbers and lines sit in
 * two typed arrays, instead of an object per key.
 */
import type { RowKey } from '../eval/row-key.js';

export class FirstSeenKeys {
  private readonly slots = new Map<RowKey, number>();
  private files = new Int32Array(1024);
  private lines = new Int32Array(1024);

  has(key: RowKey): boolean {
    return this.slots.has(key);
  }

  /** Where the key was first read (its file's number in the run's list, and line), or undefined. */
  firstOf(key: RowKey): { fileNumber: number; line: number } | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : { fileNumber: this.files[slot], line: this.lines[slot] };
  }

  add(key: RowKey, fileNumber: number, line: number): void {
    const slot = this.slots.size;
    if (slot === this.files.length) {
      this.files = grown(this.files);
      this.lines = grown(this.lines);
    }
    this.files[slot] = fileNumber;
    this.lines[slot] = line;
    this.slots.set(key, slot);
  }
}

function grown(old: Int32Array): Int32Array<ArrayBuffer> {
  const fresh = new Int32Array(old.length * 2);
  fresh.set(old);
  return fresh;
}
