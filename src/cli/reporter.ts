/**
 * What a person sees on stderr while a lock runs.
 * - A terminal: one progress line redrawn in place (progress-line.ts), cleared before any other
 *   line is printed and redrawn after it, and cleared for good before the summary.
 * - Anything else (a pipe, a CI log, `TERM=dumb`, `CI` set): no progress at all, only warnings,
 *   retries and the summary, so a log reads as a short story.
 * - `-q`: nothing but errors. `-v`: no progress line; every page, download, source choice and
 *   retry as a line of its own instead.
 */
import type { LockEvents } from '../api/lock.js';
import { redactUrl } from '../http/redact.js';
import { formatBytes, progressLine, type Phase } from './progress-line.js';
import { FileTally, RateMeter } from './transfer-tally.js';
import { visibleControls } from './visible-text.js';

export interface ReporterOptions {
  stream: NodeJS.WriteStream;
  quiet: boolean;
  verbose: boolean;
  /** TERM and CI decide whether a terminal gets the progress line; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds; default Date.now. Tests pass a fake clock. */
  now?: () => number;
  /** Calls `fn` every `ms` until the returned function is called; default an unref'd setInterval. */
  every?: (fn: () => void, ms: number) => () => void;
}

/** At most this many redraws a second from progress events. */
const REDRAW_MS = 100;
/** Redraws with no event at all, so a stalled download shows its rate falling. */
const TICK_MS = 1000;
const ERASE_TO_END = '\x1b[K';

/**
 * The progress line is for a person at a terminal. Not with `-q` or `-v`; not on a dumb terminal
 * (no cursor movement); not under CI, as npm, yarn and is-interactive decide: a CI runner that
 * gives the job a pseudo-terminal still keeps a log, and there every redraw would be a line.
 */
export function showsProgressLine(isTTY: boolean | undefined, quiet: boolean, verbose: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (!isTTY || quiet || verbose) return false;
  if (env['TERM'] === 'dumb') return false;
  const ci = env['CI'];
  return ci === undefined || ci === '' || ci === '0' || ci.toLowerCase() === 'false';
}

export class Reporter {
  readonly #out: NodeJS.WriteStream;
  readonly #quiet: boolean;
  readonly #verbose: boolean;
  readonly #progress: boolean;
  readonly #now: () => number;
  readonly #every: (fn: () => void, ms: number) => () => void;
  #phase: Phase | undefined;
  #pages = 0;
  #projects = 0;
  #packages: number | undefined;
  #bytes = 0;
  #rate = new RateMeter();
  #files = new FileTally();
  /** For the summary: files downloaded and hashed, digests from the cache (each URL once per session). */
  #downloaded = 0;
  #cached = 0;
  #lastDraw = -Infinity;
  /** The text on screen, or undefined when no line is shown. */
  #shown: string | undefined;
  #stopTicking: (() => void) | undefined;
  #stopped = false;

  constructor(options: ReporterOptions) {
    this.#out = options.stream;
    this.#quiet = options.quiet;
    this.#verbose = options.verbose;
    this.#progress = showsProgressLine(options.stream.isTTY, options.quiet, options.verbose, options.env ?? process.env);
    this.#now = options.now ?? Date.now;
    this.#every = options.every ?? everyUnref;
  }

  events(): LockEvents {
    return { ...this.#progressEvents(), ...this.#downloadEvents(), ...this.#messageEvents() };
  }

  #progressEvents(): LockEvents {
    return {
      onPhase: (phase) => {
        this.#phase = phase;
        // check --verify opens a second session: its files are downloaded again, counted anew.
        if (phase === 'verifying') this.#files = new FileTally();
        if (this.#verbose && phase === 'resolving') this.line('Resolving dependencies...');
        this.#draw(true);
      },
      onPage: (url, status) => {
        this.#pages++;
        if (this.#verbose) this.line(`GET ${redactUrl(url)} -> ${status}`);
        this.#draw(false);
      },
      onProject: (name, sources, shadowed) => {
        this.#projects++;
        if (this.#verbose) {
          this.line(`${name}: from ${sources.join(', ')}${shadowed.length > 0 ? ` (also on ${shadowed.join(', ')}, not used)` : ''}`);
        }
        this.#draw(false);
      },
      onResolved: (packages, files) => {
        this.#packages = packages;
        if (this.#verbose) this.line(`Resolved ${packages} package${packages === 1 ? '' : 's'}; hashing ${files} file${files === 1 ? '' : 's'}...`);
      },
      onFilesToHash: (files) => {
        this.#files.expect(files);
        this.#draw(true);
      },
    };
  }

  #downloadEvents(): LockEvents {
    return {
      onDownloadStart: (file) => {
        this.#files.started(file.url);
        if (this.#verbose) this.line(`download ${file.filename} from ${file.source}`);
      },
      onDownloadSize: (file, bytes) => this.#files.announced(file.url, bytes),
      onCacheHit: (file) => {
        // Done, with no bytes: the rate stays what the network gives.
        if (this.#files.finished(file.url)) this.#cached++;
        if (this.#verbose) this.line(`cached digest for ${file.filename}`);
        this.#draw(false);
      },
      onDownloadProgress: (file, bytes) => {
        this.#bytes += bytes;
        this.#rate.add(bytes, this.#now());
        this.#files.received(file.url, bytes);
        this.#draw(false);
      },
      onDownloadDone: (file) => {
        if (this.#files.finished(file.url)) this.#downloaded++;
        this.#draw(false);
      },
      onRetry: (url, error, attempt) => {
        this.#files.started(url);
        if (!this.#quiet) this.line(`retrying ${redactUrl(url)} (attempt ${attempt + 1}): ${error instanceof Error ? error.message : String(error)}`);
      },
    };
  }

  #messageEvents(): LockEvents {
    return {
      onRecalled: (freshUntil) => {
        this.line(
          `Nothing the lock depends on changed since it was written (the index pages it read stay fresh until ${freshUntil.toISOString()}); not resolved again. --refresh asks the index anyway.`,
        );
      },
      onPageFromCache: (url) => {
        if (this.#verbose) this.line(`${redactUrl(url)}: stored copy still fresh, not asked`);
      },
      onUncheckedClaims: (file, algorithms, claimKeyed) => {
        if (!this.#verbose) return;
        const what = `${algorithms.join(', ')} digest${algorithms.length === 1 ? '' : 's'}`;
        const then = claimKeyed ? 'its other claims are checked' : 'it is downloaded and hashed on every run, never taken from the digest cache';
        this.line(`${file.filename}: ${file.source} claims a ${what} that pin-hashes cannot check (${redactUrl(file.url)}); ${then}`);
      },
      onWarning: (message) => this.warn(message),
      onNotice: (message) => {
        if (this.#verbose) this.line(`note: ${message}`);
      },
    };
  }

  /** Final summary after a successful run. */
  done(message: string): void {
    this.stop();
    if (this.#quiet) return;
    const parts: string[] = [];
    if (this.#downloaded > 0) parts.push(`${this.#downloaded} file${this.#downloaded === 1 ? '' : 's'} downloaded and hashed, ${formatBytes(this.#bytes)}`);
    if (this.#cached > 0) parts.push(`${this.#cached} digest${this.#cached === 1 ? '' : 's'} from the cache`);
    const stats = parts.length > 0 ? ` (${parts.join('; ')})` : '';
    this.#out.write(`${visibleControls(message)}${stats}\n`);
  }

  warn(message: string): void {
    this.#print(`warning: ${message}`);
  }

  line(message: string): void {
    this.#print(message);
  }

  /** The run is over (or failed): the progress line goes, for good, before the summary or the error. */
  stop(): void {
    this.#stopped = true;
    this.#stopTicking?.();
    this.#stopTicking = undefined;
    this.#clear();
  }

  #print(message: string): void {
    if (this.#quiet) return;
    const redraw = this.#shown !== undefined;
    this.#clear();
    this.#out.write(visibleControls(message) + '\n');
    if (redraw) this.#draw(true);
  }

  #draw(force: boolean): void {
    if (!this.#progress || this.#stopped || this.#phase === undefined) return;
    const now = this.#now();
    if (!force && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    const text = progressLine(
      {
        phase: this.#phase,
        pages: this.#pages,
        projects: this.#projects,
        packages: this.#packages,
        filesDone: this.#files.done,
        filesTotal: this.#files.total,
        bytes: this.#bytes,
        rate: this.#rate.rate(now),
        remaining: this.#files.remaining(),
      },
      this.#out.columns || 80,
    );
    if (text === this.#shown) return;
    // Text first, then erase what is left of a longer line before it: no blank flash between.
    this.#out.write(`\r${text}${ERASE_TO_END}`);
    this.#shown = text;
    this.#stopTicking ??= this.#every(() => this.#draw(false), TICK_MS);
  }

  #clear(): void {
    if (this.#shown === undefined) return;
    this.#out.write(`\r${ERASE_TO_END}`);
    this.#shown = undefined;
  }
}

function everyUnref(fn: () => void, ms: number): () => void {
  const timer = setInterval(fn, ms);
  // The display never keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
