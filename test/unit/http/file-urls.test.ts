// Issue #10 case 2, the local half: a file: URL is read like a download is bounded. Before, a
// find-links folder holding a symlink to /dev/zero (stat size 0, endless bytes) made the run
// read forever; a FIFO blocked it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HttpClient } from '../../../src/http/client.js';
import { HttpError } from '../../../src/http/errors.js';

test('file: URLs that are not regular files are refused, as pages and as files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-file-urls-'));
  const http = new HttpClient();
  try {
    await symlink('/dev/zero', join(dir, 'zero-1.0-py3-none-any.whl'));
    execFileSync('mkfifo', [join(dir, 'fifo-1.0-py3-none-any.whl')]);
    const cases = [pathToFileURL(join(dir, 'zero-1.0-py3-none-any.whl')).toString(), pathToFileURL(join(dir, 'fifo-1.0-py3-none-any.whl')).toString(), 'file:///dev/zero', pathToFileURL(dir).toString()];
    for (const url of cases) {
      await assert.rejects(http.openStream(url), (e: unknown) => e instanceof HttpError && /not a regular file/.test(e.message), url);
      await assert.rejects(http.getPage(url, 'text/html'), (e: unknown) => e instanceof HttpError && /not a regular file/.test(e.message), url);
    }
  } finally {
    http.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a regular local file is read whole, and only as far as its size when opened', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-file-urls-'));
  const http = new HttpClient();
  try {
    const path = join(dir, 'a-1.0-py3-none-any.whl');
    await writeFile(path, Buffer.alloc(1000, 7));
    const response = await http.openStream(pathToFileURL(path).toString());
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    assert.equal(response.status, 200);
    assert.equal(Buffer.concat(chunks).length, 1000);
    assert.equal((await http.openStream(pathToFileURL(join(dir, 'missing.whl')).toString())).status, 404);
  } finally {
    http.close();
    await rm(dir, { recursive: true, force: true });
  }
});
