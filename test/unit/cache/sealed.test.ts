// Page and run records are sealed (cache/seal.ts): the files hold no URL, no token and no lock
// text; a record opens only for the URL or fingerprint it was sealed with.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordCache, type PageRecord, type RunRecord } from '../../../src/cache/record-cache.js';
import { seal, unseal } from '../../../src/cache/seal.js';

const TOKEN = 'sealTok3n-Hg5Fd3Sa1';
const pageUrl = `https://index.example/${TOKEN}/simple/demo/`;
const page: PageRecord = {
  url: pageUrl,
  accept: 'text/html',
  storedAt: 1000,
  freshForMs: 600_000,
  etag: '"v1"',
  links: [{ url: `https://index.example/${TOKEN}/files/demo-1.0-py3-none-any.whl`, hashes: { sha256: 'a'.repeat(64) }, provenance: null }],
};
const run: RunRecord = {
  output: '/work/requirements.txt',
  fingerprint: 'f'.repeat(64),
  freshUntil: 5000,
  content: `# index: https://index.example/${TOKEN}/simple/\n`,
  lock: { header: { toolVersion: '0', targetDescription: 't', command: 'c', indexes: [], trustRootSha256: null }, packages: [] },
  warnings: [],
};

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-sealed-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function everyFile(dir: string): Promise<string> {
  let all = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) all += await readFile(join(entry.parentPath, entry.name), 'latin1');
  }
  return all;
}

describe('sealed cache records', () => {
  test('seal/unseal: the same purpose and material open it; any other, or a changed byte, do not', () => {
    const sealed = seal('page', pageUrl, { a: 1 });
    assert.deepEqual(unseal('page', pageUrl, sealed), { a: 1 });
    const cases: [string, string, string][] = [
      ['page', pageUrl.replace(TOKEN, 'other'), sealed],
      ['run', pageUrl, sealed],
      ['page', pageUrl, sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA')],
      ['page', pageUrl, ''],
    ];
    for (const [purpose, material, text] of cases) assert.equal(unseal(purpose, material, text), undefined, `${purpose} ${material}`);
  });

  test('a page and a run record round-trip, and no file holds the token or a URL', async () => {
    await withDir(async (dir) => {
      const writer = new RecordCache(dir);
      await writer.putPage('demo', page);
      await writer.putRun(run);
      await writer.flush();
      const reader = new RecordCache(dir);
      assert.deepEqual(await reader.getPage('demo', pageUrl, 'text/html'), page);
      assert.deepEqual(await reader.getRun(run.output, run.fingerprint), run);
      assert.equal(await reader.getRun(run.output, 'e'.repeat(64)), undefined, 'another fingerprint');
      const disk = await everyFile(dir);
      for (const form of [TOKEN, 'index.example', Buffer.from(TOKEN).toString('base64').slice(1, -2)]) assert.ok(!disk.includes(form), `the cache holds ${form}`);
    });
  });

  test('a pack written before sealing: its clear pages are no hit and no warning, and gone after the next write', async () => {
    await withDir(async (dir) => {
      await mkdir(join(dir, 'v2', 'projects'), { recursive: true });
      const old = { schema: 2, project: 'demo', files: {}, pages: { [pageUrl]: page } };
      await writeFile(join(dir, 'v2', 'projects', 'demo.json'), JSON.stringify(old));
      const warnings: string[] = [];
      const cache = new RecordCache(dir, { onWarning: (m) => warnings.push(m) });
      assert.equal(await cache.getPage('demo', pageUrl, 'text/html'), undefined);
      await cache.putPage('demo', { ...page, url: 'https://public.example/simple/demo/', links: [] });
      await cache.flush();
      assert.deepEqual(warnings, []);
      assert.ok(!(await everyFile(dir)).includes(TOKEN), 'the clear page was dropped');
    });
  });

  test('a sealed page whose bytes changed on disk is a miss and a warning', async () => {
    await withDir(async (dir) => {
      const writer = new RecordCache(dir);
      await writer.putPage('demo', page);
      await writer.flush();
      const path = join(dir, 'v2', 'projects', 'demo.json');
      const pack = JSON.parse(await readFile(path, 'utf8')) as { sealedPages: Record<string, { sealed: string }> };
      for (const entry of Object.values(pack.sealedPages)) entry.sealed = Buffer.from('x'.repeat(64)).toString('base64');
      await writeFile(path, JSON.stringify(pack));
      const warnings: string[] = [];
      assert.equal(await new RecordCache(dir, { onWarning: (m) => warnings.push(m) }).getPage('demo', pageUrl, 'text/html'), undefined);
      assert.match(warnings.join('\n'), /ignoring a corrupt cache record/);
    });
  });
});
