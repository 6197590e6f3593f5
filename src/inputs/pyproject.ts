/**
 * Reading a pyproject.toml input: PEP 621 `[project]` (dependencies, optional-dependencies,
 * dynamic) and PEP 735 `[dependency-groups]` (PROTOCOLS.md §8). The file may be anything a
 * lock's header names: it is read bounded (fs/bounded-read.ts), parsed with a nesting limit, and
 * every value is type-checked before use, so a hostile file is an exit-2 message, never a crash.
 */
import { parse, TomlError } from 'smol-toml';
import { normalizeExtra, normalizeName } from '../pep/names.js';
import { listed, projectError, type DependencyGroup, type ProjectEntry, type ProjectExtra, type ProjectInput } from './project.js';
import { TextPositions, type Position } from './text-lines.js';

type Table = Record<string, unknown>;

/** Inline arrays and tables nest this deep at most; real files nest two or three levels. */
const MAX_TOML_DEPTH = 32;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isTable(value)) return 'a table';
  if (value instanceof Date) return 'a date';
  return `a ${typeof value}`;
}

export function parseToml(text: string, file: string): Table {
  try {
    return parse(text, { maxDepth: MAX_TOML_DEPTH }) as Table;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
    throw projectError(file, `not valid TOML: ${reason}`, 'Fix the TOML syntax (python3 -c "import tomllib,sys; tomllib.load(open(sys.argv[1],\'rb\'))" FILE shows the same error).', error.line);
  }
}

const START: Position = { line: 1, offset: 0 };

export function readPyproject(text: string, file: string): ProjectInput {
  const doc = parseToml(text, file);
  const at = new TextPositions(text);
  const project = doc['project'];
  const groupsValue = doc['dependency-groups'];
  if (project === undefined && groupsValue === undefined) {
    throw projectError(file, 'has neither a [project] table nor [dependency-groups]: nothing to lock', 'Its dependencies may be set by a build backend (setup.py, Poetry\'s [tool.poetry]): pin-hashes reads only static PEP 621 [project] tables; list them in [project].dependencies, or lock a requirements file.');
  }
  if (project !== undefined && !isTable(project)) throw projectError(file, `[project] is ${describe(project)}, not a table`, 'Write [project] as a table (PEP 621).');
  const groups = readGroups(at, file, groupsValue);
  if (project === undefined) {
    return { file, name: null, version: null, dependencies: null, dependenciesKey: '[project].dependencies', extrasKey: '[project.optional-dependencies]', extras: new Map(), extrasDynamic: null, groups };
  }
  const projectAt = at.match(/^[ \t]*\[[ \t]*project[ \t]*\]/m, 0, START);
  const name = project['name'];
  if (typeof name !== 'string' || name === '') throw projectError(file, '[project] has no name', 'PEP 621 requires [project].name: add name = "..."', projectAt.line);
  const dynamic = stringArray(file, project['dynamic'], '[project].dynamic', at, keyPosition(at, 'dynamic', projectAt));
  if (dynamic.some((d) => d.text === 'dependencies')) {
    throw projectError(
      file,
      '[project].dynamic lists "dependencies": a build backend computes them, and pin-hashes does not run build backends',
      'List the dependencies statically in [project].dependencies and remove "dependencies" from [project].dynamic, or lock a requirements file (e.g. one written by pip-compile from this project).',
      dynamic.find((d) => d.text === 'dependencies')?.line,
    );
  }
  const version = typeof project['version'] === 'string' ? project['version'] : null;
  const dependencies = stringArray(file, project['dependencies'], '[project].dependencies', at, keyPosition(at, 'dependencies', projectAt));
  const extrasDynamic = dynamic.some((d) => d.text === 'optional-dependencies')
    ? '[project].dynamic lists "optional-dependencies": a build backend computes the extras, and pin-hashes does not run build backends'
    : null;
  return { file, name, version, dependencies, dependenciesKey: '[project].dependencies', extrasKey: '[project.optional-dependencies]', extras: readExtras(at, file, project['optional-dependencies']), extrasDynamic, groups };
}

/** An array of strings, each with its line (searched from `start`); absent is empty. */
function stringArray(file: string, value: unknown, key: string, at: TextPositions, start: Position): ProjectEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw projectError(file, `${key} is ${describe(value)}, not an array of strings`, `Write ${key} as an array of strings, e.g. ["requests>=2"].`, start.line);
  let cursor = start;
  return value.map((item: unknown, index) => {
    if (typeof item !== 'string') throw projectError(file, `${key}: item ${index + 1} is ${describe(item)}, not a string`, `Write each item of ${key} as a string, e.g. "requests>=2".`, cursor.line);
    cursor = at.quoted(item, cursor.offset, { line: start.line, offset: cursor.offset });
    return { text: item, line: cursor.line };
  });
}

/**
 * Where `key =` is written after `from` (keys come in the order written, so each search starts
 * where the last key was found), else after the table's header, else the header's line.
 */
function keyPosition(at: TextPositions, key: string, header: Position, from: Position = header): Position {
  const pattern = new RegExp(`^[ \\t]*["']?${escapeRegExp(key)}["']?[ \\t]*=`, 'm');
  const found = at.match(pattern, from.offset, header);
  return found !== header || from === header ? found : at.match(pattern, header.offset, header);
}

function readExtras(at: TextPositions, file: string, value: unknown): Map<string, ProjectExtra> {
  const extras = new Map<string, ProjectExtra>();
  if (value === undefined) return extras;
  const header = at.match(/^[ \t]*\[[ \t]*project[ \t]*\.[ \t]*optional-dependencies[ \t]*\]|^[ \t]*optional-dependencies[ \t]*=/m, 0, START);
  if (!isTable(value)) throw projectError(file, `[project.optional-dependencies] is ${describe(value)}, not a table`, 'Write it as a table of extra names to arrays of requirement strings.', header.line);
  let last = header;
  for (const [written, deps] of Object.entries(value)) {
    const key = normalizeExtra(written);
    const previous = extras.get(key);
    if (previous !== undefined) {
      throw projectError(file, `[project.optional-dependencies] defines the extra "${key}" twice (as ${listed([previous.written, written])})`, 'Extra names are compared normalized (PEP 685): merge the two.', header.line);
    }
    last = keyPosition(at, written, header, last);
    extras.set(key, { written, entries: stringArray(file, deps, `[project.optional-dependencies] ${written}`, at, last) });
  }
  return extras;
}

function readGroups(at: TextPositions, file: string, value: unknown): Map<string, DependencyGroup> {
  const groups = new Map<string, DependencyGroup>();
  if (value === undefined) return groups;
  const header = at.match(/^[ \t]*\[[ \t]*dependency-groups[ \t]*\]|^[ \t]*dependency-groups[ \t]*=/m, 0, START);
  if (!isTable(value)) throw projectError(file, `[dependency-groups] is ${describe(value)}, not a table`, 'Write it as a table of group names to arrays (PEP 735).', header.line);
  let last = header;
  for (const [written, items] of Object.entries(value)) {
    const key = normalizeName(written);
    const previous = groups.get(key);
    if (previous !== undefined) {
      throw projectError(file, `[dependency-groups] defines the group "${key}" twice (as ${listed([previous.written, written])})`, 'Group names are compared normalized (PEP 735): merge the two.', header.line);
    }
    const start = keyPosition(at, written, header, last);
    last = start;
    // PEP 735: only the groups a run uses are validated (project.ts), so a broken one is kept as is.
    if (!Array.isArray(items)) {
      groups.set(key, { written, line: start.line, items: null, problem: `is ${describe(items)}, not an array` });
      continue;
    }
    let cursor = start;
    const located = items.map((item: unknown) => {
      if (typeof item !== 'string') return { value: item, line: start.line };
      cursor = at.quoted(item, cursor.offset, { line: start.line, offset: cursor.offset });
      return { value: item, line: cursor.line };
    });
    groups.set(key, { written, line: start.line, items: located, problem: null });
  }
  return groups;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
