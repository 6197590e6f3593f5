/**
 * Random-access views of a distribution: a local file, or a remote one read by HTTP range
 * requests (what pip's lazy wheel does). The remote view is only made when the server proves it
 * honours ranges: the first request asks for the tail and must come back 206 with a total size.
 */
import { readBody } from '../http/body.js';
import { open } from 'node:fs/promises';
import { PinHashesError } from '../errors.js';
import type { HttpClient, StreamResponse } from '../http/client.js';
import { HttpError, statusError } from '../http/errors.js';
import { redactUrl } from '../http/redact.js';
import { ZIP_TAIL_BYTES, type RandomAccess } from './zip.js';

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

/** The probe asks for what the ZIP reader reads first, so that read is served from memory. */
const TAIL_BYTES = ZIP_TAIL_BYTES;

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
 *
 * Every later range must come from the same file: the same total size and, when the server sends
 * one, the same ETag. A file that changes between two reads of one run is refused (exit 1): its
 * METADATA could be stitched from two different files.
 */
export async function probeRanges(http: HttpClient, url: string): Promise<RangeProbe> {
  const first = await http.openStream(url, { range: `bytes=-${TAIL_BYTES}`, lane: 'index' });
  if (first.status === 200) return { kind: 'whole', response: first };
  if (first.status !== 206) {
    first.body.destroy();
    if (first.status === 416) return { kind: 'unsupported' };
    throw statusError(url, first.status);
  }
  const contentRange = parseContentRange(first.headers['content-range']);
  // Only the suffix that was asked for: a server that answers with more (a hostile one can claim
  // gigabytes) is not read; the file is then downloaded whole, as for a server without ranges.
  if (!contentRange || contentRange.end !== contentRange.size - 1 || contentRange.start !== Math.max(0, contentRange.size - TAIL_BYTES)) {
    first.body.destroy();
    return { kind: 'unsupported' };
  }
  const { start: tailStart, size } = contentRange;
  const etag = header(first.headers['etag']);
  const tail = await readAll(first.body, url, contentRange.end - contentRange.start + 1);
  const source: RandomAccess = {
    size,
    async read(start, length) {
      if (start >= tailStart && start + length <= tailStart + tail.length) {
        return tail.subarray(start - tailStart, start - tailStart + length);
      }
      const end = Math.min(size, start + length) - 1;
      if (end < start) return Buffer.alloc(0);
      const response = await http.openStream(url, { range: `bytes=${start}-${end}`, lane: 'index' });
      if (response.status !== 206) {
        response.body.destroy();
        if (response.status === 200) {
          throw new HttpError(url, `${redactUrl(url)} stopped honouring range requests in the middle of a read`, {
            retryable: true,
            code: 'RANGE_IGNORED',
          });
        }
        throw statusError(url, response.status);
      }
      const range = parseContentRange(response.headers['content-range']);
      const otherEtag = header(response.headers['etag']);
      if (!range || range.size !== size || (etag !== undefined && otherEtag !== undefined && etag !== otherEtag)) {
        response.body.destroy();
        const what = !range
          ? 'an answer without a usable Content-Range'
          : range.size !== size
            ? `a total size of ${range.size} bytes after ${size}`
            : `the ETag ${otherEtag ?? ''} after ${etag ?? ''}`;
        throw new PinHashesError('FILE_CHANGED', `${redactUrl(url)} changed while pin-hashes was reading it: the server sent ${what}`, {
          exitCode: 1,
          hint: 'The index served two different files under one URL within one run. Find out why before trusting it (a re-upload, a broken mirror or CDN, tampering).',
        });
      }
      if (range.start !== start || range.end !== end) {
        response.body.destroy();
        throw new HttpError(url, `${redactUrl(url)} answered a range request with other bytes than asked (${range.start}-${range.end} for ${start}-${end})`, {
          retryable: true,
          code: 'BAD_RANGE',
        });
      }
      return readAll(response.body, url, end - start + 1);
    },
  };
  return { kind: 'ranges', source };
}

function parseContentRange(value: string | string[] | undefined): { start: number; end: number; size: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header(value)?.trim() ?? '');
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  const size = Number(match[3]);
  if (!(start <= end && end < size)) return undefined;
  return { start, end, size };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The whole body, which must be exactly `expected` bytes: the length of the range we asked for,
 * never what the server claims. Reading stops as soon as the body runs past it.
 */
async function readAll(stream: AsyncIterable<unknown> & { destroy(): void }, url: string, expected: number): Promise<Buffer> {
  return readBody(stream, {
    exact: expected,
    tooLarge: () => new HttpError(url, `${redactUrl(url)}: a range read sent more than the ${expected} bytes asked for`, { retryable: true, code: 'BAD_RANGE' }),
    tooShort: (size) => new HttpError(url, `${redactUrl(url)}: a range read returned ${size} bytes where ${expected} were due`, { retryable: true, code: 'TRUNCATED' }),
  });
}
