// Real PyPI distributions (hatchling's graph, from ../shared/data/real-dists) served on loopback:
// every digest in the lock must equal the sha256 PyPI publishes for that file, recorded
// independently in uv_vendor_artifacts_pypi_sha256.json, and pip must install the lock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIndexServer, type IndexProject, type IndexServer } from '../helpers/index-server.js';
import { sha256Hex } from '../helpers/dists.js';
import { runCli } from '../helpers/cli.js';
import { sharedData } from '../helpers/paths.js';
import { pipAvailable, pipInstall, hostPythonVersion } from '../helpers/pip.js';

const realDists = sharedData('real-dists');

function projectOf(filename: string): string {
  // Every real-dists filename is PEP 427/625 shaped: the name is the part before the first '-'.
  return (filename.split('-')[0] ?? '').toLowerCase().replace(/[-_.]+/g, '-');
}

describe('real distributions from PyPI', { skip: realDists === undefined && '../shared/data/real-dists is absent' }, () => {
  let server: IndexServer;
  let dir: string;
  const pypiDigests = new Map<string, string>();
  const localDigests = new Map<string, string>();

  before(async () => {
    const folder = realDists!;
    const recorded = JSON.parse(await readFile(join(folder, 'uv_vendor_artifacts_pypi_sha256.json'), 'utf8')) as {
      artifacts: { filename: string; sha256: string }[];
    };
    for (const a of recorded.artifacts) pypiDigests.set(a.filename, a.sha256);
    const projects = new Map<string, IndexProject>();
    for (const filename of (await readdir(folder)).sort()) {
      if (!filename.endsWith('.whl') && !filename.endsWith('.tar.gz')) continue;
      const bytes = await readFile(join(folder, filename));
      localDigests.set(filename, sha256Hex(bytes));
      const name = projectOf(filename);
      const project = projects.get(name) ?? { name, files: [] };
      // Wheels get a PEP 658 file as on PyPI; sdists are read from the archive.
      project.files.push({ filename, bytes, metadata: filename.endsWith('.whl') ? 'auto' : false });
      projects.set(name, project);
    }
    server = await startIndexServer({ projects: [...projects.values()] });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-real-'));
    await writeFile(join(dir, 'requirements.in'), 'hatchling\nsetuptools-scm\n');
  });
  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('locks hatchling and setuptools-scm with PyPI digests, downloading every file of every pin', async () => {
    const result = await runCli(
      ['lock', 'requirements.in', '-i', server.url, '--python-version', '3.11.7', '--python-platform', 'x86_64-manylinux_2_36'],
      { cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(join(dir, 'requirements.txt'), 'utf8');
    const pinned = lock.split('\n').filter((l) => /^[a-z]/.test(l)).map((l) => l.replace(/ \\$/, ''));
    assert.deepEqual(pinned, [
      'editables==0.5',
      'hatchling==1.20.0',
      'packaging==23.2',
      'pathspec==0.12.1',
      'pluggy==1.3.0',
      'setuptools==69.0.2',
      'setuptools-scm==8.0.4',
      'trove-classifiers==2023.11.29',
      'typing-extensions==4.9.0',
    ]);
    const hashes = new Set([...lock.matchAll(/--hash=sha256:([0-9a-f]{64})/g)].map((m) => m[1]));
    // Every file of every pinned version is in the lock...
    const pinnedFiles = [...localDigests.keys()].filter((f) => pinned.some((p) => {
      const [name, version] = p.split('==');
      return projectOf(f) === name && f.includes(`-${version}`);
    }));
    assert.ok(pinnedFiles.length >= 14, `files of the pins: ${pinnedFiles.join(', ')}`);
    for (const f of pinnedFiles) assert.ok(hashes.has(localDigests.get(f)), `${f} is hashed`);
    assert.equal(hashes.size, pinnedFiles.length, 'and nothing else');
    // ...was downloaded whole from the server (not just read for metadata)...
    for (const f of pinnedFiles) {
      assert.ok(server.downloads(f).some((r) => r.completed && !r.headers.range), `${f} was downloaded`);
    }
    // ...and where PyPI's digest was recorded independently, ours equals it.
    let compared = 0;
    for (const f of pinnedFiles) {
      const pypi = pypiDigests.get(f);
      if (pypi === undefined) continue;
      assert.ok(hashes.has(pypi), `${f}: PyPI's sha256 ${pypi} is in the lock`);
      compared++;
    }
    assert.ok(compared >= 8, `compared ${compared} files with PyPI's recorded digests`);
  });

  test('pip installs that lock with --require-hashes', { skip: !pipAvailable() && 'python3 -m pip is not available' }, async () => {
    const out = join(dir, 'host.txt');
    const locked = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', out, '--python-version', hostPythonVersion()], { cwd: dir });
    assert.equal(locked.code, 0, locked.stderr);
    const pip = await pipInstall(['--require-hashes', '--target', join(dir, 'site'), '--index-url', server.url, '-r', out]);
    assert.equal(pip.code, 0, pip.output);
    assert.match(pip.output, /Successfully installed .*hatchling-1\.20\.0/);
  });
});
