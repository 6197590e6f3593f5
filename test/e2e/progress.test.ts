// End to end: the built CLI under a real pseudo-terminal (util-linux `script`) against a loopback
// index draws its progress line in place, within the terminal's width, and clears it before the
// summary; the same runs piped print the summary only; under CI, and with --json, no line at all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { cleanEnvironment, cliPath, runCli } from '../helpers/cli.js';
import { playTerminal, visibleLines } from '../helpers/terminal.js';

const TARGET = ['--python-version', '3.11.7', '--python-platform', 'x86_64-manylinux_2_36'];
const COLUMNS = 60;

// Skipped on a machine without util-linux's script, but never under CI: there it runs, and fails.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const noScript = hasScript || process.env['CI'] ? false : 'util-linux script is not installed';

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The CLI with stdin, stdout and stderr on a pseudo-terminal COLUMNS wide; what the terminal was sent. */
async function inTerminal(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  const home = await mkdtemp(join(tmpdir(), 'pin-hashes-home-'));
  const command = `stty cols ${COLUMNS} rows 24 && exec ${[process.execPath, cliPath, ...args].map(shellQuote).join(' ')}`;
  const environment: NodeJS.ProcessEnv = { ...cleanEnvironment(), HOME: home, PIN_HASHES_CACHE_DIR: join(home, 'cache'), TERM: 'xterm', SHELL: '/bin/sh', ...env };
  // The machine's own CI setting must not decide this test: each run says what it wants.
  if (!('CI' in env)) delete environment['CI'];
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

describe('the progress display', { skip: noScript }, () => {
  let server: IndexServer;
  let dir: string;

  before(async () => {
    server = await startIndexServer({
      projects: buildUniverse([
        { name: 'app-core', versions: { '1.0': { requiresDist: ['helper-lib', 'extra-tool'], padBytes: 300_000, sdist: true } } },
        { name: 'helper-lib', versions: { '2.0': { padBytes: 300_000 } } },
        { name: 'extra-tool', versions: { '3.0': { padBytes: 200_000 } } },
      ]),
      // Slow enough for a few redraws, fast enough for a quick test.
      bandwidthBytesPerSec: 2_000_000,
    });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-progress-'));
    await writeFile(join(dir, 'requirements.in'), 'app-core\n');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const wrote = /^Wrote 3 packages to \/\S+\/(tty|piped)\.txt \(4 files downloaded and hashed, \d+\.\d [KM]iB\)$/;
  const provenance = 'Provenance: no package has PEP 740 attestations (3 checked).';

  test('lock and check on a terminal: the line drawn in place, never wider than the terminal, gone before the summary', async () => {
    const lock = await inTerminal(['lock', 'requirements.in', '-o', 'tty.txt', '-i', server.url, ...TARGET], dir);
    assert.equal(lock.code, 0, lock.output);
    // Redrawn in place (a carriage return, then text and an erase to the end of the line)...
    assert.match(lock.output, /\r(Resolving|Hashing): [^\r\n]*\x1b\[K/);
    const screen = playTerminal(lock.output, COLUMNS, false);
    assert.ok(screen.frames.some((f) => /^Hashing: \d\/4 files of 3 packages/.test(f)), JSON.stringify(screen.frames));
    assert.equal(screen.overflowed, false, JSON.stringify(screen.frames));
    for (const frame of screen.frames) assert.ok(frame.length < COLUMNS, frame);
    // ...and erased: what stays on the screen is the summary alone.
    const lines = visibleLines(screen);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.equal(lines[0], provenance);
    assert.match(lines[1]!, wrote);
    assert.match(lock.output, /\r\x1b\[KProvenance: /);

    const check = await inTerminal(['check', 'tty.txt'], dir);
    assert.equal(check.code, 0, check.output);
    assert.match(check.output, /\rResolving: [^\r\n]*\x1b\[K/);
    const checked = playTerminal(check.output, COLUMNS, false);
    assert.equal(checked.overflowed, false);
    assert.deepEqual(visibleLines(checked), [`trusted index: ${server.url}`, `${join(dir, 'tty.txt')} is current`]);
  });

  test('a run that fails on a terminal: the line is gone before the error', async () => {
    await writeFile(join(dir, 'missing.in'), 'app-core\nno-such-project\n');
    const failed = await inTerminal(['lock', 'missing.in', '-i', server.url, ...TARGET], dir);
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.output, /\rResolving: [^\r\n]*\x1b\[K/);
    const lines = visibleLines(playTerminal(failed.output, COLUMNS, false));
    assert.match(lines[0]!, /^error: .*no-such-project/);
    for (const line of lines) assert.match(line, /^(error|hint): /, lines.join('\n'));
  });

  test('piped (a CI log): the summary only, no carriage return, no escape sequence', async () => {
    const lock = await runCli(['lock', 'requirements.in', '-o', 'piped.txt', '-i', server.url, ...TARGET], { cwd: dir, env: { CI: undefined } });
    assert.equal(lock.code, 0, lock.stderr);
    assert.doesNotMatch(lock.stderr, /[\r\x1b]/);
    const lines = lock.stderr.split('\n');
    assert.equal(lines.length, 3, lock.stderr);
    assert.equal(lines[0], provenance);
    assert.match(lines[1]!, wrote);
    assert.equal(lines[2], '');

    const check = await runCli(['check', 'piped.txt'], { cwd: dir, env: { CI: undefined } });
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stderr, `trusted index: ${server.url}\n${join(dir, 'piped.txt')} is current\n`);
  });

  test('a terminal under CI, and --json on a terminal: no line at all', async () => {
    const ci = await inTerminal(['lock', 'requirements.in', '-o', 'ci.txt', '-i', server.url, ...TARGET], dir, { CI: 'true' });
    assert.equal(ci.code, 0, ci.output);
    assert.doesNotMatch(ci.output.replace(/\r\n/g, '\n'), /[\r\x1b]/);
    assert.equal(ci.output.split('\r\n').length, 3, ci.output);

    const json = await inTerminal(['lock', 'requirements.in', '-o', 'json.txt', '--json', '-i', server.url, ...TARGET], dir);
    assert.equal(json.code, 0, json.output);
    const text = json.output.replace(/\r\n/g, '\n');
    assert.doesNotMatch(text, /[\r\x1b]/);
    const data = JSON.parse(text) as { outcome: string; packages: unknown[] };
    assert.equal(data.outcome, 'written');
    assert.equal(data.packages.length, 3);
  });
});
