/**
 * Memory of a cold lock (npm run bench, peak RSS): it streams ~1 GB through short-lived buffers
 * while the resolver's states come and go, and V8's defaults let the heap grow far past what is
 * live (~20 MB) before collecting.
 * - Keep the young generation at its initial size (1 MB semi-spaces) instead of 2 x 16 MB:
 *   ~180 -> ~146 MB, for a few hundred extra sub-millisecond scavenges.
 * - Let the old generation grow by at most 2x between full collections: ~146 -> ~125 MB, wall
 *   time unchanged within noise (50% cost +0.4 s; 100% did not).
 *
 * --max-semi-space-size would be the obvious flag, but it only counts on the node command line
 * (npm's bin shim gives us none); these two are read whenever V8 sizes a space, so they work when
 * set at run time. They are set when the first download starts, not at start-up: with 1 MB
 * semi-spaces, loading the CLI's modules scavenged ~18 ms more before the first request.
 *
 * Measured (npm run bench -- --runs 3 --no-pip, 300 projects, medians; 2026-12-03, this 2-core
 * machine), defaults -> these flags:
 *   Node 24.22: cold 7.66 -> 6.44 s, peak 269 -> 173 MB; reval 1.64 -> 1.75 s, 177 -> 130 MB
 *   Node 22.23: cold 6.56 -> 6.95 s, peak 209 -> 151 MB; reval 1.69 -> 2.02 s, 142 -> 115 MB
 * Kept on both: ~60-100 MB less at peak (DESIGN's target is 150 MB) for at most 6% on a cold
 * lock. Newer majors keep V8's defaults until measured: an unknown flag makes V8 print an error.
 * Process-wide, so the CLI decides it; the library never touches V8.
 */
import { setFlagsFromString } from 'node:v8';
import type { LockEvents } from '../api/options.js';

let tuned = false;

function tuneHeapForStreaming(): void {
  if (tuned) return;
  tuned = true;
  if (!/^(20|22|24)\./.test(process.versions.node)) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=100');
}

/** The same events, tuning the heap when the first download starts. */
export function withHeapTuning(events: LockEvents): LockEvents {
  return {
    ...events,
    onDownloadStart: (file) => {
      tuneHeapForStreaming();
      events.onDownloadStart?.(file);
    },
  };
}
