import type { PackageName } from '../pep/names.js';
import type { Version } from '../pep/version.js';
import type { Requirement } from '../pep/requirement.js';
import type { MarkerEnvironment } from '../pep/markers.js';
import type { Pin } from '../pin.js';

export interface RootRequirement {
  requirement: Requirement;
  /** Where the user wrote it, shown in `via` and in errors: '-r requirements.in', '-c constraints.txt'. */
  source: string;
}

export interface ResolveOptions {
  /** In input order: the order breaks ties when choosing what to pin next, as in pip. */
  requirements: RootRequirement[];
  /** Narrow versions of names that something else requires; never add a package. */
  constraints: RootRequirement[];
  environment: MarkerEnvironment;
  /** The target's full version (X.Y.Z), checked against each chosen version's Requires-Python. */
  pythonVersion: Version;
  /** pip's `--pre`. */
  allowPrereleases: boolean;
  /** Pins of an existing lock: tried first while they still fit. */
  preferences?: ReadonlyMap<PackageName, Version>;
  /** Names whose preference is ignored (`-P NAME`), or every name (`-U`). */
  upgrade?: ReadonlySet<PackageName> | 'all';
}

/** A pin of the answer (name, version, direct URL or null), with why it is there. */
export interface ResolvedPackage extends Pin {
  /** Extras requested somewhere in the graph that this distribution provides; sorted. */
  extras: string[];
  /** Parent package names (normalized) and root sources (`-r ...`, `-c ...`), sorted. */
  via: string[];
  yanked: boolean;
  yankedReason?: string;
}

export interface Resolution {
  /** Sorted by name. */
  packages: ResolvedPackage[];
  /** Collected, never printed: extras a distribution does not provide, yanked pins. */
  warnings: string[];
}
