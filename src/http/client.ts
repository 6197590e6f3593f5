/**
 * The only importer of got. Every request of a run goes through one HttpClient: keep-alive agents
 * with a per-host socket limit, our own timeouts, no retries (the callers own them, see retry.ts),
 * credentials attached per origin and dropped on a redirect to another origin, and `file://`
 * URLs served from disk so local trees behave like an index.
 */
import http from 'node:http';
import https from 'node:https';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import got, { RequestError, type Got, type Headers } from 'got';
import { HttpError, statusError } from './errors.js';
import { redactText, redactUrl } from './redact.js';

export interface TimeoutSettings {
  /** TCP (and TLS) connection established. */
  connectMs: number;
  /** First byte of the response after the request was sent. */
  responseMs: number;
  /** Longest silence on a socket mid-body: a stalled server. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: TimeoutSettings = { connectMs: 10_000, responseMs: 30_000, idleMs: 30_000 };

export interface HttpClientOptions {
  timeouts?: TimeoutSettings;
  /** Sockets per host. */
  maxSocketsPerHost?: number;
  userAgent?: string;
  /** Extra credentials by origin (netrc). URLs that carry userinfo register themselves. */
  credentials?: ReadonlyMap<string, Credentials>;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface TextResponse {
  url: string;
  status: number;
  contentType: string;
  body: string;
}

export interface StreamResponse {
  url: string;
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Readable;
}

const MAX_PAGE_BYTES = 128 * 1024 * 1024;

export class HttpClient {
  readonly #got: Got;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #credentials = new Map<string, Credentials>();
  readonly #secretUrls: string[] = [];

  constructor(options: HttpClientOptions = {}) {
    const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    const maxSockets = options.maxSocketsPerHost ?? 8;
    this.#agents = {
      http: new http.Agent({ keepAlive: true, maxSockets }),
      https: new https.Agent({ keepAlive: true, maxSockets }),
    };
    for (const [origin, creds] of options.credentials ?? []) this.#credentials.set(origin, creds);
    const credentials = this.#credentials;
    this.#got = got.extend({
      agent: this.#agents,
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: true,
      maxRedirects: 10,
      timeout: { connect: timeouts.connectMs, response: timeouts.responseMs, socket: timeouts.idleMs },
      headers: { 'user-agent': options.userAgent ?? 'pin-hashes' },
      hooks: {
        beforeRedirect: [
          (updated) => {
            // Credentials belong to an origin; a redirect elsewhere must not carry them.
            const target = updated.url instanceof URL ? updated.url : new URL(String(updated.url));
            const creds = credentials.get(target.origin);
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
    this.#secretUrls.push(url);
    this.#credentials.set(parsed.origin, {
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
    });
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  }

  /** Text with every known secret removed: for messages built from library errors. */
  redact(text: string): string {
    return redactText(text, this.#secretUrls);
  }

  async getText(url: string, accept: string): Promise<TextResponse> {
    if (url.startsWith('file:')) return readFileUrl(url);
    const response = await this.openStream(url, { accept, decompress: true });
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        const buf = chunk instanceof Buffer ? chunk : Buffer.from(chunk as Uint8Array);
        size += buf.length;
        if (size > MAX_PAGE_BYTES) {
          response.body.destroy();
          throw new HttpError(url, `${redactUrl(url)} sent more than ${MAX_PAGE_BYTES} bytes for an index page`, {
            retryable: false,
            code: 'PAGE_TOO_LARGE',
          });
        }
        chunks.push(buf);
      }
    } catch (error) {
      throw this.#wrap(url, error);
    }
    const contentType = headerValue(response.headers['content-type']);
    return { url: response.url, status: response.status, contentType, body: Buffer.concat(chunks).toString('utf8') };
  }

  /**
   * Opens a response body as a stream. Non-2xx answers are returned, not thrown, so callers can
   * tell 404 (absent) from 401 (auth) from 5xx (retry); use expectOk() for the common case.
   */
  async openStream(
    url: string,
    options: { accept?: string; range?: string; decompress?: boolean } = {},
  ): Promise<StreamResponse> {
    if (url.startsWith('file:')) return openFileUrl(url, options.range);
    const headers: Headers = {};
    if (options.accept) headers.accept = options.accept;
    if (options.range) headers.range = options.range;
    // Artifacts are hashed as the server sends them, like pip, which asks for identity too.
    if (!options.decompress) headers['accept-encoding'] = 'identity';
    const target = new URL(url);
    const creds = this.#credentials.get(target.origin);
    if (creds) headers.authorization = basicAuth(creds);
    const request = this.#got.stream(url, { headers, decompress: options.decompress ?? false });
    return await new Promise<StreamResponse>((resolve, reject) => {
      request.once('response', (response: http.IncomingMessage & { url: string; statusCode: number }) => {
        request.off('error', onError);
        resolve({ url: response.url, status: response.statusCode, headers: response.headers, body: request });
      });
      const onError = (error: unknown): void => reject(this.#wrap(url, error));
      request.once('error', onError);
    });
  }

  /** Wraps transport errors from got or streams into HttpError; passes ours through. */
  wrapError(url: string, error: unknown): unknown {
    return this.#wrap(url, error);
  }

  #wrap(url: string, error: unknown): unknown {
    if (error instanceof HttpError) return error;
    if (error instanceof RequestError) {
      const code = error.code;
      const shown = redactUrl(url);
      if (code === 'ERR_TOO_MANY_REDIRECTS') {
        return new HttpError(url, `${shown}: too many redirects (a redirect loop?)`, {
          retryable: false,
          code: 'REDIRECT_LOOP',
          hint: 'Check the index URL; the server keeps redirecting.',
        });
      }
      if (error.name === 'TimeoutError') {
        return new HttpError(url, `${shown}: timed out (${this.redact(error.message)})`, {
          retryable: true,
          code: 'TIMEOUT',
          hint: 'The server stalled; try again later, or raise the timeouts.',
        });
      }
      return new HttpError(url, `${shown}: ${this.redact(error.message)}`, { retryable: true, code: 'NETWORK_ERROR' });
    }
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && /^E[A-Z]+/.test(error.code)) {
      return new HttpError(url, `${redactUrl(url)}: ${this.redact(error.message)}`, { retryable: true });
    }
    return error;
  }

  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }
}

export function expectOk(url: string, response: { status: number }): void {
  if (response.status < 200 || response.status > 299) throw statusError(url, response.status);
}

function basicAuth(creds: Credentials): string {
  return 'Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
}

function headerValue(value: string | string[] | undefined): string {
  if (Array.isArray(value)) return value[0] ?? '';
  return value ?? '';
}

async function readFileUrl(url: string): Promise<TextResponse> {
  const path = fileURLToPath(url);
  try {
    const body = await readFile(path, 'utf8');
    return { url, status: 200, contentType: path.endsWith('.json') ? 'application/json' : 'text/html', body };
  } catch (error) {
    if (isNotFound(error)) return { url, status: 404, contentType: '', body: '' };
    throw new HttpError(url, `cannot read ${path}: ${String(error)}`, { retryable: false, code: 'FILE_ERROR' });
  }
}

async function openFileUrl(url: string, range: string | undefined): Promise<StreamResponse> {
  const path = fileURLToPath(url);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if (isNotFound(error)) return { url, status: 404, headers: {}, body: emptyStream() };
    throw new HttpError(url, `cannot read ${path}: ${String(error)}`, { retryable: false, code: 'FILE_ERROR' });
  }
  const parsed = range ? parseRange(range, size) : undefined;
  if (parsed) {
    return {
      url,
      status: 206,
      headers: { 'content-length': String(parsed.end - parsed.start + 1), 'content-range': `bytes ${parsed.start}-${parsed.end}/${size}` },
      body: createReadStream(path, { start: parsed.start, end: parsed.end }),
    };
  }
  return { url, status: 200, headers: { 'content-length': String(size) }, body: createReadStream(path) };
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
