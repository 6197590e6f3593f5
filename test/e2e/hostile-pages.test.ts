// Hostile indexes, part 3: the project page itself. A page that is neither HTML nor JSON, JSON of
// the wrong shape or an unknown API version is an error that names the page (never "no files");
// a huge page is still fast; impossible and path-traversal filenames are never used, and never
// used as paths; two indexes with the same project: the first wins and a warning says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sha256Hex } from '../helpers/dists.js';
import { MEDIA_JSON, buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { TARGET, TEST_AUTH, assertFailureMessage, escapeRegExp, hashesIn, makeWorkspace, originPattern, pins, withCredentials } from './hostile-harness.js';
import { DEP_WHEEL, fileOf, grepForSecretsThenCleanUp, lockAgainstHostileIndex, smallGraph, usePreviousLock } from './hostile-harness-index.js';

usePreviousLock();

const onDepPage = (body: string | Buffer, contentType: string) => (server: IndexServer) =>
  server.setFault((req) => (req.kind === 'project-page' && req.path.endsWith('/dep/') ? { contentType, body } : undefined));

const depPage = /\/simple\/dep\//;

test('a project page that is neither HTML nor JSON: exit 2, names the page and its Content-Type', async () => {
  const { ws, server, result } = await lockAgainstHostileIndex({ setup: onDepPage(Buffer.from([0x50, 0x4b, 3, 4, 0, 0]), 'application/octet-stream') });
  assertFailureMessage(result, 2, [depPage, originPattern(server.origin), /neither HTML nor PEP 691 JSON/, /application\/octet-stream/, /simple index/]);
  await ws.assertPreviousUntouched();
});

test('a login page served as text/plain instead of the project page: exit 2, not "no such project"', async () => {
  const { ws, result } = await lockAgainstHostileIndex({ setup: onDepPage('Please sign in to continue.', 'text/plain; charset=utf-8') });
  assertFailureMessage(result, 2, [depPage, /text\/plain/]);
  await ws.assertPreviousUntouched();
});

test('a page that says it is PEP 691 JSON but does not parse: exit 2', async () => {
  const { ws, result } = await lockAgainstHostileIndex({ setup: onDepPage('{"meta": {"api-version": "1.0"}, "files": [', MEDIA_JSON) });
  assertFailureMessage(result, 2, [depPage, /does not parse as JSON/]);
  await ws.assertPreviousUntouched();
});

test('JSON of the wrong shape (files is an object): exit 2, says which field', async () => {
  const { ws, result } = await lockAgainstHostileIndex({ setup: onDepPage('{"meta": {"api-version": "1.0"}, "files": {"dep": 1}}', MEDIA_JSON) });
  assertFailureMessage(result, 2, [depPage, /not a PEP 691 project page \(files: /]);
  await ws.assertPreviousUntouched();
});

test('JSON whose file entries have the wrong types: exit 2, says which entry', async () => {
  const body = JSON.stringify({ meta: { 'api-version': '1.0' }, files: [{ filename: 7, url: ['x'], hashes: 'sha256=abc' }] });
  const { ws, result } = await lockAgainstHostileIndex({ setup: onDepPage(body, MEDIA_JSON) });
  assertFailureMessage(result, 2, [depPage, /files\.0\.filename/]);
  await ws.assertPreviousUntouched();
});

test('a JSON page of an API version this tool does not know (2.0): exit 2, says to upgrade', async () => {
  const body = JSON.stringify({ meta: { 'api-version': '2.0' }, name: 'dep', files: [] });
  const { ws, result } = await lockAgainstHostileIndex({ setup: onDepPage(body, MEDIA_JSON) });
  assertFailureMessage(result, 2, [depPage, /API version 2\.0/, /Upgrade pin-hashes/]);
  await ws.assertPreviousUntouched();
});

test('an HTML page of an API version this tool does not know (2.0): exit 2, says to upgrade', async () => {
  const body = '<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="2.0"></head><body></body></html>';
  const { ws, result } = await lockAgainstHostileIndex({ setup: onDepPage(body, 'text/html') });
  assertFailureMessage(result, 2, [depPage, /API version 2\.0/, /Upgrade pin-hashes/]);
  await ws.assertPreviousUntouched();
});

const LINKS = 50_000;

for (const format of ['html', 'json'] as const) {
  test(`a project page with ${LINKS.toLocaleString('en')} links (${format}): locks, and stays fast`, async (t) => {
    const projects = smallGraph();
    const dep = fileOf(projects, 'dep-1.0');
    let elapsedMs = 0;
    const { ws, server, result } = await lockAgainstHostileIndex({
      projects,
      setup: (s) => {
        // 50,000 old releases nobody will download, then the real one.
        const fake = Array.from({ length: LINKS }, (_, i) => ({
          filename: `dep-0.${Math.floor(i / 100)}.${i % 100}-py3-none-any.whl`,
          url: `${s.origin}/files/dep-0.${Math.floor(i / 100)}.${i % 100}-py3-none-any.whl`,
          sha256: sha256Hex(Buffer.from(String(i))),
        }));
        const all = [...fake, { filename: DEP_WHEEL, url: s.fileUrl(DEP_WHEEL), sha256: sha256Hex(dep.bytes) }];
        const body =
          format === 'html'
            ? `<!DOCTYPE html><html><body>\n${all.map((f) => `<a href="${f.url}#sha256=${f.sha256}">${f.filename}</a><br/>`).join('\n')}\n</body></html>`
            : JSON.stringify({
                meta: { 'api-version': '1.1' },
                name: 'dep',
                files: all.map((f) => ({ filename: f.filename, url: f.url, hashes: { sha256: f.sha256 } })),
              });
        onDepPage(body, format === 'html' ? 'text/html' : MEDIA_JSON)(s);
        elapsedMs = Date.now();
      },
    });
    elapsedMs = Date.now() - elapsedMs;
    t.diagnostic(`${format}: lock with a ${LINKS}-link page took ${elapsedMs} ms`);
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(ws.output, 'utf8');
    assert.deepEqual(pins(lock), ['app==1.0', 'dep==1.0']);
    assert.ok(hashesIn(lock).has(sha256Hex(dep.bytes)));
    assert.equal(server.downloads().filter((r) => r.filename === undefined).length, 0, 'none of the fake files was fetched');
  });
}

test('path-traversal and impossible filenames in a JSON page are never used: the lock takes the one real file', async () => {
  const projects = smallGraph();
  const dep = fileOf(projects, 'dep-1.0');
  const evilNames = [
    '../../dep-9.0-py3-none-any.whl',
    '..\\..\\dep-9.0-py3-none-any.whl',
    '/etc/dep-9.0-py3-none-any.whl',
    'dep-9.0-py3-none-any.whl/../../x',
    'dep-9.0-py3-none-any.whl\u0000.txt',
    'dep-9.0.whl',
    'dep-notaversion-py3-none-any.whl',
    'dep-9.0-py3-none-any.whl.exe',
    'other-9.0-py3-none-any.whl',
    `dep-9.0-${'x'.repeat(5000)}-none-any.whl`,
    'dep-9.0-py3-none-any.whl\n',
    '.',
    '..',
  ];
  const { ws, server, result } = await lockAgainstHostileIndex({
    projects,
    setup: (s) => {
      const files = [
        ...evilNames.map((filename, i) => ({ filename, url: `${s.origin}/evil/${i}`, hashes: { sha256: 'ab'.repeat(32) } })),
        { filename: DEP_WHEEL, url: s.fileUrl(DEP_WHEEL), hashes: { sha256: sha256Hex(dep.bytes) } },
      ];
      onDepPage(JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'dep', files }), MEDIA_JSON)(s);
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0']);
  assert.ok(!server.requests.some((r) => r.path.startsWith('/evil/') || r.path.includes('dep-9.0')), 'no impossible file was fetched');
  // Nothing was written anywhere under the run's TMPDIR but what the run cleaned up itself.
  assert.deepEqual(await readdir(join(ws.dir, 'tmp')), []);
});

test('percent-encoded traversal in HTML links (..%2F, ..%5C) is never used: the lock takes the one real file', async () => {
  const projects = smallGraph();
  const dep = fileOf(projects, 'dep-1.0');
  const { ws, server, result } = await lockAgainstHostileIndex({
    projects,
    server: { metadataFiles: false, ranges: false },
    setup: (s) => {
      const evil = ['..%2F..%2Fdep-9.0-py3-none-any.whl', '..%5C..%5Cdep-9.0-py3-none-any.whl', '%2Fetc%2Fdep-9.0-py3-none-any.whl', 'dep-9.0-py3-none-any.whl%00.txt'];
      const anchors = [
        ...evil.map((href) => `<a href="/files/${href}#sha256=${'ab'.repeat(32)}">x</a>`),
        `<a href="${s.fileUrl(DEP_WHEEL)}#sha256=${sha256Hex(dep.bytes)}">${DEP_WHEEL}</a>`,
      ];
      onDepPage(`<!DOCTYPE html><html><body>${anchors.join('\n')}</body></html>`, 'text/html')(s);
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0']);
  assert.ok(!server.requests.some((r) => r.path.includes('dep-9.0')), 'no traversal link was fetched');
  // The wheel was read whole into a temp copy (no ranges): only under the run's TMPDIR, and gone.
  assert.deepEqual(await readdir(join(ws.dir, 'tmp')), []);
});

test('a project whose page lists only impossible filenames: exit 1, says no usable file', async () => {
  const files = ['../../dep-9.0-py3-none-any.whl', 'dep-9.0.whl', 'dep-notaversion.tar.gz'].map((filename, i) => ({
    filename,
    url: `http://127.0.0.1:1/evil/${i}`,
    hashes: {},
  }));
  const { ws, result } = await lockAgainstHostileIndex({
    setup: onDepPage(JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'dep', files }), MEDIA_JSON),
  });
  assertFailureMessage(result, 1, [/dep/]);
  await ws.assertPreviousUntouched();
});

test('the same project on two indexes: the first wins, a warning names the other, whose files are never fetched', async () => {
  const first = await startIndexServer({ projects: smallGraph(), requireAuth: TEST_AUTH });
  // The second index has a newer dep (dependency confusion): it must not be used.
  const second = await startIndexServer({ projects: buildUniverse([{ name: 'dep', versions: { '99.0': {} } }]) });
  const ws = await makeWorkspace();
  try {
    const result = await ws.run(['lock', 'requirements.in', '-i', withCredentials(first.url), '--extra-index-url', second.url, ...TARGET]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0']);
    assert.match(result.stderr, new RegExp(`warning: dep is on ${escapeRegExp(first.url)} and also on ${escapeRegExp(second.url)}; only the first index is used`));
    assert.equal(second.downloads().length, 0, 'nothing was downloaded from the second index');
    assert.ok(!second.requests.some((r) => r.kind === 'metadata'), 'not even its metadata');
  } finally {
    await first.close();
    await second.close();
  }
});


// Issue #10 case 2: before, a remote page could name `file:///dev/zero` (the run hung at 100% CPU)
// or any local file (hashed into the lock: here a newer "dep 2.0" planted on this machine would
// have been locked). A file: link is honoured only on a page that is itself local.
for (const format of ['json', 'html'] as const) {
  test(`file: links on a remote ${format} page are ignored with a warning; the index's own file is locked`, async () => {
    const projects = smallGraph();
    const dep = fileOf(projects, 'dep-1.0');
    const planted = buildUniverse([{ name: 'dep', versions: { '2.0': {} } }]).flatMap((p) => p.files)[0];
    assert.ok(planted);
    const { ws, server, result } = await lockAgainstHostileIndex({
      projects,
      server: { metadataFiles: false, ranges: false },
      setup: async (s) => {
        const localDir = await mkdtemp(join(tmpdir(), 'pin-hashes-planted-'));
        const localWheel = join(localDir, planted.filename);
        await writeFile(localWheel, planted.bytes);
        const links = [
          { filename: 'dep-3.0-py3-none-any.whl', url: 'file:///dev/zero' },
          { filename: planted.filename, url: pathToFileURL(localWheel).toString() },
          { filename: DEP_WHEEL, url: s.fileUrl(DEP_WHEEL), hashes: { sha256: sha256Hex(dep.bytes) } },
        ];
        if (format === 'json') {
          onDepPage(JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'dep', files: links }), MEDIA_JSON)(s);
        } else {
          const anchors = links.map((l) => `<a href="${l.url}${l.hashes ? `#sha256=${l.hashes.sha256}` : ''}">${l.filename}</a>`);
          // /dev/zero has no wheel name in its path: the HTML page names it through a symlink-like path.
          anchors[0] = '<a href="file:///dev/zero/../../dev/dep-3.0-py3-none-any.whl">dep-3.0</a>';
          onDepPage(`<!DOCTYPE html><html><body>${anchors.join('\n')}</body></html>`, 'text/html')(s);
        }
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0']);
    assert.match(result.stderr, /file: link\(s\).*ignored/, result.stderr);
    assert.match(result.stderr, originPattern(server.origin));
  });
}

// ---- Case 7: page encodings, decoded as pip decodes them (package-index/page-encoding.ts) ----

/** The real dep page, as HTML or PEP 691 JSON text, for re-encoding. */
function depPageText(s: IndexServer, dep: { filename: string; bytes: Buffer }, format: 'html' | 'json'): string {
  const url = `${s.fileUrl(dep.filename)}#sha256=${sha256Hex(dep.bytes)}`;
  return format === 'html'
    ? `<!DOCTYPE html><html><head><title>Links for dep — café</title></head><body><a href="${url}">${dep.filename}</a></body></html>`
    : JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'dep', files: [{ filename: dep.filename, url: s.fileUrl(dep.filename), hashes: { sha256: sha256Hex(dep.bytes) } }] });
}

const utf16 = (text: string, bom: boolean): Buffer => Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]);

const decodable: Array<{ name: string; format: 'html' | 'json'; contentType: string; encode: (text: string) => Buffer }> = [
  { name: 'HTML in UTF-16 with a BOM, charset=utf-16', format: 'html', contentType: 'text/html; charset=utf-16', encode: (t) => utf16(t, true) },
  { name: 'HTML in UTF-16BE, charset="UTF-16BE"', format: 'html', contentType: 'text/html; charset="UTF-16BE"', encode: (t) => utf16(t, false).swap16() },
  { name: 'PEP 691 JSON with a UTF-8 BOM', format: 'json', contentType: MEDIA_JSON, encode: (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]) },
  { name: 'PEP 691 JSON in UTF-16LE, no BOM (the charset is ignored, as json.loads ignores it)', format: 'json', contentType: `${MEDIA_JSON}; charset=latin-1`, encode: (t) => utf16(t, false) },
];

for (const c of decodable) {
  test(`${c.name}: decoded as pip decodes it, the lock has dep`, async () => {
    const projects = smallGraph();
    const dep = fileOf(projects, 'dep-1.0');
    const { ws, result } = await lockAgainstHostileIndex({ projects, setup: (s) => onDepPage(c.encode(depPageText(s, dep, c.format)), c.contentType)(s) });
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(ws.output, 'utf8');
    assert.deepEqual(pins(lock), ['app==1.0', 'dep==1.0']);
    assert.ok(hashesIn(lock).has(sha256Hex(dep.bytes)));
  });
}

const undecodable: Array<{ name: string; contentType: string; encode: (text: string) => Buffer; says: RegExp }> = [
  // pip decodes HTML by the charset or UTF-8, never by a BOM: this page fails for pip as well.
  { name: 'HTML in UTF-16 without a charset', contentType: 'text/html', encode: (t) => utf16(t, true), says: /invalid UTF-8 at byte 0/ },
  { name: 'HTML in a charset pin-hashes does not decode', contentType: 'text/html; charset=shift_jis', encode: (t) => Buffer.from(t), says: /charset "shift_jis"/ },
  { name: 'HTML that says US-ASCII but is not', contentType: 'text/html; charset=us-ascii', encode: (t) => Buffer.from(t), says: /not an ASCII byte/ },
];

for (const c of undecodable) {
  test(`${c.name}: exit 2, the page could not be decoded (never a U+FFFD link, never "no files")`, async () => {
    const projects = smallGraph();
    const dep = fileOf(projects, 'dep-1.0');
    const { ws, result } = await lockAgainstHostileIndex({ projects, setup: (s) => onDepPage(c.encode(depPageText(s, dep, 'html')), c.contentType)(s) });
    assertFailureMessage(result, 2, [depPage, /could not be decoded/, c.says]);
    await ws.assertPreviousUntouched();
  });
}

grepForSecretsThenCleanUp();
