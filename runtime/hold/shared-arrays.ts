// Typed arrays in SharedArrayBuffers: held tables are built in them from the start, so build
// threads read them in place, without a copy per thread nor a copy to share them.

export type Typed = BigInt64Array | Float64Array | Int32Array | Uint16Array | Uint8Array;

type TypedConstructor<T extends Typed> = {
  new (buffer: SharedArrayBuffer, offset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** A zeroed array of `length` elements in a SharedArrayBuffer. */
export function sharedArray<T extends Typed>(Typed: TypedConstructor<T>, length: number): T {
  return new Typed(new SharedArrayBuffer(length * Typed.BYTES_PER_ELEMENT), 0, length);
}

/** `array` if it holds `needed` elements, else a shared copy with room for at least that many (doubling). */
export function grown<T extends Typed>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = sharedArray(array.constructor as TypedConstructor<T>, Math.max(needed, array.length * 2));
  next.set(array as never);
  return next;
}

/** `array` itself, checked to be in shared memory: another thread must read these bytes, not a copy of them. */
export function inSharedMemory<T extends Typed>(array: T): T {
  if (!(array.buffer instanceof SharedArrayBuffer))
    throw new Error('a held table keeps an array outside shared memory: another thread would read a copy of it');
  return array;
}
