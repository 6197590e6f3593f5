// The product's promise: when an index's bytes and its claims disagree, nothing is written and
// the user is told which file, from which index, and both digests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { sha256Hex } from '../helpers/dists.js';
import { runCli } from '../helpers/cli.js';

const TARGET = ['--python-version', '3.11.7', '--python-platform', 'x86_64-manylinux_2_36'];
const PREVIOUS = '# a lock that was here before\nsomething==1.0 \\\n    --hash=sha256:' + '0'.repeat(64) + '\n';

describe('tampered artifacts', () => {
  let server: IndexServer;
  let dir: string;
  const projects = buildUniverse([
    { name: 'good', versions: { '1.0': { requiresDist: ['victim'] } } },
    { name: 'victim', versions: { '1.0': { sdist: true } } },
  ]);
  const wheel = projects.find((p) => p.name === 'victim')?.files.find((f) => f.filename.endsWith('.whl'));
  assert.ok(wheel);
  const evil = Buffer.concat([wheel.bytes, Buffer.from('evil')]);

  before(async () => {
    server = await startIndexServer({ projects });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-tamper-'));
    await writeFile(join(dir, 'requirements.in'), 'good\n');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function lockExpectingMismatch(format: 'json' | 'html'): Promise<string> {
    server.configure({ format });
    await writeFile(join(dir, 'requirements.txt'), PREVIOUS);
    const before = await stat(join(dir, 'requirements.txt'));
    const result = await runCli(['lock', 'requirements.in', '-i', server.url, ...TARGET], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(await readFile(join(dir, 'requirements.txt'), 'utf8'), PREVIOUS, 'the previous lock is byte-identical');
    assert.equal((await stat(join(dir, 'requirements.txt'))).mtimeMs, before.mtimeMs);
    assert.match(result.stderr, new RegExp(wheel!.filename.replace(/\./g, '\\.')));
    assert.match(result.stderr, /127\.0\.0\.1/, 'names the index');
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    return result.stderr;
  }

  for (const format of ['json', 'html'] as const) {
    test(`the index serves other bytes than it claims (${format} page)`, async () => {
      server.setFault((req) => (req.kind === 'file' && req.filename === wheel.filename ? { replaceBody: evil } : undefined));
      try {
        const stderr = await lockExpectingMismatch(format);
        assert.ok(stderr.includes(sha256Hex(wheel.bytes)), 'the claimed digest is shown');
        // The size claim (JSON) or the digest (HTML) catches it first; either way the computed digest of the evil bytes or their size is shown.
        assert.ok(stderr.includes(sha256Hex(evil)) || stderr.includes(String(evil.length)), stderr);
      } finally {
        server.setFault(undefined);
      }
    });

    test(`the index claims a digest its bytes do not have (${format} page)`, async () => {
      const wrong = 'ab'.repeat(32);
      server.updateFile('victim', wheel.filename, { claimSha256: wrong });
      try {
        const stderr = await lockExpectingMismatch(format);
        assert.ok(stderr.includes(wrong), 'the claimed digest is shown');
        assert.ok(stderr.includes(sha256Hex(wheel.bytes)), 'the computed digest is shown');
      } finally {
        server.updateFile('victim', wheel.filename, { claimSha256: undefined });
      }
    });
  }

  test('control: the untampered index locks fine', async () => {
    const result = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', '-', ...TARGET], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes(sha256Hex(wheel.bytes)));
  });
});
