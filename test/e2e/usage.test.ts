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
