/**
 * One run of the lock pipeline, shared by `lock` and `check`: resolve through the indexes, then
 * download and hash every file of every pin (or take digests from the cache, or, for `check`,
 * from the lock under test when a pin did not move), then render.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import type { RecordCache } from '../cache/record-cache.js';
import { ArtifactStore } from '../download/artifact-store.js';
import { hasCheckedClaim } from '../download/hashing.js';
import { HttpClient } from '../http/client.js';
import { stripCredentials } from '../http/redact.js';
import { createMetadataLedger } from '../metadata/ladder.js';
import { MetadataService } from '../metadata/service.js';
import type { Lock, LockedPackage } from '../lock/model.js';
import type { ExistingPin } from '../lock/read.js';
import { lockedDirectUrl } from '../lock/direct-url.js';
import { renderRequirementsTxt } from '../lock/requirements-txt.js';
import { IndexClient } from '../package-index/client.js';
import type { IndexedFile } from '../package-index/types.js';
import type { PackageName } from '../pep/names.js';
import type { Version } from '../pep/version.js';
import { IndexProvider } from '../provider/index-provider.js';
import { ReadAhead } from '../provider/read-ahead.js';
import { pinLabel, type Pin } from '../pin.js';
import { MemoizedProvider } from '../resolver/index.js';
import { resolve, type Resolution, type RootRequirement } from '../resolver/index.js';
import { targetDescription, type PreparedRun } from './prepare.js';
import { VERSION } from './version.js';
import { displayPath, regenerateCommand } from './command.js';
import { allowedHashesOf, filterByInputHashes } from './input-hashes.js';

export interface PipelineParams {
  preferences: ReadonlyMap<PackageName, Version>;
  upgrade: ReadonlySet<PackageName> | 'all';
  /** From `-P 'name<2'`. */
  extraConstraints: RootRequirement[];
  cache: RecordCache | undefined;
  /** Pins whose hashes are taken as listed when the new pin is the same (check's "is it current?"). */
  reuse?: ReadonlyMap<PackageName, ExistingPin> | undefined;
}

export interface PipelineResult {
  lock: Lock;
  content: string;
  resolution: Resolution;
  /** Filenames by sha256, for the change summary. */
  filenames: Map<string, string>;
  warnings: string[];
  /**
   * Epoch ms until which a run with the same inputs would give this same result without asking
   * the index anything (api/recall.ts); 0 when something it read cannot be vouched for that way.
   */
  reusableUntil: number;
}

/** The objects of one run that talk to the network; close() releases sockets and temp files. */
export interface Session {
  http: HttpClient;
  store: ArtifactStore;
  index: IndexClient;
  provider: IndexProvider;
  /** The one memo of candidates and metadata, shared by the resolver, the read-ahead and check. */
  answers: MemoizedProvider;
  readAhead: ReadAhead;
  metadata: MetadataService;
  close(): Promise<void>;
}

export interface SessionOptions {
  cache: RecordCache | undefined;
  preferences?: ReadonlyMap<PackageName, Version> | undefined;
  /**
   * Start downloading and hashing a version's files as soon as the resolver asks for its
   * metadata, overlapping hashing with resolution (provider/read-ahead.ts).
   */
  hashAhead?: boolean | undefined;
  /** Revalidate these projects' stored pages even while fresh (-P, -U, --refresh). */
  revalidate?: ((name: PackageName) => boolean) | undefined;
}

export function openSession(run: PreparedRun, sessionOptions: SessionOptions, warnings: string[]): Session {
  const { cache } = sessionOptions;
  const { config, target } = run;
  const { events, retry, concurrency } = config;
  // `concurrency` artifact downloads per host; index pages and metadata have a lane of their own.
  const http = new HttpClient({
    timeouts: config.timeouts,
    userAgent: `pin-hashes/${VERSION}`,
    maxSocketsPerHost: concurrency,
    netrc: run.netrc.netrc,
  });
  const ledger = createMetadataLedger();
  const store = new ArtifactStore(http, { concurrency, retry, events, cache, inspector: ledger });
  const metadata = new MetadataService({ http, store, retry, cache, ledger });
  const revalidate = sessionOptions.revalidate ?? (() => false);
  const index = new IndexClient(
    http,
    { indexes: run.indexes.map((index) => index.fetch), findLinks: run.findLinks, mergeIndexes: config.indexStrategy === 'unsafe-best-match' },
    retry,
    { onPage: events.onPage, onPageFromCache: events.onPageFromCache, onRetry: events.onRetry, onWarning: events.onWarning },
    cache ? { cache, mustRevalidate: (name) => config.refresh || revalidate(name) } : undefined,
  );
  const provider: IndexProvider = new IndexProvider({
    index,
    http,
    metadata,
    target,
    binary: run.formats,
    onProject: (name, sources, shadowed) => {
      events.onProject?.(name, sources, shadowed);
      if (shadowed.length > 0) {
        warnings.push(`${name} is on ${sources.join(', ')} and also on ${shadowed.join(', ')}; only the first index is used`);
      }
      readAhead.projectArrived(name);
    },
  });
  const answers = new MemoizedProvider(provider);
  const readAhead = new ReadAhead({
    answers,
    provider,
    store,
    target,
    preferredVersion: (name) => sessionOptions.preferences?.get(name),
    hashAhead: sessionOptions.hashAhead ?? false,
  });
  return {
    http,
    store,
    index,
    provider,
    answers,
    readAhead,
    metadata,
    async close() {
      await store.close();
      http.close();
    },
  };
}

export async function runPipeline(run: PreparedRun, params: PipelineParams): Promise<PipelineResult> {
  const { config, target } = run;
  const { events } = config;
  const warnings = [...run.warnings];
  const upgrade = params.upgrade;
  const inputHashes = allowedHashesOf([...run.input.requirements, ...run.input.constraints], target.markerEnvironment);
  const session = openSession(
    run,
    {
      cache: params.cache,
      preferences: params.preferences,
      hashAhead: params.reuse === undefined,
      revalidate: (name) => upgrade === 'all' || upgrade.has(name),
    },
    warnings,
  );
  const { store, provider, answers, readAhead } = session;
  try {
    events.onPhase?.('resolving');
    const base = run.outputPath === null ? run.cwd : dirname(run.outputPath);
    const sourceLabel = (file: string, constraint: boolean): string =>
      `${constraint ? '-c' : '-r'} ${displayPath(base, resolvePath(run.cwd, file))}`;
    const resolution = await resolve(
      answers,
      {
      requirements: run.input.requirements.map((r) => ({ requirement: r.requirement, source: sourceLabel(r.location.file, false) })),
      constraints: [
        ...run.input.constraints.map((r) => ({ requirement: r.requirement, source: sourceLabel(r.location.file, true) })),
        ...params.extraConstraints,
      ],
      environment: target.markerEnvironment,
      pythonVersion: target.pythonVersion,
      allowPrereleases: config.pre || run.input.pre,
      preferences: params.preferences,
      upgrade: params.upgrade,
      },
      readAhead,
    );
    warnings.push(...resolution.warnings);

    events.onPhase?.('hashing');
    const filenames = new Map<string, string>();
    const fileLists = await Promise.all(
      resolution.packages.map((pkg) => {
        const reused = params.reuse?.get(pkg.name);
        if (reused && sameTarget(reused, pkg)) return Promise.resolve(undefined);
        return provider.lockFiles(pkg, pkg.yanked);
      }),
    );
    readAhead.finish(new Set(fileLists.flatMap((files) => (files ?? []).map((file) => file.url))));
    events.onResolved?.(resolution.packages.length, fileLists.reduce((n, files) => n + (files?.length ?? 0), 0));
    const hashing: HashingContext = { store, reuse: params.reuse, inputHashes, warnings, filenames, unclaimedFile: false };
    const packages = await Promise.all(resolution.packages.map((pkg, i) => lockedPackage(pkg, fileLists[i], hashing)));

    const lock: Lock = {
      header: {
        toolVersion: VERSION,
        targetDescription: targetDescription(target),
        command: regenerateCommand(run),
        indexes: run.indexes.map((index) => index.written),
      },
      packages,
    };
    // A locked file with no digest claim is downloaded again by every run: its bytes may change.
    const reusableUntil = hashing.unclaimedFile || session.metadata.readUnclaimed ? 0 : session.index.freshUntil;
    return { lock, content: renderRequirementsTxt(lock), resolution, filenames, warnings, reusableUntil };
  } finally {
    await session.close();
  }
}

type ResolvedPackage = Resolution['packages'][number];

interface HashingContext {
  readonly store: ArtifactStore;
  readonly reuse: PipelineParams['reuse'];
  readonly inputHashes: ReturnType<typeof allowedHashesOf>;
  readonly warnings: string[];
  /** sha256 -> filename, for the change report. */
  readonly filenames: Map<string, string>;
  /** Set when a locked file has no claim we check: the run cannot be recalled later. */
  unclaimedFile: boolean;
}

/**
 * One resolved package as locked: every file hashed by the store (or, for check, the pin's
 * listed hashes when its version did not move: `files` undefined), then filtered by the
 * inputs' --hash options.
 */
async function lockedPackage(pkg: ResolvedPackage, files: IndexedFile[] | undefined, ctx: HashingContext): Promise<LockedPackage> {
  const common = {
    name: pkg.name,
    version: pkg.version,
    url: pkg.url === null ? null : lockedDirectUrl(pkg.url),
    via: pkg.via,
    yanked: pkg.yanked,
  };
  const pin = pinLabel(pkg);
  const allowed = ctx.inputHashes.get(pkg.name);
  if (files === undefined) {
    const reused = ctx.reuse?.get(pkg.name);
    const listed = (reused?.hashes ?? []).map((sha256) => ({ filename: '', url: '', sha256, size: 0, evidence: [] }));
    return { ...common, files: allowed ? filterByInputHashes(pin, listed, allowed, ctx.warnings) : listed };
  }
  const verified = await Promise.all(files.map((file) => ctx.store.verify(file)));
  for (const v of verified) ctx.filenames.set(v.sha256, v.file.filename);
  // A file no claim we check names (hashing.ts) may change behind the same page: not recalled.
  if (files.some((file) => !hasCheckedClaim(file.hashes) || !/^https?:/i.test(file.url))) ctx.unclaimedFile = true;
  if (pkg.yanked) {
    ctx.warnings.push(`${pin} is yanked${pkg.yankedReason ? ` (${pkg.yankedReason})` : ''}; it is locked because it is pinned exactly`);
  }
  if (verified.length === 0) throw new Error(`Assertion failed: ${pin} was resolved but has no file to hash`);
  const locked = verified.map((v) => ({ filename: v.file.filename, url: v.file.url, sha256: v.sha256, size: v.size, evidence: v.evidence }));
  return { ...common, files: allowed ? filterByInputHashes(pin, locked, allowed, ctx.warnings) : locked };
}

/** The listed pin names the same distribution as the new one. */
function sameTarget(listed: ExistingPin, pin: Pin): boolean {
  if (pin.url !== null || listed.url !== null) return pin.url !== null && listed.url !== null && stripCredentials(pin.url) === stripCredentials(listed.url);
  return listed.version !== null && listed.version.toString() === pin.version.toString();
}
