// The ids of a string column's distinct values, in the order they were first seen (see
// ColumnStore's dictionary). Every cell read from a file is a new string, whose hash a Map
// computes and then compares through the engine's generic paths; an open-addressing table
// of ids that hashes the characters itself found a cell's id in about two thirds of the
// time, and holding spends much of its time on this lookup.

const INITIAL_SLOTS = 1024;
const EMPTY = -1;

export class StringIds {
  /** The distinct values by id. */
  readonly values: string[] = [];
  /** An id per slot, EMPTY where none is; at most half the slots are taken. */
  private slots = new Int32Array(INITIAL_SLOTS).fill(EMPTY);

  get size(): number {
    return this.values.length;
  }

  /** The id of `value`; a value not seen before gets the next id, `stored` (equal to it) being what is kept. */
  idOf(value: string, stored: (value: string) => string = (v) => v): number {
    const mask = this.slots.length - 1;
    for (let slot = hash(value) & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot];
      if (id === EMPTY) {
        const added = this.values.push(stored(value)) - 1;
        this.slots[slot] = added;
        if (this.values.length * 2 > this.slots.length) this.grow();
        return added;
      }
      if (this.values[id] === value) return id;
    }
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    this.values.forEach((value, id) => {
      let slot = hash(value) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = id;
    });
    this.slots = slots;
  }
}

/** FNV-1a over the UTF-16 code units, then mixed so that the low bits depend on every unit. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
