// The several-targets suites' shared fixture (targets.test.ts judges with pip 23, the machine's;
// targets-pip26.test.ts with pip >= 26): five targets, a graph whose dependencies hang on
// sys_platform, platform_machine and python_version markers and on platform wheels, what pip
// must install on each target, and a folder holding the lock the built CLI made for them.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer, type RequestRecord } from '../helpers/index-server.js';
import { runCli } from '../helpers/cli.js';
import { hostPythonVersion, pipAvailable } from '../helpers/pip.js';
import { parsePythonPlatform } from '../../src/pep/tags.js';
import { makeTarget } from '../../src/pep/target.js';

export const HOST = pipAvailable() ? hostPythonVersion() : '3.11.7';
const [HOST_MAJOR = '3', HOST_MINOR = '11'] = HOST.split('.');
/** The other targets' Python: the host's next minor, so python_version tells the host apart. */
export const NEXT = `${HOST_MAJOR}.${Number(HOST_MINOR) + 1}`;
export const cpHost = `cp${HOST_MAJOR}${HOST_MINOR}`;
export const cpNext = `cp${NEXT.replace('.', '')}`;

export const TARGETS = [
  { label: 'linux-x86_64', spec: `x86_64-manylinux_2_28@${NEXT}` },
  { label: 'linux-aarch64', spec: `aarch64-manylinux_2_28@${NEXT}` },
  { label: 'macos-arm64', spec: `aarch64-apple-darwin@${NEXT}` },
  { label: 'windows-amd64', spec: `x86_64-pc-windows-msvc@${NEXT}` },
  { label: 'host', spec: `x86_64-manylinux_2_28@${HOST}` },
];

export function target(spec: string) {
  const at = spec.lastIndexOf('@');
  return makeTarget(spec.slice(at + 1), parsePythonPlatform(spec.slice(0, at)));
}

/** What pip installs on each target: the lock's lines whose markers hold there. */
export const EXPECTED: Record<string, Record<string, string>> = {
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

export const PROJECTS = universe();

/** Lock lines: `name==version` and the marker, if any. */
export function lines(lock: string): { pin: string; marker: string | null; hashes: number }[] {
  const out: { pin: string; marker: string | null; hashes: number }[] = [];
  for (const line of lock.split('\n')) {
    const head = /^([a-z0-9-]+==[^ ;]+)(?: ; (.*?))? \\$/.exec(line);
    if (head) out.push({ pin: head[1]!, marker: head[2] ?? null, hashes: 0 });
    else if (/^ {4}--hash=sha256:/.test(line)) out[out.length - 1]!.hashes++;
  }
  return out;
}

export interface TargetsFixture {
  server: IndexServer;
  dir: string;
  /** The index's log of the first lock's requests. */
  lockRequests: RequestRecord[];
  /** `--target` for each target, in TARGETS' order. */
  targetArgs: string[];
}

/**
 * Registers before/after hooks in the calling describe(): the index, a folder with
 * requirements.in (`app`) and requirements.txt locked for TARGETS. Fields are set once `before` ran.
 */
export function useTargetsFixture(label: string): TargetsFixture {
  const fixture = { targetArgs: TARGETS.flatMap((t) => ['--target', t.spec]) } as TargetsFixture;
  before(async () => {
    // No .metadata files: pip reads each wheel it picks, so its digest is checked, dry run or not.
    fixture.server = await startIndexServer({ projects: PROJECTS, metadataFiles: false });
    fixture.dir = await mkdtemp(join(tmpdir(), `pin-hashes-${label}-`));
    await writeFile(join(fixture.dir, 'requirements.in'), 'app\n');
    const locked = await runCli(['lock', 'requirements.in', '-i', fixture.server.url, '-o', 'requirements.txt', ...fixture.targetArgs], { cwd: fixture.dir });
    assert.equal(locked.code, 0, locked.stderr);
    fixture.lockRequests = [...fixture.server.requests];
  });
  after(async () => {
    await fixture.server?.close();
    await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
