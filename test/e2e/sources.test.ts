// Where files and metadata come from: each rung of the metadata ladder, servers with and without
// range support, HTML-only and relative-link indexes, find-links folders, several indexes, and
// direct references. Each case checks what the lock says and, where it matters, what the server
// was asked (artifact downloads counted at the server, never trusted from our own output).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildUniverse, startIndexServer, type IndexProject, type IndexServer } from '../helpers/index-server.js';
import { buildSdist, buildWheel, sha256Hex } from '../helpers/dists.js';
import { runCli } from '../helpers/cli.js';

const TARGET = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];

function pins(lock: string): string[] {
  return lock.split('\n').filter((l) => /^[a-z0-9]/.test(l)).map((l) => l.replace(/ \\$/, ''));
}

function hashes(lock: string): Set<string> {
  return new Set([...lock.matchAll(/--hash=sha256:([0-9a-f]{64})/g)].map((m) => m[1] ?? ''));
}

const graph = () =>
  buildUniverse([
    { name: 'top', versions: { '1.0': { requiresDist: ['mid>=1'], padBytes: 300_000 } } },
    { name: 'mid', versions: { '1.0': { requiresDist: ['leaf'] }, '1.1': { requiresDist: ['leaf'], padBytes: 200_000 } } },
    { name: 'leaf', versions: { '0.1': { sdist: true } } },
  ]);

describe('the metadata ladder against servers of every kind', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-sources-'));
    await writeFile(join(dir, 'requirements.in'), 'top\n');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const servers: { name: string; options: Parameters<typeof startIndexServer>[0]; wholeFileDownloads: 'once' | 'once-or-range' }[] = [
    { name: '.metadata files (PEP 658), JSON pages', options: { format: 'json' }, wholeFileDownloads: 'once' },
    { name: 'no .metadata: wheel METADATA by range requests, HTML pages', options: { format: 'html', metadataFiles: false }, wholeFileDownloads: 'once-or-range' },
    { name: 'no .metadata, no ranges: one download serves metadata and hashing', options: { metadataFiles: false, ranges: false }, wholeFileDownloads: 'once' },
    { name: 'relative links in HTML pages', options: { relativeUrls: true, format: 'html' }, wholeFileDownloads: 'once' },
  ];
  for (const s of servers) {
    test(s.name, async () => {
      const projects = graph();
      const server = await startIndexServer({ ...s.options, projects });
      try {
        const result = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', '-', ...TARGET], { cwd: dir });
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(pins(result.stdout), ['leaf==0.1', 'mid==1.1', 'top==1.0']);
        const expected = new Set(
          projects.flatMap((p) => p.files).filter((f) => ['top-1.0', 'mid-1.1', 'leaf-0.1'].some((v) => f.filename.startsWith(v.replace('-', '-')) || f.filename.startsWith(v)))
            .map((f) => sha256Hex(f.bytes)),
        );
        assert.deepEqual(hashes(result.stdout), expected);
        // Every pinned file was fetched whole exactly once: never twice, whatever the ladder needed.
        for (const f of projects.flatMap((p) => p.files)) {
          const whole = server.downloads(f.filename).filter((r) => r.headers.range === undefined || r.status === 200);
          const pinned = expected.has(sha256Hex(f.bytes));
          assert.equal(whole.length, pinned ? 1 : 0, `${f.filename}: ${whole.length} whole downloads`);
        }
        if (s.options?.metadataFiles === false && s.options.ranges !== false) {
          assert.ok(server.downloads().some((r) => r.status === 206), 'METADATA was read with range requests');
        }
      } finally {
        await server.close();
      }
    });
  }
});

test('a redirected index: relative links resolve against the final URL', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-redirect-'));
  const server = await startIndexServer({ projects: graph(), relativeUrls: true });
  // The index the user names redirects every page to the real one, which sits at another depth,
  // so `../../files/x` means a different file depending on which URL it is resolved against.
  const old = '/mirror/legacy/old/';
  server.setFault((req) => (req.path.startsWith(old) ? { redirect: `${server.origin}/simple/${req.path.slice(old.length)}`, status: 301 } : undefined));
  try {
    await writeFile(join(dir, 'requirements.in'), 'top\n');
    const result = await runCli(['lock', 'requirements.in', '-i', `${server.origin}${old}`, '-o', '-', ...TARGET], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pins(result.stdout), ['leaf==0.1', 'mid==1.1', 'top==1.0']);
    assert.ok(server.requests.some((r) => r.kind === 'redirect' || r.fault === 'redirect'), 'the redirect was followed');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

describe('sdist metadata', () => {
  let dir: string;
  let server: IndexServer;
  const sdist = (name: string, opts: Parameters<typeof buildSdist>[1], spec: Partial<Parameters<typeof buildSdist>[0]> = {}): IndexProject => {
    const built = buildSdist({ name, version: '1.0', requiresDist: ['leaf'], ...spec }, opts);
    return { name, files: [{ filename: built.filename, bytes: built.bytes }] };
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-sdist-'));
    server = await startIndexServer({
      projects: [
        ...buildUniverse([{ name: 'leaf', versions: { '1.0': {} } }]),
        sdist('static-pkginfo', {}),
        sdist('pyproject-only', { pkgInfo: false }),
        sdist('old-pkginfo', {}, { metadataVersion: '2.1' }),
        sdist('dynamic-deps', { dynamic: ['Requires-Dist'] }),
        sdist('zipped', { format: 'zip' }),
      ],
    });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const name of ['static-pkginfo', 'pyproject-only', 'old-pkginfo', 'zipped']) {
    test(`${name}: dependencies read without building`, async () => {
      await writeFile(join(dir, `${name}.in`), `${name}\n`);
      const result = await runCli(['lock', `${name}.in`, '-i', server.url, '-o', '-', ...TARGET], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(pins(result.stdout), ['leaf==1.0', `${name}==1.0`]);
    });
  }

  test('dynamic dependencies: an error that names the package and suggests a wheel', async () => {
    await writeFile(join(dir, 'dyn.in'), 'dynamic-deps\n');
    const result = await runCli(['lock', 'dyn.in', '-i', server.url, ...TARGET], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /dynamic_deps-1\.0\.tar\.gz/);
    assert.match(result.stderr, /--only-binary dynamic-deps/);
  });
});

describe('find-links folders, several indexes, direct references', () => {
  let dir: string;
  let first: IndexServer;
  let second: IndexServer;
  const wheel = buildWheel({ name: 'local-only', version: '2.0', requiresDist: ['shared'] });
  const sharedOnFirst = buildUniverse([{ name: 'shared', versions: { '1.0': {} } }]);
  const sharedOnSecond = buildUniverse([{ name: 'shared', versions: { '9.0': {} } }, { name: 'extra-only', versions: { '1.0': {} } }]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-links-'));
    await mkdir(join(dir, 'wheels'));
    await writeFile(join(dir, 'wheels', wheel.filename), wheel.bytes);
    for (const f of sharedOnFirst.flatMap((p) => p.files)) await writeFile(join(dir, 'wheels', f.filename), f.bytes);
    first = await startIndexServer({ projects: sharedOnFirst });
    second = await startIndexServer({ projects: sharedOnSecond });
  });
  after(async () => {
    await first.close();
    await second.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('--no-index with a find-links folder (relative path)', async () => {
    await writeFile(join(dir, 'local.in'), 'local-only\n');
    const result = await runCli(['lock', 'local.in', '--no-index', '-f', 'wheels', '-o', '-', ...TARGET], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pins(result.stdout), ['local-only==2.0', 'shared==1.0']);
    assert.ok(hashes(result.stdout).has(sha256Hex(wheel.bytes)));
    assert.match(result.stdout, /--find-links wheels/, 'the header records the folder relative to the lock');
  });

  test('a find-links line inside the input file, relative to that file', async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub', 'in.in'), '--no-index\n-f ../wheels\nlocal-only\n');
    const result = await runCli(['lock', 'sub/in.in', '-o', '-', ...TARGET], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pins(result.stdout), ['local-only==2.0', 'shared==1.0']);
  });

  test('a project on two indexes comes from the first; --verbose and a warning say so', async () => {
    await writeFile(join(dir, 'two.in'), 'shared\nextra-only\n');
    const result = await runCli(['lock', 'two.in', '-i', first.url, '--extra-index-url', second.url, '-o', '-', '-v', ...TARGET], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pins(result.stdout), ['extra-only==1.0', 'shared==1.0']);
    assert.match(result.stderr, /shared: from http:\/\/127\.0\.0\.1:\d+\/simple\/ \(also on http:\/\/127\.0\.0\.1:\d+\/simple\/, not used\)/);
    assert.match(result.stderr, /warning: shared is on/);
    const merged = await runCli(['lock', 'two.in', '-i', first.url, '--extra-index-url', second.url, '--index-strategy', 'unsafe-best-match', '-o', '-', ...TARGET], { cwd: dir });
    assert.equal(merged.code, 0, merged.stderr);
    assert.deepEqual(pins(merged.stdout), ['extra-only==1.0', 'shared==9.0'], "pip's merge takes the best version of all indexes");
  });

  test('a direct reference is downloaded and hashed like any file', async () => {
    const url = first.fileUrl(sharedOnFirst[0]?.files[0]?.filename ?? '');
    await writeFile(join(dir, 'direct.in'), `shared @ ${url}\nlocal-only @ ${pathToFileURL(join(dir, 'wheels', wheel.filename)).toString()}\n`);
    const result = await runCli(['lock', 'direct.in', '--no-index', '-o', '-', ...TARGET], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^shared @ ${url.replace(/[.]/g, '\\.')} \\\\$`, 'm'));
    assert.ok(hashes(result.stdout).has(sha256Hex(sharedOnFirst[0]?.files[0]?.bytes ?? Buffer.alloc(0))));
  });

  test('editable and VCS lines are refused with the file and line', async () => {
    await writeFile(join(dir, 'vcs.in'), 'shared\n-e ./src\n');
    const result = await runCli(['lock', 'vcs.in', '-i', first.url, ...TARGET], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /vcs\.in:2/);
  });
});

test('a wheel whose METADATA cannot be picked out of the stream is cross-checked from a second download', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-descriptor-'));
  const built = buildWheel({ name: 'streamed', version: '1.0', requiresDist: [] });
  // Flag the first entry as streamed with a data descriptor: its size is then unknown to a scanner.
  const bytes = Buffer.from(built.bytes);
  bytes.writeUInt16LE(bytes.readUInt16LE(6) | 0x08, 6);
  const honest = Buffer.from(built.metadata ?? '');
  const lying = Buffer.from((built.metadata ?? '').replace('Version: 1.0', 'Version: 1.0\nRequires-Python: >=3.0'));
  const server = await startIndexServer({ projects: [{ name: 'streamed', files: [{ filename: built.filename, bytes, metadata: honest }] }] });
  try {
    await writeFile(join(dir, 'requirements.in'), 'streamed\n');
    const ok = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', '-', ...TARGET], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(server.downloads(built.filename).length, 2, 'hashed once, fetched again to read its METADATA from disk');
    server.updateFile('streamed', built.filename, { metadata: lying });
    const bad = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', '-', ...TARGET], { cwd: dir });
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /disagrees with the METADATA inside the downloaded wheel/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
