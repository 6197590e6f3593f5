/**
 * The resolver's only window on the world (after uv's ResolverProvider). Production code backs it
 * with the package index, the metadata ladder and the cache; tests back it with an in-memory
 * universe. Everything here is already filtered for the target: the resolver never sees tags,
 * files or URLs of index pages.
 */
import type { PackageName } from '../pep/names.js';
import type { Version } from '../pep/version.js';
import type { Requirement } from '../pep/requirement.js';
import type { SpecifierSet } from '../pep/specifiers.js';
import type { Pin } from '../pin.js';

/** Why a version that exists on the index cannot be used for the target. */
export type ExclusionReason =
  | { kind: 'requires-python'; requiresPython: string }
  /**
   * No wheel fits the target and there is no sdist. `wheelTags`: the (compressed) tag sets of
   * the wheels that exist, when known, so a person sees which platforms they are for; `target`:
   * the interpreter and platform they were checked against, e.g. `CPython 3.12.1 on x86_64-manylinux_2_17`.
   */
  | { kind: 'no-compatible-file'; wheelTags?: string[]; target?: string }
  /** Only an sdist, and --only-binary allows wheels only. */
  | { kind: 'only-binary-no-wheel' }
  /** Only wheels, and --no-binary allows the sdist only. */
  | { kind: 'no-binary-no-sdist' }
  | { kind: 'invalid-version'; text: string }
  /**
   * Every file of the version was left out by the release cooldown (--exclude-newer): uploaded
   * after `cutoff` (ISO 8601), or, with `unknownUploadTime`, from an index that gives no upload times.
   */
  | { kind: 'cooldown'; cutoff: string; unknownUploadTime: boolean; source?: string | undefined };

export interface CandidateVersion {
  version: Version;
  /** True when every usable file of this version is yanked (PEP 592). */
  yanked: boolean;
  yankedReason?: string | undefined;
}

export type CandidatesResult =
  | {
      kind: 'found';
      /** Usable versions, any order. */
      candidates: CandidateVersion[];
      /** Versions present on the index but unusable for the target, with the reason. */
      excluded: { version: string; reason: ExclusionReason }[];
    }
  | { kind: 'not-found' };

export interface DistMetadata {
  requiresDist: Requirement[];
  requiresPython: SpecifierSet | null;
  /** Extras the distribution declares, normalized (PEP 685). */
  providesExtra: string[];
}

export interface ResolverProvider {
  /**
   * Versions of `name` the target could install. With `url`, the one distribution at that
   * direct reference (`name @ url`) is the only candidate.
   */
  getCandidates(name: PackageName, url?: string): Promise<CandidatesResult>;
  /** Dependencies of one chosen version (of the file pip would pick for the target). */
  getMetadata(pin: Pin): Promise<DistMetadata>;
}

/**
 * What the resolver is about to ask, told to whoever may start on it early (provider/read-ahead.ts
 * in production; nothing in tests). A hint is never awaited and never changes an answer: the
 * resolver still asks, through its memo, and waits for that.
 */
export interface ResolverHints {
  /** A dependency's candidates will be asked for soon. */
  candidatesSoon(name: PackageName): void;
  /** This pin's metadata is asked for now or soon: it is likely to be pinned or tried. */
  metadataSoon(pin: Pin): void;
}
