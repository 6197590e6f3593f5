import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DigestMismatchError, hashStream, verifyClaims } from '../../../src/download/hashing.js';
import { HttpError } from '../../../src/http/errors.js';
import { PinHashesError } from '../../../src/errors.js';
import type { IndexedFile } from '../../../src/package-index/types.js';
import { normalizeName } from '../../../src/pep/names.js';

const body = Buffer.from('the bytes of a wheel');
const sha = (alg: string) => createHash(alg).update(body).digest('hex');

function file(claims: Partial<IndexedFile>): IndexedFile {
  return {
    project: normalizeName('demo'),
    filename: 'demo-1.0-py3-none-any.whl',
    url: 'https://idx.example/files/demo-1.0-py3-none-any.whl',
    kind: 'wheel',
    hashes: {},
    size: undefined,
    requiresPython: undefined,
    yanked: false,
    coreMetadata: undefined,
    provenance: null,
    uploadTime: null,
    source: 'https://idx.example/simple/',
    ...claims,
  };
}

describe('hashing a stream', () => {
  test('computes sha256, size and every claimed algorithm in one pass, from chunks', async () => {
    const chunks = [body.subarray(0, 3), body.subarray(3, 10), body.subarray(10)];
    const digests = await hashStream(Readable.from(chunks), { algorithms: ['md5', 'sha512'], url: 'u' });
    assert.deepEqual(digests, { sha256: sha('sha256'), size: body.length, others: { md5: sha('md5'), sha512: sha('sha512') } });
  });

  test('a body shorter than Content-Length is a retryable truncation', async () => {
    await assert.rejects(hashStream(Readable.from([body]), { algorithms: [], url: 'u', expectedLength: body.length + 5 }), (e: unknown) => e instanceof HttpError && e.retryable);
  });

  test('a body longer than the claimed size stops early and is not retryable', async () => {
    await assert.rejects(
      hashStream(Readable.from([body]), { algorithms: [], url: 'u', limit: 4 }),
      (e: unknown) => e instanceof PinHashesError && e.code === 'SIZE_MISMATCH' && e.exitCode === 1,
    );
  });
});

describe('verifying the index claims', () => {
  const computed = { sha256: sha('sha256'), size: body.length, others: { md5: sha('md5') } };
  const cases: { name: string; claims: Partial<IndexedFile>; ok: boolean; evidence?: number }[] = [
    { name: 'no claims: only our own digest', claims: {}, ok: true, evidence: 1 },
    { name: 'matching sha256 and size', claims: { hashes: { sha256: sha('sha256') }, size: body.length }, ok: true, evidence: 3 },
    { name: 'matching md5 (a private index)', claims: { hashes: { md5: sha('md5') } }, ok: true, evidence: 2 },
    { name: 'wrong sha256', claims: { hashes: { sha256: '0'.repeat(64) } }, ok: false },
    { name: 'wrong size', claims: { size: body.length + 1 }, ok: false },
    { name: 'uppercase claim is compared after lowercasing by the page reader, raw uppercase here fails', claims: { hashes: { sha256: sha('sha256').toUpperCase() } }, ok: false },
    { name: 'a digest that is not hex', claims: { hashes: { sha256: 'zz' } }, ok: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.ok) assert.equal(verifyClaims(file(c.claims), computed).length, c.evidence);
      else assert.throws(() => verifyClaims(file(c.claims), computed), DigestMismatchError);
    });
  }

  test('the mismatch message names file, index, claimed and computed digests', () => {
    try {
      verifyClaims(file({ hashes: { sha256: 'f'.repeat(64) } }), computed);
      assert.fail('expected a mismatch');
    } catch (error) {
      assert.ok(error instanceof DigestMismatchError);
      assert.equal(error.exitCode, 1);
      for (const part of ['demo-1.0-py3-none-any.whl', 'https://idx.example/simple/', 'f'.repeat(64), sha('sha256')]) {
        assert.ok(error.message.includes(part), `${part} in ${error.message}`);
      }
    }
  });
});

describe('algorithms by their hashlib names (what an index writes, PEP 503)', () => {
  // hashlib's guaranteed fixed-length algorithms, with Node's name for the same function.
  const computable: [string, string][] = [
    ['md5', 'md5'], ['sha1', 'sha1'], ['sha224', 'sha224'], ['sha384', 'sha384'], ['sha512', 'sha512'],
    ['sha3_224', 'sha3-224'], ['sha3_256', 'sha3-256'], ['sha3_384', 'sha3-384'], ['sha3_512', 'sha3-512'],
    ['blake2b', 'blake2b512'], ['blake2s', 'blake2s256'],
  ];
  for (const [indexName, nodeName] of computable) {
    test(`${indexName} is computed in the same pass and checked`, async () => {
      const digests = await hashStream(Readable.from([body]), { algorithms: [indexName], url: 'u' });
      assert.equal(digests.others[indexName], sha(nodeName));
      assert.equal(verifyClaims(file({ hashes: { [indexName]: sha(nodeName) } }), digests).length, 2);
      assert.throws(() => verifyClaims(file({ hashes: { [indexName]: 'ab'.repeat(sha(nodeName).length / 2) } }), digests), DigestMismatchError);
    });
  }
  for (const name of ['blake2b_256', 'shake_128', 'shake_256', 'k12', 'sha3-256', 'ripemd160']) {
    test(`${name} is not computed: no digest, no evidence either way`, async () => {
      const digests = await hashStream(Readable.from([body]), { algorithms: [name], url: 'u' });
      assert.deepEqual(digests.others, {});
      assert.equal(verifyClaims(file({ hashes: { [name]: 'ab'.repeat(32) } }), digests).length, 1);
    });
  }

  test("the digests are Python's hashlib's (when python3 is present)", async (t) => {
    const { spawnSync } = await import('node:child_process');
    const script = `import hashlib,sys,json\nb=sys.stdin.buffer.read()\nprint(json.dumps({n: hashlib.new(n, b).hexdigest() for n in sys.argv[1:]}))`;
    const names = computable.map(([n]) => n);
    const run = spawnSync('python3', ['-c', script, ...names], { input: body });
    if (run.error || run.status !== 0) {
      t.skip('python3 not available');
      return;
    }
    const python = JSON.parse(run.stdout.toString()) as Record<string, string>;
    const digests = await hashStream(Readable.from([body]), { algorithms: names, url: 'u' });
    assert.deepEqual(digests.others, python);
  });
});
