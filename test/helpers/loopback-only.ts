// Loaded into every test process and every CLI the tests start (NODE_OPTIONS=--import, set by
// scripts/run-tests.mjs): a connection to anything but loopback fails at once with a message
// saying so. Tests serve their own index on 127.0.0.1; a test that would reach PyPI (a default
// index URL left in, a redirect off the machine) must fail loudly here, on every machine, instead
// of waiting on DNS in CI or quietly passing where the network happens to be open.
import net from 'node:net';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

type ConnectArgs = Parameters<net.Socket['connect']>;

function targetHost(args: ConnectArgs): string | undefined {
  // net.connect() hands connect() its arguments already normalized, as one array.
  const list = (Array.isArray(args[0]) ? args[0] : args) as unknown[];
  const [first, second] = list;
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; path?: unknown };
    if (typeof options.path === 'string') return undefined; // a Unix socket: local by nature
    return typeof options.host === 'string' ? options.host : 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // connect(path)
  return typeof second === 'string' ? second : 'localhost';
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: ConnectArgs): net.Socket {
  const host = targetHost(args);
  if (host !== undefined && !LOOPBACK.test(host.replace(/^\[|\]$/g, ''))) {
    const error = Object.assign(new Error(`test sandbox: a connection to ${host} was refused (tests may only connect to loopback)`), { code: 'ECONNREFUSED' });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return originalConnect.apply(this, args) as net.Socket;
} as typeof net.Socket.prototype.connect;
