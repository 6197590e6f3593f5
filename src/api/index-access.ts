/**
 * The HTTP client and the index client of a run: what its page requests need, and nothing of
 * the resolver, the downloads or the metadata ladder (pipeline.ts opens the rest of a session).
 */
import type { RecordCache } from '../cache/record-cache.js';
import { HttpClient } from '../http/client.js';
import { IndexClient } from '../package-index/client.js';
import type { PackageName } from '../pep/names.js';
import type { PreparedRun } from './prepare.js';
import { VERSION } from './version.js';

export interface IndexAccess {
  http: HttpClient;
  index: IndexClient;
}

/** `revalidate`: projects whose stored pages are asked again even while fresh (-P, -U). */
export function openIndexAccess(run: PreparedRun, cache: RecordCache | undefined, revalidate: (name: PackageName) => boolean): IndexAccess {
  const { config } = run;
  const { events } = config;
  // `concurrency` artifact downloads per host; index pages and metadata have a lane of their own.
  const http = new HttpClient({
    timeouts: config.timeouts,
    userAgent: `pin-hashes/${VERSION}`,
    maxSocketsPerHost: config.concurrency,
    netrc: run.netrc.netrc,
  });
  const index = new IndexClient(
    http,
    { indexes: run.indexes.map((location) => location.fetch), findLinks: run.findLinks, mergeIndexes: config.indexStrategy === 'unsafe-best-match' },
    config.retry,
    { onPage: events.onPage, onPageFromCache: events.onPageFromCache, onRetry: events.onRetry, onWarning: events.onWarning },
    cache ? { cache, mustRevalidate: (name) => config.refresh || revalidate(name) } : undefined,
  );
  return { http, index };
}

/** -U asks every stored page again, -P the named projects' (their pins are free to move). */
export function revalidateFor(upgrade: ReadonlySet<PackageName> | 'all'): (name: PackageName) => boolean {
  return (name) => upgrade === 'all' || upgrade.has(name);
}
