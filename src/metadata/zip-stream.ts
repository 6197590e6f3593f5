/**
 * Finds one member of a ZIP archive while the archive streams past, from its local file
 * headers, so a wheel being downloaded for hashing yields its METADATA without a temp copy. This
 * only works when each local header states the member's compressed size (what Python's zipfile
 * and the usual wheel builders write); an entry streamed with a data descriptor or an unusual
 * layout ends the scan as 'unknown', and the caller reads the archive from disk instead. The first
 * matching member wins.
 */
import { inflateRawSync } from 'node:zlib';

export type ScanResult = { kind: 'found'; name: string; data: Buffer } | { kind: 'unknown'; reason: string };

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;

export class ZipMemberScanner {
  readonly #wanted: (name: string) => boolean;
  readonly #maxBytes: number;
  #pending: Buffer[] = [];
  /** Bytes of the current member's data still to pass (skipped or captured). */
  #remaining = 0;
  #capture: { name: string; method: number; chunks: Buffer[] } | undefined;
  #result: ScanResult | undefined;

  constructor(wanted: (name: string) => boolean, maxBytes: number) {
    this.#wanted = wanted;
    this.#maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    if (this.#result !== undefined) return;
    let data = chunk;
    while (data.length > 0 && this.#result === undefined) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, data.length);
        this.#capture?.chunks.push(data.subarray(0, take));
        this.#remaining -= take;
        data = data.subarray(take);
        if (this.#remaining === 0 && this.#capture) this.#finishCapture();
        continue;
      }
      this.#pending.push(data);
      data = this.#readHeader();
    }
  }

  /** What the stream held; call after the last chunk. */
  result(): ScanResult {
    return this.#result ?? { kind: 'unknown', reason: 'the stream ended before the member was seen' };
  }

  /** Parses one local header from the pending bytes; returns the bytes after it, or none when more are needed. */
  #readHeader(): Buffer {
    const buffer = this.#pending.length === 1 ? (this.#pending[0] ?? Buffer.alloc(0)) : Buffer.concat(this.#pending);
    this.#pending = [buffer];
    if (buffer.length < 30) return Buffer.alloc(0);
    const signature = buffer.readUInt32LE(0);
    if (signature === CENTRAL_SIG) return this.#stop('no such member before the central directory');
    if (signature !== LOCAL_SIG) return this.#stop('not a local file header where one was expected');
    const flags = buffer.readUInt16LE(6);
    const method = buffer.readUInt16LE(8);
    let size = buffer.readUInt32LE(18);
    const nameLength = buffer.readUInt16LE(26);
    const extraLength = buffer.readUInt16LE(28);
    const headerLength = 30 + nameLength + extraLength;
    if (buffer.length < headerLength) return Buffer.alloc(0);
    if (flags & 0x08) return this.#stop('an entry is streamed with a data descriptor');
    const name = buffer.subarray(30, 30 + nameLength).toString('utf8');
    if (size === 0xffffffff) {
      const zip64 = zip64CompressedSize(buffer.subarray(30 + nameLength, headerLength));
      if (zip64 === undefined) return this.#stop('a ZIP64 entry without its sizes');
      size = zip64;
    }
    this.#pending = [];
    if (this.#wanted(name)) {
      if (size > this.#maxBytes) return this.#stop(`${name} is larger than ${this.#maxBytes} bytes compressed`);
      this.#capture = { name, method, chunks: [] };
      if (size === 0) this.#finishCapture();
    }
    this.#remaining = size;
    return buffer.subarray(headerLength);
  }

  #finishCapture(): void {
    const capture = this.#capture;
    if (!capture) return;
    this.#capture = undefined;
    const raw = Buffer.concat(capture.chunks);
    if (capture.method === 0) this.#result = { kind: 'found', name: capture.name, data: raw };
    else if (capture.method === 8) {
      try {
        this.#result = { kind: 'found', name: capture.name, data: inflateRawSync(raw, { maxOutputLength: this.#maxBytes }) };
      } catch {
        this.#result = { kind: 'unknown', reason: `${capture.name} does not inflate within ${this.#maxBytes} bytes` };
      }
    } else this.#result = { kind: 'unknown', reason: `${capture.name} uses compression method ${capture.method}` };
  }

  #stop(reason: string): Buffer {
    this.#result = { kind: 'unknown', reason };
    this.#pending = [];
    return Buffer.alloc(0);
  }
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
