/**
 * Publisher identities are trust-on-first-use pins, like hashes: once a lock says who signed a
 * project's files, a later lock (or `check`) that finds another publisher, or no attestations
 * where there were some, fails with exit 1 naming the package and both identities, until the
 * user takes the change knowingly (`--accept-publisher NAME`). `--require-attestations` refuses
 * packages without verified provenance. An "unknown" answer (403, 5xx) never rewrites a pin: the
 * pinned publisher is kept, with a warning.
 */
import { PinHashesError, type ErrorCode } from '../errors.js';
import type { PackageName } from '../pep/names.js';
import { describePublisher, samePublisher } from './publisher.js';
import type { PackageProvenance } from './record.js';

export interface ProvenancePolicy {
  /** Packages whose new publisher (or lost attestations) is taken knowingly. */
  readonly accept: ReadonlySet<PackageName> | 'all';
  /** Packages that must have verified provenance. */
  readonly require: ReadonlySet<PackageName> | 'all';
}

export interface PackageFinding {
  readonly name: PackageName;
  /** `name==version`, for messages. */
  readonly label: string;
  readonly now: PackageProvenance;
  /** What the previous lock says; undefined when it says nothing (a new package, an older lock). */
  readonly previous: PackageProvenance | undefined;
  /** The version or the set of hashes differs from the previous lock's. */
  readonly changed: boolean;
}

export interface PolicyOutcome {
  /** What the lock records for the package. */
  readonly record: PackageProvenance;
  readonly warning?: string;
}

export class ProvenancePolicyError extends PinHashesError {
  constructor(code: ErrorCode, readonly problems: readonly string[], hint: string) {
    super(code, `Provenance check failed:\n${problems.map((p) => `  ${p}`).join('\n')}`, { exitCode: 1, hint });
    this.name = 'ProvenancePolicyError';
  }
}

function covers(set: ReadonlySet<PackageName> | 'all', name: PackageName): boolean {
  return set === 'all' || set.has(name);
}

function describe(p: PackageProvenance): string {
  return p.kind === 'attested' ? describePublisher(p.publisher) : p.kind === 'none' ? 'no attestations' : 'unknown';
}

/** One package's outcome, or the problem that fails the lock. */
export function judge(pkg: PackageFinding, policy: ProvenancePolicy): PolicyOutcome | { problem: string; code: ErrorCode } {
  const { now, previous } = pkg;
  if (covers(policy.require, pkg.name)) {
    if (now.kind !== 'attested') {
      return { code: 'ATTESTATION_REQUIRED', problem: `${pkg.label}: attestations are required (--require-attestations) but ${now.kind === 'none' ? 'its files have none' : 'the index did not say whether it has any'}` };
    }
    if (now.unattested.length > 0) return { code: 'ATTESTATION_REQUIRED', problem: `${pkg.label}: attestations are required (--require-attestations) but ${now.unattested.join(', ')} ${now.unattested.length === 1 ? 'has' : 'have'} none` };
  }
  if (previous?.kind !== 'attested') return { record: now };
  const accepted = covers(policy.accept, pkg.name);
  if (now.kind === 'unknown') {
    // The pin stands only for what it was made for: files that changed under it are not vouched for.
    if (pkg.changed && !accepted) {
      return { code: 'ATTESTATION_LOST', problem: `${pkg.label}: its files changed since the lock, and their provenance could not be fetched to check them against the pinned publisher ${describePublisher(previous.publisher)}` };
    }
    return { record: previous, warning: `${pkg.label}: its provenance could not be fetched; the pinned publisher (${describePublisher(previous.publisher)}) is kept, not verified this time` };
  }
  const newlyBare = now.kind === 'attested' ? now.unattested.filter((name) => !previous.unattested.includes(name)) : [];
  if (now.kind === 'attested' && samePublisher(now.publisher, previous.publisher) && newlyBare.length === 0) return { record: now };
  if (accepted) return { record: now, warning: `${pkg.label}: ${describeChange(previous, now, newlyBare)} (accepted with --accept-publisher)` };
  if (now.kind === 'none' || newlyBare.length > 0) return { code: 'ATTESTATION_LOST', problem: `${pkg.label}: ${describeChange(previous, now, newlyBare)}` };
  return { code: 'PUBLISHER_CHANGED', problem: `${pkg.label}: ${describeChange(previous, now, newlyBare)}` };
}

function describeChange(previous: Extract<PackageProvenance, { kind: 'attested' }>, now: PackageProvenance, newlyBare: readonly string[]): string {
  if (now.kind === 'attested' && samePublisher(now.publisher, previous.publisher)) {
    return `the lock pins publisher ${describePublisher(previous.publisher)}, but ${newlyBare.join(', ')} ${newlyBare.length === 1 ? 'has' : 'have'} no attestation`;
  }
  if (now.kind === 'none') return `the lock pins publisher ${describePublisher(previous.publisher)}, but its files now have no attestations`;
  return `publisher changed from ${describePublisher(previous.publisher)} to ${describe(now)}`;
}

/**
 * Every package judged; all problems reported together. `records[i]` is the record of
 * `packages[i]` (a lock for several targets may have two lines of one name).
 */
export function applyPolicy(packages: readonly PackageFinding[], policy: ProvenancePolicy): { records: PackageProvenance[]; warnings: string[] } {
  const records: PackageProvenance[] = [];
  const warnings: string[] = [];
  const problems: { problem: string; code: ErrorCode }[] = [];
  for (const pkg of packages) {
    const outcome = judge(pkg, policy);
    if ('problem' in outcome) {
      problems.push(outcome);
      continue;
    }
    records.push(outcome.record);
    if (outcome.warning) warnings.push(outcome.warning);
  }
  const first = problems[0];
  if (first !== undefined) {
    const onlyRequired = problems.every((p) => p.code === 'ATTESTATION_REQUIRED');
    throw new ProvenancePolicyError(
      first.code,
      problems.map((p) => p.problem),
      onlyRequired
        ? 'Lock only packages whose files carry PEP 740 attestations, or take the package out of --require-attestations.'
        : 'Nothing was written. Find out why the publisher changed (a moved repository, a new release workflow, or a takeover); to take the new one knowingly, run lock again with --accept-publisher NAME.',
    );
  }
  return { records, warnings };
}
