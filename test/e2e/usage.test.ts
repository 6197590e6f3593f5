// The command line as a person types it: a bad flag value is a usage error that names the flag
// (exit 2), never "internal error"; --version and --help answer without a network or an input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/paths.js';

const badValues: [string[], RegExp][] = [
  [['lock', '--concurrency', 'abc'], /^error: --concurrency must be a whole number from 1 to 64, not a number$/m],
  [['lock', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64, not 0/],
  [['check', '--concurrency', '2.5'], /--concurrency must be a whole number from 1 to 64, not 2\.5/],
  [['lock', '--python-version', '3'], /--python-version 3: expected X\.Y or X\.Y\.Z/],
  [['lock', '--index-strategy', 'best'], /index-strategy/],
];

for (const [args, message] of badValues) {
  test(`pin-hashes ${args.join(' ')}: a usage error naming the flag`, async () => {
    const result = await runCli(args);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /hint: See pin-hashes --help\./);
    assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
  });
}

test('--version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  const result = await runCli(['--version']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), pkg.version);
});

test('lock --help lists the flag table and its examples', async () => {
  const result = await runCli(['lock', '--help']);
  assert.equal(result.code, 0, result.stderr);
  for (const flag of ['--python-version', '--exclude-newer', '--require-attestations', '--format']) assert.ok(result.stdout.includes(flag), flag);
  assert.match(result.stdout, /requirements\.in -> requirements\.txt/);
});

test("V8's compile cache lives in pin-hashes' cache folder, or NODE_COMPILE_CACHE; --no-cache writes none", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pin-hashes-usage-'));
  try {
    const own = join(dir, 'cache');
    const first = await runCli(['--version'], { env: { PIN_HASHES_CACHE_DIR: own, NODE_COMPILE_CACHE: undefined } });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(readdirSync(join(own, 'compile-cache')).length > 0, 'a compile cache in the cache folder');

    const chosen = join(dir, 'chosen');
    const second = await runCli(['--version'], { env: { PIN_HASHES_CACHE_DIR: join(dir, 'unused'), NODE_COMPILE_CACHE: chosen } });
    assert.equal(second.code, 0, second.stderr);
    assert.ok(readdirSync(chosen).length > 0, "the user's NODE_COMPILE_CACHE");
    assert.equal(existsSync(join(dir, 'unused')), false);

    const none = join(dir, 'none');
    const third = await runCli(['lock', '--no-cache', '--help'], { env: { PIN_HASHES_CACHE_DIR: none, NODE_COMPILE_CACHE: undefined } });
    assert.equal(third.code, 0, third.stderr);
    assert.equal(existsSync(none), false, '--no-cache: no cache folder at all');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a list option takes one value per use: `--find-links DIR reqs.in` locks reqs.in (pip-compile users write it so)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pin-hashes-usage-'));
  try {
    mkdirSync(join(dir, 'wheels'));
    writeFileSync(join(dir, 'reqs.in'), '# nothing yet\n');
    const result = await runCli(['lock', '--no-index', '--find-links', 'wheels', 'reqs.in', '--find-links', 'wheels', '-o', '-', '--python-version', '3.12'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^# {4}pin-hashes lock .*--find-links wheels --find-links wheels --no-index reqs\.in$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('control characters an input file carries (TOML escapes) are shown escaped in messages, never sent to the terminal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pin-hashes-usage-'));
  try {
    writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "p"\ndependencies = ["\\u001b]0;pwned\\u0007\\u001b[2Jfoo"]\n');
    const result = await runCli(['lock', 'pyproject.toml', '--no-index', '-o', '-', '--python-version', '3.12'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(result.stderr, /[\u0000-\u0008\u000b-\u001f\u007f]/, 'no raw control character');
    assert.match(result.stderr, /\\u001b\]0;pwned\\u0007\\u001b\[2Jfoo/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A folder with a requirements.in, for command lines that fail before any request. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pin-hashes-usage-'));
  writeFileSync(join(dir, 'requirements.in'), 'app\n');
  return dir;
}

// Attacker cases (a pass over this session's command-line paths): each a usage or input error,
// exit 2, no stack, and the token nowhere in the output.
const HOSTILE_LINES: [string, string[], RegExp][] = [
  ['a URL with a token given to --trusted-root: refused (a file is wanted), the token masked', ['--trusted-root', 'https://tok123@127.0.0.1:1/root.json'], /^error: --trusted-root takes a file, not a URL \(https:\/\/127\.0\.0\.1:1\/root\.json\)$/m],
  ['a URL with a token given to -o', ['-o', 'http://u:tok123@127.0.0.1:1/out.txt'], /is not an existing folder/],
  ['-o into a folder that does not exist: said before any download', ['-o', 'nodir/out.txt'], /^error: cannot write nodir\/out\.txt: .*nodir is not an existing folder$/m],
  ['a find-links "URL" with backslashes and a token', ['-f', 'http:\\\\u:tok123@127.0.0.1:1/r'], /find-links|http:/],
  ['--dry-run=1 (yargs would read false and write the lock)', ['--dry-run=1'], /^error: --dry-run takes no value \(or =true \/ =false\), not =1$/m],
  ['--no-cache=yes', ['--no-cache=yes'], /--no-cache takes no value/],
  ['--cache-dir= (would write the cache into the current folder)', ['--cache-dir='], /^error: --cache-dir needs a value$/m],
  ['a trailing --cache-dir', ['--cache-dir'], /--cache-dir needs a value/],
];

for (const [name, args, message] of HOSTILE_LINES) {
  test(`lock ${args.join(' ')}: ${name}`, async () => {
    const dir = scratch();
    try {
      const result = await runCli(['lock', '--no-index', '-f', '.', '--python-version', '3.12', '--python-platform', 'x86_64-manylinux_2_36', ...args], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr + result.stdout, /tok123|internal error|\n\s+at /);
      assert.equal(existsSync(join(dir, 'requirements.txt')), false, 'nothing written');
      assert.deepEqual(readdirSync(dir).sort(), ['requirements.in'], 'no cache or other file in the working folder');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
