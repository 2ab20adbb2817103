// From a row key to a number (a row index, a group id). Keys that are JS numbers (int keys
// within 2^53, see row-key.ts) go into an open-addressing table on typed arrays: no object per
// entry, and a lookup touches one or two cache lines where a Map of a million entries touched
// several. Other keys (strings, big integers) use a Map.
import type { RowKey } from '../eval/row-key.js';
import { inSharedMemory, sharedArray } from './shared-arrays.js';

const INITIAL_SLOTS = 1024;
const TWO_TO_32 = 4294967296;

/** A key index as plain data, its tables in SharedArrayBuffers (see KeyIndex.share()). */
export interface KeyIndexSnapshot {
  slotKeys: Float64Array;
  slotValues: Int32Array;
  numberCount: number;
  others: Map<RowKey, number>;
}

export class KeyIndex {
  private slotKeys: Float64Array = sharedArray(Float64Array, INITIAL_SLOTS).fill(Number.NaN);
  private slotValues: Int32Array = sharedArray(Int32Array, INITIAL_SLOTS);
  private numberCount = 0;
  private readonly others = new Map<RowKey, number>();

  static fromSnapshot(snapshot: KeyIndexSnapshot): KeyIndex {
    const index = new KeyIndex();
    index.slotKeys = snapshot.slotKeys;
    index.slotValues = snapshot.slotValues;
    index.numberCount = snapshot.numberCount;
    for (const [key, value] of snapshot.others) index.others.set(key, value);
    return index;
  }

  /** The index as plain data for KeyIndex.fromSnapshot in another thread, which reads the same slots. */
  share(): KeyIndexSnapshot {
    return {
      slotKeys: inSharedMemory(this.slotKeys),
      slotValues: inSharedMemory(this.slotValues),
      numberCount: this.numberCount,
      others: this.others,
    };
  }

  get size(): number {
    return this.numberCount + this.others.size;
  }

  get(key: RowKey): number | undefined {
    if (typeof key !== 'number') return this.others.get(key);
    const keys = this.slotKeys;
    const mask = keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const found = keys[slot];
      if (found === key) return this.slotValues[slot];
      if (found !== found) return undefined; // NaN: an empty slot
    }
  }

  has(key: RowKey): boolean {
    return this.get(key) !== undefined;
  }

  set(key: RowKey, value: number): void {
    if (typeof key !== 'number') {
      this.others.set(key, value);
      return;
    }
    if ((this.numberCount + 1) * 2 > this.slotKeys.length) this.grow();
    if (this.place(key, value)) this.numberCount++;
  }

  /** Stores the pair; true when the key was new. */
  private place(key: number, value: number): boolean {
    const keys = this.slotKeys;
    const mask = keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const found = keys[slot];
      if (found !== found) {
        keys[slot] = key;
        this.slotValues[slot] = value;
        return true;
      }
      if (found === key) {
        this.slotValues[slot] = value;
        return false;
      }
    }
  }

  private grow(): void {
    const keys = this.slotKeys;
    const values = this.slotValues;
    this.slotKeys = sharedArray(Float64Array, keys.length * 2).fill(Number.NaN);
    this.slotValues = sharedArray(Int32Array, keys.length * 2);
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      if (key === key) this.place(key, values[slot]);
    }
  }
}

/** Keys that differ only in these low bits share a block of neighbouring slots. */
const BLOCK_BITS = 4;

/**
 * A slot for a whole number (keys are integers within 2^53): the key's block (all but its
 * low BLOCK_BITS bits, both halves) is mixed into a scattered block position, and the low
 * bits pick a slot inside it. Keys made by a sequence, read in about their order (the
 * orders of one customer, looked up one after another), then touch one or two cache lines
 * instead of one each; blocks still scatter like any hash.
 */
function hash(key: number): number {
  const low = key | 0;
  const high = Math.floor(key / TWO_TO_32) | 0;
  let h = Math.imul((low >>> BLOCK_BITS) ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  return ((h << BLOCK_BITS) | (low & ((1 << BLOCK_BITS) - 1))) >>> 0;
}
