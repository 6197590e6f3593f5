// Hostile indexes, part 4: metadata that lies. A wheel without METADATA, METADATA naming another
// project or version, a decompression bomb, text that is not UTF-8, a `.metadata` file that does
// not describe its wheel: each is an error naming the file and the index, never a lock built
// from metadata that does not belong to the hashed bytes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeZip, type ZipEntryInput } from '../helpers/archive.js';
import { buildWheel, metadataText, pseudoRandomBytes } from '../helpers/dists.js';
import { buildUniverse, startIndexServer, type IndexProject } from '../helpers/index-server.js';
import { ArtifactStore } from '../../src/download/artifact-store.js';
import { HttpClient } from '../../src/http/client.js';
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry.js';
import { MetadataMismatchError, compareMetadata, createMetadataLedger, MetadataService, type DistributionMetadata } from '../../src/metadata/index.js';
import { IndexClient } from '../../src/package-index/client.js';
import { normalizeName } from '../../src/pep/names.js';
import { assertFailureMessage, escapeRegExp, originPattern } from './hostile-harness.js';
import { DEP_WHEEL, grepForSecretsThenCleanUp, lockAgainstHostileIndex, usePreviousLock } from './hostile-harness-index.js';

usePreviousLock();

const depFile = new RegExp(escapeRegExp(DEP_WHEEL));

/** app -> dep, with dep's wheel replaced by `bytes` (and `.metadata` as given, default none). */
function graphWithDep(bytes: Buffer, metadata: Buffer | false = false): IndexProject[] {
  const projects = buildUniverse([{ name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } }]);
  projects.push({ name: 'dep', files: [{ filename: DEP_WHEEL, bytes, metadata }] });
  return projects;
}

/** A wheel of dep 1.0 with these members (METADATA and friends written by the caller). */
function depWheel(members: Record<string, Buffer>, extra: ZipEntryInput[] = []): Buffer {
  return writeZip([
    { name: 'dep/__init__.py', data: Buffer.from('') },
    ...Object.entries(members).map(([name, data]) => ({ name, data })),
    { name: 'dep-1.0.dist-info/WHEEL', data: Buffer.from('Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n') },
    ...extra,
  ]);
}

const goodMetadata = Buffer.from(metadataText({ name: 'dep', version: '1.0' }));

/** Sets the uncompressed size the central directory records for `member` (a lying header). */
function lieAboutSize(zip: Buffer, member: string, size: number): Buffer {
  const out = Buffer.from(zip);
  const name = Buffer.from(member);
  for (let p = out.length - 22; p >= 0; p--) {
    if (out.readUInt32LE(p) === 0x02014b50 && out.subarray(p + 46, p + 46 + name.length).equals(name)) {
      out.writeUInt32LE(size, p + 24);
      return out;
    }
  }
  throw new Error(`Assertion failed: no central directory entry for ${member}`);
}

test('a wheel with no METADATA: exit 2, names the file and the missing member', async () => {
  const wheel = buildWheel({ name: 'dep', version: '1.0' }, { omitMetadata: true }).bytes;
  const { ws, server, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 2, [depFile, originPattern(server.origin), /no dep-1\.0\.dist-info\/METADATA/]);
  await ws.assertPreviousUntouched();
});

test('a wheel with two .dist-info directories: exit 2, not a valid wheel', async () => {
  const wheel = depWheel({ 'dep-1.0.dist-info/METADATA': goodMetadata, 'other-2.0.dist-info/METADATA': goodMetadata });
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 2, [depFile, /2 \.dist-info directories/]);
  await ws.assertPreviousUntouched();
});

test('a wheel whose METADATA names another project: exit 1', async () => {
  const wheel = buildWheel({ name: 'dep', version: '1.0' }, { metadataOverride: metadataText({ name: 'requests', version: '1.0' }) }).bytes;
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 1, [depFile, /names the project "requests", not dep/]);
  await ws.assertPreviousUntouched();
});

test('a wheel whose METADATA names another version: exit 1', async () => {
  const wheel = buildWheel({ name: 'dep', version: '1.0' }, { metadataOverride: metadataText({ name: 'dep', version: '6.6.6' }) }).bytes;
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 1, [depFile, /version 6\.6\.6, the filename says 1\.0/]);
  await ws.assertPreviousUntouched();
});

test('a .metadata file that names another project: exit 1', async () => {
  const wheel = buildWheel({ name: 'dep', version: '1.0' }).bytes;
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel, Buffer.from(metadataText({ name: 'evil', version: '1.0' }))) });
  assertFailureMessage(result, 1, [depFile, /names the project "evil"/]);
  await ws.assertPreviousUntouched();
});

test('METADATA that is not valid metadata (no Version field): exit 2', async () => {
  const wheel = depWheel({ 'dep-1.0.dist-info/METADATA': Buffer.from('Metadata-Version: 2.1\nName: dep\n\n') });
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 2, [depFile, /Version is missing/]);
  await ws.assertPreviousUntouched();
});

test('an oversized METADATA member (a decompression bomb that declares its size): exit 2, refused before inflating', async () => {
  const bomb = Buffer.concat([goodMetadata, Buffer.alloc(20 * 1024 * 1024, 0x20)]);
  const wheel = depWheel({ 'dep-1.0.dist-info/METADATA': bomb });
  assert.ok(wheel.length < 100_000, 'the bomb is small on the wire');
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 2, [depFile, /METADATA is 20971\d+ bytes, more than the 8388608 we read/]);
  await ws.assertPreviousUntouched();
});

test('a decompression bomb whose central directory lies about its size: exit 2, inflating stops at the cap', async () => {
  const bomb = Buffer.concat([goodMetadata, Buffer.alloc(64 * 1024 * 1024, 0x20)]);
  const wheel = lieAboutSize(depWheel({ 'dep-1.0.dist-info/METADATA': bomb }), 'dep-1.0.dist-info/METADATA', goodMetadata.length);
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 2, [depFile, /METADATA does not inflate/]);
  await ws.assertPreviousUntouched();
});

test('an oversized .metadata file: exit 2, reading stops at the cap', async () => {
  const wheel = buildWheel({ name: 'dep', version: '1.0' }).bytes;
  const huge = Buffer.concat([goodMetadata, Buffer.alloc(9 * 1024 * 1024, 0x20)]);
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel, huge) });
  assertFailureMessage(result, 2, [depFile, /\.metadata file is larger than 8388608 bytes/]);
  await ws.assertPreviousUntouched();
});

test('METADATA in the wheel that is not UTF-8: exit 2', async () => {
  const latin1 = Buffer.concat([goodMetadata.subarray(0, goodMetadata.length - 1), Buffer.from('Summary: caf\xe9\n\n', 'latin1')]);
  const wheel = depWheel({ 'dep-1.0.dist-info/METADATA': latin1 });
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 2, [depFile, /not valid UTF-8/]);
  await ws.assertPreviousUntouched();
});

test('a .metadata file that is not UTF-8: exit 2', async () => {
  const wheel = buildWheel({ name: 'dep', version: '1.0' }).bytes;
  const latin1 = Buffer.concat([Buffer.from('Metadata-Version: 2.1\nName: dep\nVersion: 1.0\nSummary: ', 'latin1'), Buffer.from([0xff, 0xfe, 0xe9]), Buffer.from('\n\n')]);
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel, latin1) });
  assertFailureMessage(result, 2, [depFile, /not valid UTF-8/]);
  await ws.assertPreviousUntouched();
});

test('a "wheel" that is not a ZIP archive at all (an HTML error page, claims and all): exit 2', async () => {
  const page = Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>\n');
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(page), server: { metadataFiles: false } });
  assertFailureMessage(result, 2, [depFile, /not a ZIP archive/]);
  await ws.assertPreviousUntouched();
});

test('an advertised .metadata file the server does not have: falls back to the wheel, the lock succeeds', async () => {
  const wheel = buildWheel({ name: 'dep', version: '1.0' }).bytes;
  const { result } = await lockAgainstHostileIndex({
    projects: graphWithDep(wheel, goodMetadata),
    setup: (s) => s.setFault((req) => (req.kind === 'metadata' ? { status: 404 } : undefined)),
  });
  assert.equal(result.code, 0, result.stderr);
});

// The in-process tests below prove the ledger itself, wired as the pipeline wires it: the same
// ledger is the store's inspector and the MetadataService's.

test('a .metadata file that disagrees with the wheel it describes (other Requires-Dist): exit 1', async () => {
  const wheel = buildWheel({ name: 'dep', version: '1.0', requiresDist: ['colorama'] }).bytes;
  const sidecar = Buffer.from(metadataText({ name: 'dep', version: '1.0' }));
  const { ws, result } = await lockAgainstHostileIndex({ projects: [...graphWithDep(wheel, sidecar), ...buildUniverse([{ name: 'colorama', versions: { '1.0': {} } }])] });
  assertFailureMessage(result, 1, [depFile, /\.metadata file \(PEP 658\) disagrees/, /Requires-Dist/]);
  await ws.assertPreviousUntouched();
});

test('bytes that change between the range reads and the whole download, with no claim to catch it: exit 1', async () => {
  // METADATA first and 300 kB after it, so METADATA is read by range requests before the download.
  const original = depWheel({ 'dep-1.0.dist-info/METADATA': goodMetadata }, [{ name: 'dep/_pad.bin', data: pseudoRandomBytes(300_000, 'a'), method: 'stored' }]);
  const swapped = depWheel({ 'dep-1.0.dist-info/METADATA': Buffer.from(metadataText({ name: 'dep', version: '1.0', requiresDist: ['evil'] })) }, [
    { name: 'dep/_pad.bin', data: pseudoRandomBytes(300_000, 'a'), method: 'stored' },
  ]);
  const { ws, result } = await lockAgainstHostileIndex({
    projects: graphWithDep(original),
    server: { metadataFiles: false, format: 'html' },
    setup: (s) => {
      s.updateFile('dep', DEP_WHEEL, { noHash: true });
      s.setFault((req) => (req.filename === DEP_WHEEL && req.kind === 'file' && req.headers.range === undefined ? { replaceBody: swapped } : undefined));
    },
  });
  assertFailureMessage(result, 1, [depFile, /range requests/, /Requires-Dist/]);
  await ws.assertPreviousUntouched();
});

describe('the metadata ledger, wired by hand the way the pipeline wires it', () => {
  async function session(projects: IndexProject[], options: Parameters<typeof startIndexServer>[0] = {}) {
    const server = await startIndexServer({ projects, ...options });
    const http = new HttpClient();
    const store = new ArtifactStore(http, { concurrency: 2, retry: DEFAULT_RETRY_POLICY });
    const index = new IndexClient(http, { indexes: [server.url], findLinks: [] }, DEFAULT_RETRY_POLICY);
    const page = await index.getProject(normalizeName('dep'));
    assert.equal(page.kind, 'found');
    const file = page.kind === 'found' ? page.files.find((f) => f.filename === DEP_WHEEL) : undefined;
    assert.ok(file);
    const ledger = createMetadataLedger();
    const close = async () => {
      await store.close();
      http.close();
      await server.close();
    };
    return { file, ledger, store, http, close, metadata: new MetadataService({ http, store, retry: DEFAULT_RETRY_POLICY, ledger }) };
  }

  test('metadata from a .metadata file that disagrees with the downloaded wheel is caught on inspection', async () => {
    const wheel = buildWheel({ name: 'dep', version: '1.0', requiresDist: ['colorama>=0.4'], requiresPython: '>=3.9' }).bytes;
    const s = await session(graphWithDep(wheel, Buffer.from(metadataText({ name: 'dep', version: '1.0', requiresPython: '>=3.8' }))));
    try {
      const used = await s.metadata.read(s.file);
      assert.deepEqual(used.requiresDist, []);
      assert.ok(s.ledger.wants(s.file), 'the store is asked to keep the bytes of this wheel');
      const { path } = await s.store.localCopy(s.file);
      await assert.rejects(s.ledger.inspect(s.file, path), (error: unknown) => {
        assert.ok(error instanceof MetadataMismatchError);
        assert.match(error.message, /Requires-Dist: used \(none\), the wheel says \["colorama>=0\.4"\]/);
        assert.match(error.message, /Requires-Python: used ">=3\.8", the wheel says ">=3\.9"/);
        assert.equal(error.exitCode, 1);
        return true;
      });
    } finally {
      await s.close();
    }
  });

  test('a wheel inspected before its metadata read ends is compared when the read ends', async () => {
    const wheel = buildWheel({ name: 'dep', version: '1.0', requiresDist: ['colorama'] }).bytes;
    const s = await session(graphWithDep(wheel, goodMetadata));
    try {
      s.ledger.begin(s.file);
      const { path } = await s.store.localCopy(s.file);
      await s.ledger.inspect(s.file, path);
      await assert.rejects(s.metadata.read(s.file), MetadataMismatchError);
    } finally {
      await s.close();
    }
  });

  test('metadata that agrees (spelled differently) passes, and metadata read from the hashed bytes is not re-checked', async () => {
    const spec = { name: 'dep', version: '1.0', requiresDist: ['Colorama >= 0.4 ; python_version >= "3"'], providesExtra: ['Fast_Mode'] };
    const sidecar = Buffer.from(metadataText({ ...spec, name: 'DEP', version: '1.0.0', requiresDist: ['colorama>=0.4; python_version>="3"'], providesExtra: ['fast-mode'] }));
    const s = await session(graphWithDep(buildWheel(spec).bytes, sidecar));
    try {
      await s.metadata.read(s.file);
      const { path } = await s.store.localCopy(s.file);
      await s.ledger.inspect(s.file, path);
    } finally {
      await s.close();
    }
    const plain = await session(graphWithDep(buildWheel({ name: 'dep', version: '1.0' }).bytes), { metadataFiles: false, ranges: false });
    try {
      await plain.metadata.read(plain.file);
      assert.equal(plain.ledger.wants(plain.file), false, 'read from the very bytes that were hashed: nothing to compare');
    } finally {
      await plain.close();
    }
  });

  const base: DistributionMetadata = { name: 'dep', version: '1.0', requiresDist: ['a>=1', 'b'], requiresPython: '>=3.8,<4', providesExtra: ['x'], origin: 'metadata-file' };
  const cases: [string, Partial<DistributionMetadata>, RegExp | null][] = [
    ['the same fields in another order and spelling', { name: 'Dep', version: '1.0.0', requiresDist: ['b', 'A >= 1'], requiresPython: '<4, >=3.8' }, null],
    ['another dependency', { requiresDist: ['a>=1', 'c'] }, /^Requires-Dist: /],
    ['another version', { version: '1.1' }, /^Version: used 1\.0, the wheel says 1\.1/],
    ['another name', { name: 'other' }, /^Name: /],
    ['another Requires-Python', { requiresPython: null }, /^Requires-Python: used ">=3\.8,<4"|^Requires-Python: used "<4,>=3\.8"/],
    ['another extra', { providesExtra: [] }, /^Provides-Extra: used \["x"\], the wheel says \(none\)/],
  ];
  for (const [name, change, expected] of cases) {
    test(`compareMetadata: ${name}`, () => {
      const differences = compareMetadata(base, { ...base, ...change, origin: 'wheel' });
      if (expected === null) assert.deepEqual(differences, []);
      else {
        assert.equal(differences.length, 1, differences.join('\n'));
        assert.match(differences[0] ?? '', expected);
      }
    });
  }
});

grepForSecretsThenCleanUp();
