/**
 * "Which files exist for project X": asks every configured index and find-links location and
 * returns one ProjectPage. Indexes are tried in priority order and the first that has the project
 * wins (uv's default, which closes the dependency-confusion hole of pip's merge); the others are
 * reported as shadowing. `mergeIndexes` opts into pip's behaviour (all indexes' files merged).
 * Find-links locations are always merged, as in pip and uv.
 */
import { isUrl } from '../http/url-text.js';
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { PackageName } from '../pep/names.js';
import { HttpClient, expectOk } from '../http/client.js';
import { statusError } from '../http/errors.js';
import { mayCarrySecrets, redactUrl } from '../http/redact.js';
import { conditionalHeaders, freshnessOf, worthStoring, type Freshness } from '../http/freshness.js';
import type { RecordCache, PageRecord } from '../cache/record-cache.js';
import { withRetries, type RetryPolicy } from '../http/retry.js';
import { linkToFile, type RawLink } from './links.js';
import { PageError, SIMPLE_ACCEPT, pageFormat, parseHtmlPage, pageText, readProjectPage } from './pages.js';
import type { IndexedFile, ProjectPage } from './types.js';

export interface IndexSources {
  /** Simple API base URLs in priority order (credentials allowed; they are registered and stripped). */
  indexes: readonly string[];
  /** Local folders (absolute paths) or URLs of HTML pages of links. */
  findLinks: readonly string[];
  /** pip's merge of all indexes instead of first-index-wins. */
  mergeIndexes?: boolean;
}

export interface IndexClientEvents {
  /** A page was fetched (for --verbose); status 304: the stored copy was current. */
  onPage?: (url: string, status: number) => void;
  /** A stored page was used without a request: it is still fresh by the server's Cache-Control. */
  onPageFromCache?: (url: string) => void;
  onRetry?: (url: string, error: unknown, attempt: number) => void;
  /** Something on a page was ignored, for a reason the user should know (a file: link on a remote page). */
  onWarning?: (message: string) => void;
}

/** Index pages kept across runs under HTTP's rules (http/freshness.ts); absent with --no-cache. */
export interface PageCaching {
  cache: RecordCache;
  /**
   * Projects whose stored page must be revalidated even while fresh: the ones the user asked to
   * upgrade, or all with --refresh. A user who bumps a package wants the release of a minute ago.
   */
  mustRevalidate: (name: PackageName) => boolean;
  /** The clock, for tests. */
  now?: () => number;
}

type SourceResult = { kind: 'found'; files: IndexedFile[]; source: string } | { kind: 'not-found'; source: string };

export class IndexClient {
  readonly #http: HttpClient;
  readonly #indexes: string[];
  readonly #findLinks: readonly string[];
  readonly #merge: boolean;
  readonly #retry: RetryPolicy;
  readonly #events: IndexClientEvents;
  readonly #caching: PageCaching | undefined;
  /** Until when every page this run read may be used again without a request (see freshUntil). */
  #freshUntil = Number.POSITIVE_INFINITY;
  /** Find-links folders and pages are listed once per run, not once per project. */
  readonly #findLinksListings = new Map<string, Promise<RawLink[]>>();

  constructor(http: HttpClient, sources: IndexSources, retry: RetryPolicy, events: IndexClientEvents = {}, caching?: PageCaching) {
    this.#caching = caching;
    this.#http = http;
    this.#indexes = sources.indexes.map((url) => withSlash(http.registerUrl(url)));
    this.#findLinks = sources.findLinks.map((location) => (isUrl(location) ? http.registerUrl(location) : location));
    this.#merge = sources.mergeIndexes ?? false;
    this.#retry = retry;
    this.#events = events;
  }

  /** Index base URLs without credentials, for the lock header. */
  get indexUrls(): readonly string[] {
    return this.#indexes;
  }

  /**
   * Epoch ms until which every answer this run got about which files exist would be the same
   * without asking: the earliest expiry of the pages read; 0 when any answer cannot be kept
   * (a find-links listing, a 404, a page without freshness or not stored).
   */
  get freshUntil(): number {
    return this.#freshUntil;
  }

  #expires(at: number): void {
    this.#freshUntil = Math.min(this.#freshUntil, at);
  }

  /**
   * Files of one project, fetched on every call: the caller keeps the answer (IndexProvider is
   * the run's one memo of pages).
   */
  async getProject(name: PackageName): Promise<ProjectPage> {
    if (this.#findLinks.length > 0) this.#expires(0);
    const [indexResults, linkResults] = await Promise.all([
      Promise.all(this.#indexes.map((base) => this.#fromIndex(base, name))),
      Promise.all(this.#findLinks.map((location) => this.#fromFindLinks(location, name))),
    ]);
    const found = indexResults.filter((r): r is Extract<SourceResult, { kind: 'found' }> => r.kind === 'found');
    const chosen = this.#merge ? found : found.slice(0, 1);
    const shadowed = this.#merge ? [] : found.slice(1).map((r) => r.source);
    const fromLinks = linkResults.filter((r): r is Extract<SourceResult, { kind: 'found' }> => r.kind === 'found');
    const used = [...chosen, ...fromLinks];
    if (used.length === 0) {
      return { kind: 'not-found', searched: [...indexResults, ...linkResults].map((r) => r.source) };
    }
    return { kind: 'found', files: used.flatMap((r) => r.files), sources: used.map((r) => r.source), shadowed };
  }

  async #fromIndex(base: string, name: PackageName): Promise<SourceResult> {
    const pageUrl = base + encodeURIComponent(name) + '/';
    const source = redactUrl(base);
    const caching = this.#caching;
    const now = caching?.now ?? Date.now;
    const stored = caching ? await caching.cache.getPage(name, pageUrl, SIMPLE_ACCEPT) : undefined;
    if (stored && caching && !caching.mustRevalidate(name) && now() - stored.storedAt < stored.freshForMs) {
      this.#events.onPageFromCache?.(pageUrl);
      this.#expires(stored.storedAt + stored.freshForMs);
      return { kind: 'found', files: this.#toFiles(stored.links, name, source, pageUrl), source };
    }
    return withRetries(
      async () => {
        const response = await this.#http.getPage(pageUrl, SIMPLE_ACCEPT, stored ? conditionalHeaders(stored) : {});
        this.#events.onPage?.(pageUrl, response.status);
        if (response.status === 304 && stored) {
          await this.#keep(name, pageUrl, stored.links, freshnessOf(response.headers), stored);
          return { kind: 'found', files: this.#toFiles(stored.links, name, source, pageUrl), source };
        }
        if (response.status === 404 || response.status === 410) {
          this.#expires(0);
          return { kind: 'not-found', source };
        }
        expectOk(pageUrl, response);
        const format = pageFormat(response.contentType);
        if (!format) {
          throw new PageError(
            response.url,
            `is neither HTML nor PEP 691 JSON (Content-Type: ${response.contentType || 'none'})`,
          );
        }
        const links = readProjectPage(response.body, response.contentType, format, response.url);
        await this.#keep(name, pageUrl, links, freshnessOf(response.headers), undefined);
        return { kind: 'found', files: this.#toFiles(links, name, source, pageUrl), source };
      },
      this.#retry,
      (error, attempt) => this.#events.onRetry?.(pageUrl, error, attempt),
    );
  }

  /**
   * Stores a page just received (or revalidated: `previous`) as far as HTTP allows, and moves
   * this run's freshUntil. Links with credentials or query strings (signed URLs) in them are never
   * written to disk; such a page is fetched each run.
   */
  async #keep(name: PackageName, pageUrl: string, links: RawLink[], freshness: Freshness, previous: PageRecord | undefined): Promise<void> {
    const caching = this.#caching;
    // A 304 may leave a validator out; the stored one still stands then.
    const kept = { ...freshness, etag: freshness.etag ?? previous?.etag, lastModified: freshness.lastModified ?? previous?.lastModified };
    if (!caching || !worthStoring(kept) || links.some((link) => mayCarrySecrets(link.url))) {
      this.#expires(0);
      return;
    }
    const storedAt = (caching.now ?? Date.now)();
    const { freshForMs, etag, lastModified } = kept;
    await caching.cache.putPage(name, { url: pageUrl, accept: SIMPLE_ACCEPT, storedAt, freshForMs, etag, lastModified, links });
    this.#expires(storedAt + freshForMs);
  }

  async #fromFindLinks(location: string, name: PackageName): Promise<SourceResult> {
    const source = isUrl(location) ? redactUrl(location) : location;
    let listing = this.#findLinksListings.get(location);
    if (!listing) {
      listing = isUrl(location) && !location.startsWith('file:') ? this.#listLinkPage(location) : listFolder(location);
      this.#findLinksListings.set(location, listing);
    }
    const files = this.#toFiles(await listing, name, source, location);
    return files.length > 0 ? { kind: 'found', files, source } : { kind: 'not-found', source };
  }

  async #listLinkPage(url: string): Promise<RawLink[]> {
    return withRetries(
      async () => {
        const response = await this.#http.getPage(url, 'text/html');
        this.#events.onPage?.(url, response.status);
        if (response.status === 404) return [];
        if (response.status < 200 || response.status > 299) throw statusError(url, response.status);
        return parseHtmlPage(pageText(response.body, response.contentType, 'html', response.url), response.url);
      },
      this.#retry,
      (error, attempt) => this.#events.onRetry?.(url, error, attempt),
    );
  }

  /**
   * The files of `name` among the links of the page at `pageUrl`. A `file:` link is honoured only
   * on a page that is itself local (a find-links folder, `-i file://...`): a remote index naming
   * `file:///etc/passwd` or `file:///dev/zero` would otherwise make us read, hash and lock this
   * machine's files. Such links are left out with a warning and the other files are used.
   */
  #toFiles(links: RawLink[], name: PackageName, source: string, pageUrl: string): IndexedFile[] {
    const local = !isUrl(pageUrl) || pageUrl.startsWith('file:');
    const kept = local ? links : links.filter((link) => !link.url.toLowerCase().startsWith('file:'));
    if (kept.length !== links.length) {
      const first = links.find((link) => !kept.includes(link));
      this.#events.onWarning?.(
        `${redactUrl(pageUrl)} lists ${links.length - kept.length} file: link(s) (${redactUrl(first?.url ?? '')}${links.length - kept.length > 1 ? ', ...' : ''}); ` +
          'a remote page cannot point at files on this machine, so they were ignored',
      );
    }
    return toFiles(this.#http, kept, name, source);
  }
}

/**
 * The files of `name` among the links. A link that carries credentials (some private indexes put
 * them in file URLs) has them registered with the client and removed from the URL, so no message
 * or output built from an IndexedFile can show them.
 */
function toFiles(http: HttpClient, links: RawLink[], name: PackageName, source: string): IndexedFile[] {
  const files: IndexedFile[] = [];
  for (const link of links) {
    const file = linkToFile(link, name, source);
    if (file) files.push({ ...file, url: http.registerUrl(file.url) });
  }
  return files;
}

async function listFolder(location: string): Promise<RawLink[]> {
  const dir = location.startsWith('file:') ? fileURLToPath(location) : location;
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    throw new PageError(pathToFileURL(dir).toString(), 'cannot be read as a find-links folder', 'Check the --find-links path.');
  }
  return entries.sort().map((entry) => ({ url: pathToFileURL(join(dir, entry)).toString() }));
}


function withSlash(url: string): string {
  return url.endsWith('/') ? url : url + '/';
}
