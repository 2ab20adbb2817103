/*
 * CRC-32 (the ZIP/gzip polynomial), computed incrementally over chunks: pass the previous
 * result back in. Node's native zlib.crc32 is used when present (Node >= 20.15); the table
 * version keeps older Node 20 releases working, since package.json promises ">=20".
 */
import zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, previous?: number) => number;

const nativeCrc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function tableCrc32(data: Uint8Array, previous = 0): number {
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export const crc32: Crc32 = typeof nativeCrc32 === 'function' ? nativeCrc32 : tableCrc32;
