/**
 * A quick proof that no resolution exists, tried when the search keeps backtracking.
 *
 * The engine follows resolvelib step for step so that its answers are pip's, and resolvelib is
 * exponential on some unsatisfiable graphs: a chain of packages whose every path ends in the
 * same conflict makes it retry each combination of the links (pip gives up after 200,000
 * rounds). This module looks at the same data another way, by arc consistency over versions:
 *
 * - a version is *possible* while the target can use it (the provider listed it), it matches
 *   every root requirement and constraint on its name, its metadata's Requires-Python accepts
 *   the target, and each of its dependencies (markers evaluated with `extra == ""`) is matched by
 *   some possible version;
 * - when a root requirement is left with no possible version, no resolution exists.
 *
 * It is sound and incomplete: a version used by some resolution always stays possible (the sets
 * over-approximate what pip may pick: pre-releases and yanked versions included, extras' own
 * dependencies and direct URLs ignored), so stopping on a proof never hides a solution and never
 * changes an answer pip would find. Metadata comes through the memoised provider, within a
 * budget, because a proof may need versions the search never looked at.
 */
import { joinAnd } from './join-words.js';
import type { PackageName } from '../pep/names.js';
import type { Version } from '../pep/version.js';
import type { SpecifierSet } from '../pep/specifiers.js';
import type { MarkerEnvironment } from '../pep/markers.js';
import { formatRequirement } from '../pep/requirement.js';
import type { MemoizedProvider } from './memo-provider.js';
import type { NodeRequirement } from './model.js';
import type { ConstraintEntry } from './pip-policy.js';
import type { CandidatesResult, DistMetadata } from './provider.js';

export interface ProofInput {
  readonly source: MemoizedProvider;
  readonly roots: readonly NodeRequirement[];
  readonly constraints: ReadonlyMap<PackageName, ConstraintEntry>;
  readonly environment: MarkerEnvironment;
  readonly pythonVersion: Version;
}

export interface UnsatProof {
  /** The root requirement left without a possible version. */
  readonly name: PackageName;
  readonly requirement: string;
  readonly source: string;
  /** Why, one link per step, e.g. "every version of b depends on c>=2". */
  readonly steps: readonly string[];
  /**
   * When the versions of the last project in `steps` fail for different reasons: one chain of
   * steps per version (at most MAX_BRANCHES), e.g. ["c 1.0 depends on a<2", "a 1.0 requires Python >=3.13"].
   */
  readonly branches: readonly (readonly string[])[];
}

/** Versions explained one by one when they fail for different reasons; more are summarized. */
const MAX_BRANCHES = 4;

interface Why {
  steps: string[];
  branches: string[][];
}

interface Dependency {
  readonly name: PackageName;
  readonly specifier: SpecifierSet;
  readonly text: string;
}

type Death = { kind: 'requires-python'; specifier: string } | { kind: 'dependency'; dependency: Dependency };

interface VersionNode {
  readonly version: Version;
  readonly requiresPython: SpecifierSet | null;
  readonly dependencies: readonly Dependency[];
  death: Death | null;
}

interface Project {
  readonly name: PackageName;
  readonly onIndex: boolean;
  /** What every resolution must respect on this name: root requirements and constraints. */
  readonly limits: readonly { specifier: SpecifierSet; source: string; text: string }[];
  readonly versions: readonly VersionNode[];
}

export class UnsatProver {
  private readonly projects = new Map<PackageName, Project>();
  /** Names pinned by a direct URL: left out of the proof (always possible). */
  private readonly opaque = new Set<PackageName>();
  private metadataBudget = 0;
  /** Set once everything reachable was loaded and no proof exists: later attempts are pointless. */
  private settled = false;

  constructor(private readonly input: ProofInput) {
    for (const root of input.roots) {
      if (root.kind === 'explicit') this.opaque.add(root.candidate.name);
      if (root.kind === 'unsatisfiable') this.opaque.add(root.name);
    }
  }

  private limitsOf(name: PackageName): Project['limits'] {
    const limits: { specifier: SpecifierSet; source: string; text: string }[] = [];
    for (const root of this.input.roots) {
      if (root.kind === 'specifier' && root.name === name && !root.specifier.isEmpty) {
        limits.push({ specifier: root.specifier, source: root.source ?? 'the input', text: root.text });
      }
    }
    const constraint = this.input.constraints.get(name);
    if (constraint !== undefined && !constraint.specifier.isEmpty) {
      limits.push({
        specifier: constraint.specifier,
        source: constraint.sources.join(', '),
        text: `${name}${constraint.specifier.toString()}`,
      });
    }
    return limits;
  }

  /**
   * Loads a project and the metadata of its versions; false when over budget. What the provider
   * cannot answer stays possible: a name whose listing fails becomes opaque, a version whose
   * metadata fails keeps no dependencies.
   */
  private async load(name: PackageName): Promise<boolean> {
    if (this.projects.has(name) || this.opaque.has(name)) return true;
    const limits = this.limitsOf(name);
    let listing: CandidatesResult;
    try {
      listing = await this.input.source.candidates(name);
    } catch {
      this.opaque.add(name);
      return true;
    }
    if (listing.kind !== 'found') {
      this.projects.set(name, { name, onIndex: false, limits, versions: [] });
      return true;
    }
    const inRange = listing.candidates.filter((c) =>
      limits.every((l) => l.specifier.contains(c.version, { prereleases: true })),
    );
    if (inRange.length > this.metadataBudget) return false;
    this.metadataBudget -= inRange.length;
    const versions = await Promise.all(
      inRange.map(async (c): Promise<VersionNode> => {
        let metadata: DistMetadata;
        try {
          metadata = await this.input.source.metadata({ name, version: c.version, url: null });
        } catch {
          return { version: c.version, requiresPython: null, dependencies: [], death: null };
        }
        const dependencies: Dependency[] = [];
        for (const requirement of metadata.requiresDist) {
          if (requirement.url !== null) continue;
          if (requirement.marker !== null && !requirement.marker.evaluate(this.input.environment, '')) continue;
          dependencies.push({
            name: requirement.name,
            specifier: requirement.specifier,
            text: formatRequirement({ ...requirement, extras: [], marker: null }),
          });
        }
        return { version: c.version, requiresPython: metadata.requiresPython, dependencies, death: null };
      }),
    );
    this.projects.set(name, { name, onIndex: true, limits, versions });
    return true;
  }

  private possible(name: PackageName, specifier: SpecifierSet): VersionNode[] {
    const project = this.projects.get(name);
    if (project === undefined) return [];
    return project.versions.filter((v) => v.death === null && specifier.contains(v.version, { prereleases: true }));
  }

  /** A proof, or null when none was found; may fetch metadata for up to `budget` more versions. */
  async attempt(budget: number): Promise<UnsatProof | null> {
    if (this.settled) return null;
    this.metadataBudget += budget;
    const proof = await this.prove();
    return proof === 'over-budget' ? null : proof;
  }

  private async prove(): Promise<UnsatProof | null | 'over-budget'> {
    // Load everything reachable through dependencies, breadth first.
    let frontier = [...new Set(this.input.roots.flatMap((r) => (r.kind === 'specifier' ? [r.name] : [])))];
    const visited = new Set(frontier);
    while (frontier.length > 0) {
      const loaded = await Promise.all(frontier.map((name) => this.load(name)));
      if (loaded.includes(false)) return 'over-budget';
      const next: PackageName[] = [];
      for (const name of frontier) {
        for (const version of this.projects.get(name)?.versions ?? []) {
          for (const dependency of version.dependencies) {
            if (visited.has(dependency.name) || this.opaque.has(dependency.name)) continue;
            visited.add(dependency.name);
            next.push(dependency.name);
          }
        }
      }
      frontier = next;
    }

    for (let changed = true; changed; ) {
      changed = false;
      for (const project of this.projects.values()) {
        for (const version of project.versions) {
          if (version.death !== null) continue;
          const requiresPython = version.requiresPython;
          if (requiresPython !== null && !requiresPython.contains(this.input.pythonVersion, { prereleases: true })) {
            version.death = { kind: 'requires-python', specifier: requiresPython.toString() };
            changed = true;
            continue;
          }
          const broken = version.dependencies.find(
            (d) => !this.opaque.has(d.name) && this.possible(d.name, d.specifier).length === 0,
          );
          if (broken !== undefined) {
            version.death = { kind: 'dependency', dependency: broken };
            changed = true;
          }
        }
      }
    }

    for (const root of this.input.roots) {
      if (root.kind !== 'specifier' || this.opaque.has(root.name)) continue;
      if (this.possible(root.name, root.specifier).length > 0) continue;
      const why = this.why(root.name, root.specifier, root.text, new Set([root.name]), true);
      return {
        name: root.name,
        requirement: root.text,
        source: root.source ?? 'the input',
        steps: why.steps,
        branches: why.branches,
      };
    }
    this.settled = true;
    return null;
  }

  /**
   * Why no version of `name` within `specifier` is possible, following one chain of causes; where
   * the versions fail for different reasons, one chain per version (`branches`, top level only).
   */
  private why(name: PackageName, specifier: SpecifierSet, text: string, seen: Set<PackageName>, branch: boolean): Why {
    const chain = (steps: string[]): Why => ({ steps, branches: [] });
    const project = this.projects.get(name);
    if (project === undefined || !project.onIndex) return chain([`no index has a project named ${name}`]);
    const candidates = project.versions.filter((v) => specifier.contains(v.version, { prereleases: true }));
    if (candidates.length === 0) {
      // The requirement being explained may be one of the limits itself (a root requirement).
      const limits = project.limits.filter((l) => l.text !== text).map((l) => `${l.text} (${l.source})`);
      return chain(
        limits.length > 0
          ? [`no version of ${name} matches both ${text} and ${joinAnd(limits)}`]
          : [`no version of ${name} usable for the target matches ${text}`],
      );
    }
    const example = candidates[candidates.length - 1];
    const first = example?.death ?? null;
    if (example === undefined || first === null) return chain([]);
    const subject =
      candidates.length === 1
        ? `${name} ${example.version.toString()}`
        : specifier.isEmpty
          ? `every version of ${name}`
          : `every version of ${name} in ${specifier.toString()}`;
    const deaths = candidates.map((v) => v.death);
    if (first.kind === 'requires-python' && deaths.every((d) => d?.kind === 'requires-python')) {
      return chain([
        `${subject} requires a Python other than ${this.input.pythonVersion.toString()}` +
          ` (${name} ${example.version.toString()} requires Python ${first.specifier})`,
      ]);
    }
    if (first.kind === 'dependency') {
      const dependency = first.dependency;
      const same = deaths.every((d) => d?.kind === 'dependency' && d.dependency.name === dependency.name);
      const sameText = deaths.every((d) => d?.kind === 'dependency' && d.dependency.text === dependency.text);
      if (same && (sameText || !branch)) {
        const step = sameText
          ? `${subject} depends on ${dependency.text}`
          : `${subject} depends on ${dependency.name} (${name} ${example.version.toString()} on ${dependency.text})`;
        if (seen.has(dependency.name)) return chain([step]);
        seen.add(dependency.name);
        const rest = this.why(dependency.name, dependency.specifier, dependency.text, seen, branch);
        return { steps: [step, ...rest.steps], branches: rest.branches };
      }
    }
    if (branch) {
      // Different versions fail differently: explain each (newest first), one chain apiece.
      const shown = [...candidates].reverse().slice(0, MAX_BRANCHES);
      const branches = shown.map((v) => this.versionChain(name, v, new Set(seen)));
      if (candidates.length > shown.length) {
        branches.push([`${candidates.length - shown.length} older versions of ${name} cannot be installed either`]);
      }
      return { steps: [], branches };
    }
    const reasons = candidates.slice(-3).map((v) => {
      const death = v.death;
      if (death === null) return '';
      return death.kind === 'requires-python'
        ? `${name} ${v.version.toString()} requires Python ${death.specifier}`
        : `${name} ${v.version.toString()} depends on ${death.dependency.text}, which cannot be installed`;
    });
    return chain([`${subject} has a dependency that cannot be installed: ${reasons.join('; ')}${candidates.length > 3 ? '; ...' : ''}`]);
  }

  /** Why one version is impossible, as a chain of steps (nested differences summarized). */
  private versionChain(name: PackageName, version: VersionNode, seen: Set<PackageName>): string[] {
    const death = version.death;
    const label = `${name} ${version.version.toString()}`;
    if (death === null) return [];
    if (death.kind === 'requires-python') {
      return [`${label} requires Python ${death.specifier}, but the target is ${this.input.pythonVersion.toString()}`];
    }
    const dependency = death.dependency;
    const step = `${label} depends on ${dependency.text}`;
    if (seen.has(dependency.name)) return [step];
    seen.add(dependency.name);
    return [step, ...this.why(dependency.name, dependency.specifier, dependency.text, seen, false).steps];
  }
}

