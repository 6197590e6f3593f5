/**
 * One run of the lock pipeline, shared by `lock` and `check`: resolve each target through the
 * indexes (one session for all), merge the targets' answers into lock lines (api/merge.ts), then
 * download and hash the files of every line (api/target-files.ts; or take digests from the cache,
 * or, for `check`, from the lock under test when a line did not move), then render.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import type { RecordCache } from '../cache/record-cache.js';
import type { ArtifactStore, VerifiedFile } from '../download/artifact-store.js';
import { hasCheckedClaim } from '../download/hashing.js';
import { stripCredentials } from '../http/redact.js';
import { lineKey, type Lock, type LockedFile, type LockedPackage } from '../lock/model.js';
import { provenanceOf, type ProvenanceDeps } from '../provenance/file-provenance.js';
import { describePublisher } from '../provenance/publisher.js';
import { applyPolicy, type ProvenancePolicy } from '../provenance/policy.js';
import { packageProvenance, type PackageProvenance } from '../provenance/record.js';
import { PinHashesError } from '../errors.js';
import type { ExistingPin } from '../lock/read.js';
import { lockedDirectUrl } from '../lock/direct-url.js';
import { renderLock } from '../lock/render.js';
import { Marker } from '../pep/markers.js';
import type { PackageName } from '../pep/names.js';
import type { Target } from '../pep/target.js';
import { Version } from '../pep/version.js';
import { pinLabel, type Pin } from '../pin.js';
import { resolve, type Resolution, type RootRequirement } from '../resolver/index.js';
import type { PreparedRun } from './prepare.js';
import { VERSION } from './version.js';
import { displayPath, regenerateArgv, regenerateCommand } from './command.js';
import { emittedOptions } from './emitted-options.js';
import { inputsFingerprint } from './inputs-fingerprint.js';
import { rootSourceLabel } from './source-labels.js';
import { mergeResolutions, type MergedPackage } from './merge.js';
import { openSession, type Session, type TargetLane } from './session.js';
import { inputHashesPerTarget, keptFiles, planFiles, type FilePlan } from './target-files.js';
import { targetDescription } from './targets.js';

export interface PipelineParams {
  /**
   * The previous lock's pins, tried first while they still fit: each on the targets its marker
   * holds on (every target when it has none); names being upgraded are dropped per target (preferencesFor).
   */
  preferences: readonly PreferredPin[];
  upgrade: ReadonlySet<PackageName> | 'all';
  /** From `-P 'name<2'`. */
  extraConstraints: RootRequirement[];
  cache: RecordCache | undefined;
  /** Lines whose hashes are taken as listed when the new line is the same (check's "is it current?"), by lineKey. */
  reuse?: ReadonlyMap<string, ExistingPin> | undefined;
  /** The previous lock's lines, by lineKey: their provenance records are the publishers pinned. */
  previous?: ReadonlyMap<string, ExistingPin> | undefined;
}

export interface PreferredPin {
  readonly name: PackageName;
  readonly version: Version;
  /** The line's marker; null: every target. */
  readonly marker: string | null;
}

export interface PipelineResult {
  lock: Lock;
  content: string;
  /** One per target, in the run's order. */
  resolutions: Resolution[];
  /** Filenames by sha256, for the change summary. */
  filenames: Map<string, string>;
  warnings: string[];
  /**
   * Epoch ms until which a run with the same inputs would give this same result without asking
   * the index anything (api/recall.ts); 0 when something it read cannot be vouched for that way.
   */
  reusableUntil: number;
}

export { openSession, type Session, type SessionOptions, type TargetLane } from './session.js';
// For api/lock.ts, which loads the transport early when it has time to spare.
export { loadGot as preloadTransport } from '../http/client.js';

export async function runPipeline(run: PreparedRun, params: PipelineParams): Promise<PipelineResult> {
  const { config } = run;
  const warnings = [...run.warnings];
  const upgrade = params.upgrade;
  // Each target's preferences, settled when its resolution starts (they include earlier targets' pins).
  const preferences = new Map<Target, ReadonlyMap<PackageName, Version>>();
  const session = openSession(
    run,
    {
      cache: params.cache,
      preferredVersion: (target, name) => preferences.get(target)?.get(name),
      hashAhead: params.reuse === undefined,
      revalidate: (name) => upgrade === 'all' || upgrade.has(name),
    },
    warnings,
  );
  try {
    config.events.onPhase?.('resolving');
    // The previous lock names the projects this resolution will most likely read: all their
    // pages are asked at once (revalidations, mostly 304s) instead of wave after wave as the
    // resolver reaches them. Same memo the resolver uses, so its choices are unchanged.
    session.lanes[0]?.readAhead.warm(new Set(params.preferences.map((pin) => pin.name)));
    const resolutions = await resolveTargets(run, params, session, preferences);
    for (const resolution of resolutions) warnings.push(...resolution.warnings);
    const merged = mergeResolutions(run.targets, resolutions);
    config.events.onPhase?.('hashing');
    const { packages, filenames, unclaimedFile } = await hashPins(run, params, session, merged, warnings);
    const lock: Lock = { header: lockHeader(run), packages };
    // A locked file with no digest claim is downloaded again by every run: its bytes may change.
    const reusableUntil = unclaimedFile || session.metadata.readUnclaimed ? 0 : session.index.freshUntil;
    return { lock, content: renderLock(lock, run.format), resolutions, filenames, warnings: [...new Set(warnings)], reusableUntil };
  } finally {
    await session.close();
  }
}

function lockHeader(run: PreparedRun): Lock['header'] {
  const descriptions = run.targets.map(targetDescription);
  return {
    toolVersion: VERSION,
    targetDescription: descriptions.join(', '),
    ...(descriptions.length > 1 ? { targets: descriptions } : {}),
    command: regenerateCommand(run),
    indexes: run.indexes.map((index) => index.written),
    trustRootSha256: run.config.attestations?.trust.sha256 ?? null,
    cooldown: run.config.cooldown,
    environment: pylockEnvironment(run.targets),
    argv: regenerateArgv(run),
    inputsSha256: inputsFingerprint(run),
    annotations: run.config.lockFlags.noAnnotate ? 'none' : (run.config.lockFlags.annotationStyle ?? 'split'),
    pipOptions: emittedOptions(run, { indexUrl: run.config.lockFlags.emitIndexUrl ?? false, findLinks: run.config.lockFlags.emitFindLinks ?? false }),
  };
}

/**
 * The targets resolved one after another, in the run's order, over one session. A target prefers
 * the previous lock's pins that apply to it, then the pins earlier targets chose, so versions
 * agree across targets wherever its own resolution allows them.
 */
async function resolveTargets(run: PreparedRun, params: PipelineParams, session: Session, preferences: Map<Target, ReadonlyMap<PackageName, Version>>): Promise<Resolution[]> {
  const resolutions: Resolution[] = [];
  for (const lane of session.lanes) {
    const mine = preferencesFor(lane.target, params);
    for (const earlier of resolutions) {
      for (const pkg of earlier.packages) if (pkg.url === null && !mine.has(pkg.name)) mine.set(pkg.name, pkg.version);
    }
    preferences.set(lane.target, mine);
    try {
      resolutions.push(await resolvePins(run, params, lane, mine));
    } catch (error) {
      throw forTarget(error, lane.target, run.targets.length);
    }
  }
  return resolutions;
}

/** The previous lock's pins whose marker holds on the target, but for names being upgraded. */
function preferencesFor(target: Target, params: PipelineParams): Map<PackageName, Version> {
  const out = new Map<PackageName, Version>();
  const upgrade = params.upgrade;
  for (const pin of params.preferences) {
    if (upgrade === 'all' || upgrade.has(pin.name)) continue;
    if (pin.marker !== null && !(Marker.tryParse(pin.marker)?.evaluate(target.markerEnvironment) ?? false)) continue;
    out.set(pin.name, pin.version);
  }
  return out;
}

/**
 * With several targets, a resolution that fails says for which target. (Other errors, an index
 * that cannot be reached, are no target's: said as they are.)
 */
function forTarget(error: unknown, target: Target, count: number): unknown {
  if (count === 1 || !(error instanceof PinHashesError) || (error.code !== 'NO_SOLUTION' && error.code !== 'RESOLUTION_TOO_COMPLEX')) return error;
  return new PinHashesError(error.code, `For ${targetDescription(target)}: ${error.message}`, { exitCode: error.exitCode, hint: error.hint, cause: error });
}

/** The resolver over the target's memo, with the inputs labelled as `via` shows them. */
function resolvePins(run: PreparedRun, params: PipelineParams, lane: TargetLane, preferences: ReadonlyMap<PackageName, Version>): Promise<Resolution> {
  const { config } = run;
  const { target } = lane;
  return resolve(
    lane.answers,
    {
      requirements: run.input.requirements.map((r) => ({ requirement: r.requirement, source: rootSourceLabel(run, r, false) })),
      constraints: [
        ...run.input.constraints.map((r) => ({ requirement: r.requirement, source: rootSourceLabel(run, r, true) })),
        ...params.extraConstraints,
      ],
      environment: target.markerEnvironment,
      pythonVersion: target.pythonVersion,
      allowPrereleases: config.pre || run.input.pre,
      preferences,
      // Names being upgraded are already out of `preferences`; earlier targets' pins stay preferred.
      upgrade: new Set(),
    },
    lane.readAhead,
  );
}

/** Every file of every line hashed (or, for check, taken as listed), its provenance verified, publishers pinned. */
async function hashPins(run: PreparedRun, params: PipelineParams, session: Session, merged: readonly MergedPackage[], warnings: string[]) {
  const { config } = run;
  const allFiles = config.lockFlags.allFiles ?? false;
  const plans = await Promise.all(
    merged.map((pkg) => {
      const reused = params.reuse?.get(lineKey(pkg.name, pkg.marker));
      if (reused && sameTarget(reused, pkg)) return Promise.resolve(null);
      return planFiles(pkg, pkg.targets, pkg.yanked, session.lanes, allFiles);
    }),
  );
  const toHash = plans.flatMap((plan) => plan?.files ?? []);
  session.finish(new Set(toHash.map((file) => file.url)));
  config.events.onResolved?.(merged.length, toHash.length);
  config.events.onFilesToHash?.(toHash);
  const attestations = config.attestations;
  const hashing: HashingContext = {
    store: session.store,
    lanes: session.lanes,
    reuse: params.reuse,
    inputHashes: inputHashesPerTarget([...run.input.requirements, ...run.input.constraints], session.lanes),
    warnings,
    filenames: new Map(),
    unclaimedFile: false,
    reused: new Set(),
    provenance: attestations ? { http: session.http, retry: config.retry, trust: attestations.trust } : null,
  };
  const packages = await Promise.all(merged.map((pkg, i) => lockedPackage(pkg, plans[i] ?? null, hashing)));
  if (attestations) pinPublishers(packages.filter((pkg) => !hashing.reused.has(pkg)), params.previous, attestations.policy, warnings);
  return { packages, filenames: hashing.filenames, unclaimedFile: hashing.unclaimedFile };
}

interface HashingContext {
  readonly store: ArtifactStore;
  readonly lanes: readonly TargetLane[];
  readonly reuse: PipelineParams['reuse'];
  readonly inputHashes: ReturnType<typeof inputHashesPerTarget>;
  readonly warnings: string[];
  /** sha256 -> filename, for the change report. */
  readonly filenames: Map<string, string>;
  /** Set when a locked file has no claim we check: the run cannot be recalled later. */
  unclaimedFile: boolean;
  /** PEP 740 verification; null with --no-verify-attestations. */
  readonly provenance: ProvenanceDeps | null;
  /** Lines whose listed hashes were taken as they are (check): not downloaded, not verified. */
  readonly reused: Set<LockedPackage>;
}

/**
 * One lock line as locked: every file of its plan hashed by the store (or, for check, the
 * line's listed hashes when it did not move: `plan` null), then each target's files filtered by
 * the inputs' --hash options (api/target-files.ts).
 */
async function lockedPackage(pkg: MergedPackage, plan: FilePlan | null, ctx: HashingContext): Promise<LockedPackage> {
  const common = {
    name: pkg.name,
    version: pkg.version,
    url: pkg.url === null ? null : lockedDirectUrl(pkg.url),
    via: pkg.via,
    yanked: pkg.yanked,
    ...(pkg.marker === undefined ? {} : { marker: pkg.marker }),
  };
  const pin = pinLabel(pkg);
  if (plan === null) {
    const reused = ctx.reuse?.get(lineKey(pkg.name, pkg.marker));
    const listed = reused?.entries ? [...reused.entries] : (reused?.hashes ?? []).map((sha256) => ({ filename: '', url: '', sha256, size: 0, evidence: [] }));
    // Not downloaded, so not verified again: the lock's own record stands (unknown when it has none).
    const provenance = ctx.provenance ? (reused?.provenance ?? { kind: 'unknown' as const }) : undefined;
    const locked: LockedPackage = { ...common, files: keptFiles(pkg, listed, null, ctx.lanes, ctx.inputHashes, ctx.warnings), provenance };
    ctx.reused.add(locked);
    return locked;
  }
  const { files } = plan;
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
  const kept = keptFiles(pkg, locked, plan, ctx.lanes, ctx.inputHashes, ctx.warnings);
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
      const before = previousLine(previous, pkg);
      return { name: pkg.name, label: pinLabel(pkg), now: pkg.provenance ?? { kind: 'unknown' }, previous: before?.provenance, changed: before !== undefined && movedSince(before, pkg) };
    }),
    policy,
  );
  packages.forEach((pkg, i) => (pkg.provenance = records[i]));
  warnings.push(...said);
}

/**
 * The previous lock's line for this one: the same line, else a line of the same name (a
 * publisher is pinned per project: a line that moved to other targets keeps its publisher).
 */
function previousLine(previous: PipelineParams['previous'], pkg: LockedPackage): ExistingPin | undefined {
  const same = previous?.get(lineKey(pkg.name, pkg.marker));
  if (same !== undefined || previous === undefined) return same;
  for (const pin of previous.values()) if (pin.name === pkg.name) return pin;
  return undefined;
}

/**
 * The targets as PEP 751 puts them: the lock was resolved for these interpreter lines and
 * platforms (pip's answer on each), so an installer elsewhere is told so instead of installing a
 * wrong set. One marker per target; requires-python the lowest Python of them.
 */
function pylockEnvironment(targets: readonly Target[]): NonNullable<Lock['header']['environment']> {
  const markers = targets.map(({ markerEnvironment: env }) =>
    [
      `sys_platform == '${env.sys_platform}'`,
      `platform_machine == '${env.platform_machine}'`,
      `implementation_name == '${env.implementation_name}'`,
      `python_version == '${env.python_version}'`,
    ].join(' and '),
  );
  const versions = [...new Set(targets.map((t) => t.markerEnvironment.python_version))];
  const lowest = versions.map((v) => Version.parse(v)).sort((a, b) => a.compare(b))[0];
  const requiresPython = versions.length === 1 ? `==${versions[0]}.*` : `>=${lowest?.toString() ?? ''}`;
  const distinct = [...new Set(markers)];
  if (distinct.length === 1) return { marker: distinct[0]!, requiresPython };
  return { marker: distinct.map((m) => `(${m})`).join(' or '), markers: distinct, requiresPython };
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
