// What the reporter (cli/reporter.ts) writes to stderr for one scripted run, on a fake stream
// with a fake clock and a fake timer: on a terminal, the progress line's every redraw (rate and
// estimate included), cleared around other lines and before the summary, throttled, never wider
// than the terminal; off a terminal (or -q, -v, TERM=dumb, CI) no progress at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IndexedFile } from '../../../src/package-index/types.js';
import { Reporter, showsProgressLine, type ReporterOptions } from '../../../src/cli/reporter.js';
import { playTerminal, visibleLines, visibleRows } from '../../helpers/terminal.js';

const MiB = 1024 * 1024;

function file(name: string, size: number | undefined): IndexedFile {
  return { filename: name, url: `https://files.example/${name}`, source: 'https://index.example/simple/', hashes: {}, size } as unknown as IndexedFile;
}

interface Harness {
  reporter: Reporter;
  output(): string;
  writes(): number;
  advance(ms: number): void;
  /** Fires the reporter's timer, if one is running. */
  tick(): void;
  ticking(): boolean;
}

function harness(options: { isTTY: boolean; columns?: number | undefined } & Partial<Omit<ReporterOptions, 'stream' | 'now' | 'every'>>): Harness {
  let output = '';
  let writes = 0;
  let clock = 0;
  let timer: (() => void) | undefined;
  const stream = {
    isTTY: options.isTTY,
    columns: options.columns,
    write: (chunk: string) => {
      output += chunk;
      writes++;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  const reporter = new Reporter({
    stream,
    quiet: options.quiet ?? false,
    verbose: options.verbose ?? false,
    env: options.env ?? {},
    now: () => clock,
    every: (fn, ms) => {
      assert.equal(ms, 1000);
      timer = fn;
      return () => (timer = undefined);
    },
  });
  return {
    reporter,
    output: () => output,
    writes: () => writes,
    advance: (ms) => (clock += ms),
    tick: () => timer?.(),
    ticking: () => timer !== undefined,
  };
}

const a = file('a-1.0-py3-none-any.whl', 3 * MiB);
const b = file('b-2.0.tar.gz', undefined);
const c = file('c-3.0-py3-none-any.whl', 700 * 1024);
const SUMMARY = 'Wrote 2 packages to requirements.txt (2 files downloaded and hashed, 5.0 MiB; 1 digest from the cache)';

/**
 * One lock: pages and projects, a.whl hashed ahead during resolution (1 MiB a second), then the
 * lock's three files: c.whl from the digest cache, a warning, b.tar.gz (no size claimed, its
 * Content-Length announces 2 MiB) with a six-second stall in the middle, then the write.
 */
function scriptedRun(h: Harness): void {
  const events = h.reporter.events();
  events.onPhase?.('resolving');
  for (const name of ['a', 'b']) events.onProject?.(name as never, ['https://index.example/simple/'], []);
  for (let i = 0; i < 3; i++) events.onPage?.(`https://index.example/simple/p${i}/`, 200);
  events.onDownloadStart?.(a);
  for (let i = 0; i < 3; i++) {
    h.advance(1000);
    events.onDownloadProgress?.(a, MiB);
  }
  events.onDownloadDone?.(a, 3 * MiB);
  events.onPhase?.('hashing');
  events.onResolved?.(2, 3);
  events.onFilesToHash?.([a, b, c]);
  events.onCacheHit?.(c);
  events.onWarning?.('b is on two indexes');
  events.onDownloadStart?.(b);
  events.onDownloadSize?.(b, 2 * MiB);
  h.advance(1000);
  events.onDownloadProgress?.(b, MiB);
  h.advance(6000);
  h.tick();
  h.advance(1000);
  events.onDownloadProgress?.(b, MiB);
  events.onDownloadDone?.(b, 2 * MiB);
  events.onPhase?.('writing');
  h.reporter.done('Wrote 2 packages to requirements.txt');
}

test('on a terminal: every redraw of the line, the warning between, the line gone before the summary', () => {
  const h = harness({ isTTY: true, columns: 120 });
  scriptedRun(h);
  const screen = playTerminal(h.output(), 120);
  assert.deepEqual(
    screen.frames.filter((f) => f !== ''),
    [
      'Resolving: 0 projects, 0 pages fetched',
      // The first second of bytes gives no rate yet; then 1 MiB a second.
      'Resolving: 2 projects, 3 pages fetched | 1.0 MiB',
      'Resolving: 2 projects, 3 pages fetched | 2.0 MiB at 1.0 MiB/s',
      'Resolving: 2 projects, 3 pages fetched | 3.0 MiB at 1.0 MiB/s',
      // Before the lock's files are named: a plain count (a.whl, hashed ahead).
      'Hashing: 1 file | 3.0 MiB at 1.0 MiB/s',
      // b.tar.gz's size is not known yet: no estimate.
      'Hashing: 1/3 files of 2 packages | 3.0 MiB at 1.0 MiB/s',
      // Redrawn after the warning; the cached c.whl counts as done and adds nothing to the rate.
      'Hashing: 2/3 files of 2 packages | 3.0 MiB at 1.0 MiB/s',
      'Hashing: 2/3 files of 2 packages | 4.0 MiB at 1.0 MiB/s | 1.0 MiB to go, ETA 1s',
      // The timer's redraw during the stall: the rate falls to 0, the estimate goes.
      'Hashing: 2/3 files of 2 packages | 4.0 MiB at 0 B/s',
      // 1 MiB in the last five seconds.
      'Hashing: 2/3 files of 2 packages | 5.0 MiB at 204.8 KiB/s',
      'Writing the lock | 5.0 MiB at 204.8 KiB/s',
    ],
  );
  assert.deepEqual(visibleRows(screen), ['warning: b is on two indexes', SUMMARY]);
  assert.equal(screen.overflowed, false);
  // Cleared before the warning and before the summary, not merely overwritten.
  assert.match(h.output(), /\r\x1b\[Kwarning: b is on two indexes\n\rHashing: 2\/3/);
  assert.ok(h.output().endsWith(`Writing the lock | 5.0 MiB at 204.8 KiB/s\x1b[K\r\x1b[K${SUMMARY}\n`), JSON.stringify(h.output().slice(-200)));
  assert.equal(h.ticking(), false, 'the timer stops with the summary');
});

test('never wider than the terminal, at any width; 80 columns when the stream does not say', () => {
  for (const columns of [1, 2, 10, 25, 40, 61, 79]) {
    const h = harness({ isTTY: true, columns });
    scriptedRun(h);
    const screen = playTerminal(h.output(), columns);
    assert.equal(screen.overflowed, false, `${columns} columns`);
    for (const frame of screen.frames) assert.ok(frame.length <= columns - 1, `${columns} columns: ${frame}`);
    // The printed lines wrap as the terminal wraps them; nothing of the progress line is left.
    assert.deepEqual(visibleLines(screen), ['warning: b is on two indexes', SUMMARY], `${columns} columns`);
  }
  const h = harness({ isTTY: true, columns: undefined });
  scriptedRun(h);
  const longest = Math.max(...playTerminal(h.output(), 80).frames.map((f) => f.length));
  assert.ok(longest > 60 && longest <= 79, String(longest));
});

test('no progress line off a terminal, with -q or -v, on a dumb terminal or under CI: the warning and the summary only', () => {
  const plain = `warning: b is on two indexes\n${SUMMARY}\n`;
  const cases: [string, Parameters<typeof harness>[0], string][] = [
    ['a pipe', { isTTY: false }, plain],
    ['TERM=dumb', { isTTY: true, env: { TERM: 'dumb' } }, plain],
    ['CI=true', { isTTY: true, env: { CI: 'true' } }, plain],
    ['CI=1', { isTTY: true, env: { CI: '1' } }, plain],
    ['-q', { isTTY: true, quiet: true }, ''],
    ['-q off a terminal', { isTTY: false, quiet: true }, ''],
    // -v: lines of its own instead of a line redrawn.
    ['-v', { isTTY: true, verbose: true }, [
      'Resolving dependencies...',
      'a: from https://index.example/simple/',
      'b: from https://index.example/simple/',
      'GET https://index.example/simple/p0/ -> 200',
      'GET https://index.example/simple/p1/ -> 200',
      'GET https://index.example/simple/p2/ -> 200',
      'download a-1.0-py3-none-any.whl from https://index.example/simple/',
      'Resolved 2 packages; hashing 3 files...',
      'cached digest for c-3.0-py3-none-any.whl',
      'warning: b is on two indexes',
      'download b-2.0.tar.gz from https://index.example/simple/',
      SUMMARY,
      '',
    ].join('\n')],
  ];
  for (const [name, options, expected] of cases) {
    const h = harness(options);
    scriptedRun(h);
    assert.equal(h.output(), expected, name);
    assert.doesNotMatch(h.output(), /[\r\x1b]/, name);
    assert.equal(h.ticking(), false, `${name}: no timer`);
  }
});

test('which terminals get the line: TERM and CI as other tools read them', () => {
  const cases: [boolean | undefined, boolean, boolean, Record<string, string>, boolean][] = [
    [true, false, false, {}, true],
    [true, false, false, { TERM: 'xterm-256color' }, true],
    [undefined, false, false, {}, false],
    [false, false, false, {}, false],
    [true, true, false, {}, false],
    [true, false, true, {}, false],
    [true, false, false, { TERM: 'dumb' }, false],
    [true, false, false, { CI: 'true' }, false],
    [true, false, false, { CI: 'woodpecker' }, false],
    [true, false, false, { CI: '' }, true],
    [true, false, false, { CI: '0' }, true],
    [true, false, false, { CI: 'false' }, true],
    [true, false, false, { CI: 'FALSE' }, true],
  ];
  for (const [isTTY, quiet, verbose, env, shows] of cases) {
    assert.equal(showsProgressLine(isTTY, quiet, verbose, env), shows, JSON.stringify([isTTY, quiet, verbose, env]));
  }
});

test('at most ten redraws a second from events; the same text is not written again', () => {
  const h = harness({ isTTY: true, columns: 100 });
  const events = h.reporter.events();
  events.onPhase?.('resolving');
  const afterPhase = h.writes();
  for (let i = 0; i < 50; i++) events.onPage?.(`https://index.example/simple/p${i}/`, 200);
  assert.equal(h.writes(), afterPhase, 'within 100 ms of the last redraw');
  h.advance(99);
  events.onPage?.('https://index.example/simple/late/', 200);
  assert.equal(h.writes(), afterPhase);
  h.advance(1);
  events.onPage?.('https://index.example/simple/later/', 200);
  assert.equal(h.writes(), afterPhase + 1);
  assert.ok(h.output().endsWith('\rResolving: 0 projects, 52 pages fetched\x1b[K'));
  // A timer tick with nothing new: nothing written.
  h.advance(1000);
  h.tick();
  assert.equal(h.writes(), afterPhase + 1);
  // A phase change is drawn at once.
  events.onPhase?.('hashing');
  assert.equal(h.writes(), afterPhase + 2);
});

test('after stop (the run failed or ended) nothing is drawn, and the line is gone before the error', () => {
  const h = harness({ isTTY: true, columns: 100 });
  const events = h.reporter.events();
  events.onPhase?.('resolving');
  assert.equal(h.ticking(), true);
  h.reporter.stop();
  assert.equal(h.ticking(), false);
  assert.ok(h.output().endsWith('\r\x1b[K'));
  const before = h.output();
  h.advance(5000);
  events.onPhase?.('hashing');
  events.onDownloadProgress?.(a, MiB);
  h.reporter.line('trusted index: https://index.example/simple/');
  assert.equal(h.output(), `${before}trusted index: https://index.example/simple/\n`);
});

test('check --verify: the second session counts its downloads anew; the summary counts both', () => {
  const h = harness({ isTTY: true, columns: 100 });
  const events = h.reporter.events();
  events.onPhase?.('resolving');
  events.onPhase?.('hashing');
  events.onResolved?.(1, 1);
  events.onFilesToHash?.([c]);
  events.onCacheHit?.(c);
  events.onPhase?.('verifying');
  events.onDownloadStart?.(c);
  events.onDownloadProgress?.(c, 700 * 1024);
  events.onDownloadDone?.(c, 700 * 1024);
  h.advance(100);
  events.onDownloadDone?.(a, 3 * MiB);
  assert.match(h.output(), /\rVerifying: 2 files downloaded again \| 700\.0 KiB\x1b\[K$/);
  h.reporter.done('requirements.txt is current and every pinned file still has its locked digest');
  assert.match(h.output(), /\r\x1b\[Krequirements\.txt is current and every pinned file still has its locked digest \(2 files downloaded and hashed, 700\.0 KiB; 1 digest from the cache\)\n$/);
});
