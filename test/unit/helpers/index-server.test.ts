import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';
import { z } from 'zod';
import { buildWheel, metadataText, sha256Hex, type DistSpec } from '../../helpers/dists.js';
import {
  buildUniverse,
  isLoopbackAddress,
  startIndexServer,
  type IndexServer,
  type IndexServerOptions,
} from '../../helpers/index-server.js';

const PIP_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

const alphaSpec: DistSpec = { name: 'Alpha_Pkg', version: '1.0', requiresDist: ['beta>=1'], requiresPython: '>=3.8' };
const alphaWheel = buildWheel(alphaSpec, { padBytes: 4000 });

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the connection failed or ended before the response was complete. */
  error: string | undefined;
}

/** A bare HTTP GET: no decompression, no redirects, one fresh connection, so faults stay visible. */
function get(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status = 0;
    let responseHeaders: IncomingHttpHeaders = {};
    let settled = false;
    const finish = (error: string | undefined): void => {
      if (settled) return;
      settled = true;
      resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks), error });
    };
    const req = http.get(url, { headers, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      responseHeaders = res.headers;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish(res.complete ? undefined : 'incomplete'));
      res.on('error', (err) => finish(err.message));
      res.on('close', () => finish(res.complete ? undefined : 'closed early'));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', (err) => finish(err.message));
  });
}

async function withServer(options: IndexServerOptions, fn: (server: IndexServer) => Promise<void>): Promise<void> {
  const server = await startIndexServer(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

const alphaProject = { name: 'Alpha_Pkg', files: [{ filename: alphaWheel.filename, bytes: alphaWheel.bytes, requiresPython: '>=3.8', metadata: 'auto' as const }] };

const metadataClaim = z.union([z.boolean(), z.record(z.string(), z.string())]);
const jsonFile = z.object({
  filename: z.string(),
  url: z.string(),
  hashes: z.record(z.string(), z.string()),
  size: z.number(),
  yanked: z.union([z.boolean(), z.string()]),
  'requires-python': z.string().optional(),
  'upload-time': z.string(),
  'core-metadata': metadataClaim,
  'dist-info-metadata': metadataClaim,
});
const jsonPage = z.object({
  meta: z.object({ 'api-version': z.string() }),
  name: z.string(),
  versions: z.array(z.string()),
  files: z.array(jsonFile),
});
type JsonPage = z.infer<typeof jsonPage>;
type JsonFile = z.infer<typeof jsonFile>;

function parsePage(body: Buffer): JsonPage {
  return jsonPage.parse(JSON.parse(body.toString()));
}

function onlyFile(page: JsonPage): JsonFile {
  const [file] = page.files;
  assert.ok(file, 'page lists no file');
  assert.equal(page.files.length, 1);
  return file;
}

test("a negotiating server answers pip's Accept with PEP 691 JSON and a bare request with HTML", async () => {
  await withServer({ projects: [alphaProject] }, async (server) => {
    const json = await get(`${server.url}alpha-pkg/`, { accept: PIP_ACCEPT });
    assert.equal(json.status, 200);
    assert.equal(json.headers['content-type'], 'application/vnd.pypi.simple.v1+json');
    assert.equal(json.headers['vary'], 'Accept');
    const page = parsePage(json.body);
    assert.equal(page.meta['api-version'], '1.1');
    assert.equal(page.name, 'alpha-pkg');
    assert.deepEqual(page.versions, ['1.0']);
    const file = onlyFile(page);
    assert.equal(file.filename, alphaWheel.filename);
    assert.equal(file.url, server.fileUrl(alphaWheel.filename));
    assert.deepEqual(file.hashes, { sha256: sha256Hex(alphaWheel.bytes) });
    assert.equal(file.size, alphaWheel.bytes.length);
    assert.equal(file['requires-python'], '>=3.8');
    assert.equal(file.yanked, false);

    const html = await get(`${server.url}alpha-pkg/`);
    assert.equal(html.headers['content-type'], 'text/html; charset=utf-8');
    const text = html.body.toString();
    assert.match(text, /<meta name="pypi:repository-version" content="1\.1">/);
    const anchor = `<a href="${server.fileUrl(alphaWheel.filename)}#sha256=${sha256Hex(alphaWheel.bytes)}" data-requires-python="&gt;=3.8"`;
    assert.ok(text.includes(anchor), text);
    assert.ok(text.includes(`>${alphaWheel.filename}</a>`));
  });
});

test('fixed-format servers ignore the Accept header', async () => {
  await withServer({ projects: [alphaProject], format: 'html' }, async (server) => {
    const res = await get(`${server.url}alpha-pkg/`, { accept: PIP_ACCEPT });
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['vary'], undefined);
  });
  await withServer({ projects: [alphaProject], format: 'json' }, async (server) => {
    const res = await get(`${server.url}alpha-pkg/`, { accept: 'text/html' });
    assert.equal(res.headers['content-type'], 'application/vnd.pypi.simple.v1+json');
  });
});

test('the project list, name redirects and unknown projects behave like PyPI', async () => {
  await withServer({ projects: [alphaProject] }, async (server) => {
    const list = await get(server.url, { accept: 'application/vnd.pypi.simple.v1+json' });
    assert.deepEqual(JSON.parse(list.body.toString()), { meta: { 'api-version': '1.1' }, projects: [{ name: 'Alpha_Pkg' }] });
    const renamed = await get(`${server.url}Alpha_Pkg/`);
    assert.equal(renamed.status, 301);
    assert.equal(renamed.headers['location'], '/simple/alpha-pkg/');
    const slashless = await get(`${server.url}alpha-pkg`);
    assert.equal(slashless.status, 301);
    assert.equal(slashless.headers['location'], '/simple/alpha-pkg/');
    assert.equal((await get(`${server.url}nope/`)).status, 404);
  });
});

const ranges: { range: string; expected: (b: Buffer) => { status: number; body: Buffer; contentRange: string } }[] = [
  { range: 'bytes=0-9', expected: (b) => ({ status: 206, body: b.subarray(0, 10), contentRange: `bytes 0-9/${b.length}` }) },
  { range: 'bytes=-22', expected: (b) => ({ status: 206, body: b.subarray(-22), contentRange: `bytes ${b.length - 22}-${b.length - 1}/${b.length}` }) },
  { range: 'bytes=100-', expected: (b) => ({ status: 206, body: b.subarray(100), contentRange: `bytes 100-${b.length - 1}/${b.length}` }) },
  { range: 'bytes=999999-', expected: (b) => ({ status: 416, body: Buffer.alloc(0), contentRange: `bytes */${b.length}` }) },
];
for (const { range, expected } of ranges) {
  test(`a range request for ${range} gets the matching slice and Content-Range`, async () => {
    await withServer({ projects: [alphaProject] }, async (server) => {
      const res = await get(server.fileUrl(alphaWheel.filename), { range });
      const want = expected(alphaWheel.bytes);
      assert.equal(res.status, want.status);
      assert.equal(res.headers['content-range'], want.contentRange);
      assert.deepEqual(res.body, want.body);
      assert.equal(server.requests.at(-1)?.headers.range, range);
    });
  });
}

test('a server without range support ignores Range and sends the whole file', async () => {
  await withServer({ projects: [alphaProject], ranges: false }, async (server) => {
    const res = await get(server.fileUrl(alphaWheel.filename), { range: 'bytes=0-9' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['accept-ranges'], undefined);
    assert.deepEqual(res.body, alphaWheel.bytes);
  });
});

test('the .metadata file is served and its sha256 advertised in JSON and HTML', async () => {
  await withServer({ projects: [alphaProject] }, async (server) => {
    const expected = metadataText(alphaSpec);
    const digest = sha256Hex(Buffer.from(expected));
    const meta = await get(`${server.fileUrl(alphaWheel.filename)}.metadata`);
    assert.equal(meta.status, 200);
    assert.equal(meta.body.toString(), expected);
    const file = onlyFile(parsePage((await get(`${server.url}alpha-pkg/`, { accept: PIP_ACCEPT })).body));
    assert.deepEqual(file['core-metadata'], { sha256: digest });
    assert.deepEqual(file['dist-info-metadata'], { sha256: digest });
    const html = (await get(`${server.url}alpha-pkg/`)).body.toString();
    assert.ok(html.includes(`data-dist-info-metadata="sha256=${digest}" data-core-metadata="sha256=${digest}"`), html);
    assert.deepEqual(
      server.requests.map((r) => r.kind),
      ['metadata', 'project-page', 'project-page'],
    );
  });
});

test('with metadataFiles off nothing is advertised and .metadata is a 404', async () => {
  await withServer({ projects: [alphaProject], metadataFiles: false }, async (server) => {
    const file = onlyFile(parsePage((await get(`${server.url}alpha-pkg/`, { accept: PIP_ACCEPT })).body));
    assert.equal(file['core-metadata'], false);
    assert.ok(!(await get(`${server.url}alpha-pkg/`)).body.toString().includes('data-core-metadata'));
    assert.equal((await get(`${server.fileUrl(alphaWheel.filename)}.metadata`)).status, 404);
  });
});

test('relative links resolve against the page URL to the served file', async () => {
  await withServer({ projects: [alphaProject], relativeUrls: true }, async (server) => {
    const pageUrl = `${server.url}alpha-pkg/`;
    const file = onlyFile(parsePage((await get(pageUrl, { accept: PIP_ACCEPT })).body));
    assert.equal(file.url, `../../files/${alphaWheel.filename}`);
    const res = await get(new URL(file.url, pageUrl).href);
    assert.deepEqual(res.body, alphaWheel.bytes);
  });
});

test('a status fault on the first attempt is followed by a normal answer, and both are logged', async () => {
  await withServer({ projects: [alphaProject] }, async (server) => {
    server.setFault((req) => (req.kind === 'file' && req.attempt === 1 ? { status: 503 } : undefined));
    const url = server.fileUrl(alphaWheel.filename);
    assert.equal((await get(url)).status, 503);
    const second = await get(url);
    assert.equal(second.status, 200);
    assert.deepEqual(second.body, alphaWheel.bytes);
    assert.deepEqual(
      server.downloads(alphaWheel.filename).map((r) => [r.attempt, r.status, r.fault, r.completed]),
      [
        [1, 503, 'status', true],
        [2, 200, undefined, true],
      ],
    );
    assert.equal(server.downloads()[1]?.bytesSent, alphaWheel.bytes.length);
  });
});

test('body faults reach the client as truncation, reset, stall, other bytes, gzip and redirects', async () => {
  await withServer({ projects: [alphaProject] }, async (server) => {
    const url = server.fileUrl(alphaWheel.filename);
    const size = alphaWheel.bytes.length;

    server.setFault(() => ({ truncateAfterBytes: 100 }));
    const truncated = await get(url);
    assert.equal(truncated.headers['content-length'], String(size));
    assert.ok(truncated.error !== undefined, 'truncation must surface as an error');
    assert.equal(truncated.body.length, 100);

    server.setFault(() => ({ resetAfterBytes: 10 }));
    assert.ok((await get(url)).error !== undefined, 'reset must surface as an error');

    server.setFault(() => ({ stallAfterBytes: 50 }));
    const stalled = await get(url, {}, 300);
    assert.equal(stalled.error, 'client timeout');
    assert.equal(stalled.body.length, 50);

    const other = Buffer.from('not the wheel');
    server.setFault(() => ({ replaceBody: other }));
    assert.deepEqual((await get(url)).body, other);

    server.setFault(() => ({ gzip: true }));
    const zipped = await get(url, { 'accept-encoding': 'identity' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.deepEqual(zlib.gunzipSync(zipped.body), alphaWheel.bytes);

    server.setFault((req) => (req.attempt < 8 ? { redirect: url } : undefined));
    const loop = await get(url);
    assert.equal(loop.status, 302);
    assert.equal(loop.headers['location'], url);

    server.setFault(() => ({ contentType: 'text/html', body: '<html>login</html>' }));
    const login = await get(`${server.url}alpha-pkg/`, { accept: PIP_ACCEPT });
    assert.equal(login.headers['content-type'], 'text/html');
    assert.equal(login.body.toString(), '<html>login</html>');

    server.setFault(undefined);
    assert.deepEqual(
      server.requests.map((r) => r.fault),
      ['truncateAfterBytes', 'resetAfterBytes', 'stallAfterBytes', 'replaceBody', 'gzip', 'redirect', 'contentType'],
    );
    assert.equal(server.requests[0]?.bytesSent, 100);
    assert.equal(server.requests[0]?.completed, false);
  });
});

test('a delay fault waits, then applies the fault it wraps', async () => {
  await withServer({ projects: [alphaProject] }, async (server) => {
    server.setFault(() => ({ delayMs: 100, then: { status: 500 } }));
    const started = Date.now();
    const res = await get(server.fileUrl(alphaWheel.filename));
    assert.ok(Date.now() - started >= 90);
    assert.equal(res.status, 500);
  });
});

test('the request log records method, path, Accept and Range, and counts downloads per file', async () => {
  const projects = buildUniverse([{ name: 'beta', versions: { '1.0': {}, '2.0': { sdist: true } } }]);
  await withServer({ projects }, async (server) => {
    await get(`${server.url}beta/`, { accept: PIP_ACCEPT });
    await get(server.fileUrl('beta-2.0-py3-none-any.whl'));
    await get(server.fileUrl('beta-2.0-py3-none-any.whl'), { range: 'bytes=0-0' });
    await get(`${server.fileUrl('beta-2.0-py3-none-any.whl')}.metadata`);
    await get(server.fileUrl('beta-2.0.tar.gz'));
    assert.equal(server.downloads('beta-2.0-py3-none-any.whl').length, 2);
    assert.equal(server.downloads('beta-1.0-py3-none-any.whl').length, 0);
    assert.equal(server.downloads().length, 3);
    const [page] = server.requests;
    assert.equal(page?.method, 'GET');
    assert.equal(page?.path, '/simple/beta/');
    assert.equal(page?.headers.accept, PIP_ACCEPT);
    server.clearRequests();
    assert.equal(server.requests.length, 0);
    await get(server.fileUrl('beta-2.0.tar.gz'));
    assert.equal(server.requests[0]?.attempt, 1);
  });
});

test('mutations between runs change what the pages claim', async () => {
  await withServer({ projects: [alphaProject] }, async (server) => {
    const pageUrl = `${server.url}alpha-pkg/`;
    const newBytes = buildWheel({ ...alphaSpec, summary: 'rebuilt' }).bytes;
    server.replaceFileBytes('alpha-pkg', alphaWheel.filename, newBytes);
    server.updateFile('alpha-pkg', alphaWheel.filename, { yanked: 'bad build' });
    let file = onlyFile(parsePage((await get(pageUrl, { accept: PIP_ACCEPT })).body));
    assert.deepEqual(file.hashes, { sha256: sha256Hex(newBytes) });
    assert.equal(file.yanked, 'bad build');
    assert.ok((await get(pageUrl)).body.toString().includes('data-yanked="bad build"'));

    server.updateFile('alpha-pkg', alphaWheel.filename, { claimSha256: 'ab'.repeat(32), noHash: false });
    file = onlyFile(parsePage((await get(pageUrl, { accept: PIP_ACCEPT })).body));
    assert.deepEqual(file.hashes, { sha256: 'ab'.repeat(32) });

    const other = buildWheel({ name: 'alpha-pkg', version: '2.0' });
    server.addFile('ALPHA.pkg', { filename: other.filename, bytes: other.bytes });
    server.removeFile('alpha-pkg', alphaWheel.filename);
    const page = parsePage((await get(pageUrl, { accept: PIP_ACCEPT })).body);
    assert.deepEqual(page.files.map((f) => f.filename), [other.filename]);
    assert.equal((await get(server.fileUrl(other.filename))).status, 200);
  });
});

test('buildUniverse makes one wheel per tag, an sdist on request, and wheel metadata', async () => {
  const [project] = buildUniverse([
    { name: 'Gamma', versions: { '1.0': { wheelTags: ['py3-none-any', 'cp312-cp312-manylinux_2_17_x86_64'], sdist: true, yanked: true } } },
  ]);
  assert.ok(project);
  assert.deepEqual(
    project.files.map((f) => [f.filename, f.metadata === false ? 'none' : 'metadata', f.yanked]),
    [
      ['gamma-1.0-py3-none-any.whl', 'metadata', true],
      ['gamma-1.0-cp312-cp312-manylinux_2_17_x86_64.whl', 'metadata', true],
      ['gamma-1.0.tar.gz', 'none', true],
    ],
  );
  await withServer({ projects: [project] }, async (server) => {
    const html = (await get(`${server.url}gamma/`)).body.toString();
    assert.equal(html.match(/data-yanked=""/g)?.length, 3);
  });
});

test('bandwidth throttling slows a download down to roughly the configured rate', async () => {
  await withServer({ projects: [alphaProject], bandwidthBytesPerSec: 20_000 }, async (server) => {
    const started = Date.now();
    const res = await get(server.fileUrl(alphaWheel.filename));
    const elapsed = Date.now() - started;
    assert.deepEqual(res.body, alphaWheel.bytes);
    // Only a lower bound: a loaded machine may be slower, never faster than the cap.
    const minimumMs = (alphaWheel.bytes.length / 20_000) * 1000 * 0.7;
    assert.ok(elapsed >= minimumMs, `took ${elapsed} ms, expected at least ${minimumMs}`);
  });
});

const peers: { address: string | undefined; allowed: boolean }[] = [
  { address: '127.0.0.1', allowed: true },
  { address: '::ffff:127.0.0.1', allowed: true },
  { address: '::1', allowed: true },
  { address: '10.0.0.5', allowed: false },
  { address: '::ffff:192.168.1.2', allowed: false },
  { address: undefined, allowed: false },
];
for (const { address, allowed } of peers) {
  test(`a peer at ${String(address)} is ${allowed ? 'served' : 'dropped'}`, () => {
    assert.equal(isLoopbackAddress(address), allowed);
  });
}

test('the server binds 127.0.0.1 on an ephemeral port', async () => {
  await withServer({}, async (server) => {
    assert.match(server.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.url, `${server.origin}/simple/`);
  });
});
