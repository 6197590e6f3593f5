/**
 * What a person sees on stderr while a lock runs. On a terminal: one status line redrawn in
 * place (packages resolved, files and bytes hashed). Elsewhere (CI logs): a few plain lines.
 * `-q`: nothing but errors. `-v`: every page, source choice and retry as its own line.
 */
import type { LockEvents } from '../api/lock.js';
import { redactUrl } from '../http/redact.js';
import { visibleControls } from './visible-text.js';

export interface ReporterOptions {
  stream: NodeJS.WriteStream;
  quiet: boolean;
  verbose: boolean;
}

export class Reporter {
  readonly #out: NodeJS.WriteStream;
  readonly #quiet: boolean;
  readonly #verbose: boolean;
  readonly #tty: boolean;
  #phase = '';
  #pages = 0;
  #filesTotal = 0;
  #filesDone = 0;
  #bytes = 0;
  #cached = 0;
  #lastDraw = 0;
  #lineShown = false;

  constructor(options: ReporterOptions) {
    this.#out = options.stream;
    this.#quiet = options.quiet;
    this.#verbose = options.verbose;
    this.#tty = Boolean(options.stream.isTTY) && !options.verbose;
  }

  events(): LockEvents {
    return {
      onPhase: (phase) => {
        this.#phase = phase;
        if (!this.#tty && phase === 'resolving') this.line('Resolving dependencies...');
        this.#draw(true);
      },
      onPage: (url, status) => {
        this.#pages++;
        if (this.#verbose) this.line(`GET ${redactUrl(url)} -> ${status}`);
        this.#draw(false);
      },
      onRecalled: (freshUntil) => {
        this.line(
          `Nothing the lock depends on changed since it was written (the index pages it read stay fresh until ${freshUntil.toISOString()}); not resolved again. --refresh asks the index anyway.`,
        );
      },
      onPageFromCache: (url) => {
        if (this.#verbose) this.line(`${redactUrl(url)}: stored copy still fresh, not asked`);
      },
      onProject: (name, sources, shadowed) => {
        if (this.#verbose) {
          this.line(`${name}: from ${sources.join(', ')}${shadowed.length > 0 ? ` (also on ${shadowed.join(', ')}, not used)` : ''}`);
        }
      },
      onResolved: (packages, files) => {
        this.#filesTotal = files;
        if (!this.#tty) this.line(`Resolved ${packages} package${packages === 1 ? '' : 's'}; hashing ${files} file${files === 1 ? '' : 's'}...`);
        this.#draw(true);
      },
      onDownloadStart: (file) => {
        if (this.#verbose) this.line(`download ${file.filename} from ${file.source}`);
      },
      onCacheHit: (file) => {
        this.#cached++;
        if (this.#verbose) this.line(`cached digest for ${file.filename}`);
        this.#draw(false);
      },
      onDownloadProgress: (_file, bytes) => {
        this.#bytes += bytes;
        this.#draw(false);
      },
      onDownloadDone: () => {
        this.#filesDone++;
        this.#draw(false);
      },
      onUncheckedClaims: (file, algorithms, claimKeyed) => {
        if (!this.#verbose) return;
        const what = `${algorithms.join(', ')} digest${algorithms.length === 1 ? '' : 's'}`;
        const then = claimKeyed ? 'its other claims are checked' : 'it is downloaded and hashed on every run, never taken from the digest cache';
        this.line(`${file.filename}: ${file.source} claims a ${what} that pin-hashes cannot check (${redactUrl(file.url)}); ${then}`);
      },
      onRetry: (url, error, attempt) => {
        if (!this.#quiet) this.line(`retrying ${redactUrl(url)} (attempt ${attempt + 1}): ${error instanceof Error ? error.message : String(error)}`);
      },
      onWarning: (message) => this.warn(message),
      onNotice: (message) => {
        if (this.#verbose) this.line(`note: ${message}`);
      },
    };
  }

  /** Final summary after a successful run. */
  done(message: string): void {
    if (this.#quiet) return;
    this.#clear();
    const parts: string[] = [];
    if (this.#filesDone > 0) parts.push(`${this.#filesDone} file${this.#filesDone === 1 ? '' : 's'} downloaded and hashed, ${formatBytes(this.#bytes)}`);
    if (this.#cached > 0) parts.push(`${this.#cached} digest${this.#cached === 1 ? '' : 's'} from the cache`);
    const stats = parts.length > 0 ? ` (${parts.join('; ')})` : '';
    this.#out.write(`${visibleControls(message)}${stats}\n`);
  }

  warn(message: string): void {
    if (this.#quiet) return;
    this.#clear();
    this.#out.write(`warning: ${visibleControls(message)}\n`);
  }

  line(message: string): void {
    if (this.#quiet) return;
    this.#clear();
    this.#out.write(visibleControls(message) + '\n');
  }

  /** Clears the status line before an error is printed. */
  stop(): void {
    this.#clear();
  }

  #draw(force: boolean): void {
    if (!this.#tty || this.#quiet) return;
    const now = Date.now();
    if (!force && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const parts = [this.#phase === 'resolving' ? `resolving (${this.#pages} pages)` : this.#phase];
    if (this.#filesTotal > 0) parts.push(`${this.#filesDone + this.#cached}/${this.#filesTotal} files, ${formatBytes(this.#bytes)}`);
    this.#out.write(`\r\x1b[K${parts.join(' | ')}`);
    this.#lineShown = true;
  }

  #clear(): void {
    if (this.#lineShown) {
      this.#out.write('\r\x1b[K');
      this.#lineShown = false;
    }
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
