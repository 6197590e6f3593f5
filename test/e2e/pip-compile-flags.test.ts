// A pip-compile user changes the command's name and keeps their flags: each pip-compile flag
// pin-hashes knows is honoured with a note or refused with its reason (exit 2), an unknown flag is
// named as typed, and pip-compile's headline invocation works with `pin-hashes lock` in its place
// (and pip installs the result in hash-checking mode).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { runCli } from '../helpers/cli.js';
import { hostPythonVersion, pipAvailable, pipInstall } from '../helpers/pip.js';

const PLATFORM = ['--python-platform', 'x86_64-manylinux_2_36'];

/** pip-compile flag (as typed) -> exit code, what stderr must say, and (exit 0) what the lock must hold and must not. */
const FLAGS: [string[], number, RegExp, { has?: RegExp; lacks?: RegExp }?][] = [
  [['--generate-hashes'], 0, /^note: --generate-hashes: always on: every pin gets --hash lines/m],
  [['--allow-unsafe'], 0, /^note: --allow-unsafe: always on: pip, setuptools and wheel are pinned/m],
  [['--header'], 0, /^note: --header: always on/m],
  [['--resolver', 'backtracking'], 0, /^note: --resolver backtracking: always so/m],
  [['--resolver=legacy'], 2, /^error: --resolver legacy is not supported: pin-hashes resolves as pip's backtracking resolver does/m],
  [['--no-header'], 2, /^error: --no-header is not supported: the header holds the command, target and indexes that `pin-hashes check` regenerates/m],
  [['--pip-args', '--no-deps'], 2, /^error: --pip-args is not supported: pin-hashes runs no pip/m],
  [['--pip-args=--no-deps'], 2, /^error: --pip-args is not supported/m],
  [['--build-isolation'], 2, /^error: --build-isolation is not supported: pin-hashes never builds a package/m],
  [['--no-build-isolation'], 2, /^error: --no-build-isolation is not supported/m],
  [['--annotate'], 0, /^note: --annotate: the default/m, { has: /^    # via app-core$/m }],
  [['--no-annotate'], 0, /(?:)/, { lacks: /# via/ }],
  [['--annotation-style=line'], 0, /(?:)/, { has: /^    # via my-app \(pyproject\.toml\)$/m }],
  [['--annotation-style', 'split'], 0, /(?:)/, { has: /^    # via app-core$/m }],
  [['--annotation-style=column'], 2, /Argument: annotation-style, Given: "column", Choices: "split", "line"/],
  [['--strip-extras'], 0, /^note: --strip-extras: always so: pins carry no extras/m],
  [['--no-strip-extras'], 2, /^error: --no-strip-extras is not supported: pins carry no extras here/m],
  [['--no-emit-index-url'], 0, /^note: --no-emit-index-url: the default: the lock names its indexes only in comments/m, { lacks: /^--index-url/m }],
  [['--emit-index-url'], 0, /(?:)/, { has: /^--index-url http:\/\/127\.0\.0\.1:\d+\/simple\/\n\napp-core==1\.0 \\$/m }],
  [['--no-emit-find-links'], 0, /^note: --no-emit-find-links: the default/m, { lacks: /^--find-links/m }],
  [['--max-rounds=10'], 0, /^note: --max-rounds 10: not needed/m],
  [['--max-rounds', 'many'], 2, /^error: --max-rounds must be a whole number from 1 to 1000000, not a number$/m],
  [['--unsafe-package', 'pip'], 2, /^error: --unsafe-package is not supported: pip's hash-checking mode needs every package it installs pinned/m],
  [['--no-emit-package=setuptools'], 2, /^error: --no-emit-package is not supported/m],
  [['--custom-compile-command', 'make lock'], 2, /^error: --custom-compile-command is not supported: `pin-hashes check` regenerates the lock from the command in its header/m],
  [['--emit-trusted-host', '--no-reuse-hashes'], 2, /^error: Unknown options: --emit-trusted-host, --no-reuse-hashes$/m],
];

describe('pip-compile flags', () => {
  let server: IndexServer;
  let dir: string;
  before(async () => {
    server = await startIndexServer({
      projects: buildUniverse([
        { name: 'app-core', versions: { '1.0': { requiresDist: ['helper-lib>=1'] } } },
        { name: 'helper-lib', versions: { '1.0': {}, '2.0': {} } },
      ]),
    });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-pip-compile-'));
    await writeFile(join(dir, 'pyproject.toml'), '[project]\nname = "my-app"\nversion = "1.0"\ndependencies = ["app-core"]\n');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const [flag, code, said, lock] of FLAGS) {
    test(`pin-hashes lock ${flag.join(' ')}: exit ${code}`, async () => {
      const result = await runCli(['lock', 'pyproject.toml', '-o', '-', '-i', server.url, '--python-version', '3.12', ...PLATFORM, ...flag], { cwd: dir });
      assert.equal(result.code, code, result.stderr);
      assert.match(result.stderr, said);
      assert.doesNotMatch(result.stderr, /generateHashes|allowUnsafe|stripExtras|maxRounds|noEmitIndexUrl|noAnnotate|annotationStyle|emitIndexUrl/, 'no camelCase twin');
      if (code === 0) assert.match(result.stdout, /^app-core==1\.0 \\$/m);
      if (lock?.has) assert.match(result.stdout, lock.has);
      if (lock?.lacks) assert.doesNotMatch(result.stdout, lock.lacks);
    });
  }

  test('CUSTOM_COMPILE_COMMAND (set for pip-compile by CI setups): a note, the header keeps our command', async () => {
    const result = await runCli(['lock', 'pyproject.toml', '-o', '-', '-i', server.url, '--python-version', '3.12', ...PLATFORM], { cwd: dir, env: { CUSTOM_COMPILE_COMMAND: 'make lock' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^note: CUSTOM_COMPILE_COMMAND is not used: the header keeps pin-hashes' own command/m);
    assert.match(result.stdout, /^# {4}pin-hashes lock /m);
    assert.doesNotMatch(result.stdout, /make lock/);
  });

  test('-c FILE (pip-compile --constraint): the constraints bound the lock, the header records them, check follows them', async () => {
    await writeFile(join(dir, 'constraints.txt'), 'helper-lib<2\n');
    const result = await runCli(['lock', 'pyproject.toml', '-c', 'constraints.txt', '-o', 'constrained.txt', '-i', server.url, '--python-version', '3.12', ...PLATFORM], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(join(dir, 'constrained.txt'), 'utf8');
    assert.match(lock, /^helper-lib==1\.0 \\$/m, 'the constraint holds');
    assert.match(lock, /^# {4}pin-hashes lock .*--constraint constraints\.txt .*pyproject\.toml$/m);
    const current = await runCli(['check', 'constrained.txt'], { cwd: dir });
    assert.equal(current.code, 0, current.stderr + current.stdout);
    await writeFile(join(dir, 'constraints.txt'), 'helper-lib>=2\n');
    const stale = await runCli(['check', 'constrained.txt'], { cwd: dir });
    assert.equal(stale.code, 1, stale.stderr + stale.stdout);
    assert.match(stale.stdout, /^\+helper-lib==2\.0 \\$/m);
  });

  test('pip-compile --generate-hashes --allow-unsafe -o requirements.txt pyproject.toml, with pin-hashes lock in its place', async () => {
    const version = pipAvailable() ? hostPythonVersion() : '3.12';
    const result = await runCli(['lock', '--generate-hashes', '--allow-unsafe', '-o', 'requirements.txt', 'pyproject.toml', '-i', server.url, '--python-version', version], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(join(dir, 'requirements.txt'), 'utf8');
    assert.match(lock, /^app-core==1\.0 \\\n {4}--hash=sha256:[0-9a-f]{64}/m);
    assert.match(lock, /^helper-lib==2\.0 \\$/m);
    // The header's command is pin-hashes' own: the pip-compile flags are not in it.
    assert.match(lock, /^# {4}pin-hashes lock .* pyproject\.toml$/m);
    assert.doesNotMatch(lock, /generate-hashes|allow-unsafe/);
    const check = await runCli(['check', 'requirements.txt'], { cwd: dir });
    assert.equal(check.code, 0, check.stderr + check.stdout);
    if (!pipAvailable()) return;
    const pip = await pipInstall(['--require-hashes', '--target', join(dir, 'site'), '--index-url', server.url, '-r', join(dir, 'requirements.txt')]);
    assert.equal(pip.code, 0, pip.output);
    assert.match(pip.output, /Successfully installed app-core-1\.0 helper-lib-2\.0/);
  });
});
