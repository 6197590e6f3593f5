/**
 * The objects of one run that talk to the network, shared by every target of the run: one
 * HttpClient, one IndexClient and page memo (a project page is read once, whatever the number of
 * targets), one MetadataService (a file's metadata read once), one ArtifactStore (a file
 * downloaded and hashed once). What depends on the target lives in its lane: the provider that
 * sorts a page's files for that target, that target's memo of candidates and metadata, and its
 * read-ahead. Nothing in a lane is keyed on the target implicitly: each lane is one target's.
 */
import type { RecordCache } from '../cache/record-cache.js';
import { ArtifactStore } from '../download/artifact-store.js';
import { HttpClient } from '../http/client.js';
import { createMetadataLedger } from '../metadata/ladder.js';
import { MetadataService } from '../metadata/service.js';
import { IndexClient } from '../package-index/client.js';
import type { IndexedFile } from '../package-index/types.js';
import type { PackageName } from '../pep/names.js';
import type { Target } from '../pep/target.js';
import type { Version } from '../pep/version.js';
import { IndexProvider } from '../provider/index-provider.js';
import { ProjectPages } from '../provider/project-pages.js';
import { ReadAhead } from '../provider/read-ahead.js';
import { MemoizedProvider } from '../resolver/index.js';
import type { LockEvents } from './options.js';
import type { PreparedRun } from './prepare.js';
import { VERSION } from './version.js';

/** One target's view of the session. */
export interface TargetLane {
  readonly target: Target;
  /** Its position in the run's targets (resolution order). */
  readonly index: number;
  readonly provider: IndexProvider;
  /** This target's memo of candidates and metadata, shared by its resolver, its read-ahead and check. */
  readonly answers: MemoizedProvider;
  readonly readAhead: ReadAhead;
}

export interface Session {
  http: HttpClient;
  store: ArtifactStore;
  index: IndexClient;
  metadata: MetadataService;
  /** One per target of the run, in the run's order. */
  lanes: readonly TargetLane[];
  /**
   * Resolution is over for every target and `keep` are the URLs of the files to hash: no lane
   * speculates any more, and downloads of other files are called off.
   */
  finish(keep: ReadonlySet<string>): void;
  close(): Promise<void>;
}

export interface SessionOptions {
  cache: RecordCache | undefined;
  /** The version the resolver of `target` will most likely keep (read first); asked when its read-ahead needs it. */
  preferredVersion?: ((target: Target, name: PackageName) => Version | undefined) | undefined;
  /**
   * Start downloading and hashing a version's files as soon as the resolver asks for its
   * metadata, overlapping hashing with resolution (provider/read-ahead.ts).
   */
  hashAhead?: boolean | undefined;
  /** Revalidate these projects' stored pages even while fresh (-P, -U, --refresh). */
  revalidate?: ((name: PackageName) => boolean) | undefined;
}

/** Once per index: a wheel's dependencies needed its whole download (no usable `.metadata` file, no ranges). */
function slowIndexNotice(events: LockEvents): (file: IndexedFile) => void {
  const told = new Set<string>();
  return (file) => {
    if (told.has(file.source)) return;
    told.add(file.source);
    events.onNotice?.(
      `${file.source} gave no usable PEP 658 .metadata file and no range request for ${file.filename} (and likely its other wheels): their dependencies are known only when their whole downloads end, so resolution waits for downloads. An index can serve PEP 658 metadata, as PyPI does.`,
    );
  };
}

export function openSession(run: PreparedRun, sessionOptions: SessionOptions, warnings: string[]): Session {
  const { cache } = sessionOptions;
  const { config } = run;
  const { events, retry, concurrency } = config;
  // `concurrency` artifact downloads per host; index pages and metadata have a lane of their own.
  const http = new HttpClient({
    timeouts: config.timeouts,
    userAgent: `pin-hashes/${VERSION}`,
    maxSocketsPerHost: concurrency,
    netrc: run.netrc.netrc,
    caBundle: config.caBundle ?? undefined,
  });
  const ledger = createMetadataLedger();
  const store = new ArtifactStore(http, { concurrency, retry, events, cache, inspector: ledger });
  const metadata = new MetadataService({ http, store, retry, cache, ledger, onWholeDownloadForMetadata: slowIndexNotice(events) });
  const revalidate = sessionOptions.revalidate ?? (() => false);
  const index = new IndexClient(
    http,
    { indexes: run.indexes.map((index) => index.fetch), findLinks: run.findLinks, mergeIndexes: config.indexStrategy === 'unsafe-best-match' },
    retry,
    { onPage: events.onPage, onPageFromCache: events.onPageFromCache, onRetry: events.onRetry, onWarning: events.onWarning },
    cache ? { cache, mustRevalidate: (name) => config.refresh || revalidate(name) } : undefined,
  );
  const pages = new ProjectPages({ index, cooldown: config.cooldown, ...pageEvents(events, warnings) });
  const everyFile = run.targets.length === 1 || (config.lockFlags.allFiles ?? false);
  const lanes = run.targets.map((target, position): TargetLane => {
    const provider: IndexProvider = new IndexProvider({
      pages,
      http,
      metadata,
      target,
      binary: run.formats,
      onProject: (name) => readAhead.projectArrived(name),
    });
    const answers = new MemoizedProvider(provider);
    const readAhead = new ReadAhead({
      answers,
      provider,
      store,
      target,
      preferredVersion: (name) => sessionOptions.preferredVersion?.(target, name),
      hashAhead: sessionOptions.hashAhead ?? false,
      // With several targets a line locks what its targets can install (api/target-files.ts): only that is fetched ahead.
      filesToHash: everyFile ? undefined : (pin) => provider.installableFiles(pin, false),
    });
    return { target, index: position, provider, answers, readAhead };
  });
  return {
    http,
    store,
    index,
    metadata,
    lanes,
    finish(keep) {
      for (const lane of lanes) lane.readAhead.stop();
      store.retainOnly(keep);
    },
    async close() {
      // The connections first: a request still waiting for its answer (a hash-ahead download on
      // a slow index) fails at once instead of holding the run until its response timeout, after
      // an error already decided it (a 403 waited for a 20 s download to time out).
      http.close();
      await store.close();
    },
  };
}

/** What a project page tells the user, said once per project whatever the number of targets. */
function pageEvents(events: LockEvents, warnings: string[]): Pick<ConstructorParameters<typeof ProjectPages>[0], 'onProject' | 'onNoUploadTimes'> {
  const noUploadTimes = new Set<string>();
  return {
    onNoUploadTimes: (source) => {
      if (noUploadTimes.has(source)) return;
      noUploadTimes.add(source);
      warnings.push(`${source} gives no upload times: under --exclude-newer its files are left out (--exclude-newer-allow-unknown keeps them)`);
    },
    onProject: (name, sources, shadowed) => {
      events.onProject?.(name, sources, shadowed);
      if (shadowed.length > 0) {
        warnings.push(`${name} is on ${sources.join(', ')} and also on ${shadowed.join(', ')}; only the first index is used`);
      }
    },
  };
}
