// A closed HttpClient (the run has ended): a request still in flight fails without a retry, and
// no new request reaches the network. Found when the previous lock's pages were all asked at
// once: a run that failed early retried a page whose socket it had just closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../../src/http/client.js';
import { HttpError } from '../../../src/http/errors.js';
import { withRetries } from '../../../src/http/retry.js';

const POLICY = { attempts: 5, baseDelayMs: 1, maxDelayMs: 2, totalMs: 5_000 };

test('after close(): the request in flight is not retried, and nothing new is sent', async () => {
  let requests = 0;
  // Answers nothing: the request is in flight when the client closes.
  const server = http.createServer(() => void requests++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/app/`;
  const client = new HttpClient({});
  try {
    const pending = withRetries(() => client.openStream(url, { lane: 'index' }), POLICY);
    while (requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    client.close();
    const error: unknown = await pending.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof HttpError, String(error));
    assert.equal(error.code, 'CANCELLED');
    assert.equal(error.retryable, false);
    await assert.rejects(client.openStream(url), (e: unknown) => e instanceof HttpError && e.code === 'CANCELLED');
    assert.equal(requests, 1, 'one request reached the server');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
