/**
 * The download+hash+verify unit and its per-run memo. Each URL is fetched at most once per run:
 * concurrent callers share the in-flight promise, and a file downloaded whole for its metadata
 * (no range support) is hashed in that same pass. The unit is the one retry owner for artifacts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { trackTemp, untrackTemp } from '../cleanup.js';
import { PinHashesError } from '../errors.js';
import type { HttpClient, StreamResponse } from '../http/client.js';
import { HttpError, statusError } from '../http/errors.js';
import { redactUrl } from '../http/redact.js';
import { withRetries, type RetryPolicy } from '../http/retry.js';
import type { IndexedFile } from '../package-index/types.js';
import { cacheKeyFor } from './cache-key.js';
import type { DigestCache } from '../cache/store.js';
import { hashStream, readLimitFor, verifyClaims, type Evidence } from './hashing.js';

export interface VerifiedFile {
  file: IndexedFile;
  sha256: string;
  size: number;
  evidence: Evidence[];
}

export interface ArtifactStoreEvents {
  /** A digest came from the cache: no download. */
  onCacheHit?: (file: IndexedFile) => void;
  onDownloadStart?: (file: IndexedFile) => void;
  /** Bytes of one file arrived (a retried download reports its bytes again). */
  onDownloadProgress?: (file: IndexedFile, bytes: number) => void;
  onDownloadDone?: (file: IndexedFile, bytes: number) => void;
  onRetry?: (url: string, error: unknown, attempt: number) => void;
}

export class ArtifactStore {
  readonly #http: HttpClient;
  readonly #retry: RetryPolicy;
  readonly #limit: LimitFunction;
  readonly #events: ArtifactStoreEvents;
  readonly #verified = new Map<string, Promise<VerifiedFile>>();
  readonly #copies = new Map<string, Promise<{ path: string; verified: VerifiedFile }>>();
  #tempDir: Promise<string> | undefined;
  #closed = false;
  /** Bodies being read, destroyed on close() so read-ahead downloads nobody needs stop at once. */
  readonly #active = new Set<Readable>();

  readonly #cache: DigestCache | undefined;

  constructor(
    http: HttpClient,
    options: { concurrency: number; retry: RetryPolicy; events?: ArtifactStoreEvents; cache?: DigestCache | undefined },
  ) {
    this.#http = http;
    this.#cache = options.cache;
    this.#retry = options.retry;
    this.#limit = pLimit(options.concurrency);
    this.#events = options.events ?? {};
  }

  /** Downloads, hashes and verifies one file (once per run). */
  verify(file: IndexedFile): Promise<VerifiedFile> {
    const copy = this.#copies.get(file.url);
    if (copy) return copy.then((c) => c.verified);
    let pending = this.#verified.get(file.url);
    if (!pending) {
      pending = this.#cachedOrDownloaded(file);
      this.#verified.set(file.url, pending);
    }
    return pending;
  }

  async #cachedOrDownloaded(file: IndexedFile): Promise<VerifiedFile> {
    const key = this.#cache ? await cacheKeyFor(file) : undefined;
    if (this.#cache && key) {
      const record = await this.#cache.getDigest(key);
      if (record) {
        // The record was verified against these same claims when it was written; verify again
        // anyway, so a record can never vouch for something the claims contradict.
        const evidence = verifyClaims(file, record, 'cache');
        this.#events.onCacheHit?.(file);
        return { file, sha256: record.sha256, size: record.size, evidence };
      }
    }
    return this.#limit(() => this.#download(file, undefined));
  }

  /**
   * A verified local copy of the whole file, for reading metadata out of it. `response` is a
   * full (200) response already open for this URL, e.g. a range probe the server answered with
   * the whole body: it is consumed instead of asking again.
   */
  localCopy(file: IndexedFile, response?: StreamResponse): Promise<{ path: string; verified: VerifiedFile }> {
    let pending = this.#copies.get(file.url);
    if (pending) {
      response?.body.destroy();
    } else {
      const run = async () => {
        const dir = await this.#temp();
        const path = join(dir, `${this.#copies.size}-${file.filename}`);
        const verified = await this.#download(file, path, response);
        return { path, verified };
      };
      // An adopted response is already open: waiting for a pool slot could stall its socket.
      pending = response ? run() : this.#limit(run);
      this.#copies.set(file.url, pending);
      this.#verified.set(file.url, pending.then((c) => c.verified));
    }
    return pending;
  }

  /** Stops downloads still running and removes temp copies. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const body of this.#active) body.destroy();
    if (!this.#tempDir) return;
    const dir = await this.#tempDir;
    await rm(dir, { recursive: true, force: true });
    untrackTemp(dir);
  }

  #temp(): Promise<string> {
    this.#tempDir ??= mkdtemp(join(tmpdir(), 'pin-hashes-')).then((dir) => {
      trackTemp(dir);
      return dir;
    });
    return this.#tempDir;
  }

  async #download(file: IndexedFile, saveTo: string | undefined, opened?: StreamResponse): Promise<VerifiedFile> {
    this.#events.onDownloadStart?.(file);
    const result = await withRetries(
      async (attempt) => {
        if (this.#closed) throw new Error('Assertion failed: download started after the store was closed');
        const response = attempt === 1 && opened ? opened : await this.#http.openStream(file.url);
        this.#active.add(response.body);
        response.body.once('close', () => this.#active.delete(response.body));
        if (response.status === 404 || response.status === 410) {
          response.body.resume();
          throw new PinHashesError(
            'FILE_GONE',
            `${file.filename}: listed by ${file.source} but the download answered ${response.status} (${redactUrl(file.url)})`,
            { exitCode: 2, hint: 'The index lists a file it does not serve; try again later or report it to the index.' },
          );
        }
        if (response.status < 200 || response.status > 299) {
          response.body.resume();
          throw statusError(file.url, response.status);
        }
        const lengthHeader = response.headers['content-length'];
        const encoding = response.headers['content-encoding'];
        const announced =
          typeof lengthHeader === 'string' && /^\d+$/.test(lengthHeader) && (encoding === undefined || encoding === 'identity')
            ? Number(lengthHeader)
            : undefined;
        const digests = await hashStream(response.body, {
          algorithms: Object.keys(file.hashes),
          url: file.url,
          limit: readLimitFor(file.size),
          declaredSize: file.size,
          expectedLength: announced,
          saveTo,
          onBytes: (bytes) => this.#events.onDownloadProgress?.(file, bytes),
        }).catch((error: unknown) => {
          throw error instanceof HttpError || error instanceof PinHashesError ? error : this.#http.wrapError(file.url, error);
        });
        return digests;
      },
      this.#retry,
      (error, attempt) => this.#events.onRetry?.(file.url, error, attempt),
    );
    const evidence = verifyClaims(file, result);
    this.#events.onDownloadDone?.(file, result.size);
    if (this.#cache) {
      const key = await cacheKeyFor(file);
      if (key) await this.#cache.putDigest(key, { sha256: result.sha256, size: result.size, others: result.others });
    }
    return { file, sha256: result.sha256, size: result.size, evidence };
  }
}
