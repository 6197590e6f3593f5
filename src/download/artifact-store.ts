/**
 * The per-run memo and pool of verified downloads. Each URL is fetched at most once per run:
 * concurrent callers share the in-flight promise, and a file downloaded whole for its metadata
 * (no range support) is hashed in that same pass. Every download is one fetchVerified()
 * (fetch-verified.ts, the one retry owner for artifacts); the store adds the pool, the digest
 * cache, cancellation, temp copies and the inspector's look at the bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { priorityLimit, type PriorityLimit } from './priority-limit.js';
import { trackTemp, untrackTemp } from '../cleanup.js';
import { PinHashesError } from '../errors.js';
import type { HttpClient, StreamResponse } from '../http/client.js';
import { redactUrl } from '../http/redact.js';
import type { RetryPolicy } from '../http/retry.js';
import type { IndexedFile } from '../package-index/types.js';
import { cacheKeyFor } from './cache-key.js';
import type { RecordCache } from '../cache/record-cache.js';
import { coversCheckedClaims, hasCheckedClaim, uncheckedAlgorithms, verifyClaims } from './hashing.js';
import { cancelledDownload as cancelled, fetchVerified, type FetchOptions, type VerifiedFile } from './fetch-verified.js';
import type { ArtifactInspector, ChunkScanner } from './inspector.js';

export type { VerifiedFile } from './fetch-verified.js';

export interface ArtifactStoreEvents {
  /** A digest came from the cache: no download. */
  onCacheHit?: (file: IndexedFile) => void;
  onDownloadStart?: (file: IndexedFile) => void;
  /**
   * The response announced how many bytes it will send (Content-Length, no content coding), before
   * its body: a size for the progress display's estimate where the index claims none. Per attempt.
   */
  onDownloadSize?: (file: IndexedFile, bytes: number) => void;
  /** Bytes of one file arrived (a retried download reports its bytes again). */
  onDownloadProgress?: (file: IndexedFile, bytes: number) => void;
  onDownloadDone?: (file: IndexedFile, bytes: number) => void;
  onRetry?: (url: string, error: unknown, attempt: number) => void;
  /**
   * The index claims digests of `file` in algorithms we do not check (once per file and run, for
   * --verbose). `claimKeyed`: another claim we check keys it; else it is downloaded every run.
   */
  onUncheckedClaims?: (file: IndexedFile, algorithms: string[], claimKeyed: boolean) => void;
}

export class ArtifactStore {
  readonly #http: HttpClient;
  readonly #retry: RetryPolicy;
  readonly #limit: PriorityLimit;
  readonly #events: ArtifactStoreEvents;
  readonly #verified = new Map<string, Promise<VerifiedFile>>();
  readonly #copies = new Map<string, Promise<{ path: string; verified: VerifiedFile }>>();
  #tempDir: Promise<string> | undefined;
  #closed = false;
  /** Bodies being read, with the ticket of the verify() they serve: close() and retainOnly() stop them. */
  readonly #active = new Map<Readable, Ticket | undefined>();
  /** Tickets of verify() calls whose answer is not in yet, by URL. */
  readonly #pendingTickets = new Map<string, Ticket>();
  readonly #running = new Set<Promise<VerifiedFile>>();
  /** URLs whose unchecked claims were reported already. */
  readonly #reportedUnchecked = new Set<string>();

  readonly #cache: RecordCache | undefined;
  readonly #inspector: ArtifactInspector | undefined;

  constructor(
    http: HttpClient,
    options: {
      concurrency: number;
      retry: RetryPolicy;
      events?: ArtifactStoreEvents;
      cache?: RecordCache | undefined;
      /** Looks at the verified bytes of the files it wants (metadata/cross-check.ts). */
      inspector?: ArtifactInspector | undefined;
    },
  ) {
    this.#inspector = options.inspector;
    this.#http = http;
    this.#cache = options.cache;
    this.#retry = options.retry;
    this.#limit = priorityLimit(options.concurrency);
    this.#events = options.events ?? {};
  }

  /** Downloads, hashes and verifies one file (once per run). */
  verify(file: IndexedFile): Promise<VerifiedFile> {
    const copy = this.#copies.get(file.url);
    if (copy) return copy.then((c) => c.verified);
    let pending = this.#verified.get(file.url);
    if (!pending) {
      this.#reportUnchecked(file);
      const ticket: Ticket = { cancelled: false };
      pending = this.#cachedOrDownloaded(file, ticket);
      this.#verified.set(file.url, pending);
      this.#pendingTickets.set(file.url, ticket);
      const settled = (): void => {
        if (this.#pendingTickets.get(file.url) === ticket) this.#pendingTickets.delete(file.url);
      };
      pending.then(settled, settled);
    }
    return pending;
  }

  /**
   * Calls off downloads of files not in `urls`: hash-ahead started them for versions the resolver
   * then abandoned (a backtrack), and they must not hold download slots the pins need. Queued ones
   * never start, running ones stop now, finished ones stay memoised; a later verify() of a
   * called-off file starts afresh.
   */
  retainOnly(urls: ReadonlySet<string>): void {
    for (const [url, ticket] of this.#pendingTickets) {
      if (urls.has(url) || this.#copies.has(url)) continue;
      ticket.cancelled = true;
      this.#pendingTickets.delete(url);
      this.#verified.delete(url);
    }
    for (const [body, ticket] of this.#active) if (ticket?.cancelled) body.destroy(cancelled('nobody needs it any more'));
  }

  async #cachedOrDownloaded(file: IndexedFile, ticket: Ticket): Promise<VerifiedFile> {
    const key = this.#cache ? await cacheKeyFor(file) : undefined;
    if (this.#cache && key) {
      const record = await this.#cache.getDigest(key);
      // A record without a digest of some claim we check was not checked against it (an older
      // pin-hashes could not compute it): recomputed, never trusted.
      if (record && coversCheckedClaims(file.hashes, record)) {
        // The record was verified against these same claims when it was written; verify again
        // anyway, so a record can never vouch for something the claims contradict.
        const evidence = verifyClaims(file, record, 'cache');
        this.#events.onCacheHit?.(file);
        return { file, sha256: record.sha256, size: record.size, evidence };
      }
    }
    return this.#limit(() => this.#download(file, {}, ticket), file.size ?? 0);
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
      this.#reportUnchecked(file);
      const run = async () => {
        const dir = await this.#temp();
        const path = join(dir, `${this.#copies.size}-${file.filename}`);
        const verified = await this.#download(file, { saveTo: path, opened: response });
        return { path, verified };
      };
      // An adopted response is already open: waiting for a pool slot could stall its socket.
      // First in line: resolution waits on this copy (its metadata), not on a hash-ahead download.
      pending = response ? run() : this.#limit(run, Number.MAX_SAFE_INTEGER);
      this.#copies.set(file.url, pending);
      const verified = pending.then((c) => c.verified);
      // Nobody may ever ask verify() for this file (the run fails first): not an unhandled rejection.
      verified.catch(() => undefined);
      this.#verified.set(file.url, verified);
    }
    return pending;
  }

  #reportUnchecked(file: IndexedFile): void {
    if (this.#reportedUnchecked.has(file.url)) return;
    const unchecked = uncheckedAlgorithms(file.hashes);
    if (unchecked.length === 0) return;
    this.#reportedUnchecked.add(file.url);
    this.#events.onUncheckedClaims?.(file, unchecked, hasCheckedClaim(file.hashes) || file.url.startsWith('file:'));
  }

  /** Stops downloads still running and removes temp copies. */
  async close(): Promise<void> {
    this.#closed = true;
    // Read-ahead downloads still waiting for a slot are not wanted any more.
    this.#limit.clearQueue(cancelled('the run ended'));
    // With an error that is not retried: an unwanted download must not wait out a retry backoff.
    for (const body of this.#active.keys()) body.destroy(cancelled('the run ended'));
    // Let the destroyed downloads unwind (their temp files close) before the folder goes.
    await Promise.allSettled([...this.#running]);
    if (!this.#tempDir) return;
    const dir = await this.#tempDir;
    try {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      untrackTemp(dir);
    } catch {
      // Left tracked: the exit handler in cleanup.ts tries again.
    }
  }

  #temp(): Promise<string> {
    this.#tempDir ??= mkdtemp(join(tmpdir(), 'pin-hashes-')).then((dir) => {
      trackTemp(dir);
      return dir;
    });
    return this.#tempDir;
  }

  #download(file: IndexedFile, options: FetchOptions, ticket?: Ticket): Promise<VerifiedFile> {
    const running = this.#downloadInspected(file, options, ticket);
    this.#running.add(running);
    const forget = (): void => {
      this.#running.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  async #downloadInspected(file: IndexedFile, options: FetchOptions, ticket?: Ticket): Promise<VerifiedFile> {
    this.#events.onDownloadStart?.(file);
    // Asked now, when the download starts: the inspector needs the very bytes that are hashed.
    const inspector = this.#inspector?.wants(file) ? this.#inspector : undefined;
    if (!inspector) return this.#fetch(file, options, ticket);
    if (options.saveTo !== undefined) {
      const verified = await this.#fetch(file, options, ticket);
      await inspector.inspect(file, options.saveTo);
      return verified;
    }
    // Usually the wheel's METADATA is picked out of the stream while it is hashed; when the
    // layout does not allow that, the file is fetched again into a temp copy and read from disk.
    let scanner: ChunkScanner<unknown> | undefined;
    const observer = (): ChunkScanner<unknown> => {
      scanner = inspector.scanner(file);
      return scanner;
    };
    const verified = await this.#fetch(file, { ...options, observer }, ticket);
    if (scanner && (await inspector.inspectScan(file, scanner.result()))) return verified;
    const copy = join(await this.#temp(), `inspect-${randomUUID()}-${file.filename}`);
    try {
      const again = await this.#fetch(file, { saveTo: copy }, ticket);
      if (again.sha256 !== verified.sha256) {
        throw new PinHashesError('FILE_CHANGED', `${file.filename}: two downloads in one run gave different bytes (${redactUrl(file.url)})`, {
          exitCode: 1,
          hint: 'The index serves changing bytes for one file; nothing was written. Find out why before trusting it.',
        });
      }
      await inspector.inspect(file, copy);
    } finally {
      await rm(copy, { force: true });
    }
    return verified;
  }

  /** fetchVerified under this store's cancellation and events; the digest is cached. */
  async #fetch(file: IndexedFile, options: FetchOptions, ticket?: Ticket): Promise<VerifiedFile> {
    const { verified, others } = await fetchVerified(
      file,
      {
        http: this.#http,
        retry: this.#retry,
        // The run is over (a read-ahead download nobody needs, or a failure elsewhere), or the
        // file's version was abandoned by the resolver.
        stopReason: () => (this.#closed ? 'the run ended' : ticket?.cancelled ? 'nobody needs it any more' : undefined),
        watch: (body) => {
          this.#active.set(body, ticket);
          body.once('close', () => this.#active.delete(body));
        },
        onLength: (bytes) => this.#events.onDownloadSize?.(file, bytes),
        onBytes: (bytes) => this.#events.onDownloadProgress?.(file, bytes),
        onRetry: (error, attempt) => this.#events.onRetry?.(file.url, error, attempt),
      },
      options,
    );
    this.#events.onDownloadDone?.(file, verified.size);
    if (this.#cache) {
      const key = await cacheKeyFor(file);
      if (key) await this.#cache.putDigest(key, { sha256: verified.sha256, size: verified.size, others });
    }
    return verified;
  }
}

/** One verify() call's claim on a download; retainOnly() sets `cancelled` when nobody needs it. */
interface Ticket {
  cancelled: boolean;
}
