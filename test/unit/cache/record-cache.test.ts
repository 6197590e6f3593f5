import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordCache, type PageRecord } from '../../../src/cache/record-cache.js';
import { seal } from '../../../src/cache/seal.js';

const digest = { sha256: 'a'.repeat(64), size: 10, others: {} };
const key = { project: 'demo', url: 'https://files.example/demo-1.0-py3-none-any.whl', claims: { 'hash:sha256': 'a'.repeat(64), size: 10 } };
const page: PageRecord = {
  url: 'https://index.example/simple/demo/',
  accept: 'text/html',
  storedAt: 1000,
  freshForMs: 600_000,
  etag: '"v1"',
  links: [{ url: key.url, hashes: { sha256: 'a'.repeat(64) }, yanked: false, provenance: null }],
};

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-cache-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the cache of digests, metadata and pages', () => {
  test('records written by one run are read by the next; other claims are a miss', async () => {
    await withDir(async (dir) => {
      const first = new RecordCache(dir);
      await first.putDigest(key, digest);
      await first.putPage('demo', page);
      await first.flush();
      const second = new RecordCache(dir);
      assert.deepEqual(await second.getDigest(key), digest);
      assert.deepEqual(await second.getPage('demo', page.url, 'text/html'), page);
      assert.equal(await second.getPage('demo', page.url, 'application/json'), undefined, 'asked with another Accept');
      assert.equal(await second.getDigest({ ...key, claims: { ...key.claims, size: 11 } }), undefined, 'the index changed its claims');
      assert.equal(await second.getMetadata(key), undefined);
    });
  });

  test('nothing is written before flush(), so a run that dies mid-way leaves no half pack', async () => {
    await withDir(async (dir) => {
      const cache = new RecordCache(dir);
      await cache.putDigest(key, digest);
      assert.deepEqual(await readdir(dir), []);
    });
  });

  test('a corrupt pack is a miss and a warning, and the next flush replaces it', async () => {
    await withDir(async (dir) => {
      const writer = new RecordCache(dir);
      await writer.putDigest(key, digest);
      await writer.flush();
      const [packFile] = await readdir(join(dir, 'v2', 'projects'));
      assert.ok(packFile);
      await writeFile(join(dir, 'v2', 'projects', packFile), '{"schema": 2, "project": "demo", "files": ');
      const warnings: string[] = [];
      const reader = new RecordCache(dir, { onWarning: (m) => warnings.push(m) });
      assert.equal(await reader.getDigest(key), undefined);
      assert.match(warnings.join('\n'), /ignoring a corrupt cache record/);
      await reader.putDigest(key, digest);
      await reader.flush();
      assert.deepEqual(await new RecordCache(dir).getDigest(key), digest);
    });
  });

  test('two runs flushing the same pack keep the records of both', async () => {
    await withDir(async (dir) => {
      const a = new RecordCache(dir);
      const b = new RecordCache(dir);
      const otherKey = { ...key, url: key.url.replace('1.0', '2.0') };
      // Both read the (empty) pack before either writes, as concurrent runs do.
      assert.equal(await a.getDigest(key), undefined);
      assert.equal(await b.getDigest(otherKey), undefined);
      await a.putDigest(key, digest);
      await b.putDigest(otherKey, { ...digest, sha256: 'b'.repeat(64) });
      await a.flush();
      await b.flush();
      const reader = new RecordCache(dir);
      assert.deepEqual(await reader.getDigest(key), digest);
      assert.equal((await reader.getDigest(otherKey))?.sha256, 'b'.repeat(64));
    });
  });

  test('of two stored copies of a page, the newer one wins the merge', async () => {
    await withDir(async (dir) => {
      const newer = new RecordCache(dir);
      await newer.putPage('demo', { ...page, storedAt: 5000, etag: '"v2"' });
      await newer.flush();
      const older = new RecordCache(dir);
      await older.putPage('demo', { ...page, storedAt: 2000, etag: '"v1"' });
      await older.flush();
      assert.equal((await new RecordCache(dir).getPage('demo', page.url, 'text/html'))?.etag, '"v2"');
    });
  });

  test('a cache that cannot be written is one warning, not one per project', async () => {
    await withDir(async (dir) => {
      // A file where the cache folder should be: every write fails.
      await writeFile(join(dir, 'v2'), 'not a folder');
      const warnings: string[] = [];
      const cache = new RecordCache(dir, { onWarning: (m) => warnings.push(m) });
      await cache.putDigest(key, digest);
      await cache.putDigest({ ...key, project: 'other' }, digest);
      await cache.flush();
      assert.equal(warnings.filter((w) => w.startsWith('cannot write the cache')).length, 1, warnings.join('\n'));
    });
  });
});


test('a page record written before provenance URLs were kept is a miss (fetched again), without a warning', async () => {
  await withDir(async (dir) => {
    const writer = new RecordCache(dir);
    await writer.putPage('demo', page);
    await writer.flush();
    const again = new RecordCache(dir);
    assert.deepEqual(await again.getPage('demo', page.url, page.accept), page, 'written now: provenance null is kept');
    // The shape an older pin-hashes wrote: the same record, its links without the key.
    const path = join(dir, 'v2', 'projects', 'demo.json');
    const pack = JSON.parse(await readFile(path, 'utf8')) as { sealedPages: Record<string, { sealed: string }> };
    const { provenance: _absent, ...oldLink } = page.links[0]!;
    for (const entry of Object.values(pack.sealedPages)) entry.sealed = seal('page', page.url, { ...page, links: [oldLink] });
    await writeFile(path, JSON.stringify(pack));
    const warnings: string[] = [];
    assert.equal(await new RecordCache(dir, { onWarning: (w) => warnings.push(w) }).getPage('demo', page.url, page.accept), undefined);
    assert.deepEqual(warnings, []);
  });
});
