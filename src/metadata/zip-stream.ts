/**
 * Finds one member of a ZIP archive while the archive streams past, so a wheel being downloaded
 * for hashing yields its METADATA without a temp copy.
 *
 * Local headers are only a hint: Python's zipfile (what pip installs with) trusts the central
 * directory, and a hostile wheel can carry a local METADATA that the directory does not list.
 * So the scanner walks the local headers, keeps the bytes of every candidate member, keeps the
 * archive's end (central directory and end records) as it streams past, and only then decides:
 * the member the central directory names (`choose`) must be one it kept, and it is checked and
 * decoded by the same functions zip.ts reads archives with. Anything it cannot confirm that way
 * (a data descriptor, a member it did not keep, a damaged or deceptive layout) is 'unknown', and
 * the caller reads the archive from disk, which gives the verdict.
 */
import { PinHashesError } from '../errors.js';
import {
  MAX_CENTRAL_DIRECTORY_BYTES,
  ZIP_TAIL_BYTES,
  decodeMember,
  decodeName,
  locateCentralDirectory,
  parseCentralDirectory,
  type ZipEntry,
} from './zip.js';

export type ScanResult = { kind: 'found'; name: string; data: Buffer } | { kind: 'unknown'; reason: string };

const LOCAL_SIG = 0x04034b50;
/** What may follow the last member: the central directory, or the end records of an empty archive. */
const END_SIGS = new Set([0x02014b50, 0x06054b50, 0x06064b50]);
/** Candidates kept at most: an honest wheel has one METADATA; more are decoys. */
const MAX_CANDIDATES = 4;
/** The end of the archive kept at most: the largest central directory we read, and its records. */
const MAX_TAIL_BYTES = MAX_CENTRAL_DIRECTORY_BYTES + ZIP_TAIL_BYTES;
/** A local header with the longest name and extra field. */
const MAX_LOCAL_HEADER_BYTES = 30 + 2 * 65_535;

interface Candidate {
  offset: number;
  chunks: Buffer[];
  /** Bytes kept so far, header included. */
  held: number;
  /** Bytes still to keep. */
  remaining: number;
}

export class ZipMemberScanner {
  readonly #wanted: (name: string) => boolean;
  readonly #maxBytes: number;
  readonly #choose: (entries: readonly ZipEntry[]) => ZipEntry | undefined;
  /** Bytes pushed so far: the stream position of the next chunk. */
  #received = 0;
  /** Walking local headers: bytes of a header not complete yet, from #pendingAt. */
  #pending: Buffer[] = [];
  #pendingAt = 0;
  /** Data of the current member still to pass. */
  #skip = 0;
  readonly #candidates: Candidate[] = [];
  /** The last bytes seen while walking (the end-record search may reach back into members). */
  #recent: { at: number; chunk: Buffer }[] = [];
  /** Everything from the end of the members on, once reached. */
  #tail: { at: number; chunks: Buffer[]; length: number; before: Buffer } | undefined;
  #stopped: string | undefined;

  /**
   * `wanted` picks the local members worth keeping; `choose` names the one that counts among the
   * central directory's entries (by default: the single entry `wanted` accepts).
   */
  constructor(wanted: (name: string) => boolean, maxBytes: number, choose?: (entries: readonly ZipEntry[]) => ZipEntry | undefined) {
    this.#wanted = wanted;
    this.#maxBytes = maxBytes;
    this.#choose =
      choose ??
      ((entries) => {
        const matching = entries.filter((e) => wanted(e.name));
        return matching.length === 1 ? matching[0] : undefined;
      });
  }

  push(chunk: Buffer): void {
    if (this.#stopped !== undefined || chunk.length === 0) return;
    const at = this.#received;
    this.#received += chunk.length;
    if (this.#tail) {
      this.#keepTail(chunk);
      return;
    }
    this.#remember(at, chunk);
    this.#walk(at, chunk);
    for (const candidate of this.#candidates) {
      if (candidate.remaining === 0) continue;
      // The part of this chunk after what the candidate already holds.
      const from = candidate.offset + candidate.held - at;
      if (from < 0 || from >= chunk.length) continue;
      const take = chunk.subarray(from, from + candidate.remaining);
      candidate.chunks.push(take);
      candidate.held += take.length;
      candidate.remaining -= take.length;
    }
  }

  /** What the stream held; call after the last chunk. */
  result(): ScanResult {
    if (this.#stopped !== undefined) return unknown(this.#stopped);
    const tail = this.#tail;
    if (!tail) return unknown('the stream ended before the central directory');
    const size = this.#received;
    const kept = Buffer.concat([tail.before, ...tail.chunks]);
    const keptAt = tail.at - tail.before.length;
    const tailStart = Math.max(0, size - ZIP_TAIL_BYTES);
    if (keptAt > tailStart) return unknown('the end of the archive was not kept');
    try {
      const location = locateCentralDirectory(kept.subarray(tailStart - keptAt), tailStart, size, 'archive');
      if (location.offset < keptAt) return unknown('the central directory starts before the end of the members');
      const cd = kept.subarray(location.offset - keptAt, location.offset - keptAt + location.size);
      const entry = this.#choose(parseCentralDirectory(cd, location, 'archive'));
      if (!entry) return unknown('the central directory names no single member to read');
      const candidate = this.#candidates.find((c) => c.offset === entry.localHeaderOffset && c.remaining === 0);
      if (!candidate) return unknown(`${entry.name} was not kept from the stream`);
      return { kind: 'found', name: entry.name, data: decodeMember(entry, Buffer.concat(candidate.chunks), 'archive', this.#maxBytes) };
    } catch (error) {
      if (error instanceof PinHashesError) return unknown(error.message);
      throw error;
    }
  }

  #walk(at: number, chunk: Buffer): void {
    let data = chunk;
    let pos = at;
    while (data.length > 0 && this.#stopped === undefined && !this.#tail) {
      if (this.#skip > 0) {
        const take = Math.min(this.#skip, data.length);
        this.#skip -= take;
        data = data.subarray(take);
        pos += take;
        continue;
      }
      if (this.#pending.length === 0) this.#pendingAt = pos;
      this.#pending.push(data);
      data = this.#readHeader();
      pos = this.#pendingAt;
    }
  }

  /** Parses one local header from the pending bytes; returns the bytes after it, or none when more are needed. */
  #readHeader(): Buffer {
    const buffer = this.#pending.length === 1 ? (this.#pending[0] ?? Buffer.alloc(0)) : Buffer.concat(this.#pending);
    this.#pending = [buffer];
    if (buffer.length < 4) return Buffer.alloc(0);
    const signature = buffer.readUInt32LE(0);
    if (END_SIGS.has(signature)) {
      this.#pending = [];
      this.#startTail(this.#pendingAt, buffer);
      return Buffer.alloc(0);
    }
    if (signature !== LOCAL_SIG) return this.#stop('not a local file header where one was expected');
    if (buffer.length < 30) return Buffer.alloc(0);
    const flags = buffer.readUInt16LE(6);
    let size = buffer.readUInt32LE(18);
    const nameLength = buffer.readUInt16LE(26);
    const headerLength = 30 + nameLength + buffer.readUInt16LE(28);
    if (buffer.length < headerLength) return Buffer.alloc(0);
    if (flags & 0x08) return this.#stop('an entry is streamed with a data descriptor');
    const name = decodeName(buffer.subarray(30, 30 + nameLength), flags);
    if (size === 0xffffffff) {
      const zip64 = zip64CompressedSize(buffer.subarray(30 + nameLength, headerLength));
      if (zip64 === undefined) return this.#stop('a ZIP64 entry without its sizes');
      size = zip64;
    }
    this.#pending = [];
    // Decoys cannot make us hold more than twice the member cap; the one that counts may then
    // be missing, and the caller reads the archive from disk.
    const kept = this.#candidates.reduce((n, c) => n + c.held + c.remaining, 0);
    if (name !== undefined && this.#wanted(name) && this.#candidates.length < MAX_CANDIDATES && kept + headerLength + size <= this.#maxBytes * 2) {
      this.#candidates.push({ offset: this.#pendingAt, chunks: [Buffer.from(buffer.subarray(0, headerLength))], held: headerLength, remaining: size });
    }
    this.#skip = size;
    this.#pendingAt += headerLength;
    // The rest of `buffer` is fed to the candidate by push(): mark what the header took.
    return buffer.subarray(headerLength);
  }

  /**
   * Keeps enough of the bytes seen while walking that ZIP_TAIL_BYTES before wherever the members
   * end are still at hand: that point is at most one local header before this chunk.
   */
  #remember(at: number, chunk: Buffer): void {
    this.#recent.push({ at, chunk });
    let first = this.#recent[0];
    while (first && at - (first.at + first.chunk.length) >= ZIP_TAIL_BYTES + MAX_LOCAL_HEADER_BYTES) {
      this.#recent.shift();
      first = this.#recent[0];
    }
  }

  #startTail(at: number, first: Buffer): void {
    // The bytes before `at` that the end-record search window may reach.
    const parts: Buffer[] = [];
    for (const { at: start, chunk } of this.#recent) {
      const from = Math.max(start, at - ZIP_TAIL_BYTES);
      const to = Math.min(start + chunk.length, at);
      if (to > from) parts.push(chunk.subarray(from - start, to - start));
    }
    this.#recent = [];
    this.#tail = { at, chunks: [], length: 0, before: Buffer.concat(parts) };
    this.#keepTail(first);
  }

  #keepTail(chunk: Buffer): void {
    const tail = this.#tail;
    if (!tail) return;
    tail.length += chunk.length;
    if (tail.length > MAX_TAIL_BYTES) {
      this.#stop(`more than ${MAX_TAIL_BYTES} bytes after the last member`);
      return;
    }
    tail.chunks.push(chunk);
  }

  #stop(reason: string): Buffer {
    this.#stopped = reason;
    this.#pending = [];
    this.#recent = [];
    this.#tail = undefined;
    this.#candidates.length = 0;
    return Buffer.alloc(0);
  }
}

function unknown(reason: string): ScanResult {
  return { kind: 'unknown', reason };
}

/** The compressed size from a local header's ZIP64 extra field (uncompressed size comes first). */
function zip64CompressedSize(extra: Buffer): number | undefined {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001 && length >= 16 && p + 20 <= extra.length) return Number(extra.readBigUInt64LE(p + 12));
    p += 4 + length;
  }
  return undefined;
}
