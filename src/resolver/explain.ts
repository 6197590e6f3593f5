/**
 * Turns the engine's "no resolution" (the requirements of the last conflict and who made them)
 * into a sentence a person can act on, after pip's `Factory.get_installation_error`:
 *
 * 1. a Requires-Python that excludes the target wins: "a 2.0 requires Python >=3.13, but the
 *    target is 3.12.1";
 * 2. a single failed requirement (not a constrained name): which versions exist and why each of
 *    the others was ruled out (yanked, Requires-Python, no compatible file, pre-release), or that
 *    no index has the project;
 * 3. otherwise the list of requirements that cannot hold together.
 *
 * The same facts are returned as data (`NoSolutionExplanation`) for `--json` and tests.
 */
import { PinHashesError } from '../errors.js';
import type { PackageName } from '../pep/names.js';
import { Version } from '../pep/version.js';
import type { RequirementInformation } from './engine.js';
import type { MemoizedProvider } from './memo-provider.js';
import type { Candidate, NodeRequirement } from './model.js';
import type { ConstraintEntry } from './pip-policy.js';
import type { ExclusionReason } from './provider.js';
import type { UnsatProof } from './unsat-proof.js';

export type RuledOutReason = ExclusionReason | { kind: 'yanked'; reason?: string } | { kind: 'prerelease' };

export type RequiredBy =
  | { kind: 'package'; name: PackageName; version: string }
  | { kind: 'root'; source: string };

export interface ConflictCause {
  /** The requirement as written, e.g. `c>=2`, `c @ https://...`, `Python >=3.13`. */
  requirement: string;
  /** The project it is about; null for a Requires-Python requirement. */
  name: PackageName | null;
  requiredBy: RequiredBy;
}

export interface ProjectReport {
  name: PackageName;
  onIndex: boolean;
  /** Usable versions, ascending. */
  versions: string[];
  ruledOut: { version: string; reason: RuledOutReason }[];
}

export interface NoSolutionExplanation {
  /**
   * `dependency-chain`: the search was stopped by a proof (see unsat-proof.ts); `steps` says
   * why the root requirement in `causes` cannot be installed.
   */
  kind: 'requires-python' | 'no-matching-distribution' | 'conflict' | 'dependency-chain';
  pythonVersion: string;
  causes: ConflictCause[];
  constraints: { name: PackageName; specifier: string; sources: string[] }[];
  projects: ProjectReport[];
  steps: string[];
}

export class NoSolutionError extends PinHashesError {
  readonly explanation: NoSolutionExplanation;

  constructor(message: string, explanation: NoSolutionExplanation, hint: string) {
    super('NO_SOLUTION', message, { exitCode: 1, hint });
    this.name = 'NoSolutionError';
    this.explanation = explanation;
  }
}

export interface ExplainContext {
  readonly source: MemoizedProvider;
  readonly pythonVersion: Version;
  readonly allowPrereleases: boolean;
  readonly constraints: ReadonlyMap<PackageName, ConstraintEntry>;
}

type Cause = RequirementInformation<NodeRequirement, Candidate>;

function requirementText(requirement: NodeRequirement): string {
  switch (requirement.kind) {
    case 'specifier':
    case 'unsatisfiable':
      return requirement.text;
    case 'requires-python':
      return `Python ${requirement.specifier.toString()}`;
    case 'explicit': {
      const candidate = requirement.candidate;
      const base = candidate.kind === 'base' ? candidate : candidate.base;
      const name = candidate.kind === 'base' ? candidate.name : candidate.identifier;
      return base.url === null ? `${name}==${base.version.toString()}` : `${name} @ ${base.url}`;
    }
  }
}

function requirementName(requirement: NodeRequirement): PackageName | null {
  switch (requirement.kind) {
    case 'specifier':
    case 'unsatisfiable':
      return requirement.name;
    case 'explicit':
      return requirement.candidate.name;
    case 'requires-python':
      return null;
  }
}

function requiredBy(cause: Cause): RequiredBy {
  const parent = cause.parent;
  if (parent !== null && parent.kind !== 'python') {
    return { kind: 'package', name: parent.name, version: parent.version.toString() };
  }
  const requirement = cause.requirement;
  const source = requirement.kind === 'requires-python' ? null : requirement.source;
  return { kind: 'root', source: source ?? 'the input' };
}

function describeRequiredBy(by: RequiredBy): string {
  return by.kind === 'package' ? `${by.name} ${by.version}` : by.source;
}

function describeReason(reason: RuledOutReason, pythonVersion: string): string {
  switch (reason.kind) {
    case 'yanked':
      return reason.reason === undefined || reason.reason === '' ? 'is yanked' : `is yanked (${reason.reason})`;
    case 'requires-python':
      return `requires Python ${reason.requiresPython} (the target is ${pythonVersion})`;
    case 'no-compatible-file':
      return 'has no file compatible with the target';
    case 'only-binary-no-wheel':
      return 'has no wheel and only binaries are allowed';
    case 'invalid-version':
      return `has an invalid version (${reason.text})`;
    case 'prerelease':
      return 'is a pre-release (allowed with --pre, or when a specifier names a pre-release)';
  }
}

/** `1.0`, `1.0 and 2.0`, or `1.0 to 20.0 (20 versions)` for long lists. */
function describeVersions(versions: readonly string[]): string {
  const sorted = [...versions].sort((a, b) => {
    const va = Version.tryParse(a);
    const vb = Version.tryParse(b);
    return va === null || vb === null ? (a < b ? -1 : a > b ? 1 : 0) : va.compare(vb);
  });
  if (sorted.length <= 3) return joinAnd(sorted);
  return `${sorted[0] ?? ''} to ${sorted[sorted.length - 1] ?? ''} (${sorted.length} versions)`;
}

function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}

async function projectReport(
  name: PackageName,
  cause: NodeRequirement | null,
  context: ExplainContext,
): Promise<ProjectReport> {
  const listing = await context.source.candidates(name);
  if (listing.kind !== 'found') return { name, onIndex: false, versions: [], ruledOut: [] };
  const usable = [...listing.candidates].sort((a, b) => a.version.compare(b.version));
  const ruledOut: ProjectReport['ruledOut'] = [];
  for (const v of usable) {
    if (v.yanked) {
      ruledOut.push({
        version: v.version.toString(),
        reason: v.yankedReason === undefined ? { kind: 'yanked' } : { kind: 'yanked', reason: v.yankedReason },
      });
    }
  }
  if (cause !== null && cause.kind === 'specifier' && !context.allowPrereleases) {
    // Versions the specifier matches but the pre-release rule hid: the user may want --pre.
    const specifier = cause.specifier;
    const matching = usable.filter((v) => specifier.contains(v.version, { prereleases: true }));
    const hasFinal = matching.some((v) => !v.version.isPrerelease);
    if (specifier.prereleases !== true && hasFinal) {
      for (const v of matching) {
        if (v.version.isPrerelease && !v.yanked) ruledOut.push({ version: v.version.toString(), reason: { kind: 'prerelease' } });
      }
    }
  }
  for (const excluded of listing.excluded) ruledOut.push({ version: excluded.version, reason: excluded.reason });
  return {
    name,
    onIndex: true,
    versions: usable.filter((v) => !v.yanked).map((v) => v.version.toString()),
    ruledOut,
  };
}

/** Builds the error for the causes of the final conflict. */
export async function explainNoSolution(
  rawCauses: readonly Cause[],
  context: ExplainContext,
): Promise<NoSolutionError> {
  const python = context.pythonVersion.toString();
  const pythonCauses = rawCauses.filter(
    (c) =>
      c.requirement.kind === 'requires-python' &&
      !c.requirement.specifier.contains(context.pythonVersion, { prereleases: true }),
  );
  const relevant = pythonCauses.length > 0 ? pythonCauses : rawCauses;
  const causes: ConflictCause[] = relevant.map((c) => ({
    requirement: requirementText(c.requirement),
    name: requirementName(c.requirement),
    requiredBy: requiredBy(c),
  }));

  const names = [...new Set(causes.map((c) => c.name).filter((n): n is PackageName => n !== null))].sort();
  const constraints = names.flatMap((name) => {
    const entry = context.constraints.get(name);
    return entry === undefined ? [] : [{ name, specifier: entry.specifier.toString(), sources: [...entry.sources] }];
  });

  if (pythonCauses.length > 0) {
    const explanation: NoSolutionExplanation = {
      kind: 'requires-python',
      pythonVersion: python,
      causes,
      constraints,
      projects: [],
      steps: [],
    };
    const parts = causes.map((c) => `${describeRequiredBy(c.requiredBy)} requires ${c.requirement}`);
    const message =
      parts.length === 1
        ? `No solution: ${parts[0] ?? ''}, but the target is Python ${python}.`
        : `No solution for Python ${python}: ${parts.join('; ')}.`;
    return new NoSolutionError(
      message,
      explanation,
      `Resolve for a Python version these packages support (--python-version), or require versions that support Python ${python}.`,
    );
  }

  const single = relevant.length === 1 ? relevant[0] : undefined;
  const singleCause = causes.length === 1 ? causes[0] : undefined;
  if (single !== undefined && singleCause !== undefined && singleCause.name !== null && !context.constraints.has(singleCause.name)) {
    const report = await projectReport(singleCause.name, single.requirement, context);
    const explanation: NoSolutionExplanation = {
      kind: 'no-matching-distribution',
      pythonVersion: python,
      causes,
      constraints,
      projects: [report],
      steps: [],
    };
    const head = `No matching distribution found for ${singleCause.requirement} (required by ${describeRequiredBy(singleCause.requiredBy)})`;
    let message: string;
    if (single.requirement.kind === 'unsatisfiable') {
      message = `${head}: the direct reference gives no distribution usable for the target.`;
    } else if (!report.onIndex) {
      message = `${head}: no index has a project named ${singleCause.name}.`;
    } else {
      const available = report.versions.length > 0 ? report.versions.join(', ') : 'none';
      message = `${head}. Usable versions: ${available}.`;
      if (report.ruledOut.length > 0) {
        const ruled = report.ruledOut.map((r) => `${r.version} ${describeReason(r.reason, python)}`);
        message += ` Ruled out: ${ruled.join('; ')}.`;
      }
    }
    return new NoSolutionError(
      message,
      explanation,
      report.onIndex
        ? 'Loosen the requirement, or check the index and the target (--python-version, --python-platform).'
        : 'Check the spelling of the name and the index URLs.',
    );
  }

  const projects: ProjectReport[] = [];
  for (const name of names) {
    const report = await projectReport(name, null, context);
    if (report.versions.length === 0) projects.push(report);
  }
  const explanation: NoSolutionExplanation = {
    kind: 'conflict',
    pythonVersion: python,
    causes,
    constraints,
    projects,
    steps: [],
  };
  // One line per (parent project, requirement): backtracking often tries many versions of a parent.
  const groups = new Map<string, { cause: ConflictCause; versions: string[] }>();
  for (const cause of causes) {
    const by = cause.requiredBy;
    const key = by.kind === 'package' ? `p\u0000${by.name}\u0000${cause.requirement}` : `r\u0000${by.source}\u0000${cause.requirement}`;
    const group = groups.get(key) ?? { cause, versions: [] };
    if (by.kind === 'package' && !group.versions.includes(by.version)) group.versions.push(by.version);
    groups.set(key, group);
  }
  const triggers = new Set<string>();
  const lines: string[] = [];
  for (const { cause, versions } of groups.values()) {
    const by = cause.requiredBy;
    if (by.kind === 'root') {
      triggers.add(cause.requirement);
      lines.push(`${by.source} requires ${cause.requirement}`);
      continue;
    }
    triggers.add(versions.length === 1 ? `${by.name}==${versions[0] ?? ''}` : by.name);
    lines.push(`${by.name} ${describeVersions(versions)} ${versions.length === 1 ? 'depends' : 'depend'} on ${cause.requirement}`);
  }
  for (const constraint of constraints) {
    lines.push(`${constraint.sources.join(', ')} constrains ${constraint.name}${constraint.specifier}`);
  }
  let message =
    `Cannot install ${joinAnd([...triggers].sort())} because these package versions have conflicting dependencies: ` +
    `${lines.join('; ')}.`;
  for (const report of projects) {
    message += report.onIndex
      ? ` No version of ${report.name} is usable for the target.`
      : ` No index has a project named ${report.name}.`;
  }
  return new NoSolutionError(
    message,
    explanation,
    'Loosen the ranges of the packages named here, or remove pins so that other versions can be tried.',
  );
}

/** The error for a search stopped by a proof that no resolution exists. */
export function explainProof(proof: UnsatProof, context: Pick<ExplainContext, 'pythonVersion'>): NoSolutionError {
  const explanation: NoSolutionExplanation = {
    kind: 'dependency-chain',
    pythonVersion: context.pythonVersion.toString(),
    causes: [{ requirement: proof.requirement, name: proof.name, requiredBy: { kind: 'root', source: proof.source } }],
    constraints: [],
    projects: [],
    steps: [...proof.steps],
  };
  // A long chain reads better cut in the middle; the data keeps every step.
  const shown =
    proof.steps.length > 6
      ? [...proof.steps.slice(0, 2), `... (${proof.steps.length - 5} more steps)`, ...proof.steps.slice(-3)]
      : proof.steps;
  const why = shown.length > 0 ? `: ${shown.join('; ')}` : '';
  return new NoSolutionError(
    `No solution: ${proof.requirement} (required by ${proof.source}) cannot be installed${why}.`,
    explanation,
    'Loosen the requirements named here, or remove the pin that the chain ends in.',
  );
}
