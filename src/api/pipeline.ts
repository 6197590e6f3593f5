/**
 * One run of the lock pipeline, shared by `lock` and `check`: resolve through the indexes, then
 * download and hash every file of every pin (or take digests from the cache, or, for `check`,
 * from the lock under test when a pin did not move), then render.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import type { RecordCache } from '../cache/record-cache.js';
import { ArtifactStore, type VerifiedFile } from '../download/artifact-store.js';
import { hasCheckedClaim } from '../download/hashing.js';
import { HttpClient } from '../http/client.js';
import { stripCredentials } from '../http/redact.js';
import { createMetadataLedger } from '../metadata/ladder.js';
import { MetadataService } from '../metadata/service.js';
import type { Lock, LockedFile, LockedPackage } from '../lock/model.js';
import { provenanceOf, type ProvenanceDeps } from '../provenance/file-provenance.js';
import { describePublisher } from '../provenance/publisher.js';
import { applyPolicy, type ProvenancePolicy } from '../provenance/policy.js';
import { packageProvenance, type PackageProvenance } from '../provenance/record.js';
import { PinHashesError } from '../errors.js';
import type { ExistingPin } from '../lock/read.js';
import { lockedDirectUrl } from '../lock/direct-url.js';
import { renderLock } from '../lock/render.js';
import type { Target } from '../pep/target.js';
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
import type { LockEvents } from './options.js';
import { emittedOptions } from './emitted-options.js';
import { openIndexAccess, revalidateFor } from './index-access.js';
import { inputsFingerprint } from './inputs-fingerprint.js';
import { rootSourceLabel } from './source-labels.js';
import { displayPath, regenerateArgv, regenerateCommand } from './command.js';
import { allowedHashesOf, filterByInputHashes } from './input-hashes.js';

export interface PipelineParams {
  preferences: ReadonlyMap<PackageName, Version>;
  upgrade: ReadonlySet<PackageName> | 'all';
  /** From `-P 'name<2'`. */
  extraConstraints: RootRequirement[];
  cache: RecordCache | undefined;
  /** Pins whose hashes are taken as listed when the new pin is the same (check's "is it current?"). */
  reuse?: ReadonlyMap<PackageName, ExistingPin> | undefined;
  /** The previous lock's pins: their provenance records are the publishers pinned. */
  previous?: ReadonlyMap<PackageName, ExistingPin> | undefined;
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
  const { config, target } = run;
  const { events, retry, concurrency } = config;
  const { http, index } = openIndexAccess(run, cache, sessionOptions.revalidate ?? (() => false));
  const ledger = createMetadataLedger();
  const store = new ArtifactStore(http, { concurrency, retry, events, cache, inspector: ledger });
  const metadata = new MetadataService({ http, store, retry, cache, ledger, onWholeDownloadForMetadata: slowIndexNotice(events) });
  const noUploadTimes = new Set<string>();
  const provider: IndexProvider = new IndexProvider({
    index,
    http,
    metadata,
    target,
    binary: run.formats,
    cooldown: config.cooldown,
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
  const warnings = [...run.warnings];
  const upgrade = params.upgrade;
  const session = openSession(
    run,
    {
      cache: params.cache,
      preferences: params.preferences,
      hashAhead: params.reuse === undefined,
      revalidate: revalidateFor(upgrade),
    },
    warnings,
  );
  try {
    config.events.onPhase?.('resolving');
    // The previous lock names the projects this resolution will most likely read: all their
    // pages are asked at once (revalidations, mostly 304s) instead of wave after wave as the
    // resolver reaches them. Same memo the resolver uses, so its choices are unchanged.
    session.readAhead.warm(params.preferences.keys());
    const resolution = await resolvePins(run, params, session);
    warnings.push(...resolution.warnings);
    config.events.onPhase?.('hashing');
    const { packages, filenames, unclaimedFile } = await hashPins(run, params, session, resolution, warnings);
    const lock: Lock = {
      header: {
        toolVersion: VERSION,
        targetDescription: targetDescription(target),
        command: regenerateCommand(run),
        indexes: run.indexes.map((index) => index.written),
        trustRootSha256: config.attestations?.trust.sha256 ?? null,
        cooldown: config.cooldown,
        environment: pylockEnvironment(target),
        argv: regenerateArgv(run),
        inputsSha256: inputsFingerprint(run),
        annotations: config.lockFlags.noAnnotate ? 'none' : (config.lockFlags.annotationStyle ?? 'split'),
        pipOptions: emittedOptions(run, { indexUrl: config.lockFlags.emitIndexUrl ?? false, findLinks: config.lockFlags.emitFindLinks ?? false }),
      },
      packages,
    };
    // A locked file with no digest claim is downloaded again by every run: its bytes may change.
    const reusableUntil = unclaimedFile || session.metadata.readUnclaimed ? 0 : session.index.freshUntil;
    return { lock, content: renderLock(lock, run.format), resolution, filenames, warnings, reusableUntil };
  } finally {
    await session.close();
  }
}

/** The resolver over the session's memo, with the inputs labelled as `via` shows them. */
function resolvePins(run: PreparedRun, params: PipelineParams, session: Session): Promise<Resolution> {
  const { config, target } = run;
  return resolve(
    session.answers,
    {
      requirements: run.input.requirements.map((r) => ({ requirement: r.requirement, source: rootSourceLabel(run, r, false) })),
      constraints: [
        ...run.input.constraints.map((r) => ({ requirement: r.requirement, source: rootSourceLabel(run, r, true) })),
        ...params.extraConstraints,
      ],
      environment: target.markerEnvironment,
      pythonVersion: target.pythonVersion,
      allowPrereleases: config.pre || run.input.pre,
      preferences: params.preferences,
      upgrade: params.upgrade,
    },
    session.readAhead,
  );
}

/** Every file of every pin hashed (or, for check, taken as listed), its provenance verified, publishers pinned. */
async function hashPins(run: PreparedRun, params: PipelineParams, session: Session, resolution: Resolution, warnings: string[]) {
  const { config } = run;
  const fileLists = await Promise.all(
    resolution.packages.map((pkg) => {
      const reused = params.reuse?.get(pkg.name);
      if (reused && sameTarget(reused, pkg)) return Promise.resolve(undefined);
      return session.provider.lockFiles(pkg, pkg.yanked);
    }),
  );
  const toHash = fileLists.flatMap((files) => files ?? []);
  session.readAhead.finish(new Set(toHash.map((file) => file.url)));
  config.events.onResolved?.(resolution.packages.length, toHash.length);
  config.events.onFilesToHash?.(toHash);
  const attestations = config.attestations;
  const hashing: HashingContext = {
    store: session.store,
    reuse: params.reuse,
    inputHashes: allowedHashesOf([...run.input.requirements, ...run.input.constraints], run.target.markerEnvironment),
    warnings,
    filenames: new Map(),
    unclaimedFile: false,
    reused: new Set(),
    provenance: attestations ? { http: session.http, retry: config.retry, trust: attestations.trust } : null,
  };
  const packages = await Promise.all(resolution.packages.map((pkg, i) => lockedPackage(pkg, fileLists[i], hashing)));
  if (attestations) pinPublishers(packages.filter((pkg) => !hashing.reused.has(pkg.name)), params.previous, attestations.policy, warnings);
  return { packages, filenames: hashing.filenames, unclaimedFile: hashing.unclaimedFile };
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
  /** PEP 740 verification; null with --no-verify-attestations. */
  readonly provenance: ProvenanceDeps | null;
  /** Packages whose listed hashes were taken as they are (check): not downloaded, not verified. */
  readonly reused: Set<PackageName>;
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
    const listed = reused?.entries ? [...reused.entries] : (reused?.hashes ?? []).map((sha256) => ({ filename: '', url: '', sha256, size: 0, evidence: [] }));
    // Not downloaded, so not verified again: the lock's own record stands (unknown when it has none).
    const provenance = ctx.provenance ? (reused?.provenance ?? { kind: 'unknown' as const }) : undefined;
    ctx.reused.add(pkg.name);
    return { ...common, files: allowed ? filterByInputHashes(pin, listed, allowed, ctx.warnings) : listed, provenance };
  }
  // Provenance is fetched alongside the download and verified against the digest we compute.
  const provenanceChecks = ctx.provenance ? files.map((file) => provenanceOf(file, ctx.provenance!)) : undefined;
  const verified = await Promise.all(files.map((file) => ctx.store.verify(file)));
  for (const v of verified) ctx.filenames.set(v.sha256, v.file.filename);
  // A file no claim we check names (hashing.ts) may change behind the same page: not recalled.
  if (files.some((file) => !hasCheckedClaim(file.hashes) || !/^https?:/i.test(file.url))) ctx.unclaimedFile = true;
  if (pkg.yanked) {
    ctx.warnings.push(`${pin} is yanked${pkg.yankedReason ? ` (${pkg.yankedReason})` : ''}; it is locked because it is pinned exactly`);
  }
  if (verified.length === 0) throw new Error(`Assertion failed: ${pin} was resolved but has no file to hash`);
  const provenance = provenanceChecks ? await Promise.all(provenanceChecks.map((check, i) => check(verified[i]!.sha256))) : undefined;
  const locked = verified.map((v, i) => ({
    filename: v.file.filename,
    url: v.file.url,
    sha256: v.sha256,
    size: v.size,
    evidence: v.evidence,
    uploadTime: v.file.uploadTime,
    provenance: provenance?.[i],
  }));
  const kept = allowed ? filterByInputHashes(pin, locked, allowed, ctx.warnings) : locked;
  return { ...common, files: kept, provenance: provenance ? summarizeProvenance(pin, verified, kept, ctx.warnings) : undefined };
}

/** The package's provenance from its locked files'; a file whose attestation fails fails the lock. */
function summarizeProvenance(pin: string, verified: readonly VerifiedFile[], kept: readonly LockedFile[], warnings: string[]): PackageProvenance {
  const files = kept.flatMap((file) => (file.provenance ? [{ filename: file.filename, provenance: file.provenance }] : []));
  kept.forEach((file) => {
    if (file.provenance?.kind !== 'invalid') return;
    const source = verified.find((v) => v.file.url === file.url)?.file.source ?? 'the index';
    throw new PinHashesError('ATTESTATION_INVALID', `${file.filename} (from ${source}): its PEP 740 attestation does not prove who built it: ${file.provenance.why}`, {
      exitCode: 1,
      hint: 'Nothing was written. The index serves provenance that does not verify for these bytes (tampering, a broken mirror, or a trust root that is too old: see --trusted-root). --no-verify-attestations skips the check.',
    });
  });
  const { provenance, twoPublishers } = packageProvenance(files);
  if (twoPublishers) {
    throw new PinHashesError('ATTESTATION_INVALID', `${pin}: its files are signed by two publishers, ${describePublisher(twoPublishers[0])} and ${describePublisher(twoPublishers[1])}`, {
      exitCode: 1,
      hint: 'Nothing was written. One release with two publishers is not something a project does by accident; find out why.',
    });
  }
  if (provenance.kind === 'attested' && provenance.unattested.length > 0) {
    const bare = provenance.unattested;
    warnings.push(`${pin}: ${bare.join(', ')} ${bare.length === 1 ? 'has' : 'have'} no attestation, while its other files are signed by ${describePublisher(provenance.publisher)}`);
  }
  return provenance;
}

/** Publisher pins: the previous lock's against this run's (provenance/policy.ts); throws when they disagree. */
function pinPublishers(
  packages: LockedPackage[],
  previous: PipelineParams['previous'],
  policy: ProvenancePolicy,
  warnings: string[],
): void {
  const { records, warnings: said } = applyPolicy(
    packages.map((pkg) => {
      const before = previous?.get(pkg.name);
      return { name: pkg.name, label: pinLabel(pkg), now: pkg.provenance ?? { kind: 'unknown' }, previous: before?.provenance, changed: before !== undefined && movedSince(before, pkg) };
    }),
    policy,
  );
  for (const pkg of packages) pkg.provenance = records.get(pkg.name);
  warnings.push(...said);
}

/**
 * The target as PEP 751 puts it: the lock was resolved for this interpreter line and platform (pip's
 * answer there), so an installer elsewhere is told so instead of installing a wrong set.
 */
function pylockEnvironment(target: Target): { marker: string; requiresPython: string } {
  const env = target.markerEnvironment;
  const marker = [
    `sys_platform == '${env.sys_platform}'`,
    `platform_machine == '${env.platform_machine}'`,
    `implementation_name == '${env.implementation_name}'`,
    `python_version == '${env.python_version}'`,
  ].join(' and ');
  return { marker, requiresPython: `==${env.python_version}.*` };
}

/** The version or the hashes are not the ones the previous lock lists. */
function movedSince(before: ExistingPin, pkg: LockedPackage): boolean {
  if (!sameTarget(before, pkg)) return true;
  const hashes = new Set(pkg.files.map((file) => file.sha256));
  return hashes.size !== new Set(before.hashes).size || before.hashes.some((h) => !hashes.has(h));
}

/** The listed pin names the same distribution as the new one. */
function sameTarget(listed: ExistingPin, pin: Pin): boolean {
  if (pin.url !== null || listed.url !== null) return pin.url !== null && listed.url !== null && stripCredentials(pin.url) === stripCredentials(listed.url);
  return listed.version !== null && listed.version.toString() === pin.version.toString();
}
