// Hostile indexes, issue #10 case 11: a digest claim in an algorithm pin-hashes cannot compute
// proves nothing about the bytes, so it must not key the digest cache (nor let a re-lock recall
// the last result). Claims in hashlib algorithms we do compute (blake2b, sha3_256...) are
// checked like sha256 ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildUniverse, startIndexServer, type IndexProject } from '../helpers/index-server.js';
import { metadataText, sha256Hex } from '../helpers/dists.js';
import { writeZip } from '../helpers/archive.js';
import { TARGET, TEST_AUTH, assertFailureMessage, escapeRegExp, hashesIn, makeWorkspace, originPattern, withCredentials } from './hostile-harness.js';
import { DEP_WHEEL, fileOf, grepForSecretsThenCleanUp, lockAgainstHostileIndex, usePreviousLock } from './hostile-harness-index.js';

usePreviousLock();

/** A dep wheel whose bytes differ by one letter between editions: same length, so the `size` claim cannot tell them apart. */
function depWheel(edition: 'A' | 'B'): Buffer {
  return writeZip([
    { name: 'dep/__init__.py', data: Buffer.from(`EDITION = "${edition}"\n`), method: 'stored' },
    { name: 'dep-1.0.dist-info/METADATA', data: Buffer.from(metadataText({ name: 'dep', version: '1.0' })) },
    { name: 'dep-1.0.dist-info/WHEEL', data: Buffer.from('Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n') },
    { name: 'dep-1.0.dist-info/RECORD', data: Buffer.from('') },
  ]);
}

function graphWithDepClaims(claimHashes: Record<string, string>): IndexProject[] {
  const projects = buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } },
    { name: 'dep', versions: { '1.0': {} } },
  ]);
  const dep = projects.find((p) => p.name === 'dep');
  assert.ok(dep);
  dep.files = [{ filename: DEP_WHEEL, bytes: depWheel('A'), metadata: 'auto', claimHashes }];
  return projects;
}

// With and without fresh pages: a fresh page would let the re-lock recall the last result
// without hashing anything, the other way to reuse a stale digest.
for (const pageCacheControl of [undefined, 'max-age=600']) {
  test(`an only claim in an algorithm we cannot compute (blake2b_256) keys nothing: a re-lock after the bytes changed locks the new digest${pageCacheControl ? ' (fresh pages)' : ''}`, async () => {
    const before = depWheel('A');
    const after = depWheel('B');
    assert.equal(before.length, after.length, 'the editions have the same size');
    // PyPI's JSON API names this digest blake2b_256; hashlib has no such name, nor does pip.
    const claim = { blake2b_256: 'ab'.repeat(32) };
    const server = await startIndexServer({ projects: graphWithDepClaims(claim), requireAuth: TEST_AUTH, format: 'json', pageCacheControl });
    const ws = await makeWorkspace();
    try {
      const args = ['lock', 'requirements.in', '-i', withCredentials(server.url), ...TARGET];
      const first = await ws.run(args);
      assert.equal(first.code, 0, first.stderr);
      assert.ok(hashesIn(await readFile(ws.output, 'utf8')).has(sha256Hex(before)), 'the first lock has the first edition');

      server.replaceFileBytes('dep', DEP_WHEEL, after);
      server.clearRequests();
      const again = await ws.run([...args, '--verbose']);
      assert.equal(again.code, 0, again.stderr);
      const locked = hashesIn(await readFile(ws.output, 'utf8'));
      assert.ok(!locked.has(sha256Hex(before)), 'the stale digest is gone (pip would refuse the served bytes)');
      assert.ok(locked.has(sha256Hex(after)), 'the digest of the bytes served now is locked');
      assert.ok(
        server.downloads(DEP_WHEEL).some((r) => r.headers.range === undefined && r.status === 200),
        'the re-lock downloaded the whole file again',
      );
      // --verbose says why: the claim was not checked, the file is never served from the cache.
      assert.match(again.stderr, new RegExp(`${escapeRegExp(DEP_WHEEL)}.*blake2b_256`), again.stderr);
      assert.match(again.stderr, originPattern(server.origin), 'names where the file is (credentials redacted by ws.run)');
    } finally {
      await server.close();
    }
  });
}

for (const [algorithm, nodeName] of [['blake2b', 'blake2b512'], ['sha3_256', 'sha3-256']] as const) {
  test(`a wrong ${algorithm} claim as the only digest is checked: exit 1, both digests, nothing written`, async () => {
    const claimed = 'cd'.repeat(nodeName === 'blake2b512' ? 64 : 32);
    const projects = graphWithDepClaims({ [algorithm]: claimed });
    const computed = createHash(nodeName).update(fileOf(projects, 'dep-1.0').bytes).digest('hex');
    const { ws, server, result } = await lockAgainstHostileIndex({ projects, server: { format: 'json' } });
    assertFailureMessage(result, 1, [new RegExp(escapeRegExp(DEP_WHEEL)), new RegExp(algorithm), new RegExp(claimed), new RegExp(computed), originPattern(server.origin)]);
    await ws.assertPreviousUntouched();
  });
}

grepForSecretsThenCleanUp();
