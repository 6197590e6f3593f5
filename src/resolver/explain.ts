/**
 * Turns the engine's "no resolution" (the requirements of the last conflict and who made them)
 * into sentences a person can act on, after pip's `Factory.get_installation_error`:
 *
 * 1. a Requires-Python that excludes the target wins: "a 2.0 requires Python >=3.13, but the
 *    target is 3.12.1";
 * 2. a single failed requirement (not a constrained name): which versions exist and why each
 *    version it matches was ruled out (yanked, Requires-Python, no compatible file, pre-release),
 *    or that no index has the project;
 * 3. otherwise, when a quick proof (unsat-proof.ts) shows which root requirement cannot be
 *    installed, the chain of reasons, one line per version where versions fail differently;
 * 4. otherwise the requirements that cannot hold together, as pip lists them.
 *
 * The same facts are returned as data (`NoSolutionExplanation`) for `--json` and tests.
 */
import { joinAnd } from './join-words.js';
import { PinHashesError } from '../errors.js';
import type { PackageName } from '../pep/names.js';
import { Version } from '../pep/version.js';
import type { RequirementInformation } from './engine.js';
import type { MemoizedProvider } from './memo-provider.js';
import type { Candidate, NodeRequirement } from './model.js';
import type { ConstraintEntry } from './pip-policy.js';
import type { ExclusionReason } from './provider.js';
import type { UnsatProof, UnsatProver } from './unsat-proof.js';

export type RuledOutReason = ExclusionReason | { kind: 'yanked'; reason?: string } | { kind: 'prerelease' };

export type RequiredBy =
  /** `extras`: the extras of the package that bring the requirement in, when it is an extra's. */
  | { kind: 'package'; name: PackageName; version: string; extras?: string[] }
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
   * `requires-python`, `no-matching-distribution` (one requirement no version satisfies) and
   * `conflict` (the requirements of the search's last conflict) come from the search itself.
   * `dependency-chain`: a proof (unsat-proof.ts) that stopped the search, or that explains its
   * last conflict better; `steps` and `branches` say why the root requirement in `causes` cannot
   * be installed.
   */
  kind: 'requires-python' | 'no-matching-distribution' | 'conflict' | 'dependency-chain';
  pythonVersion: string;
  /**
   * The requirements that conflict. For `dependency-chain`: first the root requirement that
   * cannot be installed, then (when the search ended on its own) the requirements of its last conflict.
   */
  causes: ConflictCause[];
  constraints: { name: PackageName; specifier: string; sources: string[] }[];
  projects: ProjectReport[];
  steps: string[];
  /** `dependency-chain` only: one chain of steps per version where versions fail differently. */
  branches: string[][];
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
  /** Tried on a conflict, for a fuller reason than the last conflict gives. */
  readonly prover?: UnsatProver;
}

/** Metadata the proof may fetch to explain a conflict: a failed run should not crawl an index. */
const EXPLAIN_PROOF_BUDGET = 300;

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
    const requirement = cause.requirement;
    const extras = requirement.kind === 'specifier' ? requirement.viaExtras : [];
    return extras.length > 0
      ? { kind: 'package', name: parent.name, version: parent.version.toString(), extras: [...extras] }
      : { kind: 'package', name: parent.name, version: parent.version.toString() };
  }
  const requirement = cause.requirement;
  const source = requirement.kind === 'requires-python' ? null : requirement.source;
  return { kind: 'root', source: source ?? 'the input' };
}

function packageLabel(by: Extract<RequiredBy, { kind: 'package' }>): string {
  return by.extras === undefined || by.extras.length === 0 ? by.name : `${by.name}[${by.extras.join(',')}]`;
}

function describeRequiredBy(by: RequiredBy): string {
  return by.kind === 'package' ? `${packageLabel(by)} ${by.version}` : by.source;
}

function describeReason(reason: RuledOutReason, pythonVersion: string): string {
  switch (reason.kind) {
    case 'yanked':
      return reason.reason === undefined || reason.reason === '' ? 'is yanked' : `is yanked (${reason.reason})`;
    case 'requires-python':
      return `requires Python ${reason.requiresPython} (the target is ${pythonVersion})`;
    case 'no-compatible-file': {
      const target = reason.target ?? 'the target';
      const tags = reason.wheelTags ?? [];
      if (tags.length === 0) return `has no file compatible with ${target}`;
      const shown = tags.length > 3 ? `${tags.slice(0, 3).join(', ')} and ${tags.length - 3} more` : joinAnd(tags);
      return `has no file compatible with ${target} (only wheels for ${shown}, and no sdist)`;
    }
    case 'only-binary-no-wheel':
      return 'has no wheel and only binaries are allowed';
    case 'no-binary-no-sdist':
      return 'has no sdist and --no-binary rules out its wheels';
    case 'invalid-version':
      return `has an invalid version (${reason.text})`;
    case 'prerelease':
      return 'is a pre-release (allowed with --pre, or when a specifier names a pre-release)';
    case 'cooldown':
      return reason.unknownUploadTime
        ? `has no upload time on its index${reason.source ? ` (${reason.source} gives none)` : ''}, so the --exclude-newer cooldown leaves it out`
        : `was uploaded after the --exclude-newer cutoff ${reason.cutoff}`;
  }
}

/** `1.0, 2.0`, or for long lists the first two and the last three with the count. */
function listVersions(versions: readonly string[]): string {
  if (versions.length === 0) return 'none';
  if (versions.length <= 8) return versions.join(', ');
  return `${versions.slice(0, 2).join(', ')}, ..., ${versions.slice(-3).join(', ')} (${versions.length} versions)`;
}

/** `is yanked` -> `are yanked`: the verb of describeReason for several versions. */
function pluralReason(text: string): string {
  return text.replace(/^is /, 'are ').replace(/^requires /, 'require ').replace(/^has /, 'have ');
}

/**
 * `2.0 is yanked; 3.0 and 3.1 require Python >=3.13 (the target is 3.12.1)`: versions with the
 * same reason share a clause, in the order first seen; the target is named once, at the end of
 * the last Requires-Python clause.
 */
function describeRuledOut(entries: ProjectReport['ruledOut'], python: string): string {
  const targetClause = / \(the target is [^)]*\)$/;
  const groups = new Map<string, { versions: string[]; python: boolean }>();
  for (const { version, reason } of entries) {
    const text = describeReason(reason, python).replace(targetClause, '');
    const group = groups.get(text) ?? { versions: [], python: reason.kind === 'requires-python' };
    group.versions.push(version);
    groups.set(text, group);
  }
  const clauses = [...groups].map(([text, group]) => ({
    text: `${describeVersions(group.versions)} ${group.versions.length === 1 ? text : pluralReason(text)}`,
    python: group.python,
  }));
  const lastPython = clauses.map((c) => c.python).lastIndexOf(true);
  return clauses.map((c, i) => (i === lastPython ? `${c.text} (the target is ${python})` : c.text)).join('; ');
}

/** `1.0`, `1.0 and 2.0`, or `1.0 to 20.0 (20 versions)` for long lists. */
function describeVersions(versions: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  const sorted = [...versions].sort((a, b) => {
    const va = Version.tryParse(a);
    const vb = Version.tryParse(b);
    return va === null || vb === null ? (a < b ? -1 : a > b ? 1 : 0) : va.compare(vb);
  });
  if (sorted.length <= 3) return joinAnd(sorted, conjunction);
  return `${sorted[0] ?? ''} to ${sorted[sorted.length - 1] ?? ''} (${sorted.length} versions)`;
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

/** What to do about the reasons versions were ruled out, most specific first. */
function hintFor(reasons: readonly RuledOutReason[], onIndex: boolean): string {
  if (!onIndex) return 'Check the spelling of the name and the index URLs.';
  const kinds = new Set(reasons.map((r) => r.kind));
  if (kinds.has('requires-python')) {
    return 'Resolve for a Python version these releases support (--python-version), or loosen the requirement.';
  }
  if (kinds.has('only-binary-no-wheel')) return 'Allow the sdist (drop --only-binary for this package), or loosen the requirement.';
  if (kinds.has('no-binary-no-sdist')) return 'Allow wheels (drop --no-binary for this package), or loosen the requirement.';
  if (kinds.has('no-compatible-file')) return 'Check the target (--python-version, --python-platform), or loosen the requirement.';
  if (kinds.has('cooldown')) {
    return 'The release cooldown leaves these out: wait, or take this package now with --exclude-newer-package NAME=false (--exclude-newer-allow-unknown keeps files without upload times).';
  }
  if (kinds.has('yanked')) return 'A yanked release is used only when a requirement pins it exactly (==); pin it, or loosen the requirement.';
  if (kinds.has('prerelease')) return 'Allow pre-releases (--pre, or name a pre-release in the specifier), or loosen the requirement.';
  return 'Loosen the requirement, or check the index and the target (--python-version, --python-platform).';
}

/** Ruled-out versions the requirement would otherwise match: the others are beside the point. */
function ruledOutMatching(report: ProjectReport, requirement: NodeRequirement): ProjectReport['ruledOut'] {
  if (requirement.kind !== 'specifier') return report.ruledOut;
  const specifier = requirement.specifier;
  return report.ruledOut.filter((r) => {
    const version = Version.tryParse(r.version);
    return version === null || specifier.contains(version, { prereleases: true });
  });
}

/** Builds the error for the causes of the final conflict: the kind of failure picks the explanation. */
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

  if (pythonCauses.length > 0) return requiresPythonError(causes, constraints, python);

  const single = relevant.length === 1 ? relevant[0] : undefined;
  const singleCause = causes.length === 1 ? causes[0] : undefined;
  if (single !== undefined && singleCause !== undefined && singleCause.name !== null && !context.constraints.has(singleCause.name)) {
    return noMatchingDistributionError(single, { ...singleCause, name: singleCause.name }, causes, constraints, context);
  }

  if (context.prover !== undefined) {
    // The last conflict is often a symptom; a proof names the root requirement that cannot hold.
    // A one-step proof ("no version matches both a>=2 and a<2") says no more than the conflict does.
    const proof = await context.prover.attempt(EXPLAIN_PROOF_BUDGET);
    if (proof !== null && (proof.steps.length > 1 || proof.branches.length > 0)) return explainProof(proof, context, causes);
  }
  return conflictError(causes, names, constraints, context);
}

type ConstraintNote = NoSolutionExplanation['constraints'][number];

/** The target's Python is outside what the chosen versions require. */
function requiresPythonError(causes: ConflictCause[], constraints: ConstraintNote[], python: string): NoSolutionError {
  const explanation: NoSolutionExplanation = {
    kind: 'requires-python',
    pythonVersion: python,
    causes,
    constraints,
    projects: [],
    steps: [],
    branches: [],
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

/** One requirement that nothing on the index satisfies: say what there is and what was ruled out. */
async function noMatchingDistributionError(
  single: Cause,
  singleCause: ConflictCause & { name: PackageName },
  causes: ConflictCause[],
  constraints: ConstraintNote[],
  context: ExplainContext,
): Promise<NoSolutionError> {
  const python = context.pythonVersion.toString();
  const report = await projectReport(singleCause.name, single.requirement, context);
  const explanation: NoSolutionExplanation = {
    kind: 'no-matching-distribution',
    pythonVersion: python,
    causes,
    constraints,
    projects: [report],
    steps: [],
    branches: [],
  };
  const head = `No matching distribution found for ${singleCause.requirement} (required by ${describeRequiredBy(singleCause.requiredBy)})`;
  const ruledOut = ruledOutMatching(report, single.requirement);
  let message: string;
  if (single.requirement.kind === 'unsatisfiable') {
    message = `${head}: the direct reference gives no distribution usable for the target.`;
  } else if (!report.onIndex) {
    message = `${head}: no index has a project named ${singleCause.name}.`;
  } else {
    message = `${head}. Usable versions: ${listVersions(report.versions)}.`;
    if (ruledOut.length > 0) {
      message += ` Ruled out: ${describeRuledOut(ruledOut, python)}.`;
    } else if (report.versions.length === 0 && report.ruledOut.length > 0) {
      // Nothing matches, and nothing else is usable either: say why, or the line explains nothing.
      message += ` No version matches ${singleCause.requirement}; the others are ruled out: ${describeRuledOut(report.ruledOut, python)}.`;
    }
  }
  const reasons = ruledOut.length > 0 || report.versions.length > 0 ? ruledOut : report.ruledOut;
  return new NoSolutionError(message, explanation, hintFor(reasons.map((r) => r.reason), report.onIndex));
}

/** Requirements that cannot hold together: one line per parent and requirement, then the constraints. */
async function conflictError(
  causes: ConflictCause[],
  names: PackageName[],
  constraints: ConstraintNote[],
  context: ExplainContext,
): Promise<NoSolutionError> {
  const python = context.pythonVersion.toString();
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
    branches: [],
  };
  // One line per (parent project and extras, requirement): backtracking often tries many
  // versions of a parent.
  const groups = new Map<string, { cause: ConflictCause; versions: string[] }>();
  const parentVersions = new Map<PackageName, string[]>();
  const parentExtras = new Map<PackageName, Set<string>>();
  for (const cause of causes) {
    const by = cause.requiredBy;
    const key =
      by.kind === 'package' ? `p\u0000${packageLabel(by)}\u0000${cause.requirement}` : `r\u0000${by.source}\u0000${cause.requirement}`;
    const group = groups.get(key) ?? { cause, versions: [] };
    if (by.kind === 'package' && !group.versions.includes(by.version)) group.versions.push(by.version);
    groups.set(key, group);
    if (by.kind === 'package') {
      const versions = parentVersions.get(by.name) ?? [];
      if (!versions.includes(by.version)) versions.push(by.version);
      parentVersions.set(by.name, versions);
      const extras = parentExtras.get(by.name) ?? new Set<string>();
      for (const extra of by.extras ?? []) extras.add(extra);
      parentExtras.set(by.name, extras);
    }
  }
  const triggers = new Set<string>();
  for (const cause of causes) if (cause.requiredBy.kind === 'root') triggers.add(cause.requirement);
  for (const [name, versions] of parentVersions) {
    // `a==1.0`, `a[x,y]==1.0`, or `a (1.0 or 3.0)` when several versions of a were tried.
    const extras = [...(parentExtras.get(name) ?? [])].sort();
    const label = extras.length > 0 ? `${name}[${extras.join(',')}]` : name;
    triggers.add(versions.length === 1 ? `${label}==${versions[0] ?? ''}` : `${label} (${describeVersions(versions, 'or')})`);
  }
  const lines: string[] = [];
  for (const { cause, versions } of groups.values()) {
    const by = cause.requiredBy;
    if (by.kind === 'root') {
      lines.push(`${by.source} requires ${cause.requirement}`);
      continue;
    }
    lines.push(`${packageLabel(by)} ${describeVersions(versions)} ${versions.length === 1 ? 'depends' : 'depend'} on ${cause.requirement}`);
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
  const extrasConflict = causes.some((c) => c.requiredBy.kind === 'package' && (c.requiredBy.extras ?? []).length > 0);
  return new NoSolutionError(
    message,
    explanation,
    extrasConflict
      ? 'The extras named here need conflicting versions: request fewer of them, or loosen the ranges of the packages named here.'
      : 'Loosen the ranges of the packages named here, or remove pins so that other versions can be tried.',
  );
}

/**
 * The error for a proof that no resolution exists: from a search the proof stopped, or found
 * to explain a conflict (then `conflictCauses` keeps the engine's last conflict in the data).
 */
export function explainProof(
  proof: UnsatProof,
  context: Pick<ExplainContext, 'pythonVersion'>,
  conflictCauses: readonly ConflictCause[] = [],
): NoSolutionError {
  const root: ConflictCause = { requirement: proof.requirement, name: proof.name, requiredBy: { kind: 'root', source: proof.source } };
  const explanation: NoSolutionExplanation = {
    kind: 'dependency-chain',
    pythonVersion: context.pythonVersion.toString(),
    causes: [root, ...conflictCauses],
    constraints: [],
    projects: [],
    steps: [...proof.steps],
    branches: proof.branches.map((b) => [...b]),
  };
  const head = `No solution: ${proof.requirement} (required by ${proof.source}) cannot be installed`;
  const hint = 'Loosen the requirements named here, or remove the pin that the chain ends in.';
  if (proof.branches.length === 0) {
    // A long chain reads better cut in the middle; the data keeps every step.
    const why = shown(proof.steps);
    return new NoSolutionError(`${head}${why.length > 0 ? `: ${why.join('; ')}` : ''}.`, explanation, hint);
  }
  const lines = proof.branches.map((branch) => `  ${shown(branch).join('; ')}.`);
  const lead = proof.steps.length > 0 ? `: ${shown(proof.steps).join('; ')}, and` : ':';
  return new NoSolutionError(`${head}${lead}\n${lines.join('\n')}`, explanation, hint);
}

function shown(steps: readonly string[]): readonly string[] {
  return steps.length > 6 ? [...steps.slice(0, 2), `... (${steps.length - 5} more steps)`, ...steps.slice(-3)] : steps;
}
