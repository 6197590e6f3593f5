// Hostile indexes, round two, case 1: bytes after a complete response on a kept-alive socket.
// A raw TCP front forwards each request to the project's index server and sends the answer back
// byte-exact (chunked, or with Content-Length), then garbage on the same socket. Node's parser
// fails on that garbage while the request is already answered; before the fix got's error event
// had no listener at that moment and node printed the whole error object, the request's
// `authorization: Basic ...` header included, with exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { TARGET, TEST_AUTH, TEST_SECRETS, assertNoSecret, makeWorkspace, withCredentials } from './hostile-harness.js';
import { DEP_WHEEL, grepForSecretsThenCleanUp, smallGraph } from './hostile-harness-index.js';

type Framing = 'chunked' | 'content-length';
type Target = 'page' | 'file';

/** Forwards to `upstream`; answers for requests matching `target` are followed by garbage bytes. */
async function startTrailingFront(upstream: IndexServer, framing: Framing, target: Target): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const end = pending.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = pending.subarray(0, end).toString('latin1');
      pending = pending.subarray(end + 4);
      const [requestLine = '', ...headerLines] = head.split('\r\n');
      const path = requestLine.split(' ')[1] ?? '/';
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      delete headers['host'];
      const upstreamUrl = new URL(path, upstream.url);
      http.get(upstreamUrl, { headers, agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const body = Buffer.concat(parts);
          const isFile = path.endsWith(DEP_WHEEL);
          const isPage = path.includes('/simple/');
          const spoil = (target === 'file' && isFile) || (target === 'page' && isPage);
          const lines = [`HTTP/1.1 ${res.statusCode ?? 500} ${res.statusMessage ?? ''}`];
          for (const [name, value] of Object.entries(res.headers)) {
            if (['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name) || value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
          }
          lines.push('connection: keep-alive');
          const framed =
            framing === 'chunked' && body.length > 0
              ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')])
              : body;
          lines.push(framing === 'chunked' && body.length > 0 ? 'transfer-encoding: chunked' : `content-length: ${body.length}`);
          socket.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), framed]));
          if (spoil) socket.write('GARBAGE AFTER THE RESPONSE\r\n\r\n');
        });
      }).on('error', () => socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return {
    url: `http://127.0.0.1:${address.port}/simple/`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

for (const framing of ['chunked', 'content-length'] as const) {
  for (const target of ['page', 'file'] as const) {
    test(`bytes after a complete ${framing} response to a ${target}: no crash, no credential, a lock or exit 2`, async () => {
      const upstream = await startIndexServer({ projects: smallGraph(), requireAuth: TEST_AUTH, metadataFiles: false, ranges: false });
      const front = await startTrailingFront(upstream, framing, target);
      const ws = await makeWorkspace();
      try {
        const result = await ws.run(['lock', 'requirements.in', '-i', withCredentials(front.url), ...TARGET, '--no-cache']);
        const output = result.stdout + result.stderr;
        assertNoSecret(output, 'the output');
        assert.doesNotMatch(output, /authorization/i, output);
        assert.doesNotMatch(output, /\n\s+at /, `no stack trace:\n${output}`);
        assert.doesNotMatch(output, /internal error/, output);
        assert.ok(result.code === 0 || result.code === 2, `exit 0 or 2, got ${String(result.code)}:\n${output}`);
        if (result.code === 0) {
          const { readFile } = await import('node:fs/promises');
          assert.match(await readFile(ws.output, 'utf8'), /^dep==1\.0 \\$/m);
        } else {
          assert.match(result.stderr, /^error: .*127\.0\.0\.1/m, result.stderr);
          assert.match(result.stderr, /^hint: \S/m, result.stderr);
        }
        for (const secret of TEST_SECRETS) assert.ok(!output.includes(secret));
      } finally {
        await front.close();
        await upstream.close();
      }
    });
  }
}

grepForSecretsThenCleanUp();
