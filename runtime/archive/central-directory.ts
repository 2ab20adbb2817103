/*
 * Listing a ZIP archive from its central directory (random access, never a scan of the
 * whole file): read the tail to find the end-of-central-directory record (and the ZIP64 one
 * when present), then read the central directory in one range and decode its headers.
 * A file without that record is not a ZIP, or was cut short while copying: the error says so.
 *
 * Names are UTF-8 when the entry says so (flag bit 11), otherwise read as latin1 (the exact
 * CP437 table is not worth carrying: warehouse extract names are ASCII).
 * Multi-disk (split) archives are refused.
 */
import type { ByteSource } from './byte-source.js';

export interface ArchiveEntry {
  /** Full path inside the archive, "/"-separated, as stored. */
  name: string;
  /** 0 = stored, 8 = deflate; anything else is refused when the entry is opened. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  isDirectory: boolean;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_MIN_SIZE = 22;
const MAX_COMMENT_SIZE = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_UTF8_NAME = 0x0800;
const UINT16_MAX = 0xffff;
const UINT32_MAX = 0xffffffff;

interface DirectoryLocation {
  entryCount: number;
  offset: number;
  size: number;
}

export async function listEntries(source: ByteSource): Promise<ArchiveEntry[]> {
  const location = await locateCentralDirectory(source);
  const directory = await source.read(location.offset, location.size);
  const entries: ArchiveEntry[] = [];
  let at = 0;
  for (let index = 0; index < location.entryCount; index++) {
    if (at + CENTRAL_HEADER_SIZE > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER_SIGNATURE) {
      throw corrupt(source, `central directory header ${index + 1} of ${location.entryCount} is damaged`);
    }
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const nameStart = at + CENTRAL_HEADER_SIZE;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > directory.length) throw corrupt(source, `central directory header ${index + 1} runs past the directory`);
    const name = directory.toString(flags & FLAG_UTF8_NAME ? 'utf8' : 'latin1', nameStart, extraStart);
    const sizes = {
      uncompressedSize: directory.readUInt32LE(at + 24),
      compressedSize: directory.readUInt32LE(at + 20),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    applyZip64Extra(source, name, directory.subarray(extraStart, extraStart + extraLength), sizes);
    entries.push({
      name,
      method: directory.readUInt16LE(at + 10),
      flags,
      crc32: directory.readUInt32LE(at + 16),
      ...sizes,
      isDirectory: name.endsWith('/'),
    });
    at = next;
  }
  return entries;
}

async function locateCentralDirectory(source: ByteSource): Promise<DirectoryLocation> {
  const fileSize = await source.size();
  const tailSize = Math.min(fileSize, EOCD_MIN_SIZE + MAX_COMMENT_SIZE);
  const tailStart = fileSize - tailSize;
  const tail = await source.read(tailStart, tailSize);
  const eocd = findEndRecord(tail);
  if (eocd < 0) {
    throw new Error(
      `${source.name}: not a ZIP archive or truncated: end of central directory not found — re-download the extract`,
    );
  }
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) {
    throw new Error(`${source.name}: a split (multi-disk) ZIP archive is not supported — extract one archive file`);
  }
  let location: DirectoryLocation = {
    entryCount: tail.readUInt16LE(eocd + 10),
    size: tail.readUInt32LE(eocd + 12),
    offset: tail.readUInt32LE(eocd + 16),
  };
  const locatorAt = eocd - ZIP64_LOCATOR_SIZE;
  if (locatorAt >= 0 && tail.readUInt32LE(locatorAt) === ZIP64_LOCATOR_SIGNATURE) {
    location = await readZip64End(source, safeNumber(source, tail.readBigUInt64LE(locatorAt + 8)));
  } else if (location.entryCount === UINT16_MAX || location.size === UINT32_MAX || location.offset === UINT32_MAX) {
    throw corrupt(source, 'the end record points to a ZIP64 record that is missing');
  }
  if (location.offset + location.size > tailStart + eocd) {
    throw new Error(
      `${source.name}: not a ZIP archive or truncated: the central directory lies beyond the end of the file — re-download the extract`,
    );
  }
  return location;
}

// Searching backwards: the record is last, only a comment may follow it, and the comment
// length must reach exactly the end of the file (a stray signature inside a comment fails).
function findEndRecord(tail: Buffer): number {
  for (let at = tail.length - EOCD_MIN_SIZE; at >= 0; at--) {
    if (tail.readUInt32LE(at) === EOCD_SIGNATURE && at + EOCD_MIN_SIZE + tail.readUInt16LE(at + 20) === tail.length) {
      return at;
    }
  }
  return -1;
}

async function readZip64End(source: ByteSource, offset: number): Promise<DirectoryLocation> {
  const record = await source.read(offset, ZIP64_EOCD_SIZE);
  if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE)
    throw corrupt(source, 'the ZIP64 end of central directory record is damaged');
  return {
    entryCount: safeNumber(source, record.readBigUInt64LE(32)),
    size: safeNumber(source, record.readBigUInt64LE(40)),
    offset: safeNumber(source, record.readBigUInt64LE(48)),
  };
}

// The ZIP64 extra field holds, in this order, only the values whose 32-bit field is all ones.
function applyZip64Extra(
  source: ByteSource,
  entryName: string,
  extra: Buffer,
  sizes: { uncompressedSize: number; compressedSize: number; localHeaderOffset: number },
): void {
  const needed = (['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const).filter(
    (field) => sizes[field] === UINT32_MAX,
  );
  if (needed.length === 0) return;
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_ID) {
      if (length < needed.length * 8) break;
      needed.forEach((field, index) => {
        sizes[field] = safeNumber(source, extra.readBigUInt64LE(at + 4 + index * 8));
      });
      return;
    }
    at += 4 + length;
  }
  throw corrupt(source, `entry ${entryName} needs a ZIP64 extra field that is missing`);
}

function safeNumber(source: ByteSource, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw corrupt(source, `a size or offset of ${value} bytes is not plausible`);
  return Number(value);
}

function corrupt(source: ByteSource, detail: string): Error {
  return new Error(`${source.name}: corrupt ZIP archive: ${detail} — re-download the extract`);
}
