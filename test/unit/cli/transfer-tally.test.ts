// What the progress display counts (cli/transfer-tally.ts), with the time given by the test: the
// smoothed rate (window, warm-up, decay after a stall, a change of speed) and the files left
// (sizes claimed or announced, the attempt in flight, retries, cache hits, files outside the lock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileTally, RateMeter } from '../../../src/cli/transfer-tally.js';

const KiB = 1024;

/** `bytesPerTick` arriving every `tickMs` after `from`, the last at `to`. */
function feed(meter: RateMeter, from: number, to: number, tickMs: number, bytesPerTick: number): void {
  for (let t = from + tickMs; t <= to; t += tickMs) meter.add(bytesPerTick, t);
}

test('the rate: nothing before a second of data, then bytes a second over the last five seconds', () => {
  const meter = new RateMeter();
  assert.equal(meter.rate(0), undefined, 'nothing arrived');
  // 10 KiB every 100 ms: 100 KiB/s.
  feed(meter, 1000, 1900, 100, 10 * KiB);
  assert.equal(meter.rate(1900), undefined, 'under a second of data');
  feed(meter, 1900, 3000, 100, 10 * KiB);
  assert.equal(meter.rate(3000), 100 * KiB);
  feed(meter, 3000, 11_000, 100, 10 * KiB);
  assert.equal(meter.rate(11_000), 100 * KiB, 'steady over a full window');
  // Twice as fast: the window holds half old, half new speed after 2.5 s; only the new after 5 s.
  feed(meter, 11_000, 13_500, 100, 20 * KiB);
  assert.equal(meter.rate(13_500), 150 * KiB);
  feed(meter, 13_500, 16_000, 100, 20 * KiB);
  assert.equal(meter.rate(16_000), 200 * KiB);
});

test('the rate decays to 0 while nothing arrives, and follows again when bytes do', () => {
  const meter = new RateMeter();
  feed(meter, 0, 5000, 100, 10 * KiB);
  assert.equal(meter.rate(5000), 100 * KiB);
  // The last chunk came at 5000: at 7500 the window (2500-7500] holds half of them.
  assert.equal(meter.rate(7500), 50 * KiB);
  assert.equal(meter.rate(10_000), 0);
  assert.equal(meter.rate(60_000), 0, 'a long stall');
  // Bytes again after a minute: counted over the window, not over the stall.
  feed(meter, 60_000, 61_000, 100, 10 * KiB);
  assert.equal(meter.rate(61_000), 20 * KiB, '100 KiB in the last 5 s');
});

test('chunks closer together than a sample are one sample: the count stays exact', () => {
  const meter = new RateMeter(5000, 1000);
  // 1000 chunks of 1 KiB within 2 s (one every 2 ms).
  feed(meter, 0, 2000, 2, KiB);
  assert.equal(meter.rate(2000), 500 * KiB);
});

test('files left: claimed and announced sizes, the attempt in flight, retries, cache hits', () => {
  const tally = new FileTally();
  // Before the resolution names the lock's files: a plain count, no remainder.
  tally.received('https://x/early.whl', 500);
  assert.equal(tally.finished('https://x/early.whl'), true);
  assert.equal(tally.finished('https://x/early.whl'), false, 'a second download of the same URL');
  tally.finished('https://x/abandoned.whl');
  assert.deepEqual([tally.done, tally.total, tally.remaining()], [2, undefined, undefined]);

  tally.expect([
    { url: 'https://x/early.whl', size: 500 },
    { url: 'https://x/a.whl', size: 1000 },
    { url: 'https://x/b.tar.gz', size: undefined },
    { url: 'https://x/cached.whl', size: 700 },
  ]);
  // Only the lock's files count: abandoned.whl is not one.
  assert.deepEqual([tally.done, tally.total], [1, 4]);
  assert.equal(tally.remaining(), undefined, "b.tar.gz's size is not known");
  tally.announced('https://x/b.tar.gz', 2000);
  assert.equal(tally.remaining(), 1000 + 2000 + 700);
  tally.finished('https://x/cached.whl');
  assert.deepEqual([tally.done, tally.remaining()], [2, 3000]);
  tally.started('https://x/a.whl');
  tally.received('https://x/a.whl', 400);
  assert.equal(tally.remaining(), 600 + 2000);
  // A retry starts over: the bytes of the failed attempt are still to come.
  tally.started('https://x/a.whl');
  assert.equal(tally.remaining(), 3000);
  tally.received('https://x/a.whl', 1200);
  assert.equal(tally.remaining(), 2000, 'more bytes than claimed: never below 0 for that file');
  tally.finished('https://x/a.whl');
  tally.received('https://x/a.whl', 1000);
  assert.equal(tally.remaining(), 2000, 'bytes of a file already done (a second fetch for inspection)');
  tally.finished('https://x/b.tar.gz');
  assert.deepEqual([tally.done, tally.total, tally.remaining()], [4, 4, 0]);
});
