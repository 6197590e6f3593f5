// The daily life of a lock (issue: check for CI, minimal churn): preferences keep pins, -P/-U
// free them, the digest cache makes a re-lock download nothing, and `check` guards the lock.
import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { buildWheel, sha256Hex } from '../helpers/dists.js';
import { runCli } from '../helpers/cli.js';

const TARGET = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];

function pins(lock: string): string[] {
  return lock.split('\n').filter((l) => /^[a-z0-9]/.test(l)).map((l) => l.replace(/ \\$/, ''));
}

function universe() {
  return buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1', 'other'] } } },
    { name: 'dep', versions: { '1.0': { requiresDist: ['subdep'], sdist: true }, '1.1': { requiresDist: ['subdep>=2'] } } },
    { name: 'subdep', versions: { '1.0': {}, '2.0': {} } },
    { name: 'other', versions: { '1.0': {} } },
  ]);
}

describe('re-locking and checking', () => {
  let server: IndexServer;
  let dir: string;
  let cache: string;
  const env = () => ({ PIN_HASHES_CACHE_DIR: cache });
  const lockArgs = () => ['lock', 'requirements.in', '-i', server.url, ...TARGET];

  beforeEach(async () => {
    server = await startIndexServer({ projects: universe() });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-relock-'));
    cache = join(dir, 'cache');
    await writeFile(join(dir, 'requirements.in'), 'app\n');
    const first = await runCli(lockArgs(), { cwd: dir, env: env() });
    assert.equal(first.code, 0, first.stderr);
  });
  after(async () => {
    await server?.close();
  });

  async function cleanup(): Promise<void> {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }

  test('a newer upstream version alone changes nothing; -P dep moves dep and what it drags', async () => {
    try {
      const before = await readFile(join(dir, 'requirements.txt'), 'utf8');
      assert.deepEqual(pins(before), ['app==1.0', 'dep==1.1', 'other==1.0', 'subdep==2.0']);
      const mtime = (await stat(join(dir, 'requirements.txt'))).mtimeMs;
      for (const p of buildUniverse([
        { name: 'dep', versions: { '1.2': { requiresDist: ['subdep>=3'] } } },
        { name: 'subdep', versions: { '3.0': {} } },
        { name: 'other', versions: { '2.0': {} } },
      ])) {
        for (const f of p.files) server.addFile(p.name, f);
      }
      const again = await runCli(lockArgs(), { cwd: dir, env: env() });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /No pin changed/);
      assert.equal(await readFile(join(dir, 'requirements.txt'), 'utf8'), before);
      assert.equal((await stat(join(dir, 'requirements.txt'))).mtimeMs, mtime, 'not rewritten');

      const bump = await runCli([...lockArgs(), '-P', 'dep'], { cwd: dir, env: env() });
      assert.equal(bump.code, 0, bump.stderr);
      const after = await readFile(join(dir, 'requirements.txt'), 'utf8');
      assert.deepEqual(pins(after), ['app==1.0', 'dep==1.2', 'other==1.0', 'subdep==3.0'], 'other stays at 1.0');
      assert.match(bump.stderr, /~ dep 1\.1 -> 1\.2 \(upgraded\)/);
      assert.match(bump.stderr, /~ subdep 2\.0 -> 3\.0 \(upgraded\)/);
      assert.doesNotMatch(bump.stderr, /other/);

      const capped = await runCli([...lockArgs(), '-P', 'dep<1.2'], { cwd: dir, env: env() });
      assert.equal(capped.code, 0, capped.stderr);
      assert.deepEqual(pins(await readFile(join(dir, 'requirements.txt'), 'utf8')), ['app==1.0', 'dep==1.1', 'other==1.0', 'subdep==3.0']);
      assert.doesNotMatch(await readFile(join(dir, 'requirements.txt'), 'utf8'), /-P|dep<1\.2/, 'a -P constraint leaves no trace');

      const all = await runCli([...lockArgs(), '-U'], { cwd: dir, env: env() });
      assert.equal(all.code, 0, all.stderr);
      assert.deepEqual(pins(await readFile(join(dir, 'requirements.txt'), 'utf8')), ['app==1.0', 'dep==1.2', 'other==2.0', 'subdep==3.0']);
    } finally {
      await cleanup();
    }
  });

  test('a second lock with nothing changed downloads no artifact; changed claims are noticed', async () => {
    try {
      server.clearRequests();
      const again = await runCli(lockArgs(), { cwd: dir, env: env() });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(server.downloads().map((r) => r.path), [], 'no artifact requested');
      assert.match(again.stderr, /from the cache/);

      // The index now claims other bytes for one file (a re-upload): the record no longer applies.
      const [project] = universe().filter((p) => p.name === 'other');
      const wheel = project?.files[0];
      assert.ok(wheel);
      const rebuilt = buildWheel({ name: 'other', version: '1.0', summary: 'rebuilt' });
      server.replaceFileBytes('other', wheel.filename, rebuilt.bytes);
      server.clearRequests();
      const third = await runCli(lockArgs(), { cwd: dir, env: env() });
      assert.equal(third.code, 0, third.stderr);
      assert.deepEqual(server.downloads().map((r) => r.filename), [wheel.filename], 'only the file whose claims changed');
      const lock = await readFile(join(dir, 'requirements.txt'), 'utf8');
      assert.ok(lock.includes(sha256Hex(rebuilt.bytes)));
      assert.match(third.stderr, /~ other 1\.0: \+ hash for other-1\.0-py3-none-any\.whl \(new file\), - hash [0-9a-f]{12}\.\.\. \(file gone from the index\)/);
    } finally {
      await cleanup();
    }
  });

  test('a corrupt cache record is a miss and a warning; --no-cache downloads everything', async () => {
    try {
      const files: string[] = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true })) {
          if (e.isDirectory()) await walk(join(d, e.name));
          else files.push(join(d, e.name));
        }
      };
      await walk(cache);
      assert.ok(files.length > 0, 'the first lock wrote records');
      for (const f of files) await writeFile(f, '{"schema": 1, "kind": "digest", "sha256": "nope"');
      server.clearRequests();
      const again = await runCli(lockArgs(), { cwd: dir, env: env() });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /warning: ignoring a corrupt cache record/);
      assert.ok(server.downloads().length > 0);
      server.clearRequests();
      const noCache = await runCli([...lockArgs(), '--no-cache'], { cwd: dir, env: env() });
      assert.equal(noCache.code, 0, noCache.stderr);
      assert.equal(server.downloads().length, 4, 'every pinned file downloaded again');
    } finally {
      await cleanup();
    }
  });

  test('two concurrent locks sharing a cache both succeed and agree', async () => {
    try {
      const fresh = join(dir, 'cache2');
      const [a, b] = await Promise.all([
        runCli([...lockArgs(), '-o', 'a.txt'], { cwd: dir, env: { PIN_HASHES_CACHE_DIR: fresh } }),
        runCli([...lockArgs(), '-o', 'b.txt'], { cwd: dir, env: { PIN_HASHES_CACHE_DIR: fresh } }),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      // The output's name is in the header command, and so in the file's own digest.
      const strip = (t: string) => t.replace(/ -o [ab]\.txt/, '').replace(/^# lock-sha256: .*$/m, '');
      assert.equal(strip(await readFile(join(dir, 'a.txt'), 'utf8')), strip(await readFile(join(dir, 'b.txt'), 'utf8')));
      const c = await runCli([...lockArgs(), '-o', 'c.txt'], { cwd: dir, env: { PIN_HASHES_CACHE_DIR: fresh } });
      assert.equal(c.code, 0, c.stderr);
      assert.doesNotMatch(c.stderr, /corrupt/);
    } finally {
      await cleanup();
    }
  });

  test('check: 0 on a fresh lock, 1 with a diff after a new requirement, 0 after an upstream release', async () => {
    try {
      const fresh = await runCli(['check'], { cwd: dir });
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.match(fresh.stderr, /is current/);
      await writeFile(join(dir, 'requirements.in'), 'app\nsubdep<2\n');
      const stale = await runCli(['check'], { cwd: dir });
      assert.equal(stale.code, 1, stale.stderr);
      assert.match(stale.stdout, /^--- requirements\.txt \(as committed\)$/m);
      assert.match(stale.stdout, /^-subdep==2\.0 \\$/m);
      assert.match(stale.stdout, /^\+subdep==1\.0 \\$/m);
      assert.match(stale.stderr, /stale/);
      await writeFile(join(dir, 'requirements.in'), 'app\n');
      for (const p of buildUniverse([{ name: 'dep', versions: { '9.0': {} } }])) for (const f of p.files) server.addFile(p.name, f);
      const released = await runCli(['check', 'requirements.txt'], { cwd: dir });
      assert.equal(released.code, 0, released.stderr);
      const json = await runCli(['check', '--json'], { cwd: dir });
      assert.equal(json.code, 0);
      const data = JSON.parse(json.stdout) as { current: boolean; findings: unknown[] };
      assert.equal(data.current, true);
      assert.deepEqual(data.findings, []);
      assert.ok(!(await readdir(dir)).some((f) => f.startsWith('.pin-hashes-tmp')), 'check writes nothing');
    } finally {
      await cleanup();
    }
  });

  test('check --verify: changed bytes and an added wheel fail and are named; nothing changed passes', async () => {
    try {
      const ok = await runCli(['check', '--verify'], { cwd: dir });
      assert.equal(ok.code, 0, ok.stderr);

      const subdep = universe().find((p) => p.name === 'subdep')?.files.find((f) => f.filename.includes('2.0'));
      assert.ok(subdep);
      const evil = buildWheel({ name: 'subdep', version: '2.0', summary: 'not what was locked' });
      server.replaceFileBytes('subdep', subdep.filename, evil.bytes);
      const changed = await runCli(['check', '--verify', '--json'], { cwd: dir });
      assert.equal(changed.code, 1, changed.stderr);
      const data = JSON.parse(changed.stdout) as { findings: { kind: string; filename?: string; served?: string }[] };
      assert.deepEqual(data.findings.map((f) => [f.kind, f.filename]), [['bytes-changed', subdep.filename]]);
      assert.equal(data.findings[0]?.served, sha256Hex(evil.bytes));
      server.replaceFileBytes('subdep', subdep.filename, subdep.bytes);

      const extra = buildWheel({ name: 'dep', version: '1.1', requiresDist: ['subdep>=2'] }, { tag: 'cp312-cp312-manylinux_2_17_x86_64' });
      server.addFile('dep', { filename: extra.filename, bytes: extra.bytes });
      const added = await runCli(['check', '--verify'], { cwd: dir });
      assert.equal(added.code, 1, added.stderr);
      assert.match(added.stderr, /\[file-added\] dep-1\.1-cp312-cp312-manylinux_2_17_x86_64\.whl was added to dep==1\.1/);
    } finally {
      await cleanup();
    }
  });
});
