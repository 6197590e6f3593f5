// An https:// index, as PyPI and most private indexes are: the CLI's TLS path (its https
// keep-alive agents, certificate checks, a redirect from http to https) against a loopback
// server with a self-signed certificate, which the CLI is told to trust with Node's own
// NODE_EXTRA_CA_CERTS, or with pip's --cert / PIP_CERT (a bundle that replaces Node's roots).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { sha256Hex } from '../helpers/dists.js';
import { runCli } from '../helpers/cli.js';
import { testCertificate } from '../helpers/tls.js';

const TARGET = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];
const certificate = testCertificate();

const files = buildUniverse([
  { name: 'app', versions: { '1.0': { requiresDist: ['lib>=1'], sdist: true } } },
  { name: 'lib', versions: { '1.0': {}, '1.1': { wheelTags: ['py3-none-any', 'cp312-cp312-manylinux_2_17_x86_64'] } } },
]);

describe('an https:// index', { skip: certificate === undefined && 'openssl is not available to make a test certificate' }, () => {
  let server: IndexServer;
  let redirector: http.Server;
  let redirectUrl: string;
  let dir: string;

  before(async () => {
    if (certificate === undefined) return;
    server = await startIndexServer({ projects: files, tls: { key: certificate.key, cert: certificate.cert } });
    // An http:// front that sends every request to the https:// index, as an index moved to TLS does.
    redirector = http.createServer((req, res) => {
      res.writeHead(301, { location: `${server.origin}${req.url ?? '/'}` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/simple/`;
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-https-'));
    await writeFile(join(dir, 'requirements.in'), 'app\n');
  });
  after(async () => {
    await server?.close();
    redirector?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const trusted = (): NodeJS.ProcessEnv => ({ NODE_EXTRA_CA_CERTS: certificate?.caFile ?? '' });

  test('a lock over TLS: every file fetched over https and hashed, the lock names the https index', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/simple\/$/);
    const result = await runCli(['lock', '-i', server.url, ...TARGET, '-o', 'requirements.txt'], { cwd: dir, env: trusted() });
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(join(dir, 'requirements.txt'), 'utf8');
    assert.match(lock, /^# index: https:\/\/127\.0\.0\.1:\d+\/simple\/$/m);
    const pinned = files.flatMap((p) => p.files).filter((f) => /^(app-1\.0|lib-1\.1)[-.]/.test(f.filename));
    assert.equal(pinned.length, 4, 'app 1.0 (wheel, sdist) and lib 1.1 (two wheels)');
    for (const file of pinned) {
      assert.ok(lock.includes(`--hash=sha256:${sha256Hex(file.bytes)}`), `${file.filename} is in the lock with the digest of its bytes`);
    }
    assert.ok(server.downloads().length >= 3, 'the files came from the https server');
  });

  test('a certificate nobody trusts: exit 2, saying the certificate was refused, and nothing written', async () => {
    const result = await runCli(['lock', '-i', server.url, ...TARGET, '-o', 'untrusted.txt'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error: https:\/\/127\.0\.0\.1:\d+\/simple\/app\/: the server's TLS certificate was refused: self-signed certificate/m);
    assert.match(result.stderr, /^hint: .*--cert \/path\/to\/ca\.pem .*NODE_EXTRA_CA_CERTS.*NODE_OPTIONS=--use-system-ca/m);
    assert.doesNotMatch(result.stderr, /retrying/, 'a certificate is not a passing fault: not asked again');
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    await assert.rejects(readFile(join(dir, 'untrusted.txt')), 'no lock written');
  });

  test("--cert (pip's flag) and PIP_CERT name the CA: the lock is made over TLS, and check with --cert is clean", async () => {
    await copyFile(certificate?.caFile ?? '', join(dir, 'ca.pem'));
    const viaFlag = await runCli(['lock', '-i', server.url, ...TARGET, '--cert', 'ca.pem', '-o', 'cert.txt'], { cwd: dir });
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    const lock = await readFile(join(dir, 'cert.txt'), 'utf8');
    assert.doesNotMatch(lock, /ca\.pem|--cert/, "the CA is this machine's: the header does not record it");
    const viaEnv = await runCli(['lock', '-i', server.url, ...TARGET, '-o', '-', '-q'], { cwd: dir, env: { PIP_CERT: join(dir, 'ca.pem') } });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    const checked = await runCli(['check', 'cert.txt', '--cert', 'ca.pem'], { cwd: dir });
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    const unchecked = await runCli(['check', 'cert.txt'], { cwd: dir });
    assert.equal(unchecked.code, 2, 'without the CA, check cannot reach the index');
    assert.match(unchecked.stderr, /TLS certificate was refused/);
  });

  test('--cert replaces the roots, as pip\'s does: a bundle without the index\'s CA is refused, the hint naming the bundle', async () => {
    const other = testCertificate('another-ca');
    assert.ok(other);
    const result = await runCli(['lock', '-i', server.url, ...TARGET, '--cert', other.caFile, '-o', '-'], { cwd: dir, env: trusted() });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /the server's TLS certificate was refused/);
    assert.match(result.stderr, /^hint: The certificate was checked against --cert .*cert\.pem, which replaces Node's roots: add the CA/m);
  });

  test('with a bundle, the hint names it (Node\'s roots are out of play); a damaged certificate in it is refused as the bundle\'s fault', async () => {
    const other = testCertificate('another-ca');
    assert.ok(other);
    const refused = await runCli(['lock', '-i', server.url, ...TARGET, '-o', '-'], { cwd: dir, env: { ...trusted(), PIP_CERT: other.caFile } });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /^hint: The certificate was checked against PIP_CERT \(.*\), which replaces Node's roots/m);
    assert.doesNotMatch(refused.stderr, /NODE_EXTRA_CA_CERTS/, 'no advice that cannot help');
    const pem = certificate?.cert ?? '';
    await writeFile(join(dir, 'damaged.pem'), pem.replace(/\n([A-Za-z0-9+/]{20})/, '\n!!!!$1'));
    const damaged = await runCli(['lock', '-i', server.url, ...TARGET, '--cert', 'damaged.pem', '-o', '-'], { cwd: dir });
    assert.equal(damaged.code, 2, damaged.stderr);
    assert.match(damaged.stderr, /^error: The CA bundle --cert damaged\.pem holds a certificate that does not parse \(the 1st\)/m);
  });

  test("check's --cert is read from where check runs, not from the lock's folder", async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub', 'req.in'), 'app\n');
    await copyFile(certificate?.caFile ?? '', join(dir, 'myca.pem'));
    const made = await runCli(['lock', 'sub/req.in', '-i', server.url, ...TARGET, '--cert', 'myca.pem', '-o', 'sub/requirements.txt'], { cwd: dir });
    assert.equal(made.code, 0, made.stderr);
    const checked = await runCli(['check', 'sub/requirements.txt', '--cert', 'myca.pem'], { cwd: dir });
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  });

  test('a --cert that cannot be read, or holds no certificate: exit 2 before any request, naming it', async () => {
    server.clearRequests();
    const missing = await runCli(['lock', '-i', server.url, ...TARGET, '--cert', 'nowhere.pem', '-o', '-'], { cwd: dir });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^error: The CA bundle --cert nowhere\.pem cannot be read: /m);
    await writeFile(join(dir, 'not-pem.txt'), 'hello\n');
    const notPem = await runCli(['lock', '-i', server.url, ...TARGET, '-o', '-'], { cwd: dir, env: { PIP_CERT: join(dir, 'not-pem.txt') } });
    assert.equal(notPem.code, 2, notPem.stderr);
    assert.match(notPem.stderr, /^error: The CA bundle PIP_CERT \(.*not-pem\.txt\) holds no PEM certificate/m);
    assert.equal(server.requests.length, 0, 'no request was made');
  });

  test('an http:// index that redirects to https: followed, and the lock is the same', async () => {
    const result = await runCli(['lock', '-i', redirectUrl, ...TARGET, '-o', '-', '-q'], { cwd: dir, env: trusted() });
    assert.equal(result.code, 0, result.stderr);
    const direct = await readFile(join(dir, 'requirements.txt'), 'utf8');
    const pinsOf = (text: string): string[] => text.split('\n').filter((line) => /^[a-z]|^ {4}--hash/.test(line));
    assert.deepEqual(pinsOf(result.stdout), pinsOf(direct));
    // With --cert instead of NODE_EXTRA_CA_CERTS: the bundle verifies the https side of the redirect.
    await copyFile(certificate?.caFile ?? '', join(dir, 'redirect-ca.pem'));
    const viaCert = await runCli(['lock', '-i', redirectUrl, ...TARGET, '--cert', 'redirect-ca.pem', '-o', '-', '-q'], { cwd: dir });
    assert.equal(viaCert.code, 0, viaCert.stderr);
    assert.deepEqual(pinsOf(viaCert.stdout), pinsOf(direct));
  });
  test('the bundle is read only by a run that makes a request: check --offline and a recalled lock pass with a PIP_CERT that does not exist', async () => {
    await copyFile(certificate?.caFile ?? '', join(dir, 'ca.pem'));
    const made = await runCli(['lock', '-i', server.url, ...TARGET, '--cert', 'ca.pem', '-o', 'offline.txt'], { cwd: dir });
    assert.equal(made.code, 0, made.stderr);
    const env = { PIP_CERT: join(dir, 'no-such-ca.pem') };
    const offline = await runCli(['check', 'offline.txt', '--offline'], { cwd: dir, env });
    assert.equal(offline.code, 0, offline.stdout + offline.stderr);
    // Pages fresh for 10 minutes, as PyPI's: an unchanged lock is then recalled without a request.
    // (Last in the suite: the server keeps that setting.)
    server.configure({ pageCacheControl: 'max-age=600, public' });
    const cacheDir = join(dir, 'recall-cache');
    const first = await runCli(['lock', '-i', server.url, ...TARGET, '--cert', 'ca.pem', '-o', 'offline.txt'], { cwd: dir, env: { PIN_HASHES_CACHE_DIR: cacheDir } });
    assert.equal(first.code, 0, first.stderr);
    server.clearRequests();
    const recalled = await runCli(['lock', '-i', server.url, ...TARGET, '-o', 'offline.txt'], { cwd: dir, env: { ...env, PIN_HASHES_CACHE_DIR: cacheDir } });
    assert.equal(recalled.code, 0, recalled.stderr);
    assert.equal(server.requests.length, 0, 'recalled: no request, so no bundle read');
    // An http:// index needs no bundle either: only an https request reads it.
    const plain = await startIndexServer({ projects: files });
    try {
      const overHttp = await runCli(['lock', '-i', plain.url, ...TARGET, '-o', '-', '-q'], { cwd: dir, env });
      assert.equal(overHttp.code, 0, overHttp.stderr);
    } finally {
      await plain.close();
    }
  });
});

// The TLS path as an attacker would use it: a certificate for another host, a handshake that
// never ends, plain HTTP on the https port, a token in the URL while all that happens, and CA
// bundles that are huge, truncated or not files.
describe('an https:// index that lies or stalls', { skip: certificate === undefined && 'openssl is not available to make a test certificate' }, () => {
  const TOKEN = 'tls-secret-token-6f2a';
  let dir: string;
  const quick = { PIN_HASHES_RETRIES: '1', PIN_HASHES_RETRY_BASE_MS: '5', PIN_HASHES_TIMEOUT: '1' };
  const sockets = new Set<Socket>();
  const servers: { close(): unknown }[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-https-hostile-'));
    await writeFile(join(dir, 'requirements.in'), 'app\n');
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    for (const server of servers) server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A TCP listener on loopback that does `onSocket` with each connection. */
  async function listen(onSocket: (socket: Socket) => void): Promise<number> {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      onSocket(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  function assertNoToken(result: { stdout: string; stderr: string }): void {
    assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN), 'the token in the index URL is never printed');
  }

  test('a certificate for another host name (trusted CA, wrong name): refused at once, the token never shown', async () => {
    const other = testCertificate('wrong-host', 'DNS:index.example');
    assert.ok(other);
    const server = await startIndexServer({ projects: files, tls: { key: other.key, cert: other.cert } });
    servers.push(server);
    const url = server.url.replace('https://', `https://ci:${TOKEN}@`);
    const result = await runCli(['lock', '-i', url, ...TARGET, '-o', '-', '-v'], { cwd: dir, env: { ...quick, NODE_EXTRA_CA_CERTS: other.caFile } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error: https:\/\/127\.0\.0\.1:\d+\/simple\/app\/: the server's TLS certificate was refused: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 is not in the cert's list\n/m);
    assert.doesNotMatch(result.stderr, /retrying/, 'not asked again');
    assertNoToken(result);
  });

  test('a server that accepts the connection and never answers the TLS handshake: timed out, exit 2, the token never shown', async () => {
    const port = await listen(() => undefined);
    const result = await runCli(['lock', '-i', `https://ci:${TOKEN}@127.0.0.1:${port}/simple/`, ...TARGET, '-o', '-'], { cwd: dir, env: quick, timeoutMs: 30_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error: https:\/\/127\.0\.0\.1:\d+\/simple\/app\/: timed out: the server went silent for 1 s \(gave up after 2 attempts/m);
    assertNoToken(result);
  });

  test('plain HTTP on the https port: exit 2 at once, saying the server does not speak TLS there, in one line, the token never shown', async () => {
    const port = await listen((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi'));
    const result = await runCli(['lock', '-i', `https://ci:${TOKEN}@127.0.0.1:${port}/simple/`, ...TARGET, '-o', '-'], { cwd: dir, env: quick });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error: https:\/\/127\.0\.0\.1:\d+\/simple\/app\/: the server does not speak TLS on that port \(is the index an http:\/\/ URL\?\)\nhint: Check the index URL's scheme and port\.\n$/);
    assert.doesNotMatch(result.stderr, /retrying/, 'not asked again');
    assertNoToken(result);
  });

  test('CA bundles that are huge, truncated or not a file: refused, each saying why, before any request', async () => {
    const pem = certificate?.cert ?? '';
    await writeFile(join(dir, 'huge.pem'), pem + 'x'.repeat(5 * 1024 * 1024));
    await writeFile(join(dir, 'truncated.pem'), pem.slice(0, pem.indexOf('-----END')));
    const server = await startIndexServer({ projects: files, tls: { key: certificate?.key ?? '', cert: pem } });
    servers.push(server);
    const cases: [string, RegExp][] = [
      ['huge.pem', /^error: The CA bundle --cert huge\.pem is larger than 4 MiB, more than any CA bundle$/m],
      ['truncated.pem', /^error: The CA bundle --cert truncated\.pem holds no PEM certificate/m],
      [dir, /^error: The CA bundle --cert .* cannot be read: /m],
      ...(process.platform === 'linux' ? ([['/dev/zero', /^error: The CA bundle --cert \/dev\/zero cannot be read: /m]] as [string, RegExp][]) : []),
    ];
    for (const [bundle, said] of cases) {
      const result = await runCli(['lock', '-i', server.url, ...TARGET, '--cert', bundle, '-o', '-'], { cwd: dir, env: quick });
      assert.equal(result.code, 2, `${bundle}: ${result.stderr}`);
      assert.match(result.stderr, said);
    }
    assert.equal(server.requests.length, 0, 'no request reached the index');
  });
});
