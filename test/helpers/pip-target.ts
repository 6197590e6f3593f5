// Real pip as if it ran on another target: `pip install --dry-run --report` with the target's
// --platform (every platform tag it accepts), --python-version, --implementation cp and --abi, and
// --only-binary :all:, isolated from this machine's configuration.
//
// pip's --platform and --python-version change which files it may pick and the Requires-Python
// check, but not marker evaluation: pip evaluates a requirement's marker against the interpreter
// it runs in, whatever --platform says. So the harness hands pip's vendored packaging the marker
// environment of the target (the one pep/target.ts makes, which target.test.ts holds to what real
// interpreters report), and pip then decides every line of the lock as it would there.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { platformTags } from '../../src/pep/tags.js';
import type { Target } from '../../src/pep/target.js';
import { normalizeName } from './dists.js';
import { isolatedPipEnv } from './pip.js';

//
// pip 23.2's install command also leaves --python-version out of its resolver (its download
// command passes it; pip 26 does both), so a Requires-Python in metadata is checked against the
// running interpreter: the harness passes it there too, where pip 26 would.
const PATCHED_PIP = [
  'import json, sys',
  'environment = json.loads(sys.argv[1])',
  'import pip._vendor.packaging.markers as markers',
  'markers.default_environment = lambda: dict(environment)',
  'from pip._internal.resolution.resolvelib import factory',
  'version = tuple(int(part) for part in environment["python_full_version"].split(".")[:3])',
  'original = factory.Factory.__init__',
  'def init(self, *args, **kwargs):',
  '    if kwargs.get("py_version_info") is None: kwargs["py_version_info"] = version',
  '    original(self, *args, **kwargs)',
  'factory.Factory.__init__ = init',
  'from pip._internal.cli.main import main',
  'sys.exit(main(sys.argv[2:]))',
].join('\n');

/** pip's options for the target: its platform tags, Python and ABI, wheels only. */
export function pipTargetArgs(target: Target): string[] {
  const [major, minor] = target.pythonVersion.exact.release;
  const platforms = platformTags(target.platform).flatMap((tag) => ['--platform', tag]);
  return [...platforms, '--python-version', `${major}.${minor}`, '--implementation', 'cp', '--abi', `cp${major}${minor}`, '--only-binary', ':all:'];
}

export interface PipTargetRun {
  code: number | null;
  output: string;
  /** name -> version, from the report; empty when pip failed. */
  installs: Record<string, string>;
}

/** `python`'s pip, deciding as on `target`, on `args` (e.g. `--require-hashes -r lock --index-url URL`). */
export async function pipDryRunOn(python: string, target: Target, args: readonly string[], reportPath: string, timeoutMs = 120_000): Promise<PipTargetRun> {
  const argv = [
    '-c',
    PATCHED_PIP,
    JSON.stringify(target.markerEnvironment),
    'install',
    '--isolated',
    '--no-cache-dir',
    '--disable-pip-version-check',
    '--no-input',
    '--dry-run',
    '--ignore-installed',
    '--quiet',
    '--report',
    reportPath,
    // pip 23 takes platform options only with --target (nothing is written in a dry run).
    '--target',
    join(dirname(reportPath), 'pip-target-unused'),
    ...pipTargetArgs(target),
    ...args,
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(python, argv, { env: isolatedPipEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const timer = setTimeout(() => {
      text += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ code: status, output: text });
    });
  });
  const installs: Record<string, string> = {};
  if (code === 0) {
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as { install: { metadata: { name: string; version: string } }[] };
    for (const item of report.install) installs[normalizeName(item.metadata.name)] = item.metadata.version;
  }
  return { code, output, installs };
}
