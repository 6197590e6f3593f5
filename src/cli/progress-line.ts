/**
 * The text of the one-line progress display, as pure functions of what the reporter counted (no
 * clock, no stream). Only our own words and numbers go into it, never a file name or a URL from
 * an index: the line is plain ASCII, so its length is its width on screen and it cannot carry a
 * terminal sequence.
 */

export type Phase = 'resolving' | 'hashing' | 'writing' | 'verifying';

export interface ProgressView {
  phase: Phase;
  /** Index pages fetched (a 304 counts: it was asked). */
  pages: number;
  /** Projects whose pages the run has read. */
  projects: number;
  /** Packages resolved: known once resolution ends. */
  packages: number | undefined;
  /** Files hashed (downloaded, or their digest taken from the cache). */
  filesDone: number;
  /** Files the lock lists, once resolution has named them. */
  filesTotal: number | undefined;
  /** Bytes downloaded in this run. */
  bytes: number;
  /** Bytes a second over the last few seconds; undefined until there is enough to measure. */
  rate: number | undefined;
  /** Bytes still to download for the files the lock lists; undefined while one's size is unknown. */
  remaining: number | undefined;
}

const SEPARATOR = ' | ';

/** The line for a terminal `columns` wide: one column is left free so the cursor never wraps. */
export function progressLine(view: ProgressView, columns: number): string {
  return fitSegments(segments(view), columns - 1);
}

function segments(view: ProgressView): string[] {
  const out = [headline(view)];
  if (view.bytes > 0) out.push(`${formatBytes(view.bytes)}${view.rate === undefined ? '' : ` at ${formatRate(view.rate)}`}`);
  const eta = view.phase === 'hashing' ? estimate(view) : undefined;
  if (eta) out.push(eta);
  return out;
}

function headline(view: ProgressView): string {
  switch (view.phase) {
    case 'resolving':
      return `Resolving: ${plural(view.projects, 'project')}, ${plural(view.pages, 'page')} fetched`;
    case 'hashing': {
      const files = view.filesTotal === undefined ? plural(view.filesDone, 'file') : `${view.filesDone}/${plural(view.filesTotal, 'file')}`;
      return `Hashing: ${files}${view.packages === undefined ? '' : ` of ${plural(view.packages, 'package')}`}`;
    }
    case 'verifying':
      return `Verifying: ${plural(view.filesDone, 'file')} downloaded again`;
    case 'writing':
      return 'Writing the lock';
  }
}

/** "6.8 MiB to go, ETA 2s": only when every remaining size is known and bytes are flowing. */
function estimate(view: ProgressView): string | undefined {
  const { remaining, rate } = view;
  if (remaining === undefined || remaining <= 0 || rate === undefined || rate <= 0) return undefined;
  return `${formatBytes(remaining)} to go, ETA ${formatDuration(remaining / rate)}`;
}

/** Whole segments while they fit; the first one cut when even it does not. */
export function fitSegments(parts: readonly string[], width: number): string {
  if (width <= 0 || parts.length === 0) return '';
  let line = parts[0]!.slice(0, width);
  for (const part of parts.slice(1)) {
    if (line.length + SEPARATOR.length + part.length > width) break;
    line += SEPARATOR + part;
  }
  return line;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** 7s, 2m05s, 1h04m; rounded up, so the estimate never says 0s while bytes are left. */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s >= 100 * 3600) return 'over 99h';
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
