/**
 * Memory of a cold lock (npm run bench, peak RSS): it streams ~1 GB through short-lived buffers
 * while the resolver's states come and go, and V8's defaults let the heap grow far past what is
 * live (~20 MB) before collecting. Three settings, process-wide, so the CLI decides them; the
 * library never touches V8. Newer Node majors keep V8's defaults until measured (an unknown flag
 * makes V8 print an error).
 *
 * - Keep the young generation at its initial size (1 MB semi-spaces) instead of 2 x 16 MB:
 *   ~180 -> ~146 MB, for a few hundred extra sub-millisecond scavenges.
 * - Let the old generation grow by at most 2x between full collections: ~146 -> ~125 MB, wall
 *   time unchanged within noise (50% cost +0.4 s; 100% did not).
 *   Measured (npm run bench -- --runs 3 --no-pip, 300 projects, medians; 2026-12-03, this 2-core
 *   machine), defaults -> these two flags:
 *     Node 24.22: cold 7.66 -> 6.44 s, peak 269 -> 173 MB; reval 1.64 -> 1.75 s, 177 -> 130 MB
 *     Node 22.23: cold 6.56 -> 6.95 s, peak 209 -> 151 MB; reval 1.69 -> 2.02 s, 142 -> 115 MB
 * - A young-generation collection after every 8 MB downloaded: a download's bytes are Buffers
 *   outside the JS heap, freed only when a collection finds their small wrappers dead, and V8
 *   counts external memory loosely: at 8 x 50 MB/s, 30-55 MB of dead buffers waited for a
 *   collection. Measured on real wheels (bench --real, data-science set, 4 runs each): peak RSS
 *   146-157 -> 121-134 MB, wall time the same (each collection is well under 1 ms with 1 MB
 *   semi-spaces). Every 4 MB gained little more; every 16 MB lost most of it.
 *
 * --max-semi-space-size would be the obvious flag, but it only counts on the node command line
 * (npm's bin shim gives us none); the two flags are read whenever V8 sizes a space, so they work
 * when set at run time. They are set when resolution starts, once the CLI's modules are loaded,
 * not at start-up: with 1 MB semi-spaces, loading the modules scavenged ~18 ms more before the
 * first request. At the first download instead, peak RSS was ~15 MB higher (the young generation
 * had grown during resolution).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { LockEvents } from '../api/options.js';

/** Downloaded bytes between two explicit young-generation collections. */
const GC_EVERY_BYTES = 8 * 1024 * 1024;

let tuned = false;
let minorGc: (() => void) | undefined;
let sinceGc = 0;

function tuneHeapForStreaming(): void {
  if (tuned) return;
  tuned = true;
  if (!/^(20|22|24)\./.test(process.versions.node)) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=100');
  setFlagsFromString('--expose-gc');
  // The flag gives contexts made from now on a gc(); the main one was made before it.
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') minorGc = () => (gc as (options: { type: 'minor' }) => void)({ type: 'minor' });
}

/** The same events, tuning the heap when resolution starts (or a download, whichever is first). */
export function withHeapTuning(events: LockEvents): LockEvents {
  return {
    ...events,
    onPhase: (phase) => {
      tuneHeapForStreaming();
      events.onPhase?.(phase);
    },
    onDownloadStart: (file) => {
      tuneHeapForStreaming();
      events.onDownloadStart?.(file);
    },
    onDownloadProgress: (file, bytes) => {
      sinceGc += bytes;
      if (minorGc && sinceGc >= GC_EVERY_BYTES) {
        sinceGc = 0;
        minorGc();
      }
      events.onDownloadProgress?.(file, bytes);
    },
  };
}
