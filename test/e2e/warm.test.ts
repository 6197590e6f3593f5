// Re-locking at the speed of a cache hit (issue: speed): stored pages are used as HTTP allows,
// a changed index is noticed, and a lock whose inputs and pages did not change is recalled.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { buildWheel, metadataText } from '../helpers/dists.js';
import { runCli } from '../helpers/cli.js';
import { lock } from '../../src/index.js';

const TARGET = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];

function universe() {
  return buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } },
    { name: 'dep', versions: { '1.0': {}, '1.1': {} } },
  ]);
}

describe('warm re-locks', () => {
  let server: IndexServer;
  let dir: string;
  const env = () => ({ PIN_HASHES_CACHE_DIR: join(dir, 'cache') });
  const lockArgs = () => ['lock', 'requirements.in', '-i', server.url, ...TARGET];
  const pages = () => server.requests.filter((r) => r.kind === 'project-page');
  const lockText = () => readFile(join(dir, 'requirements.txt'), 'utf8');

  async function start(pageCacheControl: string | undefined): Promise<void> {
    server = await startIndexServer({ projects: universe(), pageCacheControl });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-warm-'));
    await writeFile(join(dir, 'requirements.in'), 'app\n');
    const first = await runCli(lockArgs(), { cwd: dir, env: env() });
    assert.equal(first.code, 0, first.stderr);
    server.clearRequests();
  }
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('pages without freshness are revalidated: 304s, no artifact, and a new upload is noticed', async () => {
    await start(undefined);
    const again = await runCli(lockArgs(), { cwd: dir, env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(pages().map((r) => r.status), [304, 304], 'both pages asked, both unchanged');
    assert.ok(pages().every((r) => r.headers['if-none-match'] !== undefined));
    assert.deepEqual(server.downloads(), []);
    assert.doesNotMatch(again.stderr, /not resolved again/, 'nothing vouches for pages without freshness');

    // A wheel for another platform appears for the pinned dep 1.1: the lock must list it.
    const extra = buildWheel({ name: 'dep', version: '1.1' }, { tag: 'cp312-cp312-manylinux_2_17_x86_64' });
    server.addFile('dep', { filename: extra.filename, bytes: extra.bytes, metadata: Buffer.from(metadataText({ name: 'dep', version: '1.1' })) });
    server.clearRequests();
    const third = await runCli(lockArgs(), { cwd: dir, env: env() });
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(pages().map((r) => `${r.path} ${r.status}`).sort(), ['/simple/app/ 304', '/simple/dep/ 200']);
    assert.deepEqual(server.downloads().map((r) => r.filename), [extra.filename], 'only the new file is downloaded');
    assert.match(third.stderr, /~ dep 1\.1: \+ hash for dep-1\.1-cp312-cp312-manylinux_2_17_x86_64\.whl \(new file\)/);
  });

  test('fresh pages are not asked for; the unchanged lock is recalled; edits, -P and --refresh are not', async () => {
    await start('max-age=600, public');
    const before = await lockText();
    const again = await runCli(lockArgs(), { cwd: dir, env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(server.requests, [], 'not one request');
    assert.match(again.stderr, /not resolved again/);
    assert.match(again.stderr, /is up to date/);
    assert.equal(await lockText(), before);

    const json = await runCli([...lockArgs(), '--json'], { cwd: dir, env: env() });
    const result = JSON.parse(json.stdout) as { recalled: boolean; packages: { files: { evidence: { kind: string; from?: string }[] }[] }[] };
    assert.equal(result.recalled, true);
    const computed = result.packages.flatMap((p) => p.files.flatMap((f) => f.evidence.filter((e) => e.kind === 'computed')));
    assert.ok(computed.length > 0 && computed.every((e) => e.from === 'cache'), 'recalled digests say they were computed in an earlier run');

    // An edit of the input is a new question: resolved again, from the fresh pages (dep 1.0's
    // metadata and files are new to this cache and fetched; no page is).
    await writeFile(join(dir, 'requirements.in'), 'app\ndep<1.1\n');
    const edited = await runCli(lockArgs(), { cwd: dir, env: env() });
    assert.equal(edited.code, 0, edited.stderr);
    assert.doesNotMatch(edited.stderr, /not resolved again/);
    assert.match(await lockText(), /^dep==1\.0 /m);
    assert.deepEqual(pages(), []);

    // A lock file edited by hand is not the one recorded: resolved again.
    await writeFile(join(dir, 'requirements.txt'), (await lockText()).replace(/^# .*\n/m, ''));
    const handEdited = await runCli(lockArgs(), { cwd: dir, env: env() });
    assert.doesNotMatch(handEdited.stderr, /not resolved again/);

    // A release of dep; -P dep asks for dep's page even though the stored one is fresh.
    await writeFile(join(dir, 'requirements.in'), 'app\n');
    await runCli(lockArgs(), { cwd: dir, env: env() });
    const release = buildWheel({ name: 'dep', version: '1.2' });
    server.addFile('dep', { filename: release.filename, bytes: release.bytes, metadata: Buffer.from(metadataText({ name: 'dep', version: '1.2' })) });
    server.clearRequests();
    const bump = await runCli([...lockArgs(), '-P', 'dep'], { cwd: dir, env: env() });
    assert.equal(bump.code, 0, bump.stderr);
    assert.deepEqual(pages().map((r) => `${r.path} ${r.status}`), ['/simple/dep/ 200']);
    assert.match(await lockText(), /^dep==1\.2 /m);

    server.clearRequests();
    const refreshed = await runCli([...lockArgs(), '--refresh'], { cwd: dir, env: env() });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.deepEqual(pages().map((r) => r.status), [304, 304]);
    assert.doesNotMatch(refreshed.stderr, /not resolved again/);
  });

  test('no-store pages are never written to the cache', async () => {
    await start('no-store');
    const again = await runCli(lockArgs(), { cwd: dir, env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(pages().map((r) => r.status), [200, 200]);
    assert.ok(pages().every((r) => r.headers['if-none-match'] === undefined));
  });

  test('a download started for a version the resolver then abandoned does not hold the only slot', async () => {
    // c is pinned first (c>=1), then a 2.0 is tried: its metadata asks for c<1, so the resolver
    // falls back to a 1.0. Hash-ahead has already started a 2.0's wheel, which stalls forever.
    server = await startIndexServer({
      projects: buildUniverse([
        { name: 'app', versions: { '1.0': { requiresDist: ['c>=1', 'a'] } } },
        { name: 'a', versions: { '1.0': {}, '2.0': { requiresDist: ['c<1'] } } },
        { name: 'c', versions: { '0.5': {}, '1.0': {} } },
      ]),
    });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-warm-'));
    await writeFile(join(dir, 'requirements.in'), 'app\n');
    // a 1.0's metadata comes late, so a 2.0's download has surely begun before resolution ends.
    server.setFault((req) => {
      if (req.kind === 'file' && req.filename === 'a-2.0-py3-none-any.whl') return { stallAfterBytes: 100 };
      if (req.kind === 'metadata' && req.filename === 'a-1.0-py3-none-any.whl') return { delayMs: 1500 };
      return undefined;
    });
    // With one download slot and a 120 s stall timeout, only calling the abandoned download off
    // lets this lock finish in time.
    const result = await runCli([...lockArgs(), '--concurrency', '1'], { cwd: dir, env: { ...env(), PIN_HASHES_TIMEOUT: '120' }, timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(await lockText(), /^a==1\.0 /m);
    assert.ok(server.downloads('a-2.0-py3-none-any.whl').length > 0, 'the abandoned version was being downloaded');
  });

  test('the library recalls a lock for a project folder other than the working directory', async () => {
    server = await startIndexServer({ projects: universe(), pageCacheControl: 'max-age=600' });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-warm-'));
    await writeFile(join(dir, 'requirements.in'), 'app\n');
    const options = { inputs: ['requirements.in'], cwd: dir, indexUrl: server.url, pythonVersion: '3.12.1', pythonPlatform: 'x86_64-manylinux_2_36', cacheDir: join(dir, 'cache') };
    assert.notEqual(process.cwd(), dir);
    assert.equal((await lock(options)).outcome, 'written');
    server.clearRequests();
    const again = await lock(options);
    assert.equal(again.recalled, true);
    assert.deepEqual(server.requests, []);
  });
});

