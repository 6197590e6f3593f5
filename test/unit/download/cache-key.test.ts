import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { cacheKeyFor } from '../../../src/download/cache-key.js';
import { ArtifactStore } from '../../../src/download/artifact-store.js';
import { RecordCache } from '../../../src/cache/record-cache.js';
import type { HttpClient } from '../../../src/http/client.js';
import type { IndexedFile } from '../../../src/package-index/types.js';
import { normalizeName } from '../../../src/pep/names.js';

const body = Buffer.from('the bytes of a wheel');
const hex = (nodeName: string) => createHash(nodeName).update(body).digest('hex');

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

describe('claim-keyed or not: a remote file is cached only under a digest claim we check', () => {
  const cases: { name: string; claims: Partial<IndexedFile>; keyed: boolean }[] = [
    { name: 'sha256', claims: { hashes: { sha256: hex('sha256') } }, keyed: true },
    { name: 'md5 only (pip checks it, hashlib guarantees it)', claims: { hashes: { md5: hex('md5') } }, keyed: true },
    { name: 'sha512 only', claims: { hashes: { sha512: hex('sha512') } }, keyed: true },
    { name: 'blake2b only (hashlib name, Node blake2b512)', claims: { hashes: { blake2b: hex('blake2b512') } }, keyed: true },
    { name: 'blake2s only', claims: { hashes: { blake2s: hex('blake2s256') } }, keyed: true },
    { name: 'sha3_256 only (hashlib name, Node sha3-256)', claims: { hashes: { sha3_256: hex('sha3-256') } }, keyed: true },
    { name: 'no claim at all', claims: {}, keyed: false },
    { name: 'a size claim alone', claims: { size: body.length }, keyed: false },
    { name: 'blake2b_256 only (PyPI JSON API name, not a hashlib one)', claims: { hashes: { blake2b_256: 'ab'.repeat(32) } }, keyed: false },
    { name: 'shake_128 only (no fixed length: pip cannot check it either)', claims: { hashes: { shake_128: 'ab'.repeat(16) } }, keyed: false },
    { name: 'an unknown name only', claims: { hashes: { k12: 'ab'.repeat(32) } }, keyed: false },
    { name: "Node's spelling, not hashlib's (sha3-256)", claims: { hashes: { 'sha3-256': hex('sha3-256') } }, keyed: false },
    { name: "an OpenSSL alias hashlib does not guarantee (ripemd160)", claims: { hashes: { ripemd160: 'ab'.repeat(20) } }, keyed: false },
    { name: 'several unknown ones', claims: { hashes: { k12: 'ab', blake3: 'cd' } }, keyed: false },
    { name: 'sha256 beside an unknown one', claims: { hashes: { sha256: hex('sha256'), k12: 'ab' } }, keyed: true },
    { name: 'an unknown one beside md5', claims: { hashes: { k12: 'ab', md5: hex('md5') } }, keyed: true },
    { name: 'a metadata claim does not key the file', claims: { coreMetadata: { sha256: hex('sha256') } }, keyed: false },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const key = await cacheKeyFor(file(c.claims));
      assert.equal(key !== undefined, c.keyed);
    });
  }

  test('a local file is keyed by what stat says, whatever its claims', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-key-'));
    try {
      const path = join(dir, 'demo-1.0-py3-none-any.whl');
      await writeFile(path, body);
      const key = await cacheKeyFor(file({ url: pathToFileURL(path).toString(), hashes: { k12: 'ab' } }));
      assert.equal(key?.claims['local:size'], body.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a cache record vouches only for the claims it was checked against', () => {
  // A record an older pin-hashes wrote under a blake2b claim it could not compute: it holds no
  // blake2b digest, so it was never checked against that claim and must not be used.
  test('a record without a digest for a computable claim is recomputed (and then checked)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-key-'));
    try {
      const cache = new RecordCache(dir);
      const claimed = file({ hashes: { blake2b: 'cd'.repeat(64) } });
      const key = await cacheKeyFor(claimed);
      assert.ok(key);
      await cache.putDigest(key, { sha256: 'ef'.repeat(32), size: body.length, others: {} });
      let opened = 0;
      const http = {
        openStream: async (url: string) => {
          opened++;
          return { url, status: 200, headers: {}, body: Readable.from([body]) };
        },
        wrapError: (_url: string, error: unknown) => error,
      } as unknown as HttpClient;
      const store = new ArtifactStore(http, { concurrency: 1, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalMs: 1000 }, cache });
      try {
        await assert.rejects(store.verify(claimed), (e: unknown) => e instanceof Error && /blake2b/.test(e.message) && e.message.includes(hex('blake2b512')));
        assert.equal(opened, 1, 'the file was downloaded, not taken from the record');
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
