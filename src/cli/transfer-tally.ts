/**
 * What the progress display counts, with the time passed in (no clock here): the transfer rate
 * over a sliding window, and the files still to download with their sizes, for the estimate.
 */

/** Samples closer together than this are merged: a burst of chunks is one sample. */
const SAMPLE_MS = 100;

/**
 * Bytes a second over the last `windowMs`: recent enough to follow a change of speed, long enough
 * that one slow file does not make the number jump. It decays to 0 when bytes stop arriving.
 */
export class RateMeter {
  /** [time, bytes received up to then], oldest first. */
  readonly #samples: [number, number][] = [];
  #total = 0;
  #startedAt: number | undefined;

  constructor(
    readonly windowMs = 5000,
    /** No rate until bytes have flowed this long: the first chunk alone says nothing. */
    readonly minSpanMs = 1000,
  ) {}

  add(bytes: number, now: number): void {
    this.#total += bytes;
    if (this.#startedAt === undefined) {
      // The first chunk marks when bytes began to flow; its own bytes came before that moment.
      this.#startedAt = now;
      this.#samples.push([now, this.#total]);
      return;
    }
    const last = this.#samples[this.#samples.length - 1]!;
    if (this.#samples.length > 1 && now - last[0] < SAMPLE_MS) last[1] = this.#total;
    else this.#samples.push([now, this.#total]);
    this.#prune(now);
  }

  rate(now: number): number | undefined {
    if (this.#startedAt === undefined || now - this.#startedAt < this.minSpanMs) return undefined;
    this.#prune(now);
    const anchor = this.#samples[0]!;
    // The anchor may be older than the window (nothing arrived for a while): count from the window's start.
    const span = now - Math.max(anchor[0], now - this.windowMs);
    return span > 0 ? ((this.#total - anchor[1]) * 1000) / span : undefined;
  }

  /** Keeps one sample at or before the window's start, the baseline of what arrived since. */
  #prune(now: number): void {
    const start = now - this.windowMs;
    while (this.#samples.length > 1 && this.#samples[1]![0] <= start) this.#samples.shift();
  }
}

/**
 * Files by URL: the ones the lock will list (known once resolution ends), their sizes, the bytes
 * of the attempt in flight and which are done (downloaded or taken from the digest cache).
 */
export class FileTally {
  /** The lock's files and their claimed sizes; undefined until the resolution names them. */
  #expected: Map<string, number | undefined> | undefined;
  /** Sizes the responses announced (Content-Length), for files the index gave none. */
  readonly #announced = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();
  readonly #done = new Set<string>();

  expect(files: readonly { url: string; size: number | undefined }[]): void {
    this.#expected = new Map(files.map((file) => [file.url, file.size]));
  }

  /** A new attempt: what the last one received is gone. */
  started(url: string): void {
    this.#inFlight.delete(url);
  }

  announced(url: string, bytes: number): void {
    this.#announced.set(url, bytes);
  }

  received(url: string, bytes: number): void {
    if (!this.#done.has(url)) this.#inFlight.set(url, (this.#inFlight.get(url) ?? 0) + bytes);
  }

  /** True the first time this URL is done. */
  finished(url: string): boolean {
    this.#inFlight.delete(url);
    if (this.#done.has(url)) return false;
    this.#done.add(url);
    return true;
  }

  /** Files done: of the lock's, once they are known. */
  get done(): number {
    if (!this.#expected) return this.#done.size;
    let n = 0;
    for (const url of this.#expected.keys()) if (this.#done.has(url)) n++;
    return n;
  }

  get total(): number | undefined {
    return this.#expected?.size;
  }

  /** Bytes the lock's files still need; undefined before they are known or while a size is not. */
  remaining(): number | undefined {
    if (!this.#expected) return undefined;
    let left = 0;
    for (const [url, claimed] of this.#expected) {
      if (this.#done.has(url)) continue;
      const size = claimed ?? this.#announced.get(url);
      if (size === undefined) return undefined;
      left += Math.max(0, size - (this.#inFlight.get(url) ?? 0));
    }
    return left;
  }
}
