/**
 * pip's resolution policy (pip 26 `resolution/resolvelib/{provider,factory,candidates}.py`) on
 * top of the engine: which versions a set of requirements may pick and in which order, what a
 * pinned candidate depends on, and which name to pin next.
 *
 * Candidate listing (pip's `Factory.find_candidates`):
 * - A direct reference (`name @ url`, or an extras node's link to its base) makes the explicit
 *   candidate the only one; it must still satisfy every other requirement and the constraint.
 * - Otherwise the versions the provider lists are filtered by the intersection of the
 *   constraint and every requirement on the name (for `name[x]` also those on `name`), with
 *   packaging's pre-release rule: pre-releases only with `allowPrereleases`, when a clause names
 *   one, or when no final release matches. Then newest first; yanked versions only when every
 *   matching version is yanked and a clause pins (`==` without `.*`, or `===`).
 * - A preferred version (a pin from the previous lock) that is in that list goes first, unless
 *   the name is being upgraded. It is reordered, never added: a lock never keeps a version that a
 *   fresh resolution could not pick (a version yanked since, or a pre-release no longer allowed).
 * - Known incompatibilities (learnt by backjumping) are dropped.
 *
 * Next pin (pip's `narrow_requirement_selection` + `get_preference`): Requires-Python first, then
 * the names in the last conflict, then names promoted after 5 conflicts, then by the key
 * (direct URL, pinned `==`, upper-bounded, order in the user's input, has a specifier, name).
 */
import type { PackageName } from '../pep/names.js';
import { normalizeName } from '../pep/names.js';
import type { Version } from '../pep/version.js';
import type { SpecifierSet } from '../pep/specifiers.js';
import type { MarkerEnvironment } from '../pep/markers.js';
import type { Requirement } from '../pep/requirement.js';
import { formatRequirement } from '../pep/requirement.js';
import type { EnginePolicy, PreferenceKey, SelectionView } from './engine.js';
import type { MemoizedProvider } from './memo-provider.js';
import type { CandidateVersion, ResolverHints } from './provider.js';
import {
  type BaseCandidate,
  type Candidate,
  type CandidateStore,
  type NodeRequirement,
  type PackageCandidate,
  type SpecifierRequirement,
  PYTHON_IDENTIFIER,
  formatIdentifier,
  isSatisfiedBy,
  sortedUnique,
} from './model.js';

/** What `-c` files say about one name (entries whose markers matched the target). */
export interface ConstraintEntry {
  readonly specifier: SpecifierSet;
  readonly urls: readonly string[];
  readonly sources: readonly string[];
}

export interface PolicyOptions {
  readonly environment: MarkerEnvironment;
  readonly allowPrereleases: boolean;
  readonly constraints: ReadonlyMap<PackageName, ConstraintEntry>;
  /** Identifier -> position of the first root requirement that asked for it. */
  readonly userRequested: ReadonlyMap<string, number>;
  readonly preferences: ReadonlyMap<PackageName, Version>;
  readonly upgrade: ReadonlySet<PackageName> | 'all';
  readonly hints?: ResolverHints | undefined;
}

/** pip promotes a name that took part in this many conflicts while unpinned. */
const CONFLICT_PRIORITY_THRESHOLD = 5;

function isPinned(specifier: SpecifierSet): boolean {
  return specifier.specifiers.some(
    (s) => s.operator === '===' || (s.operator === '==' && !s.version.endsWith('.*')),
  );
}

/** packaging's `SpecifierSet.filter` with pip's `--pre` switch, keeping the provider's records. */
function filterVersions(
  specifier: SpecifierSet,
  versions: readonly CandidateVersion[],
  allowPrereleases: boolean,
): CandidateVersion[] {
  const matching = versions.filter((v) => specifier.contains(v.version, { prereleases: true }));
  const prereleases = allowPrereleases ? true : specifier.prereleases;
  if (prereleases === true) return matching;
  const finals = matching.filter((v) => !v.version.isPrerelease);
  if (prereleases === false) return finals;
  return finals.length > 0 ? finals : matching;
}

/** `name[a,b]` back into its parts (the name is already normalized: this only re-brands it). */
function splitIdentifier(identifier: string): { name: PackageName; extras: string[] } | null {
  if (identifier === PYTHON_IDENTIFIER) return null;
  const open = identifier.indexOf('[');
  if (open < 0) return { name: normalizeName(identifier), extras: [] };
  const extras = identifier.slice(open + 1, -1).split(',').filter((e) => e !== '');
  return { name: normalizeName(identifier.slice(0, open)), extras };
}

export class PipPolicy implements EnginePolicy<NodeRequirement, Candidate> {
  private readonly dependencies = new Map<Candidate, Promise<readonly NodeRequirement[]>>();
  private readonly conflictCounts = new Map<string, number>();
  private readonly conflictPromoted = new Set<string>();
  /** Extras a pinned-or-tried extras candidate asked for that its distribution lacks. */
  readonly missingExtras = new Map<PackageCandidate, string[]>();

  constructor(
    private readonly source: MemoizedProvider,
    private readonly store: CandidateStore,
    private readonly options: PolicyOptions,
  ) {}

  identifyRequirement(requirement: NodeRequirement): string {
    return requirement.identifier;
  }

  identifyCandidate(candidate: Candidate): string {
    return candidate.identifier;
  }

  isSatisfiedBy(requirement: NodeRequirement, candidate: Candidate): boolean {
    return isSatisfiedBy(requirement, candidate);
  }

  narrowRequirementSelection(
    identifiers: readonly string[],
    view: SelectionView<NodeRequirement, Candidate>,
  ): readonly string[] {
    const backtrackIdentifiers = new Set<string>();
    for (const cause of view.backtrackCauses) {
      const names = [cause.requirement.identifier];
      if (cause.parent !== null) names.push(cause.parent.identifier);
      for (const name of names) {
        backtrackIdentifiers.add(name);
        if (view.resolutions.has(name)) continue;
        const count = (this.conflictCounts.get(name) ?? 0) + 1;
        this.conflictCounts.set(name, count);
        if (count >= CONFLICT_PRIORITY_THRESHOLD) this.conflictPromoted.add(name);
      }
    }
    const currentCauses: string[] = [];
    const promoted: string[] = [];
    for (const identifier of identifiers) {
      // Requires-Python has one candidate and is free to check: always first.
      if (identifier === PYTHON_IDENTIFIER) return [identifier];
      if (backtrackIdentifiers.has(identifier)) currentCauses.push(identifier);
      else if (this.conflictPromoted.has(identifier)) promoted.push(identifier);
    }
    if (currentCauses.length > 0) return currentCauses;
    if (promoted.length > 0) return promoted;
    return identifiers;
  }

  getPreference(identifier: string, view: SelectionView<NodeRequirement, Candidate>): PreferenceKey {
    const information = view.information(identifier);
    const direct = information.some((i) => i.requirement.kind === 'explicit');
    const clauses = information.flatMap((i) =>
      i.requirement.kind === 'specifier' ? i.requirement.specifier.specifiers : [],
    );
    const pinned = clauses.some((s) => s.operator.startsWith('==') && !s.version.includes('*'));
    const upperBounded = clauses.some(
      (s) => s.operator === '<' || s.operator === '<=' || s.operator === '~=' || (s.operator === '==' && s.version.includes('*')),
    );
    const unfree = clauses.length > 0;
    const requestedOrder = this.options.userRequested.get(identifier) ?? Number.POSITIVE_INFINITY;
    const flag = (value: boolean): number => (value ? 0 : 1);
    return [
      flag(this.conflictPromoted.has(identifier)),
      flag(direct),
      flag(pinned),
      flag(upperBounded),
      requestedOrder,
      flag(unfree),
      identifier,
    ];
  }

  async findMatches(
    identifier: string,
    requirementsOf: (identifier: string) => readonly NodeRequirement[],
    incompatibilitiesOf: (identifier: string) => readonly Candidate[],
  ): Promise<readonly Candidate[]> {
    const explicit: Candidate[] = [];
    const addExplicit = (candidate: Candidate): void => {
      if (!explicit.includes(candidate)) explicit.push(candidate);
    };
    const specifierRequirements: SpecifierRequirement[] = [];
    const ownRequirements = requirementsOf(identifier);
    for (const requirement of ownRequirements) {
      if (requirement.kind === 'explicit') addExplicit(requirement.candidate);
      else if (requirement.kind === 'specifier') specifierRequirements.push(requirement);
      else if (requirement.kind === 'requires-python' && isSatisfiedBy(requirement, this.store.python)) {
        addExplicit(this.store.python);
      }
    }

    const parsed = splitIdentifier(identifier);
    if (parsed !== null && parsed.extras.length > 0) {
      // `name[x]` also honours everything said about `name`, including a direct URL for it.
      const baseRequirements = requirementsOf(parsed.name);
      for (const requirement of baseRequirements) {
        if (requirement.kind === 'explicit') {
          const base = requirement.candidate.kind === 'base' ? requirement.candidate : requirement.candidate.base;
          addExplicit(this.store.withExtras(base, parsed.extras));
        }
      }
      for (const requirement of baseRequirements) {
        if (requirement.kind === 'specifier') specifierRequirements.push(requirement);
      }
    }

    const constraint = parsed === null ? undefined : this.options.constraints.get(parsed.name);
    if (parsed !== null && constraint !== undefined && specifierRequirements.length > 0) {
      for (const url of constraint.urls) {
        const base = await this.urlCandidate(parsed.name, url);
        if (base !== null) addExplicit(parsed.extras.length > 0 ? this.store.withExtras(base, parsed.extras) : base);
      }
    }

    const incompatible = new Set(incompatibilitiesOf(identifier));
    let matches: readonly Candidate[];
    if (explicit.length === 0) {
      matches = await this.foundCandidates(specifierRequirements, constraint, incompatible);
    } else {
      matches = explicit.filter(
        (candidate) =>
          !incompatible.has(candidate) &&
          this.constraintAllows(constraint, candidate) &&
          ownRequirements.every((requirement) => isSatisfiedBy(requirement, candidate)),
      );
    }
    const first = matches[0];
    if (first !== undefined && first.kind !== 'python') {
      // pip builds the first candidate of every criterion it creates; fetching its metadata
      // now overlaps the downloads the resolution is about to need.
      this.options.hints?.metadataSoon(first.kind === 'base' ? first : first.base);
    }
    return matches;
  }

  private constraintAllows(constraint: ConstraintEntry | undefined, candidate: Candidate): boolean {
    if (constraint === undefined || candidate.kind === 'python') return true;
    const url = candidate.kind === 'base' ? candidate.url : candidate.base.url;
    if (constraint.urls.length > 0 && !constraint.urls.every((u) => u === url)) return false;
    return constraint.specifier.contains(candidate.version, { prereleases: true });
  }

  private async foundCandidates(
    requirements: readonly SpecifierRequirement[],
    constraint: ConstraintEntry | undefined,
    incompatible: ReadonlySet<Candidate>,
  ): Promise<Candidate[]> {
    const template = requirements[0];
    if (template === undefined) return [];
    const name = template.name;
    let specifier = constraint?.specifier;
    const extras: string[] = [];
    for (const requirement of requirements) {
      specifier = specifier === undefined ? requirement.specifier : specifier.intersect(requirement.specifier);
      extras.push(...requirement.extras);
    }
    if (specifier === undefined) return [];

    const listing = await this.source.candidates(name);
    if (listing.kind !== 'found') return [];
    const applicable = filterVersions(specifier, listing.candidates, this.options.allowPrereleases);
    const allYanked = applicable.every((v) => v.yanked);
    const yankedAllowed = allYanked && isPinned(specifier);
    // Stable sort keeps the provider's order among equal versions; the first of them wins.
    const newestFirst = applicable
      .filter((v) => yankedAllowed || !v.yanked)
      .sort((a, b) => b.version.compare(a.version));
    const unique: CandidateVersion[] = [];
    for (const v of newestFirst) {
      const previous = unique[unique.length - 1];
      if (previous === undefined || previous.version.compare(v.version) !== 0) unique.push(v);
    }

    const extrasSorted = sortedUnique(extras);
    let candidates: Candidate[] = unique.map((v) => {
      const base = this.store.base(name, v.version, null, v.yanked, v.yankedReason);
      return extrasSorted.length > 0 ? this.store.withExtras(base, extrasSorted) : base;
    });

    const preferred = this.preferredVersion(name);
    if (preferred !== undefined) {
      const index = candidates.findIndex((c) => c.version.compare(preferred) === 0);
      const chosen = candidates[index];
      if (index > 0 && chosen !== undefined) {
        candidates = [chosen, ...candidates.slice(0, index), ...candidates.slice(index + 1)];
      }
    }
    return candidates.filter((c) => !incompatible.has(c));
  }

  private preferredVersion(name: PackageName): Version | undefined {
    const upgrade = this.options.upgrade;
    if (upgrade === 'all' || upgrade.has(name)) return undefined;
    return this.options.preferences.get(name);
  }

  /** The one candidate at a direct reference, or null when it gives no usable distribution. */
  async urlCandidate(name: PackageName, url: string): Promise<BaseCandidate | null> {
    const listing = await this.source.candidates(name, url);
    if (listing.kind !== 'found') return null;
    const found = listing.candidates[0];
    if (found === undefined) return null;
    return this.store.base(name, found.version, url, false, undefined);
  }

  /** pip's `_make_requirements_from_install_req`: markers, then one or two nodes per requirement. */
  async makeRequirements(
    requirement: Requirement,
    requestedExtras: readonly string[],
    source: string | null,
  ): Promise<NodeRequirement[]> {
    const contexts = requestedExtras.length > 0 ? requestedExtras : [''];
    const marker = requirement.marker;
    if (marker !== null && !contexts.some((extra) => marker.evaluate(this.options.environment, extra))) return [];
    const name = requirement.name;
    const extras = sortedUnique(requirement.extras);
    if (requirement.url === null) {
      // Only for explanations: "a[x] 1.0 depends on b" names the extra that asked for b.
      const viaExtras =
        marker === null || requestedExtras.length === 0 || marker.evaluate(this.options.environment, '')
          ? []
          : requestedExtras.filter((extra) => marker.evaluate(this.options.environment, extra));
      const nodes: NodeRequirement[] = [];
      const text = formatRequirement({ ...requirement, marker: null });
      if (extras.length > 0 && !requirement.specifier.isEmpty) {
        // The base half carries the version clauses, so they narrow `name` for every extra.
        nodes.push({
          kind: 'specifier',
          identifier: name,
          name,
          extras: [],
          specifier: requirement.specifier,
          text: formatRequirement({ ...requirement, extras: [], marker: null }),
          source,
          viaExtras,
        });
      }
      nodes.push({
        kind: 'specifier',
        identifier: formatIdentifier(name, extras),
        name,
        extras,
        specifier: requirement.specifier,
        text,
        source,
        viaExtras,
      });
      return nodes;
    }
    const base = await this.urlCandidate(name, requirement.url);
    if (base === null) {
      return [
        {
          kind: 'unsatisfiable',
          identifier: name,
          name,
          url: requirement.url,
          text: formatRequirement({ ...requirement, marker: null }),
          source,
        },
      ];
    }
    const nodes: NodeRequirement[] = [{ kind: 'explicit', identifier: name, candidate: base, source }];
    if (extras.length > 0) {
      const withExtras = this.store.withExtras(base, extras);
      nodes.push({ kind: 'explicit', identifier: withExtras.identifier, candidate: withExtras, source });
    }
    return nodes;
  }

  getDependencies(candidate: Candidate): Promise<readonly NodeRequirement[]> {
    let answer = this.dependencies.get(candidate);
    if (answer === undefined) {
      answer = this.computeDependencies(candidate);
      this.dependencies.set(candidate, answer);
    }
    return answer;
  }

  private async computeDependencies(candidate: Candidate): Promise<readonly NodeRequirement[]> {
    if (candidate.kind === 'python') return [];
    const base = candidate.kind === 'base' ? candidate : candidate.base;
    this.options.hints?.metadataSoon(base);
    const metadata = await this.source.metadata(base);
    const nodes: NodeRequirement[] = [];
    let extras: string[] = [];
    if (candidate.kind === 'base') {
      const requiresPython = metadata.requiresPython;
      // Checked first so that an unsupported version fails before its dependencies are looked at.
      if (requiresPython !== null && !requiresPython.isEmpty) {
        nodes.push({ kind: 'requires-python', identifier: PYTHON_IDENTIFIER, specifier: requiresPython });
      }
    } else {
      nodes.push({ kind: 'explicit', identifier: base.identifier, candidate: base, source: null });
      const provided = new Set(metadata.providesExtra);
      extras = candidate.extras.filter((e) => provided.has(e));
      const missing = candidate.extras.filter((e) => !provided.has(e));
      if (missing.length > 0) this.missingExtras.set(candidate, missing);
    }
    const contexts = extras.length > 0 ? extras : [''];
    const wanted = metadata.requiresDist.filter(
      (r) => r.marker === null || contexts.some((extra) => r.marker?.evaluate(this.options.environment, extra)),
    );
    for (const requirement of wanted) {
      if (requirement.url === null) this.options.hints?.candidatesSoon(requirement.name);
    }
    for (const requirement of wanted) {
      nodes.push(...(await this.makeRequirements(requirement, extras, null)));
    }
    return nodes;
  }
}
