/**
 * Random-access views of a distribution: a local file, or a remote one read by HTTP range
 * requests (what pip's lazy wheel does). The remote view is only made when the server proves it
 * honours ranges: the first request asks for the tail and must come back 206 with a total size.
 */
import { open } from 'node:fs/promises';
import type { HttpClient, StreamResponse } from '../http/client.js';
import { statusError } from '../http/errors.js';
import type { RandomAccess } from './zip.js';

export async function fileSource(path: string): Promise<RandomAccess & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(start, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - start)));
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    },
    close: () => handle.close(),
  };
}

const TAIL_BYTES = 65_536 + 22;

export type RangeProbe =
  | { kind: 'ranges'; source: RandomAccess }
  /** The server ignored the Range header and is sending the whole file: use this response. */
  | { kind: 'whole'; response: StreamResponse }
  | { kind: 'unsupported' };

/**
 * A range-backed view of `url` when the server honours ranges. When it answers the probe with
 * the whole file instead, that response is handed back so the caller downloads (and hashes) the
 * file from it, and the URL is fetched once. The tail that proves range support is kept and
 * served from memory.
 */
export async function probeRanges(http: HttpClient, url: string): Promise<RangeProbe> {
  const first = await http.openStream(url, { range: `bytes=-${TAIL_BYTES}` });
  if (first.status === 200) return { kind: 'whole', response: first };
  if (first.status !== 206) {
    first.body.destroy();
    if (first.status === 416) return { kind: 'unsupported' };
    throw statusError(url, first.status);
  }
  const contentRange = String(first.headers['content-range'] ?? '');
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange.trim());
  if (!match) {
    first.body.destroy();
    return { kind: 'unsupported' };
  }
  const tailStart = Number(match[1]);
  const size = Number(match[3]);
  const tail = await readAll(first.body);
  const source: RandomAccess = {
    size,
    async read(start, length) {
      if (start >= tailStart && start + length <= tailStart + tail.length) {
        return tail.subarray(start - tailStart, start - tailStart + length);
      }
      const end = Math.min(size, start + length) - 1;
      const response = await http.openStream(url, { range: `bytes=${start}-${end}` });
      if (response.status !== 206) {
        response.body.destroy();
        throw statusError(url, response.status);
      }
      return readAll(response.body);
    },
  };
  return { kind: 'ranges', source };
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
