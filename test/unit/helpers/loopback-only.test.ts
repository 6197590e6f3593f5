// The test sandbox (test/helpers/loopback-only.ts, loaded by scripts/run-tests.mjs) is itself
// tested: a connection off the machine fails at once with its message, loopback is untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';

function connectError(options: net.NetConnectOpts): Promise<Error> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options);
    socket.once('connect', () => {
      socket.destroy();
      reject(new Error('connected'));
    });
    socket.once('error', resolve);
  });
}

test('a connection to a non-loopback address or name is refused by the test sandbox', async () => {
  for (const host of ['192.0.2.1', 'pypi.org', '2001:db8::1']) {
    const error = await connectError({ host, port: 443 });
    assert.match(error.message, /test sandbox: a connection to .* was refused/, host);
  }
});

test('loopback connections go through', async () => {
  const server = net.createServer((socket) => socket.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    socket.destroy();
  } finally {
    server.close();
  }
});
