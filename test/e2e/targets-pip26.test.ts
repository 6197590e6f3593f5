// The lock for five targets of targets-fixture.ts, judged by pip >= 26 and packaging >= 26 (a
// virtual environment made from the configured index, test/helpers/pip26.ts; skipped with a notice
// where none can be had, and in the slow suite: making it on a fresh machine takes a while). On
// each target, pip 26 deciding as there (test/helpers/pip-target.ts) accepts the requirements
// file with --require-hashes and installs exactly the lines whose markers hold; as pylock.toml,
// packaging's installer selection (PEP 751) picks the same, and pip 26 installs it here; and
// pip 26's packaging reads the markers such locks write as we do.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { judgeMarkers, markerCases } from '../helpers/marker-judge.js';
import { runIsolated } from '../helpers/pip.js';
import { pip26 } from '../helpers/pip26.js';
import { pipDryRunOn } from '../helpers/pip-target.js';
import { EXPECTED, TARGETS, target, useTargetsFixture } from './targets-fixture.js';


/** packaging.pylock's installer selection (PEP 751) for one environment and tag list: name -> version. */
const PYLOCK_SELECT = [
  'import json, sys, tomllib',
  'from packaging.pylock import Pylock',
  'from packaging.tags import Tag',
  'lock = Pylock.from_dict(tomllib.load(open(sys.argv[1], "rb")))',
  'lock.validate()',
  'given = json.loads(sys.argv[2])',
  'tags = [Tag(*tag.split("-")) for tag in given["tags"]]',
  'print(json.dumps({package.name: str(package.version) for package, _ in lock.select(environment=given["environment"], tags=tags)}))',
].join('\n');

describe('one lock for five targets, judged by pip >= 26', () => {
  const fixture = useTargetsFixture('targets-pip26');

  test('pip >= 26 on each target accepts the lock and installs exactly the lines whose markers hold there', async (t) => {
    const venv = pip26();
    if ('skip' in venv) return t.skip(venv.skip);
    for (const { label, spec } of TARGETS) {
      const args = ['--require-hashes', '--index-url', fixture.server.url, '-r', join(fixture.dir, 'requirements.txt')];
      const run = await pipDryRunOn(venv.python, target(spec), args, join(fixture.dir, `report26-${label}.json`));
      assert.equal(run.code, 0, `${label}: ${run.output.slice(-3000)}`);
      assert.deepEqual(run.installs, EXPECTED[label], label);
    }
  });

  test('as pylock.toml: packaging selects, as an installer on each target (PEP 751), exactly the lines whose markers hold, and pip >= 26 installs it here', async (t) => {
    const venv = pip26();
    if ('skip' in venv) return t.skip(venv.skip);
    const locked = await runCli(['lock', 'requirements.in', '-i', fixture.server.url, '-o', 'pylock.toml', ...fixture.targetArgs], { cwd: fixture.dir });
    assert.equal(locked.code, 0, locked.stderr);
    const lockPath = join(fixture.dir, 'pylock.toml');
    // pip refuses --platform with a pylock, so packaging's own selection (what pip 26 runs) judges the other targets.
    for (const { label, spec } of TARGETS) {
      const { markerEnvironment, tags } = target(spec);
      const selected: SpawnSyncReturns<string> = spawnSync(venv.python, ['-c', PYLOCK_SELECT, lockPath, JSON.stringify({ environment: markerEnvironment, tags })], { encoding: 'utf8' });
      assert.equal(selected.status, 0, `${label}: ${selected.stderr}`);
      assert.deepEqual(JSON.parse(selected.stdout), EXPECTED[label], label);
    }
    // Not spawnSync: the index pip downloads from is served by this very process.
    const install = await runIsolated(venv.python, ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--disable-pip-version-check', '--target', join(fixture.dir, 'site-pylock'), '-r', lockPath]);
    assert.equal(install.code, 0, install.output.slice(-3000));
    const installed = /Successfully installed (.*)/.exec(install.output)?.[1]?.split(' ').sort();
    assert.deepEqual(installed, Object.entries(EXPECTED['host']!).map(([name, version]) => `${name}-${version}`).sort());
  });

  test("pip >= 26's packaging parses every marker a lock for several targets writes and finds it true on exactly the chosen targets", async (t) => {
    const venv = pip26();
    if ('skip' in venv) return t.skip(venv.skip);
    const cases = markerCases();
    const { checked, wrong } = await judgeMarkers(venv.python, cases);
    assert.equal(checked, cases.length);
    assert.deepEqual(wrong, []);
  });
});
