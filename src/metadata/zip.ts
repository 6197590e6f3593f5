/**
 * A small ZIP reader over a random-access source, enough to pull one member (a wheel's METADATA)
 * out of a local file or out of a remote file by HTTP range requests, without reading the rest.
 * Written here rather than taken from npm because the zip packages read whole local files or
 * streams; the remote-range case is the point.
 *
 * It reads an archive the way Python's zipfile does (what pip installs with), so the METADATA we
 * resolve with is the one pip will read: the end record found as zipfile finds it, the central
 * directory is the truth, names decoded as zipfile decodes them, every byte checked against the
 * recorded CRC. Where a layout could be read two ways it is refused rather than guessed, which
 * makes us stricter than zipfile but never more lenient (test/fuzz/zip.test.ts holds us to that):
 * a name listed twice, a local header that disagrees with the central directory, bytes before
 * the archive or between its records, members that overlap. Those are archives built to be read
 * differently by different tools: exit 1. Plain damage is exit 2. Caps on the central directory
 * and on a member's size bound what a hostile archive can make us hold.
 *
 * The parsing is pure functions over buffers (locateCentralDirectory, parseCentralDirectory,
 * decodeMember), shared by the random-access reader here and the streaming scanner in
 * zip-stream.ts, so both reach the same verdict on the same bytes.
 */
import { inflateRawSync } from 'node:zlib';
import { PinHashesError, type ExitCode } from '../errors.js';
import { crc32 } from './crc32.js';

export interface RandomAccess {
  readonly size: number;
  read(start: number, length: number): Promise<Buffer>;
}

export interface ZipEntry {
  /** As zipfile decodes it: UTF-8 when flag bit 11 is set, else cp437. */
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Where the next member (or the central directory) starts: this member's data must end by then. */
  dataLimit: number;
}

export class ZipError extends PinHashesError {
  constructor(what: string, problem: string, exitCode: ExitCode = 2) {
    super('BAD_ARCHIVE', `${what}: ${problem}`, {
      exitCode,
      hint:
        exitCode === 1
          ? 'The archive is laid out so that different tools read different contents from it; nothing was written. Find out why before trusting this index (tampering, a broken mirror or re-upload).'
          : 'The file is damaged or is not what its name says; try again later (a broken download or mirror), or report it to the index operator.',
    });
  }
}

/** A layout that tools read differently: the index served a file built (or broken) to deceive. */
function deceptive(what: string, problem: string): ZipError {
  return new ZipError(what, problem, 1);
}

/** Largest central directory we read: ~100,000 members with long paths (real wheels: kilobytes to a few MB). */
export const MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024;

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const CD_HEADER_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;
/** zipfile looks for the end record within the last 64 KiB + 22 bytes (the longest comment). */
const EOCD_SEARCH_BYTES = 65_536 + EOCD_SIZE;
/** What readZipEntries reads first: the search window and the ZIP64 records that may precede it. */
export const ZIP_TAIL_BYTES = EOCD_SEARCH_BYTES + ZIP64_LOCATOR_SIZE + ZIP64_EOCD_SIZE;
/** zipfile's MAX_EXTRACT_VERSION: members needing a later version are refused. */
const MAX_EXTRACT_VERSION = 63;
const FLAG_ENCRYPTED = 0x01;
const FLAG_DATA_DESCRIPTOR = 0x08;
const FLAG_PATCHED = 0x20;
const FLAG_STRONG_ENCRYPTION = 0x40;
const FLAG_UTF8 = 0x800;
const U32_MAX = 0xffffffff;
/** How much a local header's extra field is guessed at when reading a member in one request. */
const LOCAL_EXTRA_GUESS = 1024;

// Python's cp437 codec: ASCII below 0x80, these above.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** A member name as zipfile decodes it; undefined when zipfile would fail to (bad UTF-8). */
export function decodeName(bytes: Buffer, flags: number): string | undefined {
  if (flags & FLAG_UTF8) {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  let out = '';
  for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return out;
}

export interface CentralDirectoryLocation {
  offset: number;
  size: number;
  count: number;
}

function u64(buffer: Buffer, at: number, what: string): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(what, 'damaged ZIP64 records (a size beyond any real file)');
  return Number(value);
}

/**
 * Finds the central directory from the archive's last bytes (`tail`, which starts at `tailStart`
 * and runs to the end, `size`), as zipfile's _EndRecData and _EndRecData64 do.
 */
export function locateCentralDirectory(tail: Buffer, tailStart: number, size: number, what: string): CentralDirectoryLocation {
  if (tailStart + tail.length !== size) throw new Error('Assertion failed: the tail must run to the end of the archive');
  if (size < EOCD_SIZE) throw new ZipError(what, 'not a ZIP archive (no end-of-central-directory record)');
  let eocd: number;
  const last = tail.length - EOCD_SIZE;
  if (tail.readUInt32LE(last) === EOCD_SIG && tail.readUInt16LE(last + 20) === 0) {
    eocd = last;
  } else {
    // The last signature in the window, like zipfile's rfind (a record cut short is refused).
    const windowStart = Math.max(0, size - EOCD_SEARCH_BYTES) - tailStart;
    if (windowStart < 0) throw new Error('Assertion failed: the tail must cover the end-record search window');
    const found = tail.subarray(windowStart).lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (found < 0) throw new ZipError(what, 'not a ZIP archive (no end-of-central-directory record)');
    eocd = windowStart + found;
    if (eocd + EOCD_SIZE > tail.length) throw new ZipError(what, 'not a ZIP archive (the end-of-central-directory record is cut short)');
  }
  const commentLength = tail.readUInt16LE(eocd + 20);
  if (eocd + EOCD_SIZE + commentLength !== tail.length) {
    throw new ZipError(what, 'damaged end-of-central-directory record (its comment does not end the file)');
  }
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw new ZipError(what, 'a multi-disk ZIP archive, which no wheel is');
  let count = tail.readUInt16LE(eocd + 10);
  let countOnDisk = tail.readUInt16LE(eocd + 8);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  let recordsBefore = 0;
  // zipfile looks for a ZIP64 locator before every end record, whatever its fields say.
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator + tailStart >= 0 && locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR_SIG) {
    if (tail.readUInt32LE(locator + 4) !== 0 || tail.readUInt32LE(locator + 16) > 1) throw new ZipError(what, 'a multi-disk ZIP archive, which no wheel is');
    const record = locator - ZIP64_EOCD_SIZE;
    // zipfile assumes the record sits right before the locator; one elsewhere is read differently by others.
    if (record < 0 || tail.readUInt32LE(record) !== ZIP64_EOCD_SIG || u64(tail, record + 4, what) !== ZIP64_EOCD_SIZE - 12) {
      throw new ZipError(what, 'damaged ZIP64 records');
    }
    if (u64(tail, locator + 8, what) !== tailStart + record) throw deceptive(what, 'the ZIP64 locator points elsewhere than the ZIP64 record');
    if (tail.readUInt32LE(record + 16) !== 0 || tail.readUInt32LE(record + 20) !== 0) throw new ZipError(what, 'a multi-disk ZIP archive, which no wheel is');
    countOnDisk = u64(tail, record + 24, what);
    count = u64(tail, record + 32, what);
    cdSize = u64(tail, record + 40, what);
    cdOffset = u64(tail, record + 48, what);
    recordsBefore = ZIP64_LOCATOR_SIZE + ZIP64_EOCD_SIZE;
  } else if (locator < 0 && tailStart > 0) {
    throw new Error('Assertion failed: the tail must hold the ZIP64 records before the end record');
  }
  if (countOnDisk !== count) throw new ZipError(what, 'damaged end-of-central-directory record (entry counts disagree)');
  if (cdSize > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw new ZipError(what, `claims a central directory of ${cdSize} bytes, more than the ${MAX_CENTRAL_DIRECTORY_BYTES} pin-hashes reads`);
  }
  if (count * CD_HEADER_SIZE > cdSize) throw new ZipError(what, `damaged central directory (${count} entries cannot fit in ${cdSize} bytes)`);
  // zipfile finds the directory right before the end records and shifts every offset by the
  // difference ("concat", data prepended to the archive); we refuse that instead of guessing.
  const end = tailStart + eocd - recordsBefore;
  if (cdOffset + cdSize !== end) {
    throw cdOffset + cdSize > end
      ? new ZipError(what, 'damaged central directory (it overlaps the end records)')
      : deceptive(what, `the central directory is not where the end record says (${end - cdOffset - cdSize} bytes before the archive or between its records)`);
  }
  return { offset: cdOffset, size: cdSize, count };
}

/** The members listed in the central directory `cd` (found at `location`), as zipfile lists them. */
export function parseCentralDirectory(cd: Buffer, location: CentralDirectoryLocation, what: string): ZipEntry[] {
  if (cd.length !== location.size) throw new Error('Assertion failed: the whole central directory is given');
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  for (let p = 0; p < cd.length; ) {
    if (p + CD_HEADER_SIZE > cd.length || cd.readUInt32LE(p) !== CD_SIG) throw new ZipError(what, 'damaged central directory');
    const flags = cd.readUInt16LE(p + 8);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const next = p + CD_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (next > cd.length) throw new ZipError(what, 'damaged central directory (a record runs past its end)');
    if ((cd[p + 6] ?? 0) > MAX_EXTRACT_VERSION) throw new ZipError(what, `a member needs ZIP version ${(cd[p + 6] ?? 0) / 10}, which Python's zipfile does not read`);
    const rawName = cd.subarray(p + CD_HEADER_SIZE, p + CD_HEADER_SIZE + nameLength);
    const name = decodeName(rawName, flags);
    if (name === undefined) throw new ZipError(what, 'a member name is not valid UTF-8 although flagged so');
    // zipfile cuts names at a NUL (and Windows turns \ into /): names that read differently per tool.
    if (name.includes('\0')) throw deceptive(what, `a member name holds a NUL byte (${JSON.stringify(name)})`);
    const entry: ZipEntry = {
      name,
      method: cd.readUInt16LE(p + 10),
      flags,
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      uncompressedSize: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
      dataLimit: location.offset,
    };
    readExtra(cd.subarray(p + CD_HEADER_SIZE + nameLength, p + CD_HEADER_SIZE + nameLength + extraLength), entry, rawName, what);
    const key = name.replaceAll('\\', '/');
    if (seen.has(key)) throw deceptive(what, `the archive lists ${name} more than once (tools disagree on which one counts)`);
    seen.add(key);
    if (entry.localHeaderOffset >= location.offset) throw new ZipError(what, `damaged central directory (${name} starts past the members)`);
    entries.push(entry);
    p = next;
  }
  if (entries.length !== location.count) {
    throw new ZipError(what, `damaged central directory (the end record counts ${location.count} entries, the directory holds ${entries.length})`);
  }
  // Each member's data must end where the next one starts (zipfile >= 3.12 refuses overlaps too).
  const starts = [...new Set(entries.map((e) => e.localHeaderOffset))].sort((a, b) => a - b);
  const nextStart = new Map<number, number>();
  starts.forEach((start, i) => nextStart.set(start, starts[i + 1] ?? location.offset));
  for (const entry of entries) entry.dataLimit = nextStart.get(entry.localHeaderOffset) ?? location.offset;
  return entries;
}

/** The central extra field, as zipfile's _decodeExtra reads it (ZIP64 sizes; 3.13's Unicode path). */
function readExtra(extra: Buffer, entry: ZipEntry, rawName: Buffer, what: string): void {
  for (let e = 0; extra.length - e >= 4; ) {
    const id = extra.readUInt16LE(e);
    const length = extra.readUInt16LE(e + 2);
    if (e + 4 + length > extra.length) throw new ZipError(what, `damaged extra field of ${entry.name}`);
    const data = extra.subarray(e + 4, e + 4 + length);
    if (id === 0x0001) {
      let q = 0;
      const next = (): number => {
        if (q + 8 > data.length) throw new ZipError(what, `damaged ZIP64 extra field of ${entry.name}`);
        const value = u64(data, q, what);
        q += 8;
        return value;
      };
      if (entry.uncompressedSize === U32_MAX) entry.uncompressedSize = next();
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next();
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = next();
    } else if (id === 0x7075) {
      // Python 3.13 renames a member after this field when its CRC matches the raw name; 3.11
      // ignores it. A name that differs from the plain one would read differently per Python.
      if (data.length < 5) throw new ZipError(what, `damaged Unicode path field of ${entry.name}`);
      if (data[0] === 1) {
        const unicode = decodeName(data.subarray(5), FLAG_UTF8);
        if (unicode === undefined || (unicode !== '' && unicode !== entry.name && data.readUInt32LE(1) === crc32(rawName))) {
          throw deceptive(what, `${entry.name} carries another name in a Unicode path field`);
        }
      }
    }
    e += 4 + length;
  }
}

/** The central directory of `source`: every member's name, sizes and where it starts. */
export async function readZipEntries(source: RandomAccess, what: string): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, source.size - ZIP_TAIL_BYTES);
  const tail = await source.read(tailStart, source.size - tailStart);
  if (tail.length !== source.size - tailStart) throw new ZipError(what, 'the end of the archive could not be read (cut short)');
  const location = locateCentralDirectory(tail, tailStart, source.size, what);
  const cd =
    location.offset >= tailStart
      ? tail.subarray(location.offset - tailStart, location.offset - tailStart + location.size)
      : await source.read(location.offset, location.size);
  if (cd.length !== location.size) throw new ZipError(what, 'the central directory could not be read (cut short)');
  return parseCentralDirectory(cd, location, what);
}

/** Refuses, before any read, a member we would not decode: encrypted, unknown method, over the cap. */
export function checkMemberReadable(entry: ZipEntry, what: string, maxBytes: number): void {
  if (entry.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) throw new ZipError(what, `${entry.name} is encrypted`);
  if (entry.flags & FLAG_PATCHED) throw new ZipError(what, `${entry.name} is stored as patch data, which Python's zipfile does not read`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipError(what, `${entry.name} uses compression method ${entry.method}, which pin-hashes does not read`);
  }
  if (entry.uncompressedSize > maxBytes) {
    throw new ZipError(what, `${entry.name} is ${entry.uncompressedSize} bytes, more than the ${maxBytes} we read`);
  }
  // Deflate never grows data by more than a few bytes per 16 KiB block.
  const compressedCap = maxBytes + Math.ceil(maxBytes / 1024) + 1024;
  if (entry.compressedSize > compressedCap) {
    throw new ZipError(what, `${entry.name} is ${entry.compressedSize} bytes compressed, more than the ${compressedCap} we read`);
  }
}

/**
 * The bytes of `entry`, given the archive's bytes from its local header on (`local`, at least
 * the header and the data). The local header must agree with the central directory; the result
 * must have the recorded size and CRC.
 */
export function decodeMember(entry: ZipEntry, local: Buffer, what: string, maxBytes: number): Buffer {
  checkMemberReadable(entry, what, maxBytes);
  if (local.length < LOCAL_HEADER_SIZE || local.readUInt32LE(0) !== LOCAL_SIG) throw new ZipError(what, `damaged local header for ${entry.name}`);
  const disagrees = (detail: string): ZipError => deceptive(what, `the local header of ${entry.name} disagrees with the central directory (${detail})`);
  const flags = local.readUInt16LE(6);
  const nameLength = local.readUInt16LE(26);
  const extraLength = local.readUInt16LE(28);
  const dataStart = LOCAL_HEADER_SIZE + nameLength + extraLength;
  if (local.length < LOCAL_HEADER_SIZE + nameLength + extraLength) throw new ZipError(what, `damaged local header for ${entry.name} (cut short)`);
  const localName = decodeName(local.subarray(LOCAL_HEADER_SIZE, LOCAL_HEADER_SIZE + nameLength), flags);
  if (localName !== entry.name) throw disagrees(`it names ${JSON.stringify(localName ?? '(not UTF-8)')}`);
  const method = local.readUInt16LE(8);
  if (method !== entry.method) throw disagrees(`compression method ${method}, not ${entry.method}`);
  let compressed = local.readUInt32LE(18);
  let uncompressed = local.readUInt32LE(22);
  if (compressed === U32_MAX || uncompressed === U32_MAX) {
    const zip64 = localZip64Sizes(local.subarray(LOCAL_HEADER_SIZE + nameLength, dataStart), what);
    if (!zip64) throw disagrees('ZIP64 sizes are missing');
    ({ compressed, uncompressed } = zip64);
  }
  if (entry.localHeaderOffset + dataStart + entry.compressedSize > entry.dataLimit) {
    throw deceptive(what, `${entry.name} overlaps the next member (a ZIP bomb or a member hidden inside another)`);
  }
  if (local.length < dataStart + entry.compressedSize) throw new ZipError(what, `${entry.name} is cut short`);
  const data = local.subarray(dataStart, dataStart + entry.compressedSize);
  let out: Buffer;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) throw new ZipError(what, `${entry.name} is stored with two different sizes`);
    out = data;
  } else {
    try {
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (error) {
      throw new ZipError(what, `${entry.name} does not inflate (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (out.length !== entry.uncompressedSize) throw new ZipError(what, `${entry.name} inflates to ${out.length} bytes, not the recorded ${entry.uncompressedSize}`);
  if (crc32(out) !== entry.crc32) throw new ZipError(what, `${entry.name} fails its CRC check (damaged)`);
  // Checked after decoding, so a bomb is reported as what it does. With a data descriptor the
  // local header may leave CRC and sizes zero; stated, they must match.
  const stated = (value: number, recorded: number): boolean => value === recorded || ((flags & FLAG_DATA_DESCRIPTOR) !== 0 && value === 0);
  if (!stated(local.readUInt32LE(14), entry.crc32)) throw disagrees('another CRC');
  if (!stated(compressed, entry.compressedSize) || !stated(uncompressed, entry.uncompressedSize)) {
    throw disagrees(`sizes ${compressed}/${uncompressed}, not ${entry.compressedSize}/${entry.uncompressedSize}`);
  }
  return out;
}

function localZip64Sizes(extra: Buffer, what: string): { compressed: number; uncompressed: number } | undefined {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001 && length >= 16 && p + 20 <= extra.length) return { uncompressed: u64(extra, p + 4, what), compressed: u64(extra, p + 12, what) };
    p += 4 + length;
  }
  return undefined;
}

/** The bytes of one member, checked and inflated; refuses members larger than `maxBytes`. */
export async function readZipMember(source: RandomAccess, entry: ZipEntry, what: string, maxBytes: number): Promise<Buffer> {
  checkMemberReadable(entry, what, maxBytes);
  // The local header's extra field may differ from the central one; read generously in one go.
  const available = Math.max(0, source.size - entry.localHeaderOffset);
  const guess = LOCAL_HEADER_SIZE + Buffer.byteLength(entry.name) + LOCAL_EXTRA_GUESS + entry.compressedSize;
  let local = await source.read(entry.localHeaderOffset, Math.min(guess, available));
  if (local.length >= LOCAL_HEADER_SIZE && local.readUInt32LE(0) === LOCAL_SIG) {
    const needed = LOCAL_HEADER_SIZE + local.readUInt16LE(26) + local.readUInt16LE(28) + entry.compressedSize;
    if (needed > local.length && needed <= available) local = await source.read(entry.localHeaderOffset, needed);
  }
  return decodeMember(entry, local, what, maxBytes);
}
