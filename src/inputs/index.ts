/**
 * The inputs of a run, of whatever kind: requirements files (requirements/, pip's syntax), and a
 * project's own `pyproject.toml` (PEP 621 and PEP 735) or static `setup.cfg`. The kind is told by
 * the file's name; anything not named pyproject.toml or setup.cfg is a requirements file. The
 * result has the shape of a requirements-file reading, so everything downstream is the same.
 */
import { basename, isAbsolute, normalize, relative, resolve } from 'node:path';
import { PinHashesError } from '../errors.js';
import { readBoundedFile } from '../fs/bounded-read.js';
import { normalizeExtra, normalizeName } from '../pep/names.js';
import { describeFsError, readRequirementsFiles, type ReadRequirementsOptions, type RequirementsInput } from '../requirements/index.js';
import { definedBy, listed, projectError, projectRequirements, type ProjectInput, type ProjectSelection } from './project.js';
import { readPyproject } from './pyproject.js';
import { readSetupCfg } from './setup-cfg.js';

export type { ProjectSelection } from './project.js';

export type InputKind = 'pyproject' | 'setup-cfg' | 'requirements';

export function inputKind(path: string): InputKind {
  const name = basename(path);
  if (name === 'pyproject.toml') return 'pyproject';
  if (name === 'setup.cfg') return 'setup-cfg';
  return 'requirements';
}

export interface ReadInputsOptions extends ReadRequirementsOptions {
  /** --extra, --all-extras, --group; default none. */
  readonly selection?: ProjectSelection;
}

const NO_SELECTION: ProjectSelection = { extras: [], allExtras: false, groups: [] };

/** Reads every input; throws PinHashesError INPUT_ERROR (exit 2) naming the file, and the key or line where known. */
export async function readInputs(paths: readonly string[], options: ReadInputsOptions = {}): Promise<RequirementsInput> {
  const cwd = options.cwd ?? process.cwd();
  const selection = options.selection ?? NO_SELECTION;
  const projects: ProjectInput[] = [];
  for (const path of paths) if (inputKind(path) !== 'requirements') projects.push(await readProjectFile(path, cwd));
  checkSelection(projects, selection);
  const read = await readRequirementsFiles(paths.filter((p) => inputKind(p) === 'requirements'), options);
  const fromProjects = projects.flatMap((project) => {
    const { extras, groups } = definedBy(project, selection);
    return projectRequirements(project, selection.allExtras ? 'all' : extras, groups);
  });
  return { ...read, files: [...new Set([...projects.map((p) => p.file), ...read.files])], requirements: [...fromProjects, ...read.requirements] };
}

async function readProjectFile(path: string, cwd: string): Promise<ProjectInput> {
  const file = displayPath(cwd, path);
  const kind = inputKind(path) === 'pyproject' ? 'pyproject.toml' : 'setup.cfg';
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(resolve(cwd, path));
  } catch (error) {
    throw new PinHashesError('INPUT_ERROR', `${file}: could not open ${kind}: ${describeFsError(error)}.`, {
      exitCode: 2,
      hint: 'Check the path; the inputs a lock header names are relative to the lock\'s folder.',
      cause: error,
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw projectError(file, `is not valid UTF-8 text`, `${kind} is read as UTF-8: save it in that encoding.`);
  }
  return kind === 'pyproject.toml' ? readPyproject(text, file) : readSetupCfg(text, file);
}

/** The user's own spelling when relative; relative to cwd when an absolute path is inside it. */
function displayPath(cwd: string, path: string): string {
  if (!isAbsolute(path)) return normalize(path);
  const fromCwd = relative(cwd, path);
  return fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd) ? path : fromCwd;
}

/** Every --extra and --group must be defined by a project input (pip-compile, too, refuses an unknown extra). */
function checkSelection(projects: readonly ProjectInput[], selection: ProjectSelection): void {
  const asked = [...selection.extras.map((e) => `--extra ${e}`), ...(selection.allExtras ? ['--all-extras'] : []), ...selection.groups.map((g) => `--group ${g}`)];
  if (projects.length === 0 && asked.length > 0) {
    throw new PinHashesError('USAGE', `${asked[0] ?? ''} chooses from a pyproject.toml or setup.cfg input, and no input is one`, {
      exitCode: 2,
      hint: 'Name the project file as an input, e.g. pin-hashes lock pyproject.toml --extra docs.',
    });
  }
  for (const extra of selection.extras) {
    if (projects.some((p) => p.extras.has(normalizeExtra(extra)))) continue;
    const why = projects.map((p) => p.extrasDynamic !== null ? `${p.file}: ${p.extrasDynamic}` : `${p.file}: ${p.extrasKey} has no extra "${extra}" (it defines ${listed([...p.extras.values()].map((e) => e.written))})`);
    throw new PinHashesError('INPUT_ERROR', why.join('; '), { exitCode: 2, hint: 'Name an extra the project defines (names are compared normalized: Foo_Bar is foo-bar), or drop --extra.' });
  }
  for (const group of selection.groups) {
    if (projects.some((p) => p.groups.has(normalizeName(group)))) continue;
    const why = projects.map((p) => `${p.file}: [dependency-groups] has no group "${group}" (it defines ${listed([...p.groups.values()].map((g) => g.written))})`);
    throw new PinHashesError('INPUT_ERROR', why.join('; '), { exitCode: 2, hint: 'Name a group the project defines (names are compared normalized, PEP 735), or drop --group.' });
  }
}
