/**
 * A project's own dependency lists, as read from a pyproject.toml or a setup.cfg, and the choice
 * of which of them a run locks (--extra, --all-extras, --group). The readers (pyproject.ts,
 * setup-cfg.ts) check the file's shape; this checks the requirement strings (PEP 508, parsed by
 * pep/requirement.ts), expands dependency groups (PEP 735) and the project's references to its
 * own extras.
 *
 * Self-references (`all = ["myproj[a,b]"]`): pip installs the project from its folder and reads
 * its own extras; uv expands them the same way. pip-compile instead writes the project itself
 * into the lock as a `file://` line (pip-tools #2002, #2110), which is neither portable nor
 * hashable. A lock cannot pin the project it is made for, so a self-reference here stands for
 * what installing it would add: `[project].dependencies` and the requirements of the named
 * extras, each under the self-reference's marker too. It is never looked up on an index.
 */
import { ParseError, PinHashesError } from '../errors.js';
import { normalizeExtra, normalizeName } from '../pep/names.js';
import { parseRequirement, type Requirement } from '../pep/requirement.js';
import { Version } from '../pep/version.js';
import { inputError } from '../requirements/input-error.js';
import type { InputRequirement } from '../requirements/index.js';

/** One requirement string of the file, with the line it was found on. */
export interface ProjectEntry {
  readonly text: string;
  readonly line: number;
}

/** An item of a dependency group as written: a requirement or `{include-group = "..."}` (checked when the group is used). */
export interface DependencyGroup {
  /** The name as written. */
  readonly written: string;
  readonly line: number;
  /** Each with the line it was found on (the group's own line when not found). */
  readonly items: readonly { readonly value: unknown; readonly line: number }[] | null;
  /** Why `items` is null: the group's value is not an array (an error only if the group is used). */
  readonly problem: string | null;
}

export interface ProjectInput {
  /** As messages name it. */
  readonly file: string;
  /** The project's name as written; null without one (a pyproject.toml with only dependency groups). */
  readonly name: string | null;
  /** A static version, for a self-reference with a specifier. */
  readonly version: string | null;
  /** null: the file has no `[project]` table (only dependency groups). */
  readonly dependencies: readonly ProjectEntry[] | null;
  /** How messages name where dependencies and extras are: `[project].dependencies`, `[options] install_requires`. */
  readonly dependenciesKey: string;
  readonly extrasKey: string;
  /** By normalized name (PEP 685). */
  readonly extras: ReadonlyMap<string, ProjectExtra>;
  /** Why extras cannot be chosen (listed in `[project].dynamic`); null when they can. */
  readonly extrasDynamic: string | null;
  /** By normalized name (PEP 735 compares them like package names). */
  readonly groups: ReadonlyMap<string, DependencyGroup>;
}

export interface ProjectExtra {
  readonly written: string;
  readonly entries: readonly ProjectEntry[];
}

/** What a run asks of its pyproject.toml / setup.cfg inputs. */
export interface ProjectSelection {
  readonly extras: readonly string[];
  readonly allExtras: boolean;
  readonly groups: readonly string[];
}

export function projectError(file: string, message: string, hint: string, line?: number): PinHashesError {
  return line === undefined
    ? new PinHashesError('INPUT_ERROR', `${file}: ${message}`, { exitCode: 2, hint })
    : inputError({ file, line }, message, hint);
}

/**
 * Most requirements one project file may expand to. Includes and self-references can multiply
 * (each of ten groups including the next one twice is 1,024 copies; extras naming each other
 * are paths, exponential in their number): past this a file is refused instead of exhausting
 * memory. Real projects expand to dozens.
 */
export const MAX_EXPANDED_REQUIREMENTS = 10_000;

/** Deepest chain of includes, or of self-references, followed: deeper is refused, not recursed into. */
export const MAX_EXPANSION_DEPTH = 64;

/** Counts what one project file expands to, across dependencies, extras and groups. */
class ExpansionBudget {
  #left = MAX_EXPANDED_REQUIREMENTS;
  constructor(private readonly file: string) {}

  spend(count: number): void {
    this.#left -= count;
    if (this.#left < 0) {
      throw projectError(
        this.file,
        `its include-groups and references to its own extras expand to more than ${MAX_EXPANDED_REQUIREMENTS} requirements`,
        'Include each group and extra once, not through several paths.',
      );
    }
  }
}

/** Appends without spreading into arguments (a long list would overflow the stack). */
function append<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}

/** A parsed requirement and where it came from. */
interface Found {
  readonly requirement: Requirement;
  readonly entry: ProjectEntry;
}

/** The extras and groups of `selection` this file defines (normalized): what readInputs checks against every project input. */
export function definedBy(project: ProjectInput, selection: ProjectSelection): { extras: Set<string>; groups: Set<string> } {
  const extras = new Set(selection.extras.map(normalizeExtra).filter((e) => project.extras.has(e)));
  const groups = new Set(selection.groups.map(normalizeName).filter((g) => project.groups.has(g)));
  return { extras, groups };
}

/** The requirements this run locks from one project file. `extras`/`groups` are normalized names it defines. */
export function projectRequirements(project: ProjectInput, extras: ReadonlySet<string> | 'all', groups: ReadonlySet<string>): InputRequirement[] {
  const chosenExtras = extras === 'all' ? [...project.extras.keys()] : [...extras];
  if (project.dependencies === null && groups.size === 0) {
    throw projectError(
      project.file,
      'has no [project] table, so there is nothing to lock but its [dependency-groups]',
      project.groups.size > 0 ? `Name a group with --group (it defines ${listed([...project.groups.values()].map((g) => g.written))}).` : 'Lock a pyproject.toml with a [project] table, or add one.',
    );
  }
  if ((extras === 'all' || chosenExtras.length > 0) && project.extrasDynamic !== null) {
    throw projectError(project.file, project.extrasDynamic, 'List the extras statically in [project.optional-dependencies] and remove "optional-dependencies" from [project].dynamic, or lock a requirements file.');
  }
  const found: Found[] = [];
  const budget = new ExpansionBudget(project.file);
  const expander = new SelfReferences(project, budget);
  // `DEPENDENCIES` active: a self-reference among the dependencies adds only its extras.
  for (const entry of project.dependencies ?? []) append(found, expander.expand(parse(project, entry, project.dependenciesKey), [DEPENDENCIES]));
  for (const extra of chosenExtras) {
    for (const entry of project.extras.get(extra)?.entries ?? []) append(found, expander.expand(parse(project, entry, `${project.extrasKey} ${extra}`)));
  }
  const groupExpander = new Groups(project, budget);
  for (const group of groups) for (const f of groupExpander.items(group, [])) append(found, expander.expand(f));
  return dedupe(found).map(({ requirement, entry }) => ({
    requirement,
    location: { file: project.file, line: entry.line },
    text: entry.text,
    hashes: [],
    constraint: false,
    project: project.name ?? '',
  }));
}

/** The same requirement reached twice (an extra chosen and also named by a self-reference) is listed once. */
function dedupe(found: readonly Found[]): Found[] {
  const seen = new Set<string>();
  return found.filter((f) => {
    const key = `${f.entry.line}\u0000${formatKey(f.requirement)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function formatKey(req: Requirement): string {
  return `${req.name}[${req.extras.join(',')}]${req.specifier.toString()}@${req.url ?? ''};${req.marker?.toString() ?? ''}`;
}

function parse(project: ProjectInput, entry: ProjectEntry, where: string): Found {
  try {
    return { requirement: parseRequirement(entry.text), entry };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw projectError(project.file, `${where}: \`${entry.text}\` is not a valid requirement: ${error.message.split('\n')[0] ?? ''}`, 'Write a PEP 508 requirement, e.g. `requests>=2.31; python_version >= "3.9"`.', entry.line);
  }
}

/** At most this many names in a message's list (a file may define 100,000 extras). */
const LISTED_AT_MOST = 20;

export function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, LISTED_AT_MOST).map((n) => `"${n}"`).join(', ');
  return names.length > LISTED_AT_MOST ? `${shown} and ${names.length - LISTED_AT_MOST} more` : shown;
}

/** Stands for `[project].dependencies` in a chain of expansions (no extra is named ''). */
const DEPENDENCIES = '';

/** Replaces `myproj[a,b]` by what installing it would add (see the file's comment). */
class SelfReferences {
  readonly #self: string | null;
  constructor(
    private readonly project: ProjectInput,
    private readonly budget: ExpansionBudget,
  ) {
    this.#self = project.name === null ? null : normalizeName(project.name);
  }

  expand(found: Found, active: readonly string[] = []): Found[] {
    const { requirement: req, entry } = found;
    if (this.#self === null || req.name !== this.#self) return [found];
    const { project } = this;
    this.checkSelfReference(found, active);
    this.budget.spend(1);
    const out: Found[] = [];
    const under = (f: Found): Found => (req.marker === null ? f : { ...f, requirement: { ...f.requirement, marker: f.requirement.marker === null ? req.marker : req.marker.and(f.requirement.marker) } });
    // The project's own dependencies, themselves expanded (one of them may be a self-reference
    // too: it must never reach an index, where another project could have this name).
    if (!active.includes(DEPENDENCIES)) {
      for (const dep of project.dependencies ?? []) {
        const expanded = this.expand(parse(project, dep, project.dependenciesKey), [...active, DEPENDENCIES]);
        this.budget.spend(expanded.length);
        for (const f of expanded) out.push(under(f));
      }
    }
    if (req.extras.length > 0 && project.extrasDynamic !== null) {
      throw projectError(project.file, `\`${entry.text}\` names extras of ${project.name ?? ''} itself, but ${project.extrasDynamic}`, 'List the extras statically in [project.optional-dependencies], or lock a requirements file.', entry.line);
    }
    for (const extra of req.extras) {
      const defined = project.extras.get(extra);
      if (defined === undefined) {
        throw projectError(project.file, `\`${entry.text}\` names the extra "${extra}" of ${project.name ?? ''} itself, which ${project.extrasKey} does not define (it defines ${listed([...project.extras.values()].map((e) => e.written))})`, 'Fix the extra\'s name, or define it.', entry.line);
      }
      // Extras that name each other are allowed (pip resolves them); each is expanded once per chain.
      if (active.includes(extra)) continue;
      for (const dep of defined.entries) {
        const expanded = this.expand(parse(project, dep, `${project.extrasKey} ${extra}`), [...active, extra]);
        this.budget.spend(expanded.length);
        for (const f of expanded) out.push(under(f));
      }
    }
    return out;
  }

  checkSelfReference({ requirement: req, entry }: Found, active: readonly string[]): void {
    const { project } = this;
    if (active.length > MAX_EXPANSION_DEPTH) {
      throw projectError(project.file, `\`${entry.text}\`: references to ${project.name ?? ''}'s own extras nest more than ${MAX_EXPANSION_DEPTH} deep`, 'Name the extras directly instead of through a chain.', entry.line);
    }
    if (req.url !== null) {
      throw projectError(project.file, `\`${entry.text}\` refers to ${project.name ?? ''} itself by URL`, `Write \`${req.rawName}[extra]\` to include the project's own extras; the project itself is not locked.`, entry.line);
    }
    if (req.specifier.isEmpty) return;
    const version = project.version === null ? null : Version.tryParse(project.version);
    if (version === null || !req.specifier.contains(version, { prereleases: true })) {
      const why = project.version === null ? 'its version is not static' : `its version is ${project.version}`;
      throw projectError(project.file, `\`${entry.text}\` refers to ${project.name ?? ''} itself with a version specifier, but ${why}`, 'Drop the specifier: a reference to the project\'s own extras needs none.', entry.line);
    }
  }
}

/** PEP 735 expansion: includes in place, recursively; a cycle or an unknown group is an error. */
class Groups {
  /** A group's items do not depend on who includes it: each is expanded once. */
  readonly #expanded = new Map<string, Found[]>();
  constructor(
    private readonly project: ProjectInput,
    private readonly budget: ExpansionBudget,
  ) {}

  /** `stack`: the groups being expanded, normalized, outermost first. */
  items(name: string, stack: readonly string[]): Found[] {
    const done = this.#expanded.get(name);
    if (done !== undefined) {
      this.budget.spend(done.length);
      return done;
    }
    const out = this.#expand(name, stack);
    this.#expanded.set(name, out);
    return out;
  }

  #expand(name: string, stack: readonly string[]): Found[] {
    const { project } = this;
    const group = project.groups.get(name);
    if (group === undefined) throw new Error(`Assertion failed: group ${name} is defined`);
    const where = `[dependency-groups] ${group.written}`;
    if (group.items === null) {
      throw projectError(project.file, `${where} ${group.problem ?? ''}`, 'Write a group as an array of requirement strings and {include-group = "NAME"} tables.', group.line);
    }
    const out: Found[] = [];
    group.items.forEach(({ value, line }, index) => {
      if (typeof value === 'string') {
        out.push(parse(project, { text: value, line }, where));
        return;
      }
      const include = includeOf(value);
      if (include === null) {
        throw projectError(project.file, `${where}: item ${index + 1} is neither a requirement string nor {include-group = "NAME"}`, 'PEP 735 allows only these two kinds of items in a group.', line);
      }
      const target = normalizeName(include);
      const included = project.groups.get(target);
      if (included === undefined) {
        throw projectError(project.file, `${where} includes the group "${include}", which [dependency-groups] does not define (it defines ${listed([...project.groups.values()].map((g) => g.written))})`, 'Fix the include-group name, or define that group.', line);
      }
      const path = [...stack, name];
      if (path.length > MAX_EXPANSION_DEPTH) {
        throw projectError(project.file, `${where}: include-group chains more than ${MAX_EXPANSION_DEPTH} deep`, 'Include the groups directly instead of through a chain.', line);
      }
      if (path.includes(target)) {
        const chain = [...path.slice(path.indexOf(target)), target].map((g) => project.groups.get(g)?.written ?? g);
        throw projectError(project.file, `[dependency-groups] include cycle: ${chain.join(' -> ')}`, 'Remove the include-group that closes the cycle.', line);
      }
      append(out, this.items(target, path));
    });
    this.budget.spend(out.length);
    return out;
  }
}

function includeOf(item: unknown): string | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return null;
  const keys = Object.keys(item);
  const value = (item as Record<string, unknown>)['include-group'];
  return keys.length === 1 && typeof value === 'string' ? value : null;
}
