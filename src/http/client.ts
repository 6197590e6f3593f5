/**
 * The only importer of got. Every request of a run goes through one HttpClient: keep-alive agents
 * with a per-host socket limit, our own timeouts, no retries (the callers own them, see retry.ts),
 * credentials attached per origin and dropped on a redirect to another origin, and `file://`
 * URLs served from disk so local trees behave like an index.
 *
 * Credentials, in pip's order: the userinfo of a URL we were given (registered per origin), then
 * netrc by host name. On a redirect the target gets only its own credentials, never the source's.
 *
 * Every error that leaves this module is an HttpError whose text went through redaction: got's
 * and node's messages can quote a URL or a header, and we never let one carry a secret.
 *
 * Content-Encoding of artifacts: pip asks for `identity` and hashes the raw bytes as sent. We ask
 * for identity too, and refuse a body that comes back encoded anyway (gzip from a misconfigured
 * proxy): decoding it would lock a digest of bytes pip never receives, and hashing the encoded
 * bytes would lock a file pip cannot install. Index pages are decoded normally (pip does too).
 */
import { readBody } from './body.js';
import http from 'node:http';
import https from 'node:https';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PassThrough, Readable } from 'node:stream';
import type { Got, Headers, RequestError } from 'got';
import { PinHashesError } from '../errors.js';
import { HttpError, statusError } from './errors.js';
import type { Netrc } from './netrc.js';
import { readCaBundle, type CaBundleSource } from './ca-bundle.js';
import { redactSecrets, redactUrl, registerSecret, secretsOfUrl } from './redact.js';

export interface TimeoutSettings {
  /** TCP (and TLS) connection established. */
  connectMs: number;
  /** First byte of the response after the request was sent. */
  responseMs: number;
  /** Longest silence on a socket mid-body: a stalled server. */
  idleMs: number;
  /**
   * Longest time one response body may take, from its headers to its last byte: a server that
   * drips a byte a second never trips `idleMs`, and would hold a run for days.
   */
  bodyMs: number;
}

export const DEFAULT_TIMEOUTS: TimeoutSettings = { connectMs: 10_000, responseMs: 30_000, idleMs: 30_000, bodyMs: 30 * 60_000 };

export interface HttpClientOptions {
  timeouts?: TimeoutSettings;
  /** Sockets per host for artifact downloads (`lane: 'files'`). */
  maxSocketsPerHost?: number;
  /**
   * Sockets per host for index pages, `.metadata` files and range reads (`lane: 'index'`). A lane
   * of their own: these requests are small and latency-bound, and the resolver waits on them, so
   * they must never queue behind artifact downloads that hold every socket for seconds.
   */
  maxIndexSocketsPerHost?: number;
  userAgent?: string;
  /** Extra credentials by origin. URLs that carry userinfo register themselves. */
  credentials?: ReadonlyMap<string, Credentials>;
  /** netrc, asked by host name when no registered credentials match (see netrc.ts). */
  netrc?: Netrc;
  /** The CA bundle that verifies TLS instead of Node's roots (http/ca-bundle.ts): read before the first request. */
  caBundle?: CaBundleSource | undefined;
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * A page as bytes: how to decode it is the page reader's business (pip decodes HTML by the
 * Content-Type charset and JSON by its first bytes, package-index/page-encoding.ts).
 */
export interface PageResponse {
  url: string;
  status: number;
  contentType: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export interface StreamResponse {
  url: string;
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Readable;
}

const MAX_PAGE_BYTES = 128 * 1024 * 1024;

/** Which socket pool a request uses: artifact downloads, or the small requests the resolver waits on. */
export type Lane = 'files' | 'index';

/**
 * Index requests are a few kilobytes each and cost a round trip; the resolver waits on them.
 * 16 in flight per host: in `npm run bench` (300 projects, 30 ms latency) 24 or 32 were no faster
 * on a quiet machine (5.8-6.0 s cold either way), and a small private index deserves restraint.
 */
const DEFAULT_INDEX_SOCKETS = 16;

let gotModule: Promise<typeof import('got')> | undefined;

/**
 * got, loaded once per process. A run that waits for something else first (the host's Python:
 * api/lock.ts) loads it meanwhile, so its first request does not wait for it.
 */
export function loadGot(): Promise<typeof import('got')> {
  gotModule ??= import('got');
  return gotModule;
}

export class HttpClient {
  /** got is loaded on the first request: a run answered from the cache never pays for it. */
  #got: Promise<Got> | undefined;
  #closed = false;
  #requestError: typeof RequestError | undefined;
  readonly #userAgent: string;
  readonly #agents: Record<Lane, { http: http.Agent; https: https.Agent }>;
  readonly #credentials = new Map<string, Credentials>();
  readonly #netrc: Netrc | undefined;
  readonly #secrets = new Set<string>();
  readonly #timeouts: TimeoutSettings;
  readonly #caBundle: CaBundleSource | undefined;
  #caPem: Promise<string> | undefined;

  constructor(options: HttpClientOptions = {}) {
    const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    this.#timeouts = timeouts;
    this.#caBundle = options.caBundle;
    const agents = (maxSockets: number): { http: http.Agent; https: https.Agent } => ({
      http: new http.Agent({ keepAlive: true, maxSockets }),
      https: new https.Agent({ keepAlive: true, maxSockets }),
    });
    this.#agents = { files: agents(options.maxSocketsPerHost ?? 8), index: agents(options.maxIndexSocketsPerHost ?? DEFAULT_INDEX_SOCKETS) };
    this.#netrc = options.netrc;
    for (const [origin, creds] of options.credentials ?? []) {
      this.#credentials.set(origin, creds);
      this.#remember(creds);
    }
    this.#userAgent = options.userAgent ?? 'pin-hashes';
  }

  #client(): Promise<Got> {
    this.#got ??= loadGot().then(({ default: got, RequestError }) => {
      this.#requestError = RequestError;
      return this.#configure(got);
    });
    return this.#got;
  }

  /**
   * got's TLS options for a request to `url`: the CA bundle, read on the first https request (an
   * http:// index, a local mirror, never pays for reading and checking it).
   */
  async #tlsFor(url: URL): Promise<{ https?: { certificateAuthority: string } }> {
    if (this.#caBundle === undefined || url.protocol !== 'https:') return {};
    this.#caPem ??= readCaBundle(this.#caBundle);
    return { https: { certificateAuthority: await this.#caPem } };
  }

  #configure(got: Got): Got {
    const timeouts = this.#timeouts;
    return got.extend({
      agent: this.#agents.files,
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: true,
      maxRedirects: 10,
      timeout: { connect: timeouts.connectMs, response: timeouts.responseMs, socket: timeouts.idleMs },
      headers: { 'user-agent': this.#userAgent },
      hooks: {
        beforeRedirect: [
          async (updated) => {
            // Credentials belong to an origin; a redirect elsewhere must not carry them.
            const target = updated.url instanceof URL ? updated.url : new URL(String(updated.url));
            // An http:// URL redirected to https:// is verified with the bundle too.
            const tls = await this.#tlsFor(target);
            if (tls.https) updated.https = { ...updated.https, ...tls.https };
            // got would otherwise send userinfo found in a Location header.
            updated.username = '';
            updated.password = '';
            const creds = this.#credentialsFor(target);
            if (creds) updated.headers.authorization = basicAuth(creds);
            else delete updated.headers.authorization;
          },
        ],
      },
    });
  }

  /** Registers the userinfo of an index URL for its origin and returns the URL without it. */
  registerUrl(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return url;
    }
    if (parsed.username === '' && parsed.password === '') return url;
    for (const secret of secretsOfUrl(url)) {
      this.#secrets.add(secret);
      registerSecret(secret);
    }
    const creds = { username: safeDecode(parsed.username), password: safeDecode(parsed.password) };
    this.#credentials.set(parsed.origin, creds);
    this.#remember(creds);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  }

  /** Text with every known secret removed: for messages built from library errors. */
  redact(text: string): string {
    return redactSecrets(text, this.#secrets);
  }

  /** Registered credentials for the origin, else netrc's for the host name (pip's order). */
  #credentialsFor(url: URL): Credentials | undefined {
    const registered = this.#credentials.get(url.origin);
    if (registered) return registered;
    const fromNetrc = this.#netrc?.lookup(url.hostname);
    if (fromNetrc) this.#remember(fromNetrc);
    return fromNetrc;
  }

  #remember(creds: Credentials): void {
    for (const secret of [creds.username, creds.password, basicAuth(creds).slice('Basic '.length)]) {
      if (secret === '') continue;
      this.#secrets.add(secret);
      // Process-wide too, so the last-resort crash report (cli/main.ts) hides them as well.
      registerSecret(secret);
    }
  }

  /** `conditional`: validator headers (If-None-Match...) of a stored copy; a 304 comes back as is. */
  async getPage(url: string, accept: string, conditional: Readonly<Record<string, string>> = {}): Promise<PageResponse> {
    if (url.startsWith('file:')) return readFileUrl(url);
    const response = await this.openStream(url, { accept, decompress: true, lane: 'index', headers: conditional });
    let body: Buffer;
    try {
      body = await readBody(response.body, {
        max: MAX_PAGE_BYTES,
        tooLarge: (limit) => new HttpError(url, `${redactUrl(url)} sent more than ${limit} bytes for an index page`, { retryable: false, code: 'PAGE_TOO_LARGE' }),
      });
    } catch (error) {
      throw this.#wrap(url, error);
    }
    const contentType = headerValue(response.headers['content-type']);
    return { url: response.url, status: response.status, contentType, headers: response.headers, body };
  }

  /**
   * Opens a response body as a stream. Non-2xx answers are returned, not thrown, so callers can
   * tell 404 (absent) from 401 (auth) from 5xx (retry); use expectOk() for the common case.
   */
  async openStream(
    url: string,
    options: { accept?: string; range?: string; decompress?: boolean; lane?: Lane; headers?: Readonly<Record<string, string>> } = {},
  ): Promise<StreamResponse> {
    if (url.startsWith('file:')) return openFileUrl(url, options.range);
    const headers: Headers = { ...options.headers };
    if (options.accept) headers.accept = options.accept;
    if (options.range) headers.range = options.range;
    // Artifacts are hashed as the server sends them, like pip, which asks for identity too.
    const raw = !options.decompress;
    if (raw) headers['accept-encoding'] = 'identity';
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new HttpError(url, `${redactUrl(url)} is not a valid URL`, {
        retryable: false,
        code: 'BAD_URL',
        hint: 'Check the URL; in userinfo, characters such as @ : / must be percent-encoded (%40 %3A %2F).',
      });
    }
    const creds = this.#credentialsFor(target);
    if (creds) headers.authorization = basicAuth(creds);
    const [client, tls] = await Promise.all([this.#client(), this.#tlsFor(target)]);
    if (this.#closed) throw closedError(url);
    const request = client.stream(url, { headers, decompress: options.decompress ?? false, agent: this.#agents[options.lane ?? 'files'], ...tls });
    // The error listener is installed once, before anything can fail, and never removed: got may
    // emit an error right after 'response' (bytes after the body on a kept-alive socket arrive in
    // the same packet), in a tick before the code awaiting the response has attached anything
    // else; an 'error' with no listener would crash the process with the request's headers.
    let responded = false;
    let rejectEarly: (error: unknown) => void = () => undefined;
    request.on('error', (error: unknown) => {
      if (!responded) rejectEarly(this.#wrap(url, error));
    });
    const { body, received } = this.#guardBody(url, request);
    const response = await new Promise<http.IncomingMessage & { url: string; statusCode: number }>((resolve, reject) => {
      rejectEarly = reject;
      request.once('response', (res: http.IncomingMessage & { url: string; statusCode: number }) => {
        responded = true;
        this.#limitBodyTime(url, body, received);
        resolve(res);
      });
    });
    const encoding = headerValue(response.headers['content-encoding']).trim().toLowerCase();
    const ok = response.statusCode >= 200 && response.statusCode <= 299;
    if (raw && ok && encoding !== '' && encoding !== 'identity') {
      request.destroy();
      throw new HttpError(
        url,
        `${redactUrl(url)} was sent with Content-Encoding: ${encoding} although pin-hashes asked for the file as stored ` +
          `(identity); the digest of a re-encoded body is not the digest of the file pip installs`,
        {
          retryable: false,
          code: 'CONTENT_ENCODING',
          hint: 'Configure the server or proxy in front of the index not to compress package files (they are compressed already), or use another mirror.',
        },
      );
    }
    return { url: response.url, status: response.statusCode, headers: response.headers, body };
  }

  /**
   * The body as our own stream: transport errors in the middle of it (reset, premature close, a
   * stalled socket) come out as retryable HttpErrors that say how far the body got and carry no
   * secret, whoever reads it. Destroying the returned stream aborts the request. `received`
   * tells how far the body got, for every message that says so.
   */
  #guardBody(url: string, request: Readable): { body: Readable; received: () => number } {
    const body = new PassThrough();
    // A body nobody reads any more (a 404 drained with resume(), a caller that gave up) may still
    // break; that must not become an uncaught 'error' event. Readers still get the error: async
    // iteration and pipeline() listen for it themselves.
    body.on('error', () => undefined);
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    // on, not once: a second error from got must not go unhandled either.
    request.on('error', (error: unknown) => body.destroy(this.#bodyError(url, error, received)));
    body.once('close', () => {
      if (!request.readableEnded) request.destroy();
    });
    request.pipe(body);
    return { body, received: () => received };
  }

  /**
   * Ends a body that takes longer than `bodyMs` with an error of its own. Counted from the
   * response's headers, not from the request: time spent queued for a socket behind other
   * downloads is not the server's fault. Not retryable: a dripping server drips again.
   */
  #limitBodyTime(url: string, body: Readable, received: () => number): void {
    const limitMs = this.#timeouts.bodyMs;
    const timer = setTimeout(() => {
      body.destroy(
        new HttpError(url, `${redactUrl(url)}: the download took longer than ${seconds(limitMs)} (${received()} bytes received by then)`, {
          retryable: false,
          code: 'BODY_TIME_LIMIT',
          hint: `A server that sends this slowly may be stalling on purpose; use another mirror, or allow more time with ${DOWNLOAD_TIMEOUT_VAR}=<seconds> if the network is just slow.`,
        }),
      );
    }, limitMs);
    // The run must be able to end while a timer is pending (a body abandoned unread).
    timer.unref();
    body.once('close', () => clearTimeout(timer));
    body.once('end', () => clearTimeout(timer));
  }

  #bodyError(url: string, error: unknown, received: number): HttpError {
    const shown = redactUrl(url);
    if (error instanceof HttpError) return error;
    if (error instanceof Error && error.name === 'TimeoutError') {
      return new HttpError(url, `${shown}: the server stopped sending after ${received} bytes (no data for ${seconds(this.#timeouts.idleMs)})`, {
        retryable: true,
        code: 'TIMEOUT',
        hint: STALL_HINT,
        cause: this.#safeCause(error),
      });
    }
    const detail = error instanceof Error ? this.redact(error.message) : 'the stream failed';
    return new HttpError(url, `${shown}: the connection broke off after ${received} bytes (${detail})`, {
      retryable: true,
      code: 'TRUNCATED',
      hint: NETWORK_HINT,
      cause: this.#safeCause(error),
    });
  }

  /** Wraps transport errors from got or streams into HttpError; passes ours through. */
  wrapError(url: string, error: unknown): unknown {
    return this.#wrap(url, error);
  }

  #wrap(url: string, error: unknown): unknown {
    if (error instanceof HttpError) return error;
    // A request the end of the run broke ("socket hang up"): not a reason to ask again.
    if (this.#closed) return closedError(url);
    const shown = redactUrl(url);
    if (speaksNoTls(error)) {
      // Plain HTTP (or something else) on the port of an https:// URL: it says the same again.
      return new HttpError(url, `${shown}: the server does not speak TLS on that port (is the index an http:// URL?)`, {
        retryable: false,
        code: 'TLS_HANDSHAKE',
        hint: "Check the index URL's scheme and port.",
        cause: this.#safeCause(error),
      });
    }
    if (this.#requestError && error instanceof this.#requestError) {
      const code = error.code;
      if (code === 'ERR_TOO_MANY_REDIRECTS') {
        return new HttpError(url, `${shown}: too many redirects (a redirect loop?)`, {
          retryable: false,
          code: 'REDIRECT_LOOP',
          hint: 'Check the index URL; the server keeps redirecting.',
        });
      }
      if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
        // Not a passing fault: asking again gets the same certificate.
        return new HttpError(url, `${shown}: the server's TLS certificate was refused: ${this.#said(error)}`, {
          retryable: false,
          code: 'TLS_CERTIFICATE',
          hint: this.#caBundle === undefined ? TLS_HINT : bundleHint(this.#caBundle),
          cause: this.#safeCause(error),
        });
      }
      if (error.name === 'TimeoutError') {
        const what = /'(\w+)'/.exec(error.message)?.[1];
        const phase =
          what === 'connect' || what === 'lookup'
            ? `could not connect within ${seconds(this.#timeouts.connectMs)}`
            : what === 'response'
              ? `sent no answer within ${seconds(this.#timeouts.responseMs)}`
              : `went silent for ${seconds(this.#timeouts.idleMs)}`;
        return new HttpError(url, `${shown}: timed out: the server ${phase}`, {
          retryable: true,
          code: 'TIMEOUT',
          hint: STALL_HINT,
          cause: this.#safeCause(error),
        });
      }
      return new HttpError(url, `${shown}: ${this.#said(error)}`, {
        retryable: true,
        code: 'NETWORK_ERROR',
        hint: NETWORK_HINT,
        cause: this.#safeCause(error),
      });
    }
    if (error instanceof PinHashesError) return error;
    // Whatever else the HTTP library or node threw (an HPE_* parser error, something new in a
    // later version): converted here, so no library error object, which may hold the request's
    // Authorization header, ever travels further.
    const message = error instanceof Error ? error.message : String(error);
    return new HttpError(url, `${shown}: ${oneLine(this.redact(message))}`, { retryable: true, hint: NETWORK_HINT, cause: this.#safeCause(error) });
  }

  /** A library's message as one line of ours: secrets masked; OpenSSL's and Node's may hold line breaks or end in ': '. */
  #said(error: Error): string {
    return oneLine(this.redact(error.message));
  }

  /**
   * What an HttpError keeps of a library error: its name, code and redacted message. Never the
   * error itself: got's errors hold the request options, Authorization header included, and an
   * error may end up printed whole (an uncaught one, `--verbose`, a logger).
   */
  #safeCause(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(this.redact(String(error)));
    const safe = new Error(this.redact(error.message));
    safe.name = error.name;
    if ('code' in error && typeof error.code === 'string') Object.assign(safe, { code: error.code });
    safe.stack = `${safe.name}: ${safe.message}`;
    return safe;
  }

  /** Ends every connection; requests still running fail, and none starts or retries after this. */
  close(): void {
    this.#closed = true;
    for (const lane of Object.values(this.#agents)) {
      lane.http.destroy();
      lane.https.destroy();
    }
  }
}

function closedError(url: string): HttpError {
  return new HttpError(url, `${redactUrl(url)}: not asked, the run has ended`, { retryable: false, code: 'CANCELLED' });
}

export function expectOk(url: string, response: { status: number }): void {
  if (response.status < 200 || response.status > 299) throw statusError(url, response.status);
}

/** Named here for the hint; read in settings.ts. */
export const DOWNLOAD_TIMEOUT_VAR = 'PIN_HASHES_DOWNLOAD_TIMEOUT';

const STALL_HINT = 'The server stalled; try again later, or allow more time with PIN_HASHES_TIMEOUT=<seconds>.';
const NETWORK_HINT = 'Check the index URL and the network; pin-hashes retried what could be retried.';

/** OpenSSL's answer to a first record that is not TLS (Node 24 gives it a code of its own, Node 22 EPROTO). */
function speaksNoTls(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'ERR_SSL_WRONG_VERSION_NUMBER' || ((code === 'EPROTO' || code === undefined) && /wrong version number/i.test(error.message));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\s:]+$/, '');
}

/** OpenSSL's and Node's codes for a certificate that does not verify (not for a broken connection). */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'CERT_CHAIN_TOO_LONG',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

/** With --cert or PIP_CERT, Node's roots and NODE_EXTRA_CA_CERTS are out of play: only the bundle can help. */
function bundleHint(bundle: CaBundleSource): string {
  return `The certificate was checked against ${bundle.shown}, which replaces Node's roots: add the CA that signed the index's certificate to it, or leave it unset to use Node's roots; otherwise check the index URL's host name.`;
}

const TLS_HINT =
  "If the index uses your organisation's own CA, name its certificate with --cert /path/to/ca.pem (or PIP_CERT; NODE_EXTRA_CA_CERTS adds it to Node's roots instead), or set NODE_OPTIONS=--use-system-ca to trust the system's store; otherwise check the index URL's host name.";

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(2).replace(/0+$/, '')} s`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function basicAuth(creds: Credentials): string {
  return 'Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
}

function headerValue(value: string | string[] | undefined): string {
  if (Array.isArray(value)) return value[0] ?? '';
  return value ?? '';
}

/**
 * A local file, read the way a download is bounded: only a regular file (never /dev/zero, a FIFO
 * or a directory, even behind a symlink in a find-links folder), at most the size the file had
 * when it was opened, and pages at most MAX_PAGE_BYTES.
 */
async function localFile(url: string): Promise<{ path: string; size: number } | undefined> {
  const path = fileURLToPath(url);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new HttpError(url, `cannot read ${path}: ${String(error)}`, { retryable: false, code: 'FILE_ERROR' });
  }
  if (!info.isFile()) {
    throw new HttpError(url, `${path} is not a regular file`, {
      retryable: false,
      code: 'FILE_ERROR',
      hint: 'Only regular files are read as pages or packages; check the --find-links folder or the file: URL.',
    });
  }
  return { path, size: info.size };
}

async function readFileUrl(url: string): Promise<PageResponse> {
  const file = await localFile(url);
  if (!file) return { url, status: 404, contentType: '', headers: {}, body: Buffer.alloc(0) };
  if (file.size > MAX_PAGE_BYTES) {
    throw new HttpError(url, `${file.path} is larger than ${MAX_PAGE_BYTES} bytes, too large for an index page`, { retryable: false, code: 'PAGE_TOO_LARGE' });
  }
  try {
    const bytes = await readFile(file.path);
    const body = bytes.subarray(0, file.size);
    return { url, status: 200, contentType: file.path.endsWith('.json') ? 'application/json' : 'text/html', headers: {}, body };
  } catch (error) {
    if (isNotFound(error)) return { url, status: 404, contentType: '', headers: {}, body: Buffer.alloc(0) };
    throw new HttpError(url, `cannot read ${file.path}: ${String(error)}`, { retryable: false, code: 'FILE_ERROR' });
  }
}

async function openFileUrl(url: string, range: string | undefined): Promise<StreamResponse> {
  const file = await localFile(url);
  if (!file) return { url, status: 404, headers: {}, body: emptyStream() };
  const { path, size } = file;
  const parsed = range ? parseRange(range, size) : undefined;
  if (parsed) {
    return {
      url,
      status: 206,
      headers: { 'content-length': String(parsed.end - parsed.start + 1), 'content-range': `bytes ${parsed.start}-${parsed.end}/${size}` },
      body: createReadStream(path, { start: parsed.start, end: parsed.end }),
    };
  }
  // `end`: a file that grows while we read it is read as it was when opened.
  const body = size === 0 ? emptyStream() : createReadStream(path, { start: 0, end: size - 1 });
  return { url, status: 200, headers: { 'content-length': String(size) }, body };
}

function parseRange(range: string, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || size === 0) return undefined;
  const [, a = '', b = ''] = match;
  if (a === '' && b !== '') {
    const n = Math.min(Number(b), size);
    return { start: size - n, end: size - 1 };
  }
  if (a === '') return undefined;
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  return start <= end ? { start, end } : undefined;
}

function emptyStream(): Readable {
  return Readable.from([]);
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
