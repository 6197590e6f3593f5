// A bare static index (no PEP 658 .metadata, no range requests, as many private mirrors are):
// the lock is the same as from a full index, each wheel is fetched once (the download that gave
// its metadata is the one hashed), and --verbose says once per index why resolution waits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { runCli } from '../helpers/cli.js';

const TARGET = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];
const NOTE = /^note: .* gave no usable PEP 658 \.metadata file and no range request for \S+\.whl \(and likely its other wheels\): their dependencies are known only when their whole downloads end/m;

function universe() {
  return buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1', 'other'] } } },
    { name: 'dep', versions: { '1.0': {}, '1.1': { requiresDist: ['leaf'] } } },
    { name: 'other', versions: { '2.0': { requiresDist: ['leaf<2'] } } },
    { name: 'leaf', versions: { '1.5': {}, '2.0': {} } },
  ]);
}

describe('a bare static index', () => {
  let full: IndexServer;
  let bare: IndexServer;
  let dir: string;
  before(async () => {
    full = await startIndexServer({ projects: universe() });
    bare = await startIndexServer({ projects: universe(), metadataFiles: false, ranges: false, etags: false, format: 'html' });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-bare-'));
    await writeFile(join(dir, 'requirements.in'), 'app\n');
  });
  after(async () => {
    await full.close();
    await bare.close();
    await rm(dir, { recursive: true, force: true });
  });

  const pins = (lock: string): string[] => lock.split('\n').filter((line) => /^[a-z].*==/.test(line)).map((line) => line.split(' ')[0] ?? '');

  test('the same pins as from a full index, one download per wheel, and one note in --verbose', async () => {
    const fromFull = await runCli(['lock', '-o', '-', '-i', full.url, ...TARGET, '-v'], { cwd: dir });
    assert.equal(fromFull.code, 0, fromFull.stderr);
    assert.doesNotMatch(fromFull.stderr, /gave no usable PEP 658/, 'a full index gets no note');

    const fromBare = await runCli(['lock', '-o', '-', '-i', bare.url, ...TARGET, '-v'], { cwd: dir });
    assert.equal(fromBare.code, 0, fromBare.stderr);
    assert.deepEqual(pins(fromBare.stdout), pins(fromFull.stdout));
    assert.deepEqual(pins(fromBare.stdout), ['app==1.0', 'dep==1.1', 'leaf==1.5', 'other==2.0']);
    assert.equal(fromBare.stderr.match(new RegExp(NOTE.source, 'gm'))?.length, 1, fromBare.stderr);
    assert.ok(fromBare.stderr.includes(`note: ${bare.url} gave no usable PEP 658`), 'the note names the index');

    const files = bare.requests.filter((r) => r.kind === 'file').map((r) => r.path);
    assert.equal(new Set(files).size, files.length, `each file fetched once: ${files.join(', ')}`);
  });

  test('without --verbose the note is not shown', async () => {
    const quietRun = await runCli(['lock', '-o', '-', '-i', bare.url, ...TARGET], { cwd: dir });
    assert.equal(quietRun.code, 0, quietRun.stderr);
    assert.doesNotMatch(quietRun.stderr, /gave no usable PEP 658/);
  });
});
