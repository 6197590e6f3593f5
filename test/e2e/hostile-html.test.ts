// Hostile indexes, HTML read as pip reads it (issue #10, cases 5 and 6): a page whose markup pip's
// parser (Python's html.parser) reads differently from a naive tokenizer must not make us lock a
// file pip never sees; and markup that made our parsing quadratic locks in seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { sha256Hex } from '../helpers/dists.js';
import { buildUniverse, type IndexServer } from '../helpers/index-server.js';
import { hashesIn, pins } from './hostile-harness.js';
import { DEP_WHEEL, fileOf, grepForSecretsThenCleanUp, lockAgainstHostileIndex, usePreviousLock } from './hostile-harness-index.js';

usePreviousLock();

const DEP2_WHEEL = 'dep-2.0-py3-none-any.whl';

function twoDeps() {
  return buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } },
    { name: 'dep', versions: { '1.0': {}, '2.0': {} } },
  ]);
}

const onDepPage = (body: (server: IndexServer) => string) => (server: IndexServer) =>
  server.setFault((req) => (req.kind === 'project-page' && req.path.endsWith('/dep/') ? { contentType: 'text/html', body: body(server) } : undefined));

test('anchors pip does not see (<a:x>, <a-x>, <a.x>, <a NUL>, a first duplicate href, one hidden in a "--!>" comment) are not locked: dep 1.0, as pip picks', async () => {
  const projects = twoDeps();
  const dep1 = fileOf(projects, 'dep-1.0-');
  const dep2 = fileOf(projects, 'dep-2.0-');
  const { ws, server, result } = await lockAgainstHostileIndex({
    projects,
    setup: onDepPage((s) => {
      const two = `${s.fileUrl(DEP2_WHEEL)}#sha256=${sha256Hex(dep2.bytes)}`;
      const one = `${s.fileUrl(DEP_WHEEL)}#sha256=${sha256Hex(dep1.bytes)}`;
      return [
        '<!DOCTYPE html><html><body>',
        `<a:x href="${two}">${DEP2_WHEEL}</a:x>`,
        `<a-x href="${two}">${DEP2_WHEEL}</a-x>`,
        `<a.x href="${two}">${DEP2_WHEEL}</a.x>`,
        `<a\u0000 href="${two}">${DEP2_WHEEL}</a>`,
        `<!-- --!> <a href="${two}">${DEP2_WHEEL}</a> -->`,
        // pip keeps the last of two href attributes.
        `<a href="${two}" href="${one}">${DEP_WHEEL}</a>`,
        '</body></html>',
      ].join('\n');
    }),
  });
  assert.equal(result.code, 0, result.stderr);
  const lock = await readFile(ws.output, 'utf8');
  assert.deepEqual(pins(lock), ['app==1.0', 'dep==1.0']);
  assert.ok(hashesIn(lock).has(sha256Hex(dep1.bytes)));
  assert.ok(!hashesIn(lock).has(sha256Hex(dep2.bytes)), 'dep 2.0, which pip never sees, is not in the lock');
  assert.ok(!server.requests.some((r) => r.path.includes('dep-2.0')), 'nothing of dep 2.0 was fetched');
});

test('anchors pip does see (inside <title>, after a comment closed by "-- >", the last duplicate data-requires-python) are locked', async () => {
  const projects = buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } },
    { name: 'dep', versions: { '1.0': {}, '2.0': { sdist: true } } },
  ]);
  const wheel = fileOf(projects, 'dep-2.0-');
  const sdist = fileOf(projects, 'dep-2.0.tar');
  const { ws, result } = await lockAgainstHostileIndex({
    projects,
    input: 'app\ndep>=2\n',
    setup: onDepPage((s) =>
      [
        // pip keeps the last data-requires-python: ">=3" admits the target Python 3.12.
        `<html><head><title>Links for dep <a href="${s.fileUrl(wheel.filename)}#sha256=${sha256Hex(wheel.bytes)}" data-requires-python="&lt;3" data-requires-python="&gt;=3">x</a></title></head><body>`,
        '<!-- a comment closed as Python reads it: -- >',
        `<a href="${s.fileUrl(sdist.filename)}#sha256=${sha256Hex(sdist.bytes)}">${sdist.filename}</a>`,
        '<!-- -->',
        '</body></html>',
      ].join('\n'),
    ),
  });
  assert.equal(result.code, 0, result.stderr);
  const lock = await readFile(ws.output, 'utf8');
  assert.deepEqual(pins(lock), ['app==1.0', 'dep==2.0']);
  assert.ok(hashesIn(lock).has(sha256Hex(wheel.bytes)), 'the wheel linked inside <title>');
  assert.ok(hashesIn(lock).has(sha256Hex(sdist.bytes)), 'the sdist linked after the "-- >" comment');
});

test('40,000 <script></script> pairs before the one anchor: locks, in seconds', async (t) => {
  const projects = twoDeps().map((p) => (p.name === 'dep' ? { ...p, files: p.files.filter((f) => f.filename.startsWith('dep-1.0')) } : p));
  const dep1 = fileOf(projects, 'dep-1.0-');
  let started = 0;
  const { ws, result } = await lockAgainstHostileIndex({
    projects,
    setup: (s) => {
      onDepPage(() => `<html><head>${'<script></script>'.repeat(40_000)}</head><body><a href="${s.fileUrl(DEP_WHEEL)}#sha256=${sha256Hex(dep1.bytes)}">${DEP_WHEEL}</a></body></html>`)(s);
      started = Date.now();
    },
  });
  const elapsed = Date.now() - started;
  t.diagnostic(`lock took ${elapsed} ms`);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0']);
  // Quadratic parsing took 38 s here; linear takes well under one. Generous for a loaded machine.
  assert.ok(elapsed < 15_000, `lock took ${elapsed} ms`);
});

grepForSecretsThenCleanUp();
