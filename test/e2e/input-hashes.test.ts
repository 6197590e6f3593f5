// `--hash` options in the inputs are honoured as pip honours them (#10): a locked file's computed
// sha256 must be among them. Files the hashes do not allow are left out with a warning; no
// allowed file is exit 1 naming the pin, the input line and the digests computed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../helpers/dists.js';
import { buildUniverse } from '../helpers/index-server.js';
import { assertFailureMessage, hashesIn, pins } from './hostile-harness.js';
import { fileOf, grepForSecretsThenCleanUp, lockAgainstHostileIndex, usePreviousLock } from './hostile-harness-index.js';

usePreviousLock();

/** app 1.0 -> dep>=1; dep 1.0 has a wheel and an sdist. */
function graph() {
  const projects = buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } },
    { name: 'dep', versions: { '1.0': { sdist: true } } },
  ]);
  const wheel = sha256Hex(fileOf(projects, 'dep-1.0-').bytes);
  const sdist = sha256Hex(fileOf(projects, 'dep-1.0.tar.gz').bytes);
  return { projects, wheel, sdist };
}

test('dep with --hash of its wheel only: the lock has that wheel, the sdist is left out with a warning', async () => {
  const { projects, wheel, sdist } = graph();
  const { ws, result } = await lockAgainstHostileIndex({ projects, input: `app\ndep==1.0 --hash=sha256:${wheel.toUpperCase()}\n` });
  assert.equal(result.code, 0, result.stderr);
  const lock = await readFile(ws.output, 'utf8');
  assert.deepEqual(pins(lock), ['app==1.0', 'dep==1.0']);
  assert.ok(hashesIn(lock).has(wheel));
  assert.ok(!hashesIn(lock).has(sdist), 'the file the hashes do not allow is not locked');
  assert.match(result.stderr, /dep==1\.0: dep-1\.0\.tar\.gz is left out of the lock: its sha256 is not among the --hash options of requirements\.in:2/);
});

test('a --hash that matches no file: exit 1 naming the pin, the input line and the computed digests', async () => {
  const { projects, wheel } = graph();
  const { ws, result } = await lockAgainstHostileIndex({ projects, input: `app\ndep==1.0 --hash=sha256:${'0'.repeat(64)}\n` });
  assertFailureMessage(result, 1, [/dep==1\.0: none of its files has a digest the --hash options of requirements\.in:2 allow/, new RegExp(`dep-1\\.0-py3-none-any\\.whl sha256:${wheel}`)]);
  await ws.assertPreviousUntouched();
});

test('requirement and constraint hashes are intersected, as pip does: only the digest both allow is locked', async () => {
  const { projects, wheel, sdist } = graph();
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-constraints-'));
  try {
    const constraints = join(dir, 'constraints.txt');
    await writeFile(constraints, `dep==1.0 --hash=sha256:${sdist}\n`);
    const { ws, result } = await lockAgainstHostileIndex({ projects, input: `app\n-c ${constraints}\ndep --hash=sha256:${wheel} --hash=sha256:${sdist}\n` });
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(ws.output, 'utf8');
    assert.ok(hashesIn(lock).has(sdist));
    assert.ok(!hashesIn(lock).has(wheel), 'the constraint does not allow the wheel');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a --hash line whose marker does not hold for the target is left out, as pip leaves it out', async () => {
  const { projects, wheel } = graph();
  // pip-compile writes one line per platform, each with its own hashes; the target here is Linux.
  const input = `app\ndep==1.0 ; sys_platform == "linux" --hash=sha256:${wheel}\ndep==1.0 ; sys_platform == "win32" --hash=sha256:${'0'.repeat(64)} --hash=sha512:${'a'.repeat(128)}\n`;
  const { ws, result } = await lockAgainstHostileIndex({ projects, input });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(hashesIn(await readFile(ws.output, 'utf8')).has(wheel));
});

test('a sha512 --hash option: exit 2, says pin-hashes checks sha256 (never silently ignored)', async () => {
  const { projects } = graph();
  const { ws, result } = await lockAgainstHostileIndex({ projects, input: `app\ndep==1.0 --hash=sha512:${'a'.repeat(128)}\n` });
  assertFailureMessage(result, 2, [/requirements\.in:2: --hash=sha512:\.\.\. cannot be checked/]);
  await ws.assertPreviousUntouched();
});

grepForSecretsThenCleanUp();
