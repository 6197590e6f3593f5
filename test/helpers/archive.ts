// Minimal ZIP and tar writers (and readers) so tests can build wheels and sdists without
// depending on Python or an npm archive package. Output is byte-for-byte deterministic: fixed
// timestamps and no host-specific fields, so a built file has the same sha256 on every run.
import zlib from 'node:zlib';

// 2020-01-01T00:00:00Z: after 1980 (ZIP's DOS epoch) and stable across runs.
const FIXED_MTIME_SECONDS = 1577836800;

// ---------------------------------------------------------------------------------------------
// CRC-32 (IEEE 802.3). Node >= 20.15 ships zlib.crc32; the table version keeps older runtimes
// working and is what the test suite compares against.

let crcTable: Uint32Array | undefined;

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 computed with a lookup table, independent of zlib. */
export function crc32Table(data: Uint8Array): number {
  crcTable ??= makeCrcTable();
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// Typed as always present by @types/node 20, yet absent before Node 20.15 at runtime.
const nativeCrc32: ((data: Uint8Array) => number) | undefined =
  typeof zlib.crc32 === 'function' ? (data) => zlib.crc32(data) : undefined;

export function crc32(data: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(data) >>> 0 : crc32Table(data);
}

// ---------------------------------------------------------------------------------------------
// ZIP

export interface ZipEntryInput {
  /** Path inside the archive, `/`-separated, no leading slash. */
  name: string;
  data: Buffer;
  /** Default 'deflate'. */
  method?: 'stored' | 'deflate';
}

const ZIP_METHOD_STORED = 0;
const ZIP_METHOD_DEFLATE = 8;
const ZIP_FLAG_UTF8 = 0x0800;
const ZIP_VERSION_NEEDED = 20;
// High byte 3 = Unix, so the external attributes below carry Unix permissions.
const ZIP_VERSION_MADE_BY = (3 << 8) | 20;
const ZIP_UNIX_FILE_MODE = 0o100644;
const ZIP_MAX_U32 = 0xffffffff;
const ZIP_MAX_U16 = 0xffff;

function dosDateTime(unixSeconds: number): { time: number; date: number } {
  const d = new Date(unixSeconds * 1000);
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2);
  const date = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  return { time, date };
}

/** Writes a ZIP archive: local headers + data, central directory, end-of-central-directory. No ZIP64. */
export function writeZip(entries: readonly ZipEntryInput[]): Buffer {
  if (entries.length > ZIP_MAX_U16) throw new Error('Assertion failed: too many ZIP entries without ZIP64');
  const { time, date } = dosDateTime(FIXED_MTIME_SECONDS);
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const method = entry.method === 'stored' ? ZIP_METHOD_STORED : ZIP_METHOD_DEFLATE;
    const payload = method === ZIP_METHOD_DEFLATE ? zlib.deflateRawSync(entry.data) : entry.data;
    const crc = crc32(entry.data);
    if (entry.data.length > ZIP_MAX_U32 || payload.length > ZIP_MAX_U32 || offset > ZIP_MAX_U32) {
      throw new Error('Assertion failed: ZIP entry too large without ZIP64');
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(ZIP_VERSION_NEEDED, 4);
    local.writeUInt16LE(ZIP_FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(payload.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(ZIP_VERSION_MADE_BY, 4);
    header.writeUInt16LE(ZIP_VERSION_NEEDED, 6);
    header.writeUInt16LE(ZIP_FLAG_UTF8, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(time, 12);
    header.writeUInt16LE(date, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(payload.length, 20);
    header.writeUInt32LE(entry.data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(0, 30); // extra length
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number start
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE((ZIP_UNIX_FILE_MODE << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);

    chunks.push(local, name, payload);
    central.push(header, name);
    offset += local.length + name.length + payload.length;
  }
  const centralDir = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(0, 4);
  eocd.writeUInt16LE(0, 6);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(centralDir.length, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(0, 20);
  return Buffer.concat([...chunks, centralDir, eocd]);
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

function findEocd(bytes: Buffer): number {
  // The EOCD is 22 bytes plus a comment of at most 64 KiB, so scan backwards within that window.
  const earliest = Math.max(0, bytes.length - 22 - ZIP_MAX_U16);
  for (let i = bytes.length - 22; i >= earliest; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) return i;
  }
  throw new Error('not a ZIP archive: no end-of-central-directory record');
}

/** Lists entries from the central directory (what real readers trust). No ZIP64. */
export function listZip(bytes: Buffer): ZipEntry[] {
  const eocd = findEocd(bytes);
  const count = bytes.readUInt16LE(eocd + 10);
  let pos = bytes.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (pos + 46 > bytes.length || bytes.readUInt32LE(pos) !== 0x02014b50) {
      throw new Error('corrupt ZIP central directory');
    }
    const nameLength = bytes.readUInt16LE(pos + 28);
    const extraLength = bytes.readUInt16LE(pos + 30);
    const commentLength = bytes.readUInt16LE(pos + 32);
    entries.push({
      name: bytes.subarray(pos + 46, pos + 46 + nameLength).toString('utf8'),
      method: bytes.readUInt16LE(pos + 10),
      crc32: bytes.readUInt32LE(pos + 16),
      compressedSize: bytes.readUInt32LE(pos + 20),
      size: bytes.readUInt32LE(pos + 24),
      localHeaderOffset: bytes.readUInt32LE(pos + 42),
    });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Reads one entry's uncompressed bytes and checks its CRC. */
export function readZipEntry(bytes: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50) throw new Error('corrupt ZIP local header');
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const payload = bytes.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === ZIP_METHOD_STORED) data = Buffer.from(payload);
  else if (entry.method === ZIP_METHOD_DEFLATE) data = zlib.inflateRawSync(payload);
  else throw new Error(`unsupported ZIP method ${entry.method}`);
  if (crc32(data) !== entry.crc32) throw new Error(`CRC mismatch in ZIP entry ${entry.name}`);
  return data;
}

/** All file entries of a ZIP, by name. */
export function readZip(bytes: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of listZip(bytes)) {
    if (!entry.name.endsWith('/')) files.set(entry.name, readZipEntry(bytes, entry));
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// tar (ustar, with a pax extended header when a path does not fit)

export interface TarEntryInput {
  name: string;
  /** Omitted for directories. */
  data?: Buffer;
  type?: 'file' | 'directory';
}

const TAR_BLOCK = 512;

function writeOctal(block: Buffer, value: number, offset: number, width: number): void {
  // width - 1 digits, zero padded, then NUL.
  const text = value.toString(8).padStart(width - 1, '0');
  if (text.length > width - 1) throw new Error('Assertion failed: tar numeric field overflow');
  block.write(text + '\0', offset, width, 'ascii');
}

function tarHeader(name: string, size: number, typeflag: string, mode: number): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error('Assertion failed: tar name longer than 100 bytes');
  nameBytes.copy(block, 0);
  writeOctal(block, mode, 100, 8);
  writeOctal(block, 0, 108, 8); // uid
  writeOctal(block, 0, 116, 8); // gid
  writeOctal(block, size, 124, 12);
  writeOctal(block, FIXED_MTIME_SECONDS, 136, 12);
  block.write('        ', 148, 8, 'ascii'); // checksum counts as spaces while summing
  block.write(typeflag, 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

function padToBlock(length: number): Buffer {
  const rest = length % TAR_BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : TAR_BLOCK - rest);
}

/** One pax record: "<len> key=value\n" where len counts the whole record including itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body, 'utf8');
  let length = bodyLength + String(bodyLength).length;
  if (String(length).length !== String(bodyLength).length) length = bodyLength + String(length).length;
  return `${length}${body}`;
}

/** Shortens a path to fit the 100-byte name field (the pax header carries the real one). */
function truncatedName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch, 'utf8') > 100) break;
    out += ch;
  }
  return out;
}

export function writeTar(entries: readonly TarEntryInput[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const isDir = entry.type === 'directory';
    const data = isDir ? Buffer.alloc(0) : (entry.data ?? Buffer.alloc(0));
    const name = isDir && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
    let headerName = name;
    if (Buffer.byteLength(name, 'utf8') > 100) {
      const pax = Buffer.from(paxRecord('path', name), 'utf8');
      parts.push(tarHeader(truncatedName(`PaxHeader/${name}`), pax.length, 'x', 0o644), pax, padToBlock(pax.length));
      headerName = truncatedName(name);
    }
    parts.push(tarHeader(headerName, data.length, isDir ? '5' : '0', isDir ? 0o755 : 0o644));
    if (data.length > 0) parts.push(data, padToBlock(data.length));
  }
  parts.push(Buffer.alloc(TAR_BLOCK * 2));
  return Buffer.concat(parts);
}

export function gzip(data: Buffer): Buffer {
  return zlib.gzipSync(data, { level: 9 });
}

export function gunzip(data: Buffer): Buffer {
  return zlib.gunzipSync(data);
}

function readTarString(block: Buffer, offset: number, width: number): string {
  const field = block.subarray(offset, offset + width);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? width : end).toString('utf8');
}

function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const length = Number.parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) throw new Error('corrupt pax header');
    const record = data.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq !== -1) records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return records;
}

/** Regular files of a tar archive by path; understands ustar prefix and pax `path`. */
export function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let pos = 0;
  let pendingPath: string | undefined;
  while (pos + TAR_BLOCK <= tar.length) {
    const block = tar.subarray(pos, pos + TAR_BLOCK);
    if (block.every((b) => b === 0)) break;
    const size = Number.parseInt(readTarString(block, 124, 12).trim() || '0', 8);
    const typeflag = String.fromCharCode(block[156] ?? 0);
    const prefix = readTarString(block, 345, 155);
    const rawName = readTarString(block, 0, 100);
    const data = tar.subarray(pos + TAR_BLOCK, pos + TAR_BLOCK + size);
    pos += TAR_BLOCK + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
    if (typeflag === 'x') {
      pendingPath = parsePax(data).get('path');
      continue;
    }
    const name = pendingPath ?? (prefix ? `${prefix}/${rawName}` : rawName);
    pendingPath = undefined;
    if (typeflag === '0' || typeflag === '\0') files.set(name, Buffer.from(data));
  }
  return files;
}
