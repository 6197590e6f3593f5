// End to end: one lock for five targets (Linux x86_64 and aarch64, macOS arm64, Windows amd64 on
// one Python, and this machine's Linux on its own Python) of a graph whose dependencies hang on
// sys_platform, platform_machine and python_version markers and on platform wheels. The built
// CLI locks it against a loopback index; then, for each target, real pip with that target's
// --platform/--python-version/--implementation/--abi and --only-binary :all: (and the target's
// marker environment: test/helpers/pip-target.ts says why) accepts the merged lock in
// --require-hashes --dry-run mode and installs exactly the lines whose markers hold there; pip
// installs it on this machine for real. Also: markers only where targets differ, hashes only of
// files a target that chose the line can install (every file with --all-files), a package no
// target-compatible file exists for fails naming both, and check is clean, then stale.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { runCli } from '../helpers/cli.js';
import { sha256Hex } from '../helpers/dists.js';
import { hostPythonVersion, pipAvailable, pipInstall } from '../helpers/pip.js';
import { pip26 } from '../helpers/pip26.js';
import { pipDryRunOn } from '../helpers/pip-target.js';
import { python3 } from '../helpers/python.js';
import { parsePythonPlatform } from '../../src/pep/tags.js';
import { makeTarget } from '../../src/pep/target.js';
import { Marker } from '../../src/pep/markers.js';

const HOST = pipAvailable() ? hostPythonVersion() : '3.11.7';
const [HOST_MAJOR = '3', HOST_MINOR = '11'] = HOST.split('.');
/** The other targets' Python: the host's next minor, so python_version tells the host apart. */
const NEXT = `${HOST_MAJOR}.${Number(HOST_MINOR) + 1}`;
const cpHost = `cp${HOST_MAJOR}${HOST_MINOR}`;
const cpNext = `cp${NEXT.replace('.', '')}`;

const TARGETS = [
  { label: 'linux-x86_64', spec: `x86_64-manylinux_2_28@${NEXT}` },
  { label: 'linux-aarch64', spec: `aarch64-manylinux_2_28@${NEXT}` },
  { label: 'macos-arm64', spec: `aarch64-apple-darwin@${NEXT}` },
  { label: 'windows-amd64', spec: `x86_64-pc-windows-msvc@${NEXT}` },
  { label: 'host', spec: `x86_64-manylinux_2_28@${HOST}` },
];

function target(spec: string) {
  const at = spec.lastIndexOf('@');
  return makeTarget(spec.slice(at + 1), parsePythonPlatform(spec.slice(0, at)));
}

/** What pip installs on each target: the lock's lines whose markers hold there. */
const EXPECTED: Record<string, Record<string, string>> = {
  'linux-x86_64': { app: '1.0', 'common-lib': '2.0', native: '2.0', newlib: '2.0' },
  'linux-aarch64': { app: '1.0', 'common-lib': '2.0', armaccel: '1.0', native: '2.0', newlib: '2.0' },
  'macos-arm64': { app: '1.0', 'common-lib': '2.0', armaccel: '1.0', native: '2.0', newlib: '2.0' },
  'windows-amd64': { app: '1.0', 'common-lib': '2.0', winonly: '1.0', native: '1.0', newlib: '2.0' },
  host: { app: '1.0', 'common-lib': '2.0', backport: '1.0', native: '2.0', newlib: '1.0' },
};

function universe() {
  return buildUniverse([
    {
      name: 'app',
      versions: {
        '1.0': {
          requiresDist: [
            'common-lib>=1',
            'winonly; sys_platform == "win32"',
            'armaccel; platform_machine == "arm64" or platform_machine == "aarch64"',
            `backport; python_version < "${NEXT}"`,
            'native',
            'newlib',
          ],
        },
      },
    },
    { name: 'common-lib', versions: { '1.0': {}, '2.0': {} } },
    { name: 'winonly', versions: { '1.0': { wheelTags: [`${cpNext}-${cpNext}-win_amd64`] } } },
    // An x86_64 wheel no target that needs armaccel can install: not locked (but with --all-files).
    { name: 'armaccel', versions: { '1.0': { wheelTags: [`${cpNext}-${cpNext}-manylinux_2_28_aarch64`, `${cpNext}-${cpNext}-macosx_11_0_arm64`, `${cpNext}-${cpNext}-manylinux_2_28_x86_64`] } } },
    { name: 'backport', versions: { '1.0': {} } },
    {
      name: 'native',
      versions: {
        // No Windows wheel and no sdist: Windows keeps 1.0. The musllinux wheel fits no target.
        '2.0': {
          wheelTags: [
            `${cpNext}-${cpNext}-manylinux_2_28_x86_64`,
            `${cpHost}-${cpHost}-manylinux_2_28_x86_64`,
            `${cpNext}-${cpNext}-manylinux_2_28_aarch64`,
            `${cpNext}-${cpNext}-macosx_11_0_arm64`,
            `${cpNext}-${cpNext}-musllinux_1_2_x86_64`,
          ],
        },
        '1.0': { wheelTags: [`${cpNext}-${cpNext}-win_amd64`, 'py3-none-any'] },
      },
    },
    // 2.0 needs the newer Python: the host keeps 1.0.
    { name: 'newlib', versions: { '1.0': {}, '2.0': { requiresPython: `>=${NEXT}` } } },
    { name: 'winextra', versions: { '1.0': {} } },
    // Wheels for Linux only, no sdist.
    { name: 'linuxonly', versions: { '1.0': { wheelTags: [`${cpNext}-${cpNext}-manylinux_2_28_x86_64`, `${cpHost}-${cpHost}-manylinux_2_28_x86_64`] } } },
  ]);
}

const PROJECTS = universe();

/** Lock lines: `name==version` and the marker, if any. */
function lines(lock: string): { pin: string; marker: string | null; hashes: number }[] {
  const out: { pin: string; marker: string | null; hashes: number }[] = [];
  for (const line of lock.split('\n')) {
    const head = /^([a-z0-9-]+==[^ ;]+)(?: ; (.*?))? \\$/.exec(line);
    if (head) out.push({ pin: head[1]!, marker: head[2] ?? null, hashes: 0 });
    else if (/^ {4}--hash=sha256:/.test(line)) out[out.length - 1]!.hashes++;
  }
  return out;
}

describe('one lock for five targets', () => {
  let server: IndexServer;
  let dir: string;
  const targetArgs = TARGETS.flatMap((t) => ['--target', t.spec]);

  before(async () => {
    // No .metadata files: pip reads each wheel it picks, so its digest is checked, dry run or not.
    server = await startIndexServer({ projects: PROJECTS, metadataFiles: false });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-targets-'));
    await writeFile(join(dir, 'requirements.in'), 'app\n');
    const locked = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', 'requirements.txt', ...targetArgs], { cwd: dir });
    assert.equal(locked.code, 0, locked.stderr);
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('one lock: markers only where the targets differ, minimal, and the header names the five targets', async () => {
    const lock = await readFile(join(dir, 'requirements.txt'), 'utf8');
    assert.deepEqual(
      lines(lock).map(({ pin, marker }) => (marker === null ? pin : `${pin} ; ${marker}`)),
      [
        'app==1.0',
        // No macOS x86_64 target here: darwin is Apple silicon.
        'armaccel==1.0 ; platform_machine == "aarch64" or sys_platform == "darwin"',
        `backport==1.0 ; python_version < "${NEXT}"`,
        'common-lib==2.0',
        'native==1.0 ; sys_platform == "win32"',
        'native==2.0 ; sys_platform != "win32"',
        `newlib==1.0 ; python_version < "${NEXT}"`,
        `newlib==2.0 ; python_version >= "${NEXT}"`,
        'winonly==1.0 ; sys_platform == "win32"',
      ],
    );
    assert.match(lock, /^# This file is autogenerated by pin-hashes \S+ for 5 targets:\n#   CPython [\d.]+ on x86_64-manylinux_2_28\n/m);
    assert.match(lock, new RegExp(`#    pin-hashes lock ${TARGETS.map((t) => `--target ${t.spec.replace('aarch64-apple-darwin', 'arm64-macosx_13_0').replace(/@(\d+\.\d+)$/, '@$1.0')}`).join(' ').replace(/\./g, '\\.')} --index-url `));
  });

  test('hashes: the files a target that chose the line can install, no more', async () => {
    const byPin = new Map(lines(await readFile(join(dir, 'requirements.txt'), 'utf8')).map((l) => [l.pin, l.hashes]));
    // aarch64 and arm64 wheels; not the x86_64 one.
    assert.equal(byPin.get('armaccel==1.0'), 2);
    // Two x86_64 Linux wheels (two Pythons), aarch64, macOS arm64; not musllinux.
    assert.equal(byPin.get('native==2.0'), 4);
    assert.equal(byPin.get('native==1.0'), 2);
  });

  test('--all-files keeps every file of each pinned version, as a one-target lock does', async () => {
    const result = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', 'all-files.txt', '--all-files', ...targetArgs], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(join(dir, 'all-files.txt'), 'utf8');
    const byPin = new Map(lines(lock).map((l) => [l.pin, l.hashes]));
    assert.equal(byPin.get('armaccel==1.0'), 3);
    assert.equal(byPin.get('native==2.0'), 5);
    assert.match(lock, /--all-files/);
  });

  for (const { label, spec } of TARGETS) {
    test(`pip on ${label} (${spec}) accepts the lock and installs exactly the lines whose markers hold there`, async (t) => {
      if (!pipAvailable()) return t.skip('no pip');
      const lockPath = join(dir, 'requirements.txt');
      const lock = await readFile(lockPath, 'utf8');
      const env = target(spec).markerEnvironment;
      const holding = Object.fromEntries(
        lines(lock)
          .filter((l) => l.marker === null || Marker.parse(l.marker).evaluate(env))
          .map((l) => l.pin.split('==') as [string, string]),
      );
      assert.deepEqual(holding, EXPECTED[label]);
      const run = await pipDryRunOn(python3, target(spec), ['--require-hashes', '--index-url', server.url, '-r', lockPath], join(dir, `report-${label}.json`));
      assert.equal(run.code, 0, run.output.slice(-3000));
      assert.deepEqual(run.installs, EXPECTED[label]);
    });
  }

  test('the harness can fail: without the hash of the macOS wheel of native, pip on macOS refuses the lock', async (t) => {
    if (!pipAvailable()) return t.skip('no pip');
    const lock = (await readFile(join(dir, 'requirements.txt'), 'utf8')).split('\n');
    const wheel = PROJECTS.flatMap((p) => p.files).find((f) => f.filename === `native-2.0-${cpNext}-${cpNext}-macosx_11_0_arm64.whl`);
    assert.ok(wheel, 'the macOS wheel of native 2.0 is served');
    const at = lock.findIndex((line) => line.includes(`--hash=sha256:${sha256Hex(wheel.bytes)}`));
    assert.ok(at > 0, 'its hash is in the lock');
    const [removed = ''] = lock.splice(at, 1);
    // The line before ends the hashes now if the removed one did.
    if (!removed.endsWith('\\')) lock[at - 1] = (lock[at - 1] ?? '').replace(/ \\$/, '');
    await writeFile(join(dir, 'without-mac-hash.txt'), lock.join('\n'));
    const run = await pipDryRunOn(python3, target(`aarch64-apple-darwin@${NEXT}`), ['--require-hashes', '--index-url', server.url, '-r', join(dir, 'without-mac-hash.txt')], join(dir, 'report-without.json'));
    assert.notEqual(run.code, 0, 'pip accepted a lock without the hash of the file it picks');
    assert.match(run.output, /hash/i);
  });

  test('pip >= 26 on each target decides the same (skipped when it cannot be had)', async (t) => {
    const venv = pip26();
    if ('skip' in venv) return t.skip(venv.skip);
    for (const { label, spec } of TARGETS) {
      const run = await pipDryRunOn(venv.python, target(spec), ['--require-hashes', '--index-url', server.url, '-r', join(dir, 'requirements.txt')], join(dir, `report26-${label}.json`));
      assert.equal(run.code, 0, `${label}: ${run.output.slice(-3000)}`);
      assert.deepEqual(run.installs, EXPECTED[label], label);
    }
  });

  test('pip installs it on this machine for real: the host target', async (t) => {
    if (!pipAvailable()) return t.skip('no pip');
    const site = join(dir, 'site');
    const pip = await pipInstall(['--require-hashes', '--target', site, '--index-url', server.url, '-r', join(dir, 'requirements.txt')]);
    assert.equal(pip.code, 0, pip.output.slice(-3000));
    const installed = /Successfully installed (.*)/.exec(pip.output)?.[1]?.split(' ').sort();
    assert.deepEqual(installed, Object.entries(EXPECTED['host']!).map(([name, version]) => `${name}-${version}`).sort());
  });

  test('check on the merged lock is clean; a new dependency for one target makes it stale', async () => {
    const clean = await runCli(['check', 'requirements.txt'], { cwd: dir });
    assert.equal(clean.code, 0, `${clean.stdout}\n${clean.stderr}`);
    const verified = await runCli(['check', 'requirements.txt', '--verify'], { cwd: dir });
    assert.equal(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
    await writeFile(join(dir, 'requirements.in'), 'app\nwinextra; sys_platform == "win32"\n');
    try {
      const stale = await runCli(['check', 'requirements.txt'], { cwd: dir });
      assert.equal(stale.code, 1, stale.stderr);
      assert.match(stale.stdout, /^\+winextra==1\.0 ; sys_platform == "win32" \\$/m);
      assert.match(stale.stderr, /stale/);
    } finally {
      await writeFile(join(dir, 'requirements.in'), 'app\n');
    }
  });

  test('a package with wheels for some targets only and no sdist fails the lock, naming the target and the package', async () => {
    await writeFile(join(dir, 'linuxonly.in'), 'linuxonly\n');
    const result = await runCli(['lock', 'linuxonly.in', '-i', server.url, '-o', '-', ...targetArgs], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /For CPython [\d.]+ on aarch64-manylinux_2_28: /);
    assert.match(result.stderr, /linuxonly/);
    assert.match(result.stderr, /no file compatible with CPython [\d.]+ on aarch64-manylinux_2_28/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
});
