// PEP 751 conformance, judged by the real consumers: every pylock we write validates with
// packaging.pylock and installs with pip >= 26.1, from a virtual environment made from the
// configured package index (skipped with a notice where none can be had). In `npm run test:all`:
// making that environment on a fresh machine takes longer than the quick suite allows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { startIndexServer } from '../helpers/index-server.js';
import { runCli } from '../helpers/cli.js';
import { hostPythonVersion, runIsolated } from '../helpers/pip.js';
import { pip26 } from '../helpers/pip26.js';
import { demoUniverse } from '../helpers/demo-universe.js';
import { projectRoot } from '../helpers/paths.js';
import { hashesIn } from './hostile-harness.js';
import { usePylockFixture } from './pylock-fixture.js';


describe('pylock.toml with platform wheels', () => {
  const fixture = usePylockFixture('pylock-pip');
  const lockTo = fixture.lockTo;

  test('packaging.pylock accepts it and pip >= 26.1 installs it in hash-checking mode', async (t) => {
    const venv = pip26();
    if ('skip' in venv) {
      t.skip(venv.skip);
      return;
    }
    assert.equal((await lockTo('pylock.toml')).code, 0);
    const lockPath = join(fixture.dir, 'pylock.toml');
    const validate = spawnSync(venv.python, ['-c', 'import sys, tomllib; from packaging.pylock import Pylock; Pylock.from_dict(tomllib.load(open(sys.argv[1], "rb"))).validate(); print("ok")', lockPath], { encoding: 'utf8' });
    assert.equal(validate.status, 0, validate.stderr);
    const site = join(fixture.dir, 'site');
    // Not spawnSync: the index pip downloads from is served by this very process.
    const install = await runIsolated(venv.python, ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--disable-pip-version-check', '--target', site, '-r', lockPath]);
    assert.equal(install.code, 0, install.output.slice(-3000));
    assert.match(install.output, /Successfully installed app-1\.0 native-1\.0 pure-2\.0/);
  });

});

describe('pylock.toml of the demo (npm run demo)', () => {
  test('packaging.pylock accepts it and pip >= 26.1 installs it, with the digests of its requirements.txt', async (t) => {
    const venv = pip26();
    if ('skip' in venv) {
      t.skip(venv.skip);
      return;
    }
    const server = await startIndexServer({ projects: demoUniverse() });
    const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-pylock-demo-'));
    try {
      await writeFile(join(dir, 'requirements.in'), await readFile(join(projectRoot, 'examples', 'demo', 'requirements.in')));
      const python = hostPythonVersion();
      for (const output of ['requirements.txt', 'pylock.toml']) {
        const locked = await runCli(['lock', 'requirements.in', '-i', server.url, '--python-version', python, '-o', output], { cwd: dir });
        assert.equal(locked.code, 0, locked.stderr);
      }
      const lockPath = join(dir, 'pylock.toml');
      const validate = spawnSync(venv.python, ['-c', 'import sys, tomllib; from packaging.pylock import Pylock; Pylock.from_dict(tomllib.load(open(sys.argv[1], "rb"))).validate()', lockPath], { encoding: 'utf8' });
      assert.equal(validate.status, 0, validate.stderr);
      const doc = parse(await readFile(lockPath, 'utf8')) as unknown as { packages: { wheels?: { hashes: { sha256: string } }[]; sdist?: { hashes: { sha256: string } } }[] };
      const digests = doc.packages.flatMap((p) => [...(p.wheels ?? []), ...(p.sdist ? [p.sdist] : [])].map((f) => f.hashes.sha256)).sort();
      assert.deepEqual(digests, [...hashesIn(await readFile(join(dir, 'requirements.txt'), 'utf8'))].sort());
      const install = await runIsolated(venv.python, ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--disable-pip-version-check', '--target', join(dir, 'site'), '-r', lockPath]);
      assert.equal(install.code, 0, install.output.slice(-3000));
      assert.match(install.output, /Successfully installed .*demo-cli-0\.9/);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
