// A loopback package index owned by the tests (and the demo): PEP 503 HTML and PEP 691 JSON
// pages, `.metadata` files, range requests, throttling and injectable faults, with every request
// recorded so tests can count downloads. It binds 127.0.0.1 only and drops any other peer.
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { extractMetadata, normalizeName, sha256Hex } from './dists.js';
import {
  MEDIA_JSON,
  MEDIA_TEXT_HTML,
  contentTypeHeader,
  negotiate,
  relativePath,
  renderHtmlProjectList,
  renderHtmlProjectPage,
  renderJsonProjectList,
  renderJsonProjectPage,
  versionFromFilename,
  type PageFile,
  type PageMediaType,
} from './index-pages.js';
import type { IndexFile, IndexProject } from './universe.js';

export { buildUniverse } from './universe.js';
export type { IndexFile, IndexProject, UniversePackage, UniverseVersion } from './universe.js';
export { MEDIA_HTML_V1, MEDIA_JSON, MEDIA_TEXT_HTML, negotiate } from './index-pages.js';

export interface IndexServerOptions {
  projects?: readonly IndexProject[];
  /** 'negotiate' (default) honours the PEP 691 Accept header like PyPI; the others ignore it. */
  format?: 'json' | 'html' | 'negotiate';
  /** Serve and advertise `<file>.metadata` for files that have metadata. Default true. */
  metadataFiles?: boolean;
  /** Honour single `Range: bytes=` requests with 206. Default true. */
  ranges?: boolean;
  /** File links relative to the page (`../../files/x.whl`) instead of absolute. Default false. */
  relativeUrls?: boolean;
  /** 301 non-normalized project names to the normalized page, as PyPI does. Default true. */
  redirectProjectPages?: boolean;
  /** Serve over TLS with this key and certificate (test/helpers/tls.ts): an https:// index. */
  tls?: { key: string; cert: string };
  /** Added before every response. */
  latencyMs?: number;
  /** Per-response (so per-connection) body throughput cap. */
  bandwidthBytesPerSec?: number;
  /** Base path of the simple API; default '/simple/'. */
  basePath?: string;
  /** `meta.api-version` / `pypi:repository-version`; default '1.1'. */
  apiVersion?: string;
  /**
   * Answer 401 (with a Basic challenge) to every request that does not carry exactly these
   * credentials, as a private index does. Checked before fault hooks. Default: no auth.
   */
  requireAuth?: { username: string; password: string } | false;
  /**
   * Give project pages an `ETag` (a digest of the body sent) and answer a matching
   * `If-None-Match` with 304, as PyPI, devpi and static servers do. Default true.
   */
  etags?: boolean;
  /** `Cache-Control` of project pages, e.g. PyPI's 'max-age=600, public'. Default: none. */
  pageCacheControl?: string | undefined;
}

/** Options that may change between runs (basePath may not: URLs handed out would break). */
export type MutableIndexServerOptions = Omit<IndexServerOptions, 'projects' | 'basePath' | 'tls'>;

export type RequestKind =
  | 'project-list'
  | 'project-page'
  | 'file'
  | 'metadata'
  | 'provenance'
  | 'redirect'
  | 'not-found'
  | 'method-not-allowed';

export type Fault =
  /** Answer with this status (and body/headers) instead of the real response. */
  | { status: number; body?: string | Buffer; headers?: Record<string, string> }
  /** Wait, then apply `then` (or answer normally). */
  | { delayMs: number; then?: Fault }
  /** Send headers and n body bytes, then hang until the client gives up. */
  | { stallAfterBytes: number }
  /** Claim the full Content-Length, send n bytes, then close the connection cleanly (FIN). */
  | { truncateAfterBytes: number }
  /** Send n bytes, then reset the connection (RST). */
  | { resetAfterBytes: number }
  /** The real response at this many bytes a second: never silent long enough to look stalled. */
  | { dripBytesPerSec: number }
  /** Serve these bytes instead of the real ones (the page's claims are unchanged). */
  | { replaceBody: Buffer }
  | { redirect: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** Content-Encoding: gzip whatever the client accepts. */
  | { gzip: true }
  /** A 200 (or `status`) with this Content-Type and body, e.g. a login page instead of JSON. */
  | { contentType: string; body: string | Buffer; status?: number }
  /**
   * A body of `length` bytes made chunk by chunk as the socket takes them (a memory bomb the test
   * process never holds): `chunk(offset, size)` gives the bytes at that offset. Stops when the
   * client goes away.
   */
  | { lazyBody: { status: number; headers?: Record<string, string>; length: number; chunk: (offset: number, size: number) => Buffer } };

export interface FaultRequest {
  method: string;
  /** Decoded path without query. */
  path: string;
  /** 1 for the first request to this path since start (or clearRequests), 2 for the next... */
  attempt: number;
  kind: RequestKind;
  /** Set for 'file', 'metadata' and 'provenance' requests. */
  filename: string | undefined;
  headers: IncomingHttpHeaders;
}

export type FaultHook = (req: FaultRequest) => Fault | undefined;

export interface RequestRecord {
  method: string;
  /** Request target as sent, with query. */
  url: string;
  /** Decoded path without query. */
  path: string;
  kind: RequestKind;
  filename: string | undefined;
  attempt: number;
  headers: IncomingHttpHeaders;
  /** 0 until the status line is written. */
  status: number;
  contentType: string | undefined;
  /** Body bytes handed to the socket. */
  bytesSent: number;
  /** The response finished normally. */
  completed: boolean;
  /** The fault applied, by name ('status', 'stallAfterBytes', ...). */
  fault: string | undefined;
  /** performance.now() when the request arrived and when its response finished (or broke off). */
  arrivedAt: number;
  endedAt: number | undefined;
}

export interface IndexServer {
  /** Base of the simple API, e.g. http://127.0.0.1:41234/simple/ */
  url: string;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** Live log of every request, in arrival order. */
  requests: RequestRecord[];
  /** Adds the project, replacing one with the same normalized name. */
  addProject(project: IndexProject): void;
  removeProject(name: string): void;
  /** Adds a file, creating the project when missing. */
  addFile(projectName: string, file: IndexFile): void;
  removeFile(projectName: string, filename: string): void;
  /** New bytes; claims follow them unless the file pins claimSha256/claimSize. */
  replaceFileBytes(projectName: string, filename: string, bytes: Buffer): void;
  /** Changes any field of a file (yank it, change its claims...). */
  updateFile(projectName: string, filename: string, patch: Partial<IndexFile>): void;
  configure(options: MutableIndexServerOptions): void;
  setFault(hook: FaultHook | undefined): void;
  /** Absolute URL of a file (no fragment). */
  fileUrl(filename: string): string;
  /** Absolute URL of a project page (normalized name, trailing slash). */
  projectUrl(name: string): string;
  /** GET requests for artifacts (not .metadata), optionally for one filename. */
  downloads(filename?: string): RequestRecord[];
  /** Empties the request log and the per-path attempt counters. */
  clearRequests(): void;
  close(): Promise<void>;
}

const DEFAULT_UPLOAD_TIME = '2024-01-01T00:00:00.000000Z';
const UNTHROTTLED_CHUNK = 256 * 1024;
const THROTTLE_TICKS_PER_SECOND = 20;

interface StoredFile {
  file: IndexFile;
  metadataBytes: Buffer | undefined;
  /** sha256 of the bytes, computed once: a real index does not hash its files per page view. */
  readonly sha256: string;
  readonly metadataSha256: string | undefined;
}

interface StoredProject {
  name: string;
  files: StoredFile[];
  versions: string[] | undefined;
}

interface Planned {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  kind: RequestKind;
  filename: string | undefined;
}

type SendMode = 'normal' | 'stall' | 'truncate' | 'reset';

/** Peers the server talks to; anything else is dropped on connect. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function resolveMetadata(file: IndexFile): Buffer | undefined {
  if (file.metadata === 'auto') {
    const extracted = extractMetadata(file.filename, file.bytes);
    if (extracted === undefined) throw new Error(`Assertion failed: metadata 'auto' found none in ${file.filename}`);
    return extracted;
  }
  return file.metadata === false ? undefined : file.metadata;
}

function filePath(file: IndexFile): string {
  return file.path ?? `/files/${file.filename}`;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function normalizeBasePath(basePath: string): string {
  const withLead = basePath.startsWith('/') ? basePath : `/${basePath}`;
  return withLead.endsWith('/') ? withLead : `${withLead}/`;
}

/** Exactly `Basic base64(username:password)`, as a private index checks it. */
function authorized(header: string | undefined, expected: { username: string; password: string }): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  return Buffer.from(match[1], 'base64').toString('utf8') === `${expected.username}:${expected.password}`;
}

function faultName(fault: Fault): string {
  const [first] = Object.keys(fault);
  return first ?? 'unknown';
}

/** Parses a single-range `bytes=` header; undefined means "ignore Range and send everything". */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export async function startIndexServer(options: IndexServerOptions = {}): Promise<IndexServer> {
  const basePath = normalizeBasePath(options.basePath ?? '/simple/');
  const settings: Required<Omit<MutableIndexServerOptions, 'pageCacheControl'>> & Pick<MutableIndexServerOptions, 'pageCacheControl'> = {
    format: options.format ?? 'negotiate',
    metadataFiles: options.metadataFiles ?? true,
    ranges: options.ranges ?? true,
    relativeUrls: options.relativeUrls ?? false,
    redirectProjectPages: options.redirectProjectPages ?? true,
    latencyMs: options.latencyMs ?? 0,
    bandwidthBytesPerSec: options.bandwidthBytesPerSec ?? 0,
    apiVersion: options.apiVersion ?? '1.1',
    requireAuth: options.requireAuth ?? false,
    etags: options.etags ?? true,
    pageCacheControl: options.pageCacheControl,
  };
  const projects = new Map<string, StoredProject>();
  const requests: RequestRecord[] = [];
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let faultHook: FaultHook | undefined;
  let origin = '';

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  // ---- universe -------------------------------------------------------------------------------

  function allFiles(): StoredFile[] {
    return [...projects.values()].flatMap((p) => p.files);
  }

  function assertPathFree(file: IndexFile, ignore?: StoredFile): void {
    const path = filePath(file);
    const clash = allFiles().find((s) => s !== ignore && filePath(s.file) === path);
    if (clash) throw new Error(`Assertion failed: two files served at ${path}`);
  }

  function store(file: IndexFile): StoredFile {
    const copy: IndexFile = { ...file };
    const metadataBytes = resolveMetadata(copy);
    let sha256: string | undefined;
    let metadataSha256: string | undefined;
    return {
      file: copy,
      metadataBytes,
      get sha256() {
        sha256 ??= sha256Hex(copy.bytes);
        return sha256;
      },
      get metadataSha256() {
        if (metadataBytes === undefined) return undefined;
        metadataSha256 ??= sha256Hex(metadataBytes);
        return metadataSha256;
      },
    };
  }

  function getProject(name: string): StoredProject {
    const project = projects.get(normalizeName(name));
    if (!project) throw new Error(`Assertion failed: no project ${name}`);
    return project;
  }

  function getFile(projectName: string, filename: string): StoredFile {
    const found = getProject(projectName).files.find((s) => s.file.filename === filename);
    if (!found) throw new Error(`Assertion failed: no file ${filename} in ${projectName}`);
    return found;
  }

  function addProject(project: IndexProject): void {
    const key = normalizeName(project.name);
    projects.delete(key);
    projects.set(key, { name: project.name, files: [], versions: project.versions });
    for (const file of project.files) addFile(project.name, file);
  }

  function addFile(projectName: string, file: IndexFile): void {
    const key = normalizeName(projectName);
    let project = projects.get(key);
    if (!project) {
      project = { name: projectName, files: [], versions: undefined };
      projects.set(key, project);
    }
    if (project.files.some((s) => s.file.filename === file.filename)) {
      throw new Error(`Assertion failed: ${file.filename} already in ${projectName}; use replaceFileBytes/updateFile`);
    }
    assertPathFree(file);
    project.files.push(store(file));
  }

  function updateFile(projectName: string, filename: string, patch: Partial<IndexFile>): void {
    const project = getProject(projectName);
    const current = getFile(projectName, filename);
    const next = store({ ...current.file, ...patch });
    assertPathFree(next.file, current);
    project.files[project.files.indexOf(current)] = next;
  }

  // ---- pages ----------------------------------------------------------------------------------

  function linkTo(pageDir: string, path: string): string {
    const encoded = encodePath(path);
    return settings.relativeUrls ? relativePath(pageDir, encoded) : `${origin}${encoded}`;
  }

  function pageFile(stored: StoredFile, pageDir: string): PageFile {
    const { file, metadataBytes } = stored;
    let hashes: Record<string, string>;
    if (file.claimHashes !== undefined) hashes = { ...file.claimHashes };
    else if (file.noHash) hashes = {};
    else hashes = { sha256: file.claimSha256 ?? stored.sha256 };

    let coreMetadata: PageFile['coreMetadata'] = false;
    if (settings.metadataFiles && (metadataBytes !== undefined || file.claimMetadataSha256 !== undefined)) {
      const claim = file.claimMetadataSha256 ?? stored.metadataSha256 ?? true;
      coreMetadata = file.claimMetadataHashes ? { ...file.claimMetadataHashes } : claim === true ? true : { sha256: claim };
    }
    return {
      filename: file.filename,
      url: linkTo(pageDir, filePath(file)),
      hashes,
      requiresPython: file.requiresPython,
      yanked: file.yanked ?? false,
      size: file.claimSize ?? file.bytes.length,
      uploadTime: file.uploadTime ?? DEFAULT_UPLOAD_TIME,
      coreMetadata,
      provenance: file.provenance === undefined ? null : `${origin}${encodePath(provenancePath(stored))}`,
    };
  }

  /** Where PyPI's Integrity API would serve it (without the version segment, which we do not need). */
  function provenancePath(stored: StoredFile): string {
    return `/integrity/${stored.file.filename}/provenance`;
  }

  function chooseMedia(accept: string | undefined): PageMediaType {
    if (settings.format === 'json') return MEDIA_JSON;
    if (settings.format === 'html') return MEDIA_TEXT_HTML;
    return negotiate(accept) ?? MEDIA_TEXT_HTML;
  }

  function pageResponse(kind: RequestKind, media: PageMediaType, body: string): Planned {
    const headers: Record<string, string> = { 'content-type': contentTypeHeader(media) };
    if (settings.format === 'negotiate') headers['vary'] = 'Accept';
    return { status: 200, headers, body: Buffer.from(body), kind, filename: undefined };
  }

  function projectPage(project: StoredProject, accept: string | undefined): Planned {
    const normalized = normalizeName(project.name);
    const pageDir = `${basePath}${normalized}/`;
    const versions = new Set<string>();
    for (const s of project.files) {
      const v = s.file.version ?? versionFromFilename(s.file.filename);
      if (v !== undefined) versions.add(v);
    }
    for (const v of project.versions ?? []) versions.add(v);
    const page = {
      name: normalized,
      displayName: project.name,
      files: project.files.map((s) => pageFile(s, pageDir)),
      versions: [...versions],
      apiVersion: settings.apiVersion,
    };
    const media = chooseMedia(accept);
    return pageResponse('project-page', media, media === MEDIA_JSON ? renderJsonProjectPage(page) : renderHtmlProjectPage(page));
  }

  function projectList(accept: string | undefined): Planned {
    const entries = [...projects.values()].map((p) => {
      const path = `${basePath}${normalizeName(p.name)}/`;
      return { name: p.name, url: settings.relativeUrls ? relativePath(basePath, path) + '/' : `${origin}${path}` };
    });
    const media = chooseMedia(accept);
    const body =
      media === MEDIA_JSON ? renderJsonProjectList(entries, settings.apiVersion) : renderHtmlProjectList(entries, settings.apiVersion);
    return pageResponse('project-list', media, body);
  }

  // ---- routing --------------------------------------------------------------------------------

  function plain(status: number, kind: RequestKind, text: string, headers: Record<string, string> = {}): Planned {
    return {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
      body: Buffer.from(text),
      kind,
      filename: undefined,
    };
  }

  function redirect(location: string, status = 301): Planned {
    return { status, headers: { location }, body: Buffer.alloc(0), kind: 'redirect', filename: undefined };
  }

  function findArtifact(path: string): { stored: StoredFile; metadata: boolean } | undefined {
    for (const stored of allFiles()) {
      if (stored.file.provenance !== undefined && provenancePath(stored) === path) return { stored, metadata: false };
      const served = filePath(stored.file);
      if (served === path) return { stored, metadata: false };
      if (`${served}.metadata` === path && settings.metadataFiles && stored.metadataBytes !== undefined) {
        return { stored, metadata: true };
      }
    }
    return undefined;
  }

  function artifactResponse(bytes: Buffer, kind: RequestKind, filename: string, range: string | undefined): Planned {
    const headers: Record<string, string> = {
      'content-type': kind === 'metadata' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    };
    if (!settings.ranges) return { status: 200, headers, body: bytes, kind, filename };
    headers['accept-ranges'] = 'bytes';
    const wanted = parseRange(range, bytes.length);
    if (wanted === 'unsatisfiable') {
      return { status: 416, headers: { ...headers, 'content-range': `bytes */${bytes.length}` }, body: Buffer.alloc(0), kind, filename };
    }
    if (wanted === undefined) return { status: 200, headers, body: bytes, kind, filename };
    headers['content-range'] = `bytes ${wanted.start}-${wanted.end}/${bytes.length}`;
    return { status: 206, headers, body: bytes.subarray(wanted.start, wanted.end + 1), kind, filename };
  }

  /** The response the index would give, with `replacement` standing in for the real body. */
  function plan(req: IncomingMessage, path: string, search: string, replacement: Buffer | undefined): Planned {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return plain(405, 'method-not-allowed', 'Method Not Allowed', { allow: 'GET, HEAD' });

    const artifact = findArtifact(path);
    if (artifact) {
      const { stored, metadata } = artifact;
      if (stored.file.provenance !== undefined && provenancePath(stored) === path) {
        const headers = { 'content-type': 'application/vnd.pypi.integrity.v1+json' };
        return { status: 200, headers, body: replacement ?? stored.file.provenance, kind: 'provenance', filename: stored.file.filename };
      }
      const real = metadata ? stored.metadataBytes : stored.file.bytes;
      if (real === undefined) throw new Error('Assertion failed: artifact without bytes');
      return artifactResponse(replacement ?? real, metadata ? 'metadata' : 'file', stored.file.filename, req.headers.range);
    }

    const withBody = (p: Planned): Planned => cacheable(req, replacement === undefined ? p : { ...p, body: replacement });
    if (path === basePath) return withBody(projectList(req.headers.accept));
    if (`${path}/` === basePath) return redirect(encodePath(basePath) + search);
    if (path.startsWith(basePath)) {
      const rest = path.slice(basePath.length);
      const slash = rest.indexOf('/');
      if (slash === -1) return redirect(encodePath(`${basePath}${rest}/`) + search);
      if (slash === rest.length - 1) {
        const name = rest.slice(0, -1);
        const project = projects.get(normalizeName(name));
        if (project) {
          const normalized = normalizeName(name);
          if (name !== normalized && settings.redirectProjectPages) {
            return redirect(encodePath(`${basePath}${normalized}/`) + search);
          }
          return withBody(projectPage(project, req.headers.accept));
        }
      }
    }
    return plain(404, 'not-found', 'Not Found');
  }

  /** Validators and freshness of a page, and 304 when the client's copy is current. */
  function cacheable(req: IncomingMessage, planned: Planned): Planned {
    const headers = { ...planned.headers };
    if (settings.pageCacheControl !== undefined) headers['cache-control'] = settings.pageCacheControl;
    if (!settings.etags) return { ...planned, headers };
    const etag = `"${sha256Hex(Buffer.concat([Buffer.from(headers['content-type'] ?? ''), planned.body])).slice(0, 32)}"`;
    headers['etag'] = etag;
    const wanted = req.headers['if-none-match'];
    if (wanted !== undefined && wanted.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      return { ...planned, status: 304, headers, body: Buffer.alloc(0) };
    }
    return { ...planned, headers };
  }

  // ---- sending --------------------------------------------------------------------------------

  function writeChunk(res: ServerResponse, chunk: Buffer): Promise<boolean> {
    return new Promise((resolve) => {
      if (res.destroyed) return resolve(false);
      const onClose = (): void => resolve(false);
      res.once('close', onClose);
      res.write(chunk, (err) => {
        res.off('close', onClose);
        resolve(!err);
      });
    });
  }

  async function send(
    res: ServerResponse,
    record: RequestRecord,
    planned: Planned,
    mode: SendMode,
    after: number,
    head: boolean,
    bandwidth = settings.bandwidthBytesPerSec,
  ): Promise<void> {
    if (res.destroyed) return;
    const headers = { ...planned.headers, 'content-length': String(planned.body.length) };
    res.writeHead(planned.status, headers);
    record.status = planned.status;
    record.contentType = planned.headers['content-type'];
    const body = head ? Buffer.alloc(0) : planned.body;
    if (mode === 'normal' && body.length === 0) {
      res.end();
      return;
    }
    res.flushHeaders();
    const limit = mode === 'normal' ? body.length : Math.min(after, body.length);
    const chunkSize = bandwidth > 0 ? Math.max(1, Math.floor(bandwidth / THROTTLE_TICKS_PER_SECOND)) : UNTHROTTLED_CHUNK;
    for (let offset = 0; offset < limit; offset += chunkSize) {
      const chunk = body.subarray(offset, Math.min(limit, offset + chunkSize));
      const started = Date.now();
      if (!(await writeChunk(res, chunk))) return;
      record.bytesSent += chunk.length;
      if (bandwidth > 0) {
        const due = (chunk.length / bandwidth) * 1000 - (Date.now() - started);
        if (due > 0) await sleep(due);
      }
    }
    const socket = res.socket;
    if (mode === 'normal') res.end();
    else if (mode === 'truncate') socket?.end();
    else if (mode === 'reset') socket?.resetAndDestroy();
    // 'stall': leave the response open until the client (or close()) ends the connection.
  }

  async function sendLazy(
    res: ServerResponse,
    record: RequestRecord,
    lazy: { status: number; headers?: Record<string, string>; length: number; chunk: (offset: number, size: number) => Buffer },
    head: boolean,
  ): Promise<void> {
    if (res.destroyed) return;
    res.writeHead(lazy.status, { 'content-type': 'application/octet-stream', ...lazy.headers, 'content-length': String(lazy.length) });
    record.status = lazy.status;
    if (head) {
      res.end();
      return;
    }
    res.flushHeaders();
    for (let offset = 0; offset < lazy.length; offset += UNTHROTTLED_CHUNK) {
      const chunk = lazy.chunk(offset, Math.min(UNTHROTTLED_CHUNK, lazy.length - offset));
      if (!(await writeChunk(res, chunk))) return;
      record.bytesSent += chunk.length;
    }
    res.end();
  }

  async function respond(req: IncomingMessage, res: ServerResponse, record: RequestRecord, fault: Fault | undefined): Promise<void> {
    const head = record.method === 'HEAD';
    if (fault === undefined) return send(res, record, plan(req, record.path, searchOf(req), undefined), 'normal', 0, head);
    if ('delayMs' in fault) {
      await sleep(fault.delayMs);
      return respond(req, res, record, fault.then);
    }
    if ('redirect' in fault) {
      const planned = redirect(fault.redirect, fault.status ?? 302);
      return send(res, record, { ...planned, kind: record.kind, filename: record.filename }, 'normal', 0, head);
    }
    if ('contentType' in fault) {
      const planned: Planned = {
        status: fault.status ?? 200,
        headers: { 'content-type': fault.contentType },
        body: Buffer.from(fault.body),
        kind: record.kind,
        filename: record.filename,
      };
      return send(res, record, planned, 'normal', 0, head);
    }
    if ('status' in fault) {
      const body = fault.body === undefined ? Buffer.from(http.STATUS_CODES[fault.status] ?? 'Fault') : Buffer.from(fault.body);
      const planned: Planned = {
        status: fault.status,
        headers: { 'content-type': 'text/plain; charset=utf-8', ...fault.headers },
        body,
        kind: record.kind,
        filename: record.filename,
      };
      return send(res, record, planned, 'normal', 0, head);
    }
    if ('lazyBody' in fault) return sendLazy(res, record, fault.lazyBody, head);
    if ('replaceBody' in fault) return send(res, record, plan(req, record.path, searchOf(req), fault.replaceBody), 'normal', 0, head);
    const planned = plan(req, record.path, searchOf(req), undefined);
    if ('gzip' in fault) {
      const body = zlib.gzipSync(planned.body);
      return send(res, record, { ...planned, headers: { ...planned.headers, 'content-encoding': 'gzip' }, body }, 'normal', 0, head);
    }
    if ('stallAfterBytes' in fault) return send(res, record, planned, 'stall', fault.stallAfterBytes, head);
    if ('dripBytesPerSec' in fault) return send(res, record, planned, 'normal', 0, head, fault.dripBytesPerSec);
    if ('truncateAfterBytes' in fault) return send(res, record, planned, 'truncate', fault.truncateAfterBytes, head);
    return send(res, record, planned, 'reset', fault.resetAfterBytes, head);
  }

  function searchOf(req: IncomingMessage): string {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    return q === -1 ? '' : target.slice(q);
  }

  function decodedPath(target: string): string {
    const raw = target.split('?')[0]?.split('#')[0] ?? '/';
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const path = decodedPath(target);
    const attempt = (attempts.get(path) ?? 0) + 1;
    attempts.set(path, attempt);
    // Classify before faults so hooks and the log see what was asked for.
    const planned = plan(req, path, searchOf(req), undefined);
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      url: target,
      path,
      kind: planned.kind,
      filename: planned.filename,
      attempt,
      headers: { ...req.headers },
      status: 0,
      contentType: undefined,
      bytesSent: 0,
      completed: false,
      fault: undefined,
      arrivedAt: performance.now(),
      endedAt: undefined,
    };
    requests.push(record);
    res.on('finish', () => {
      record.completed = true;
    });
    res.on('close', () => {
      record.endedAt = performance.now();
    });
    if (settings.requireAuth !== false && !authorized(req.headers.authorization, settings.requireAuth)) {
      record.fault = 'requireAuth';
      const denied = plain(401, record.kind, 'Unauthorized', { 'www-authenticate': 'Basic realm="index-server"' });
      await send(res, record, { ...denied, filename: record.filename }, 'normal', 0, record.method === 'HEAD');
      return;
    }
    const fault = faultHook?.({ method: record.method, path, attempt, kind: record.kind, filename: record.filename, headers: record.headers });
    record.fault = fault === undefined ? undefined : faultName(fault);
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    await respond(req, res, record, fault);
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the helper must surface in the test, not as a hung request.
      console.error('index-server: handler failed:', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('index-server handler failed');
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  server.on('connection', (socket: Socket) => {
    if (!isLoopbackAddress(socket.remoteAddress)) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Assertion failed: server has no TCP address');
  const { port }: AddressInfo = address;
  origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  for (const project of options.projects ?? []) addProject(project);

  return {
    url: `${origin}${encodePath(basePath)}`,
    origin,
    requests,
    addProject,
    removeProject(name) {
      getProject(name);
      projects.delete(normalizeName(name));
    },
    addFile,
    removeFile(projectName, filename) {
      const project = getProject(projectName);
      project.files.splice(project.files.indexOf(getFile(projectName, filename)), 1);
    },
    replaceFileBytes(projectName, filename, bytes) {
      updateFile(projectName, filename, { bytes });
    },
    updateFile,
    configure(changes) {
      for (const [key, value] of Object.entries(changes)) {
        if (value !== undefined && key in settings) Object.assign(settings, { [key]: value });
      }
    },
    setFault(hook) {
      faultHook = hook;
    },
    fileUrl(filename) {
      const found = allFiles().find((s) => s.file.filename === filename);
      if (!found) throw new Error(`Assertion failed: no file ${filename}`);
      return `${origin}${encodePath(filePath(found.file))}`;
    },
    projectUrl(name) {
      return `${origin}${encodePath(`${basePath}${normalizeName(name)}/`)}`;
    },
    downloads(filename) {
      return requests.filter((r) => r.kind === 'file' && r.method === 'GET' && (filename === undefined || r.filename === filename));
    },
    clearRequests() {
      requests.length = 0;
      attempts.clear();
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
