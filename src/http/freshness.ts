/**
 * How long a stored index page may be used without asking the server again, and how to ask
 * cheaply when it may not: HTTP caching (RFC 9111) as far as a private client cache needs it.
 *
 * - `Cache-Control: max-age=N` (minus `Age`) is the freshness lifetime; PyPI sends 600 s for its
 *   simple pages, and uv uses a page that fresh without a request, as we do.
 * - `no-store` means: do not keep it. `no-cache` (and a missing max-age) means: keep it, but
 *   revalidate before every use. We apply no heuristic freshness: a server that says nothing
 *   about freshness is asked every time (conditionally, when it gave a validator).
 * - Validators: `ETag` (sent back as `If-None-Match`) and `Last-Modified` (`If-Modified-Since`).
 *   A 304 answer keeps the stored page and renews its freshness from the 304's own headers.
 */

export interface Freshness {
  /** False for `no-store`: the response must not be written anywhere. */
  storable: boolean;
  /** How long after `receivedAt` the page may be used without a request (0: revalidate first). */
  freshForMs: number;
  etag: string | undefined;
  lastModified: string | undefined;
}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value.join(', ');
  return value;
}

/** Directives of a Cache-Control header, names lowercased; `max-age="60"` is read as 60 too. */
export function parseCacheControl(value: string | undefined): Map<string, string | true> {
  const directives = new Map<string, string | true>();
  if (value === undefined) return directives;
  for (const part of value.split(',')) {
    const [rawName = '', ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    if (name === '') continue;
    const raw = rest.join('=').trim();
    directives.set(name, raw === '' ? true : raw.replace(/^"(.*)"$/, '$1'));
  }
  return directives;
}

function seconds(value: string | true | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

export function freshnessOf(headers: HeaderBag): Freshness {
  const directives = parseCacheControl(header(headers, 'cache-control'));
  const etag = header(headers, 'etag')?.trim() || undefined;
  const lastModified = header(headers, 'last-modified')?.trim() || undefined;
  if (directives.has('no-store')) return { storable: false, freshForMs: 0, etag, lastModified };
  const maxAge = directives.has('no-cache') ? 0 : (seconds(directives.get('max-age')) ?? 0);
  const age = seconds(header(headers, 'age')) ?? 0;
  return { storable: true, freshForMs: Math.max(0, maxAge - age) * 1000, etag, lastModified };
}

/** Headers that make a request conditional on the stored copy's validators. */
export function conditionalHeaders(stored: { etag?: string | undefined; lastModified?: string | undefined }): Record<string, string> {
  const headers: Record<string, string> = {};
  if (stored.etag !== undefined) headers['if-none-match'] = stored.etag;
  if (stored.lastModified !== undefined) headers['if-modified-since'] = stored.lastModified;
  return headers;
}

/** A stored page worth keeping: it is either fresh for a while or can be revalidated cheaply. */
export function worthStoring(freshness: Freshness): boolean {
  return freshness.storable && (freshness.freshForMs > 0 || freshness.etag !== undefined || freshness.lastModified !== undefined);
}
