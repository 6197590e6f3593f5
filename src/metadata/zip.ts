/**
 * A small ZIP reader over a random-access source, enough to pull one member (a wheel's METADATA)
 * out of a local file or out of a remote file by HTTP range requests, without reading the rest.
 * Written here rather than taken from npm because the zip packages read whole local files or
 * streams; the remote-range case is the point. Stored and deflated members, ZIP64 sizes and
 * offsets; a cap on the uncompressed size stops decompression bombs.
 */
import { inflateRawSync } from 'node:zlib';
import { PinHashesError } from '../errors.js';

export interface RandomAccess {
  readonly size: number;
  read(start: number, length: number): Promise<Buffer>;
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export class ZipError extends PinHashesError {
  constructor(what: string, problem: string) {
    super('BAD_ARCHIVE', `${what}: ${problem}`, {
      exitCode: 2,
      hint: 'The file is damaged or is not what its name says; try again later (a broken download or mirror), or report it to the index operator.',
    });
  }
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const TAIL = 65_536 + 22;

/** The central directory: every member's name, sizes and where it starts. */
export async function readZipEntries(source: RandomAccess, what: string): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, source.size - TAIL);
  const tail = await source.read(tailStart, source.size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError(what, 'not a ZIP archive (no end-of-central-directory record)');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIG) throw new ZipError(what, 'damaged ZIP64 records');
    const recordOffset = Number(tail.readBigUInt64LE(locator + 8));
    const record = await source.read(recordOffset, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new ZipError(what, 'damaged ZIP64 records');
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > source.size) throw new ZipError(what, 'central directory lies outside the file');
  const cd =
    cdOffset >= tailStart ? tail.subarray(cdOffset - tailStart, cdOffset - tailStart + cdSize) : await source.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CD_SIG) throw new ZipError(what, 'damaged central directory');
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = cd.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    // ZIP64 extended information: only the fields that overflowed are present, in this order.
    for (let e = 0; e + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = (): number => {
          const v = q + 8 <= e + 4 + len ? Number(extra.readBigUInt64LE(q)) : 0;
          q += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      e += 4 + len;
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of one member, inflated; refuses members larger than `maxBytes` uncompressed. */
export async function readZipMember(source: RandomAccess, entry: ZipEntry, what: string, maxBytes: number): Promise<Buffer> {
  if (entry.uncompressedSize > maxBytes) {
    throw new ZipError(what, `${entry.name} is ${entry.uncompressedSize} bytes, more than the ${maxBytes} we read`);
  }
  // The local header's extra field may differ from the central one; read generously in one go.
  const guess = 30 + Buffer.byteLength(entry.name) + 1024 + entry.compressedSize;
  let chunk = await source.read(entry.localHeaderOffset, Math.min(guess, source.size - entry.localHeaderOffset));
  if (chunk.length < 30 || chunk.readUInt32LE(0) !== LOCAL_SIG) throw new ZipError(what, `damaged local header for ${entry.name}`);
  const dataStart = 30 + chunk.readUInt16LE(26) + chunk.readUInt16LE(28);
  if (dataStart + entry.compressedSize > chunk.length) {
    chunk = await source.read(entry.localHeaderOffset, dataStart + entry.compressedSize);
  }
  const data = chunk.subarray(dataStart, dataStart + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) {
    try {
      return inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch (error) {
      throw new ZipError(what, `${entry.name} does not inflate (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  throw new ZipError(what, `${entry.name} uses compression method ${entry.method}, which pin-hashes does not read`);
}
