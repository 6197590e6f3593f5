// A pip-compile user changes the command's name and keeps their flags: each pip-compile flag
// pin-hashes knows is honoured with a note or refused with its reason (exit 2), an unknown flag is
// named as typed, and pip-compile's headline invocation works with `pin-hashes lock` in its place
// (and pip installs the result in hash-checking mode).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  [['--no-allow-unsafe'], 2, /^error: --no-allow-unsafe is not supported: pip's hash-checking mode needs every package it installs pinned/m],
  [['--no-upgrade'], 0, /^note: --no-upgrade: the default: the existing lock's pins are kept/m],
  [['--reuse-hashes'], 0, /^note: --reuse-hashes: pin-hashes never takes a hash from the existing lock or the index/m],
  [['--no-reuse-hashes'], 0, /^note: --no-reuse-hashes: pin-hashes never takes a hash/m],
  [['--rebuild'], 0, /^note: --rebuild: as --no-cache: every page asked and every file downloaded and hashed again/m],
  [['--emit-options'], 0, /^note: --emit-options: the lock writes the pip options asked for one by one: --emit-index-url/m, { lacks: /^--index-url/m }],
  [['--no-emit-options'], 0, /^note: --no-emit-options: the default/m, { lacks: /^--index-url/m }],
  [['--trusted-host', 'pypi.example'], 2, /^error: --trusted-host is not supported: pin-hashes verifies the certificate of every https index: .*--cert/m],
  [['--emit-trusted-host'], 0, /^note: --emit-trusted-host: nothing to emit/m, { lacks: /--trusted-host/ }],
  [['--no-emit-trusted-host'], 0, /^note: --no-emit-trusted-host: the default/m],
  [['--client-cert', 'me.pem'], 2, /^error: --client-cert is not supported: client certificates \(mutual TLS\) are not supported yet/m],
  [['--newline', 'LF'], 0, /^note: --newline LF: the lock is written with LF line endings/m, { lacks: /\r/ }],
  [['--newline=preserve'], 0, /^note: --newline preserve: the lock is written with LF/m, { lacks: /\r/ }],
  [['--newline', 'CRLF'], 2, /^error: --newline CRLF is not supported: locks are written with LF line endings/m],
  [['--newline', 'mac'], 2, /Argument: newline, Given: "mac", Choices: "LF", "CRLF", "native", "preserve"/],
  [['--config', 'pyproject.toml'], 2, /^error: --config is not supported: pin-hashes reads no pip-tools configuration; .*\[tool\.pin-hashes\]/m],
  [['--no-config'], 0, /^note: --no-config: always so: pin-hashes reads no pip-tools configuration/m],
  [['--build-deps-for', 'wheel'], 2, /^error: --build-deps-for is not supported: pin-hashes never builds a package, so it locks no build dependencies/m],
  [['--all-build-deps'], 2, /^error: --all-build-deps is not supported/m],
  [['--only-build-deps'], 2, /^error: --only-build-deps is not supported/m],
  [['--frobnicate', '--no-frob'], 2, /^error: Unknown options: --frobnicate, --no-frob$/m],
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

  test('a refused flag after a global option (-q lock ... --trusted-host): still refused', async () => {
    for (const args of [['-q', 'lock', '--trusted-host', 'h'], ['-v', '-q', 'lock', '--config=x.toml'], ['--quiet', 'lock', '--no-allow-unsafe']]) {
      const result = await runCli([...args, 'pyproject.toml', '-o', 'q.txt', '-i', server.url, '--python-version', '3.12', ...PLATFORM], { cwd: dir });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^error: --[a-z-]+ is not supported: /m);
    }
    await assert.rejects(readFile(join(dir, 'q.txt')), 'no lock written');
  });

  test('a flag that takes a value, given none (--targets last, -q lock --concurrency --refresh): a usage error, nothing locked', async () => {
    for (const args of [['lock', '--targets'], ['-q', 'lock', '--concurrency', '--refresh']]) {
      const result = await runCli([...args, '-o', 'q.txt', '-i', server.url, '--python-version', '3.12', ...PLATFORM, 'pyproject.toml'], { cwd: dir });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^error: --(targets|concurrency) needs a value$/m);
    }
    await assert.rejects(readFile(join(dir, 'q.txt')), 'no lock written');
  });

  test("-n (pip-compile's --dry-run): everything but the writing", async () => {
    const result = await runCli(['lock', 'pyproject.toml', '-n', '-o', 'dry.txt', '-i', server.url, '--python-version', '3.12', ...PLATFORM], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Dry run: would write 2 packages to .*dry\.txt /m);
    await assert.rejects(readFile(join(dir, 'dry.txt')), 'nothing written');
  });

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

  test('--emit-index-url keeps an index written as ${VAR} as written, --emit-find-links quotes a folder with a space; pip installs the lock', async (t) => {
    const sub = join(dir, 'emit');
    await mkdir(join(sub, 'my wheels'), { recursive: true });
    await writeFile(join(sub, 'requirements.in'), '-i ${MY_INDEX}\n-f "my wheels"\napp-core\n');
    const version = pipAvailable() ? hostPythonVersion() : '3.12';
    const env = { MY_INDEX: server.url };
    const result = await runCli(['lock', '--emit-index-url', '--emit-find-links', '--python-version', version], { cwd: sub, env });
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(join(sub, 'requirements.txt'), 'utf8');
    // No '/' added after the placeholder: MY_INDEX usually ends in one, and pip would ask for '.../simple//'.
    assert.match(lock, /^--index-url \$\{MY_INDEX\}\n--find-links 'my wheels'\n\napp-core==1\.0 \\$/m);
    assert.ok(!lock.includes(server.url), 'the expanded value is not written');
    if (!pipAvailable()) return t.skip('no pip on this machine');
    const pip = await pipInstall(['--require-hashes', '--target', join(sub, 'site'), '-r', join(sub, 'requirements.txt')], env);
    assert.equal(pip.code, 0, pip.output);
    assert.match(pip.output, /Successfully installed app-core-1\.0 helper-lib-2\.0/);
  });

  test('a folder name with a line break is refused, not written as a line pip obeys', async () => {
    const sub = join(dir, 'broken');
    await mkdir(join(sub, 'x\n--no-index'), { recursive: true });
    await writeFile(join(sub, 'requirements.in'), 'app-core\n');
    const result = await runCli(['lock', '-i', server.url, '-f', 'x\n--no-index', '--emit-find-links', '--python-version', '3.12', ...PLATFORM], { cwd: sub });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /cannot be written into the lock('s header)?: it holds a line break/);
  });
});
