// The progress line's text (cli/progress-line.ts): units, durations, what each phase says, the
// estimate's conditions, and the width rule (never wider than the terminal, whole segments first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSegments, formatBytes, formatDuration, formatRate, progressLine, type ProgressView } from '../../../src/cli/progress-line.js';

const MiB = 1024 * 1024;

test('byte counts, rates and durations in human units', () => {
  const bytes: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [MiB - 1, '1024.0 KiB'],
    [MiB, '1.0 MiB'],
    [12.34 * MiB, '12.3 MiB'],
    [3 * 1024 * MiB, '3.00 GiB'],
  ];
  for (const [n, text] of bytes) assert.equal(formatBytes(n), text, String(n));
  const rates: [number, string][] = [
    [0, '0 B/s'],
    [511.6, '512 B/s'],
    [2.5 * MiB, '2.5 MiB/s'],
  ];
  for (const [n, text] of rates) assert.equal(formatRate(n), text, String(n));
  const durations: [number, string][] = [
    [0, '1s'],
    [0.2, '1s'],
    [1, '1s'],
    [1.01, '2s'],
    [59, '59s'],
    [59.5, '1m00s'],
    [65, '1m05s'],
    [3599, '59m59s'],
    [3600, '1h00m'],
    [3 * 3600 + 7 * 60 + 30, '3h07m'],
    [99 * 3600 + 59 * 60, '99h59m'],
    [100 * 3600, 'over 99h'],
    [1e12, 'over 99h'],
  ];
  for (const [s, text] of durations) assert.equal(formatDuration(s), text, String(s));
});

const base: ProgressView = {
  phase: 'resolving',
  pages: 0,
  projects: 0,
  packages: undefined,
  filesDone: 0,
  filesTotal: undefined,
  bytes: 0,
  rate: undefined,
  remaining: undefined,
};

test('each phase says what it counts; the estimate only while hashing, with a known remainder and a rate', () => {
  const cases: [Partial<ProgressView>, string][] = [
    [{}, 'Resolving: 0 projects, 0 pages fetched'],
    [{ projects: 1, pages: 1 }, 'Resolving: 1 project, 1 page fetched'],
    // Hash-ahead downloads during resolution: bytes shown, the rate once measured.
    [{ projects: 12, pages: 30, bytes: 1536 }, 'Resolving: 12 projects, 30 pages fetched | 1.5 KiB'],
    [{ projects: 12, pages: 30, bytes: 3 * MiB, rate: MiB }, 'Resolving: 12 projects, 30 pages fetched | 3.0 MiB at 1.0 MiB/s'],
    // No estimate while resolving, even with everything known.
    [{ bytes: MiB, rate: MiB, remaining: MiB }, 'Resolving: 0 projects, 0 pages fetched | 1.0 MiB at 1.0 MiB/s'],
    [{ phase: 'hashing' }, 'Hashing: 0 files'],
    [{ phase: 'hashing', packages: 1, filesDone: 0, filesTotal: 1 }, 'Hashing: 0/1 file of 1 package'],
    [{ phase: 'hashing', packages: 4, filesDone: 3, filesTotal: 9, bytes: 2 * MiB }, 'Hashing: 3/9 files of 4 packages | 2.0 MiB'],
    [
      { phase: 'hashing', packages: 4, filesDone: 3, filesTotal: 9, bytes: 2 * MiB, rate: MiB, remaining: 3.5 * MiB },
      'Hashing: 3/9 files of 4 packages | 2.0 MiB at 1.0 MiB/s | 3.5 MiB to go, ETA 4s',
    ],
    // A size not known yet, no rate yet, a stalled rate, nothing left: no estimate.
    [{ phase: 'hashing', filesTotal: 2, bytes: 10, rate: MiB, remaining: undefined }, 'Hashing: 0/2 files | 10 B at 1.0 MiB/s'],
    [{ phase: 'hashing', filesTotal: 2, bytes: 10, rate: undefined, remaining: MiB }, 'Hashing: 0/2 files | 10 B'],
    [{ phase: 'hashing', filesTotal: 2, bytes: 10, rate: 0, remaining: MiB }, 'Hashing: 0/2 files | 10 B at 0 B/s'],
    [{ phase: 'hashing', filesDone: 2, filesTotal: 2, bytes: 10, rate: 5, remaining: 0 }, 'Hashing: 2/2 files | 10 B at 5 B/s'],
    // Cached digests count as done with no bytes: no transfer segment at all.
    [{ phase: 'hashing', packages: 2, filesDone: 2, filesTotal: 2 }, 'Hashing: 2/2 files of 2 packages'],
    [{ phase: 'verifying', filesDone: 5, bytes: MiB, rate: MiB, remaining: MiB }, 'Verifying: 5 files downloaded again | 1.0 MiB at 1.0 MiB/s'],
    [{ phase: 'writing', filesDone: 5, bytes: MiB }, 'Writing the lock | 1.0 MiB'],
  ];
  for (const [view, text] of cases) assert.equal(progressLine({ ...base, ...view }, 200), text, JSON.stringify(view));
});

test('never wider than the terminal: whole segments while they fit, then the first one cut', () => {
  const view: ProgressView = { ...base, phase: 'hashing', packages: 40, filesDone: 93, filesTotal: 120, bytes: 52 * MiB, rate: 4 * MiB, remaining: 30 * MiB };
  const full = progressLine(view, 1000);
  assert.equal(full, 'Hashing: 93/120 files of 40 packages | 52.0 MiB at 4.0 MiB/s | 30.0 MiB to go, ETA 8s');
  const cases: [number, string][] = [
    [full.length + 1, full],
    [full.length, 'Hashing: 93/120 files of 40 packages | 52.0 MiB at 4.0 MiB/s'],
    [61, 'Hashing: 93/120 files of 40 packages | 52.0 MiB at 4.0 MiB/s'],
    [60, 'Hashing: 93/120 files of 40 packages'],
    [37, 'Hashing: 93/120 files of 40 packages'],
    [36, 'Hashing: 93/120 files of 40 package'],
    [11, 'Hashing: 9'],
    [2, 'H'],
    [1, ''],
    [0, ''],
  ];
  for (const [columns, text] of cases) assert.equal(progressLine(view, columns), text, `${columns} columns`);
  for (let columns = 0; columns <= full.length + 2; columns++) {
    const line = progressLine(view, columns);
    assert.ok(line.length <= Math.max(0, columns - 1), `${columns} columns: ${line}`);
    assert.ok(full.startsWith(line), `${columns} columns: a prefix of the full line`);
  }
  assert.equal(fitSegments([], 10), '');
  assert.equal(fitSegments(['abc', 'de'], 8), 'abc | de');
  assert.equal(fitSegments(['abc', 'de', 'f'], 8), 'abc | de');
});
