/**
 * The nodes the engine moves around, modelled on pip's resolvelib provider:
 *
 * - A *base candidate* is one version of a project (from the index, or the one distribution at a
 *   direct URL). Its dependencies are the Requires-Python check plus Requires-Dist evaluated with
 *   `extra == ""`.
 * - An *extras candidate* `name[x,y]` is a separate node that depends on exactly its base
 *   candidate (so both nodes share one version) plus the Requires-Dist entries the extras turn on.
 * - The *Python candidate* is the target interpreter; every Requires-Python becomes a requirement
 *   on it, so a version whose metadata excludes the target fails like any other conflict.
 *
 * Candidates are interned (one object per name, version and URL), because the engine compares
 * them by identity, as resolvelib compares `id()`s.
 */
import type { PackageName } from '../pep/names.js';
import type { Pin } from '../pin.js';
import type { Version } from '../pep/version.js';
import type { SpecifierSet } from '../pep/specifiers.js';

/** Never a valid project name, so it cannot collide with a package called "python". */
export const PYTHON_IDENTIFIER = '<Python from Requires-Python>';

/** A version of a distribution as the search sees it; as a Pin, what its metadata is read for. */
export interface BaseCandidate extends Pin {
  readonly kind: 'base';
  readonly identifier: string;
  readonly yanked: boolean;
  readonly yankedReason: string | undefined;
}

export interface ExtrasCandidate {
  readonly kind: 'extras';
  readonly identifier: string;
  readonly name: PackageName;
  readonly version: Version;
  readonly base: BaseCandidate;
  /** Normalized, sorted, unique. */
  readonly extras: readonly string[];
}

export interface PythonCandidate {
  readonly kind: 'python';
  readonly identifier: typeof PYTHON_IDENTIFIER;
  readonly version: Version;
}

export type Candidate = BaseCandidate | ExtrasCandidate | PythonCandidate;
export type PackageCandidate = BaseCandidate | ExtrasCandidate;

/** A PEP 508 requirement without a URL (pip's SpecifierRequirement). */
export interface SpecifierRequirement {
  readonly kind: 'specifier';
  readonly identifier: string;
  readonly name: PackageName;
  readonly extras: readonly string[];
  readonly specifier: SpecifierSet;
  /** The requirement as written (extras dropped for the base half of `name[x]>=1`). */
  readonly text: string;
  /** The user's input it came from (`-r requirements.in`); null for a dependency. */
  readonly source: string | null;
  /** For a dependency: the extras of its parent that bring it in (empty for a plain dependency). */
  readonly viaExtras: readonly string[];
}

/** "Exactly this candidate": a direct URL, or an extras node's link to its base. */
export interface ExplicitRequirement {
  readonly kind: 'explicit';
  readonly identifier: string;
  readonly candidate: PackageCandidate;
  readonly source: string | null;
}

export interface RequiresPythonRequirement {
  readonly kind: 'requires-python';
  readonly identifier: typeof PYTHON_IDENTIFIER;
  readonly specifier: SpecifierSet;
}

/** A direct URL that gave no usable distribution: nothing can satisfy it. */
export interface UnsatisfiableRequirement {
  readonly kind: 'unsatisfiable';
  readonly identifier: string;
  readonly name: PackageName;
  readonly url: string;
  readonly text: string;
  readonly source: string | null;
}

export type NodeRequirement =
  | SpecifierRequirement
  | ExplicitRequirement
  | RequiresPythonRequirement
  | UnsatisfiableRequirement;

/** pip's `format_name`: `name` or `name[a,b]` with the extras sorted. */
export function formatIdentifier(name: PackageName, extras: readonly string[]): string {
  if (extras.length === 0) return name;
  return `${name}[${[...extras].sort().join(',')}]`;
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Compares by PEP 440 value for specifier requirements, by identity for explicit ones. */
export function isSatisfiedBy(requirement: NodeRequirement, candidate: Candidate): boolean {
  switch (requirement.kind) {
    case 'specifier':
    case 'requires-python':
      // Pre-release filtering already happened when candidates were listed.
      return requirement.specifier.contains(candidate.version, { prereleases: true });
    case 'explicit':
      return requirement.candidate === candidate;
    case 'unsatisfiable':
      return false;
  }
}

/** One object per distinct candidate, so identity means equality. */
export class CandidateStore {
  private readonly bases = new Map<string, BaseCandidate>();
  private readonly extrasCandidates = new Map<string, ExtrasCandidate>();
  readonly python: PythonCandidate;

  constructor(pythonVersion: Version) {
    this.python = { kind: 'python', identifier: PYTHON_IDENTIFIER, version: pythonVersion };
  }

  base(
    name: PackageName,
    version: Version,
    url: string | null,
    yanked: boolean,
    yankedReason: string | undefined,
  ): BaseCandidate {
    const key = `${name}\u0000${version.toString()}\u0000${url ?? ''}`;
    let candidate = this.bases.get(key);
    if (candidate === undefined) {
      candidate = { kind: 'base', identifier: name, name, version, url, yanked, yankedReason };
      this.bases.set(key, candidate);
    }
    return candidate;
  }

  withExtras(base: BaseCandidate, extras: readonly string[]): ExtrasCandidate {
    const sorted = sortedUnique(extras);
    const identifier = formatIdentifier(base.name, sorted);
    const key = `${identifier}\u0000${base.version.toString()}\u0000${base.url ?? ''}`;
    let candidate = this.extrasCandidates.get(key);
    if (candidate === undefined) {
      candidate = { kind: 'extras', identifier, name: base.name, version: base.version, base, extras: sorted };
      this.extrasCandidates.set(key, candidate);
    }
    return candidate;
  }
}
