/**
 * `check`, for CI (Yarn's immutable install, `dedupe --check`): regenerate the lock in memory
 * from the inputs and the target recorded in its header, with its own pins as preferences, and
 * compare. With `verify`, download every pinned file again (no cache) and compare digests.
 * Never writes anything, not even the cache. The indexes it trusted are reported, and a header
 * that chose an index the inputs and the environment do not name fails the check (index-trust.ts).
 */
import { basename } from 'node:path';
import { PinHashesError } from '../errors.js';
import { DigestMismatchError } from '../download/hashing.js';
import type { IndexedFile } from '../package-index/types.js';
import { preferredPins, type ExistingLock, type ExistingPin } from '../lock/read.js';
import { unifiedDiff } from '../lock/unified-diff.js';
import type { PackageName } from '../pep/names.js';
import type { Version } from '../pep/version.js';
import type { IndexDisagreement } from './index-trust.js';
import { openSession, runPipeline, type Session } from './pipeline.js';
import type { PreparedRun } from './prepare.js';
import { planFiles } from './target-files.js';
import { targetDescription } from './targets.js';
import { Marker } from '../pep/markers.js';
import { provenanceOf, type FileProvenance, type ProvenanceDeps } from '../provenance/file-provenance.js';
import { describePublisher, samePublisher } from '../provenance/publisher.js';
import { packageProvenance } from '../provenance/record.js';
import { setUpCheck, type CheckOptions } from './check-setup.js';
import { regenerateArgv, regenerateCommand } from './command.js';
import { checkOffline, integrityFindings } from './check-offline.js';

export type { CheckOptions } from './check-setup.js';
export { optionsFromCommand } from './check-setup.js';

export type FindingKind =
  | 'bytes-changed'
  | 'file-gone'
  | 'file-added'
  | 'yanked'
  | 'claims-disagree'
  | 'version-gone'
  /** A file's PEP 740 attestation does not verify for the bytes served now. */
  | 'attestation-invalid'
  /** The lock pins a publisher; the files now have no attestations. */
  | 'attestation-lost'
  /** The files are now signed by another publisher than the lock pins. */
  | 'publisher-changed'
  /** The file is not what pin-hashes wrote: its recorded digest does not match (another tool, a hand edit). */
  | 'lock-edited'
  /** (offline) The lock records no digest or inputs fingerprint: made by an older pin-hashes. */
  | 'lock-unsealed'
  /** (offline) The inputs are not the ones the lock was made from. */
  | 'inputs-changed'
  /** (offline) A direct requirement has no pin. */
  | 'requirement-unpinned'
  /** (offline) A direct requirement (or a constraint) excludes its pin. */
  | 'requirement-unsatisfied'
  /** (offline) A pin is there for an input that no longer asks for it. */
  | 'requirement-removed';

export interface Finding {
  kind: FindingKind;
  /** Absent for a finding about the whole lock (its digest, its inputs). */
  package?: PackageName | undefined;
  version?: string | undefined;
  filename?: string | undefined;
  /** A digest the lock lists. */
  locked?: string | undefined;
  /** The digest of what the index serves now. */
  served?: string | undefined;
  message: string;
  /** Whether this finding alone fails the check (a yanked pin only warns). */
  fails: boolean;
}

export interface CheckResult {
  lockFile: string;
  /** The command that makes the lock current: its header's, as `lock` would write it now. */
  updateCommand: string;
  /** Its arguments after `pin-hashes lock`. */
  updateArgv: readonly string[];
  current: boolean;
  /** Unified diff from the file to what `lock` would write now; empty when current. */
  diff: string;
  findings: Finding[];
  warnings: string[];
  /** The indexes check fetched from, redacted: what the lock's digests were compared with. */
  indexes: string[];
  /**
   * Header indexes none of the inputs' index lines nor PIP_INDEX_URL / PIP_EXTRA_INDEX_URL name,
   * while they name some. Each fails the check (exit 1): a CI gate that only warned would let
   * a pull request that swapped the header's index and the hashes through with a green run.
   */
  indexDisagreements: IndexDisagreement[];
  /** The header chooses the trust root, or turns verification off, where CI did not (each fails the check). */
  trustDisagreements: string[];
  exitCode: 0 | 1;
}

export async function check(options: CheckOptions): Promise<CheckResult> {
  if (options.offline) return checkOffline(options);
  const { text, lockFile, existing, run, indexes, indexDisagreements: disagreements, trustDisagreements } = await setUpCheck(options);
  const regenerated = await runPipeline(run, {
    preferences: preferredPins(existing),
    upgrade: new Set(),
    extraConstraints: [],
    cache: undefined,
    reuse: existing.pins,
    previous: existing.pins,
  });
  const name = basename(lockFile);
  // A checkout with CRLF line endings is the same lock to pip.
  const diff = unifiedDiff(text.replace(/\r\n/g, '\n'), regenerated.content, `${name} (as committed)`, `${name} (as pin-hashes lock would write it)`);
  const warnings = [...regenerated.warnings];
  const findings = [...integrityFindings(text, run.format, basename(lockFile)), ...(options.verify ? await verifyPins(existing, run, warnings) : [])];
  const fails = diff !== '' || findings.some((f) => f.fails) || disagreements.length > 0 || trustDisagreements.length > 0;
  return { lockFile, updateCommand: regenerateCommand(run), updateArgv: regenerateArgv(run), current: diff === '', diff, findings, warnings, indexes, indexDisagreements: disagreements, trustDisagreements, exitCode: fails ? 1 : 0 };
}

/** Re-downloads every file of every pinned version, with no cache, and sets digests side by side. */
async function verifyPins(existing: ExistingLock, run: PreparedRun, warnings: string[]): Promise<Finding[]> {
  run.config.events.onPhase?.('verifying');
  const session = openSession(run, { cache: undefined }, warnings);
  try {
    const attestations = run.config.attestations;
    const provenance = attestations ? { http: session.http, retry: run.config.retry, trust: attestations.trust } : null;
    const allFiles = run.config.lockFlags.allFiles ?? false;
    const perPin = await Promise.all([...existing.pins.values()].map((pin) => verifyPin(session, pin, provenance, warnings, allFiles)));
    return perPin.flat();
  } finally {
    await session.close();
  }
}

/**
 * The targets a lock line is for: those its marker holds on (lock/target-markers.ts made it true
 * on exactly the targets that chose it), every target when it has none.
 */
function laneIndexesOf(session: Session, pin: ExistingPin): number[] {
  const marker = pin.marker === null ? null : Marker.tryParse(pin.marker);
  const chosen = session.lanes.filter((lane) => marker === null || marker.evaluate(lane.target.markerEnvironment)).map((lane) => lane.index);
  return chosen.length > 0 ? chosen : session.lanes.map((lane) => lane.index);
}

/** The files the line's version has now on its targets, as a lock would take them; or why it has none. */
async function offeredFiles(session: Session, pin: ExistingPin, allFiles: boolean): Promise<{ files: IndexedFile[]; yanked: boolean } | { gone: string }> {
  const targets = laneIndexesOf(session, pin);
  if (pin.url !== null) {
    const plan = await planFiles({ name: pin.name, version: pin.version ?? (await directVersion(session, pin)), url: pin.url }, targets, false, session.lanes, allFiles);
    return { files: [...plan.files], yanked: false };
  }
  if (pin.version === null) return { gone: `${pin.name} has no version in the lock` };
  let yanked = false;
  for (const index of targets) {
    const lane = session.lanes[index]!;
    const candidates = await lane.answers.candidates(pin.name);
    const candidate = candidates.kind === 'found' ? candidates.candidates.find((c) => pin.version !== null && c.version.equals(pin.version)) : undefined;
    if (candidate === undefined) {
      const where = session.lanes.length === 1 ? 'this target' : targetDescription(lane.target);
      return { gone: `${pin.name}==${pin.version.toString()} is no longer offered by the index for ${where}` };
    }
    yanked ||= candidate.yanked;
  }
  const plan = await planFiles({ name: pin.name, version: pin.version, url: null }, targets, true, session.lanes, allFiles);
  return { files: [...plan.files], yanked };
}

async function verifyPin(session: Session, pin: ExistingPin, provenance: ProvenanceDeps | null, warnings: string[], allFiles: boolean): Promise<Finding[]> {
  const version = pin.version?.toString() ?? pin.url ?? '?';
  const base = { package: pin.name, version };
  const offered = await offeredFiles(session, pin, allFiles);
  if ('gone' in offered) return [{ ...base, kind: 'version-gone', fails: true, message: offered.gone }];
  const { files, yanked } = offered;
  const findings: Finding[] = [];
  const served: { file: IndexedFile; sha256: string }[] = [];
  const checks = provenance ? files.map((file) => provenanceOf(file, provenance)) : undefined;
  if (yanked) findings.push({ ...base, kind: 'yanked', fails: false, message: `${pin.name}==${version} has been yanked since it was locked` });
  const locked = new Set(pin.hashes);
  const matched = new Set<string>();
  const unmatched: { file: IndexedFile; sha256: string }[] = [];
  for (const file of files) {
    try {
      const verified = await session.store.verify(file);
      served.push({ file, sha256: verified.sha256 });
      if (locked.has(verified.sha256)) matched.add(verified.sha256);
      else unmatched.push({ file, sha256: verified.sha256 });
    } catch (error) {
      if (error instanceof DigestMismatchError) {
        findings.push({ ...base, kind: 'claims-disagree', fails: true, filename: file.filename, message: error.message });
      } else if (error instanceof PinHashesError && error.code === 'FILE_GONE') {
        findings.push({ ...base, kind: 'file-gone', fails: true, filename: file.filename, message: error.message });
      } else {
        throw error;
      }
    }
  }
  if (checks) {
    const results = await Promise.all(served.map(({ file, sha256 }) => checks[files.indexOf(file)]!(sha256).then((result) => ({ file, result }))));
    findings.push(...provenanceFindings(base, pin, results, warnings));
  }
  if (pin.files) return [...findings, ...fileByFileFindings(base, pin.files, served)];
  const missing = [...locked].filter((h) => !matched.has(h));
  if (missing.length === 1 && unmatched.length === 1) {
    // One listed digest no longer served and one served file the lock does not know: the same file, new bytes.
    const [only] = unmatched;
    findings.push({
      ...base,
      kind: 'bytes-changed',
      fails: true,
      filename: only?.file.filename,
      locked: missing[0],
      served: only?.sha256,
      message: `${only?.file.filename}: the index now serves bytes with sha256 ${only?.sha256}; the lock has ${missing[0]}`,
    });
    return findings;
  }
  for (const sha of missing) {
    findings.push({ ...base, kind: 'file-gone', fails: true, locked: sha, message: `${pin.name}==${version}: no file of the index has the locked sha256 ${sha} any more` });
  }
  for (const u of unmatched) {
    findings.push({
      ...base,
      kind: 'file-added',
      fails: true,
      filename: u.file.filename,
      served: u.sha256,
      message: `${u.file.filename} was added to ${pin.name}==${version} after the lock was made (sha256 ${u.sha256}); pip may pick it and then fail the hash check`,
    });
  }
  return findings;
}

/**
 * A lock that names its files (pylock.toml): each served file is compared with the locked file of
 * the same name, so a changed file is named exactly, never guessed from one missing and one new digest.
 */
function fileByFileFindings(base: { package: PackageName; version: string }, locked: ReadonlyMap<string, string>, served: readonly { file: IndexedFile; sha256: string }[]): Finding[] {
  const findings: Finding[] = [];
  const label = `${base.package}==${base.version}`;
  for (const { file, sha256 } of served) {
    const was = locked.get(file.filename);
    if (was === undefined) {
      findings.push({ ...base, kind: 'file-added', fails: true, filename: file.filename, served: sha256, message: `${file.filename} was added to ${label} after the lock was made (sha256 ${sha256}); pip may pick it and then fail the hash check` });
    } else if (was !== sha256) {
      findings.push({ ...base, kind: 'bytes-changed', fails: true, filename: file.filename, locked: was, served: sha256, message: `${file.filename}: the index now serves bytes with sha256 ${sha256}; the lock has ${was}` });
    }
  }
  const servedNames = new Set(served.map((s) => s.file.filename));
  for (const [filename, sha256] of locked) {
    if (!servedNames.has(filename)) findings.push({ ...base, kind: 'file-gone', fails: true, filename, locked: sha256, message: `${filename} of ${label} is no longer served by the index` });
  }
  return findings;
}

/** The files' provenance now against what the lock records. */
function provenanceFindings(
  base: { package: PackageName; version: string },
  pin: ExistingPin,
  results: readonly { file: IndexedFile; result: FileProvenance }[],
  warnings: string[],
): Finding[] {
  const findings: Finding[] = [];
  for (const { file, result } of results) {
    if (result.kind === 'invalid') {
      findings.push({ ...base, kind: 'attestation-invalid', fails: true, filename: file.filename, message: `${file.filename}: its PEP 740 attestation does not verify: ${result.why}` });
    }
  }
  const recorded = pin.provenance;
  if (findings.length > 0 || recorded === undefined) return findings;
  const now = packageProvenance(results.map((r) => ({ filename: r.file.filename, provenance: r.result }))).provenance;
  const label = `${pin.name}==${base.version}`;
  if (recorded.kind !== 'attested') {
    // A record of "none" for files that are signed: edited by hand (which would hide a later loss), or signed since.
    if (now.kind === 'attested') {
      findings.push({ ...base, kind: 'publisher-changed', fails: true, message: `${label}: the lock records ${recorded.kind === 'none' ? 'no attestations' : 'unknown provenance'}, but its files are signed by ${describePublisher(now.publisher)}; re-lock to record the publisher` });
    }
    return findings;
  }
  const pinned = recorded.publisher;
  if (now.kind === 'unknown') warnings.push(`${label}: its provenance could not be fetched; the pinned publisher ${describePublisher(pinned)} was not verified`);
  else if (now.kind === 'none') {
    findings.push({ ...base, kind: 'attestation-lost', fails: true, message: `${label}: the lock pins publisher ${describePublisher(pinned)}, but its files now have no attestations` });
  } else if (!samePublisher(now.publisher, pinned)) {
    findings.push({ ...base, kind: 'publisher-changed', fails: true, message: `${label}: publisher changed from ${describePublisher(pinned)} to ${describePublisher(now.publisher)}` });
  } else {
    for (const name of now.unattested.filter((n) => !recorded.unattested.includes(n))) {
      findings.push({ ...base, kind: 'attestation-lost', fails: true, filename: name, message: `${name}: the lock pins publisher ${describePublisher(pinned)} for ${label}, but this file has no attestation` });
    }
  }
  return findings;
}

async function directVersion(session: Session, pin: ExistingPin): Promise<Version> {
  const result = await session.lanes[0]!.answers.candidates(pin.name, pin.url ?? undefined);
  const first = result.kind === 'found' ? result.candidates[0] : undefined;
  if (!first) throw new Error(`Assertion failed: a direct reference for ${pin.name} has no candidate`);
  return first.version;
}
