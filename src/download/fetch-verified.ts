/**
 * One file fetched, hashed and checked against every claim we can compute, under the one retry
 * policy for artifacts: each attempt is a new request and a new hash. It knows nothing of zip or
 * of why the bytes are wanted; an observer sees each attempt's chunks as they are hashed, and
 * `saveTo` keeps a copy of the bytes that were hashed.
 */
import type { Readable } from 'node:stream';
import { PinHashesError } from '../errors.js';
import type { HttpClient, StreamResponse } from '../http/client.js';
import { HttpError, statusError } from '../http/errors.js';
import { withRetries, type RetryPolicy } from '../http/retry.js';
import type { IndexedFile } from '../package-index/types.js';
import { fileGoneError } from './file-gone.js';
import { hashStream, readLimitFor, verifyClaims, type Evidence } from './hashing.js';

export interface VerifiedFile {
  file: IndexedFile;
  sha256: string;
  size: number;
  evidence: Evidence[];
}

export interface Fetched {
  verified: VerifiedFile;
  /** Digests in the other algorithms the index claimed that we compute (for the cache record). */
  others: Readonly<Record<string, string>>;
}

/** Sees the bytes of one download attempt, in order, as they are hashed. */
export interface ChunkObserver {
  push(chunk: Buffer): void;
}

export interface FetchOptions {
  /** A fresh observer per attempt. */
  observer?: (() => ChunkObserver) | undefined;
  /** Where to keep the hashed bytes (a temp file the caller owns). */
  saveTo?: string | undefined;
  /** A full (200) response already open for this URL, used by the first attempt instead of asking again. */
  opened?: StreamResponse | undefined;
}

/** What the caller provides: the client, the policy, and its say over whether to go on. */
export interface FetchContext {
  http: HttpClient;
  retry: RetryPolicy;
  /** Why the download must stop now (the run ended, nobody needs the file), or undefined to go on. */
  stopReason(): string | undefined;
  /** A response body is being read; the caller may destroy it to stop the download. */
  watch(body: Readable): void;
  /** The response's announced length, when it has one, before its body is read. */
  onLength?: ((bytes: number) => void) | undefined;
  onBytes?: ((bytes: number) => void) | undefined;
  onRetry?: ((error: unknown, attempt: number) => void) | undefined;
}

export async function fetchVerified(file: IndexedFile, ctx: FetchContext, options: FetchOptions = {}): Promise<Fetched> {
  const result = await withRetries(
    async (attempt) => {
      const before = ctx.stopReason();
      if (before !== undefined) throw cancelledDownload(before, file);
      const response = attempt === 1 && options.opened ? options.opened : await ctx.http.openStream(file.url);
      ctx.watch(response.body);
      // Called off while the request was on its way: the caller could not see this body yet.
      const during = ctx.stopReason();
      if (during !== undefined) {
        response.body.destroy();
        throw cancelledDownload(during, file);
      }
      if (response.status === 404 || response.status === 410) {
        response.body.resume();
        throw fileGoneError(file, response.status);
      }
      if (response.status < 200 || response.status > 299) {
        response.body.resume();
        throw statusError(file.url, response.status);
      }
      const observer = options.observer?.();
      const expectedLength = announcedLength(response);
      if (expectedLength !== undefined) ctx.onLength?.(expectedLength);
      return hashStream(response.body, {
        algorithms: Object.keys(file.hashes),
        url: file.url,
        limit: readLimitFor(file.size),
        declaredSize: file.size,
        expectedLength,
        saveTo: options.saveTo,
        onBytes: ctx.onBytes,
        onChunk: observer ? (chunk) => observer.push(chunk) : undefined,
      }).catch((error: unknown) => {
        throw error instanceof HttpError || error instanceof PinHashesError ? error : ctx.http.wrapError(file.url, error);
      });
    },
    ctx.retry,
    (error, attempt) => {
      if (ctx.stopReason() === undefined) ctx.onRetry?.(error, attempt);
    },
  );
  const evidence = verifyClaims(file, result);
  return { verified: { file, sha256: result.sha256, size: result.size, evidence }, others: result.others };
}

/** Content-Length when it counts the bytes we will hash (no content coding). */
function announcedLength(response: StreamResponse): number | undefined {
  const lengthHeader = response.headers['content-length'];
  const encoding = response.headers['content-encoding'];
  return typeof lengthHeader === 'string' && /^\d+$/.test(lengthHeader) && (encoding === undefined || encoding === 'identity')
    ? Number(lengthHeader)
    : undefined;
}

/** Not retried (withRetries gives up on a PinHashesError that is not a transport failure). */
export function cancelledDownload(why: string, file?: IndexedFile): PinHashesError {
  return new PinHashesError('CANCELLED', `${file ? `${file.filename}: ` : ''}download cancelled, ${why}`, { exitCode: 2 });
}
