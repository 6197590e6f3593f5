// Hostile indexes, part 1: an index whose claims and bytes disagree, or whose bytes change
// within one run. Nothing may be written; the message names the file, the index (without
// credentials), both digests, and says what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWheel, metadataText, pseudoRandomBytes, sha256Hex } from '../helpers/dists.js';
import { writeZip } from '../helpers/archive.js';
import { assertFailureMessage, escapeRegExp, originPattern } from './hostile-harness.js';
import { DEP_WHEEL, fileOf, grepForSecretsThenCleanUp, lockAgainstHostileIndex, smallGraph, usePreviousLock } from './hostile-harness-index.js';

usePreviousLock();

const depFile = (name = DEP_WHEEL) => new RegExp(escapeRegExp(name));

test('a JSON `hashes` claim the bytes do not match: exit 1, both digests, nothing written', async () => {
  const projects = smallGraph();
  const dep = fileOf(projects, 'dep-1.0');
  const claimed = 'ab'.repeat(32);
  const { ws, server, result } = await lockAgainstHostileIndex({
    projects,
    server: { format: 'json' },
    setup: (s) => s.updateFile('dep', DEP_WHEEL, { claimSha256: claimed }),
  });
  assertFailureMessage(result, 1, [depFile(), originPattern(server.origin), new RegExp(claimed), new RegExp(sha256Hex(dep.bytes))]);
  await ws.assertPreviousUntouched();
});

test('an HTML `#sha256=` fragment the bytes do not match: exit 1, both digests, nothing written', async () => {
  const projects = smallGraph();
  const dep = fileOf(projects, 'dep-1.0');
  const claimed = 'cd'.repeat(32);
  const { ws, server, result } = await lockAgainstHostileIndex({
    projects,
    server: { format: 'html' },
    setup: (s) => s.updateFile('dep', DEP_WHEEL, { claimSha256: claimed }),
  });
  assertFailureMessage(result, 1, [depFile(), originPattern(server.origin), new RegExp(claimed), new RegExp(sha256Hex(dep.bytes))]);
  await ws.assertPreviousUntouched();
});

test('a digest claim that is not hex at all: exit 1, the claim is shown as it was made', async () => {
  const claimed = 'not-a-digest-' + 'z'.repeat(51);
  const { ws, result } = await lockAgainstHostileIndex({
    server: { format: 'json' },
    setup: (s) => s.updateFile('dep', DEP_WHEEL, { claimSha256: claimed }),
  });
  assertFailureMessage(result, 1, [depFile(), new RegExp(claimed)]);
  await ws.assertPreviousUntouched();
});

test('a `size` claim the bytes do not match: exit 1, both sizes', async () => {
  const projects = smallGraph();
  const dep = fileOf(projects, 'dep-1.0');
  const { ws, result } = await lockAgainstHostileIndex({
    projects,
    server: { format: 'json' },
    setup: (s) => s.updateFile('dep', DEP_WHEEL, { claimSize: dep.bytes.length - 7 }),
  });
  assertFailureMessage(result, 1, [depFile(), new RegExp(`${dep.bytes.length - 7} bytes`), new RegExp(String(dep.bytes.length))]);
  await ws.assertPreviousUntouched();
});

test('a file far larger than its claims (same name, other bytes): exit 1', async () => {
  const projects = smallGraph();
  const dep = fileOf(projects, 'dep-1.0');
  const huge = Buffer.concat([dep.bytes, Buffer.alloc(3 * 1024 * 1024, 0x41)]);
  const { ws, result } = await lockAgainstHostileIndex({
    projects,
    setup: (s) => s.setFault((req) => (req.filename === DEP_WHEEL && req.kind === 'file' ? { replaceBody: huge } : undefined)),
  });
  assertFailureMessage(result, 1, [depFile(), new RegExp(sha256Hex(dep.bytes))]);
  await ws.assertPreviousUntouched();
});

test('bytes that change between the range reads and the whole download: the claims catch it, exit 1', async () => {
  const projects = smallGraph();
  const dep = fileOf(projects, 'dep-1.0');
  const swapped = buildWheel({ name: 'dep', version: '1.0', requiresDist: ['evil-extra'] }, { padBytes: 50_000 }).bytes;
  const { ws, server, result } = await lockAgainstHostileIndex({
    projects,
    // No .metadata: METADATA is read by range requests, then the whole file is downloaded.
    server: { metadataFiles: false, format: 'json' },
    setup: (s) =>
      s.setFault((req) => (req.kind === 'file' && req.filename === DEP_WHEEL && req.headers.range === undefined ? { replaceBody: swapped } : undefined)),
  });
  assert.ok(
    server.requests.some((r) => r.filename === DEP_WHEEL && r.status === 206),
    'the metadata came from range reads of the original bytes',
  );
  assertFailureMessage(result, 1, [depFile(), new RegExp(sha256Hex(dep.bytes)), new RegExp(sha256Hex(swapped))]);
  await ws.assertPreviousUntouched();
});

test('a file whose size changes between two range reads of one run: exit 1, the file changed while read', async () => {
  // METADATA first and 300 kB after it: reading it takes a second range request past the tail.
  const projects = smallGraph();
  const bytes = writeZip([
    { name: 'dep-1.0.dist-info/METADATA', data: Buffer.from(metadataText({ name: 'dep', version: '1.0' })) },
    { name: 'dep/_pad.bin', data: pseudoRandomBytes(300_000, 'pad'), method: 'stored' },
    { name: 'dep-1.0.dist-info/WHEEL', data: Buffer.from('Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n') },
    { name: 'dep-1.0.dist-info/RECORD', data: Buffer.from('') },
  ]);
  const depProject = projects.find((p) => p.name === 'dep');
  assert.ok(depProject);
  depProject.files = [{ filename: DEP_WHEEL, bytes, metadata: false }];
  const dep = { bytes };
  const longer = Buffer.concat([Buffer.alloc(4096, 0x20), dep.bytes]);
  let ranges = 0;
  const { ws, result } = await lockAgainstHostileIndex({
    projects,
    server: { metadataFiles: false },
    setup: (s) =>
      s.setFault((req) => {
        if (req.kind !== 'file' || req.filename !== DEP_WHEEL || req.headers.range === undefined) return undefined;
        ranges++;
        // The probe (tail) sees the original; every later range sees a longer file.
        return ranges > 1 ? { replaceBody: longer } : undefined;
      }),
  });
  assertFailureMessage(result, 1, [depFile(), /changed/]);
  await ws.assertPreviousUntouched();
});

// pip checks a .metadata claim with hashlib.new(name): sha3_256 and blake2b are names it knows.
for (const alg of ['sha3_256', 'blake2b'] as const) {
  test(`a .metadata file whose only digest claim (${alg}) is wrong: exit 1, as for sha256`, async () => {
    const { ws, result } = await lockAgainstHostileIndex({
      server: { format: 'json' },
      setup: (s) => s.updateFile('dep', DEP_WHEEL, { claimMetadataHashes: { [alg]: 'ab'.repeat(alg === 'blake2b' ? 64 : 32) } }),
    });
    assertFailureMessage(result, 1, [depFile(), /\.metadata/, /ababab/]);
    await ws.assertPreviousUntouched();
  });
}

test('a .metadata file whose own digest claim is wrong: exit 1', async () => {
  const { ws, server, result } = await lockAgainstHostileIndex({
    setup: (s) => s.updateFile('dep', DEP_WHEEL, { claimMetadataSha256: 'ef'.repeat(32) }),
  });
  assertFailureMessage(result, 1, [depFile(), /\.metadata/, /efefef/, originPattern(server.origin)]);
  await ws.assertPreviousUntouched();
});

grepForSecretsThenCleanUp();
