// A pylock.toml is input too: `lock` reads an existing one for its pins, `check` for everything.
// Malformed, hostile or foreign ones are clear errors (or, for lock's preferences, ignored), never
// a crash, a hang or a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startIndexServer } from '../helpers/index-server.js';
import { TARGET, makeWorkspace } from './hostile-harness.js';
import { grepForSecretsThenCleanUp, smallGraph } from './hostile-harness-index.js';

const cases: [string, string, RegExp, number][] = [
  ['not TOML', 'lock-version = "1.0\n[[packages]\n', /pylock\.toml cannot be read as a pylock\.toml: Invalid TOML/, 2],
  ['nested 100,000 arrays deep', `a = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, /cannot be read as a pylock\.toml: .*excessively nested/, 2],
  ['another tool\'s pylock (no [tool.pin-hashes])', 'lock-version = "1.0"\ncreated-by = "uv"\n[[packages]]\nname = "dep"\nversion = "1.0"\n', /has no "pin-hashes lock" command/, 2],
  ['wrong types everywhere', 'packages = "dep"\n[tool.pin-hashes]\ncommand = [1, 2]\ncooldown-reference = 7\n', /has no "pin-hashes lock" command/, 2],
];

for (const [what, text, message, code] of cases) {
  test(`check of a pylock.toml that is ${what}: exit ${code}, a message, no stack trace`, async () => {
    const ws = await makeWorkspace('app\n', 'hostile-pylock');
    await writeFile(join(ws.dir, 'pylock.toml'), text);
    const started = performance.now();
    const result = await ws.run(['check', 'pylock.toml']);
    assert.equal(result.code, code, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.ok(performance.now() - started < 20_000, 'no hang');
  });
}

test('lock over a hostile or foreign pylock.toml: its pins are used where they read, the rest is ignored, and it is replaced', async () => {
  const server = await startIndexServer({ projects: smallGraph() });
  try {
    for (const text of [
      'packages = [{ name = 7 }, { name = "dep", version = "not a version", wheels = [{ hashes = { sha256 = "zz" } }] }, "x"]\n[tool]\npin-hashes = 3\n',
      'lock-version = "1.0"\ncreated-by = "uv"\n[[packages]]\nname = "dep"\nversion = "1.0"\nsdist = { url = "https://elsewhere.example/dep-1.0.tar.gz", hashes = { sha256 = "' + 'a'.repeat(64) + '" } }\n',
    ]) {
      const ws = await makeWorkspace('app\n', 'hostile-pylock');
      await writeFile(join(ws.dir, 'pylock.toml'), text);
      const result = await ws.run(['lock', 'requirements.in', '-i', server.url, ...TARGET, '-o', 'pylock.toml']);
      assert.equal(result.code, 0, result.stderr);
      const written = await readFile(join(ws.dir, 'pylock.toml'), 'utf8');
      assert.match(written, /^created-by = "pin-hashes"$/m);
      assert.doesNotMatch(written, /elsewhere\.example/, 'a URL from the old file is never carried over');
    }
  } finally {
    await server.close();
  }
});

test('lock over a pylock.toml that is not TOML: exit 2 naming it, the file left alone', async () => {
  const server = await startIndexServer({ projects: smallGraph() });
  try {
    const ws = await makeWorkspace('app\n', 'hostile-pylock');
    await writeFile(join(ws.dir, 'pylock.toml'), '[[[broken');
    const result = await ws.run(['lock', 'requirements.in', '-i', server.url, ...TARGET, '-o', 'pylock.toml']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /pylock\.toml cannot be read as a pylock\.toml/);
    assert.equal(await readFile(join(ws.dir, 'pylock.toml'), 'utf8'), '[[[broken');
  } finally {
    await server.close();
  }
});

grepForSecretsThenCleanUp();
