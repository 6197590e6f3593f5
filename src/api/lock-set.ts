/**
 * Several locks in one run (`lock --all`, `check --all`), listed in pyproject.toml:
 *
 *     [tool.pin-hashes]
 *     index-url = "https://pypi.example/simple/"      # for every lock below
 *     locks = [
 *       { inputs = ["requirements.in"] },
 *       { inputs = ["dev.in"], output-file = "dev.txt" },
 *       { inputs = ["pyproject.toml"], extra = ["docs"], output-file = "docs.txt" },
 *     ]
 *
 * The table's keys and an entry's are the long names of the lock-shaping flags (api/lock-flags.ts:
 * the rows a header records), with TOML values of the flag's kind; an entry's key replaces the
 * table's. Those options come from this file only, never from the command line, so `check --all`
 * can tell that a lock was made with what the list asks for now. The locks run one after another
 * in one process, so the digest and page caches serve a file or page several locks share once. A
 * lock that reads another's output (pip-tools' layering: `-c requirements.txt` in dev.in, also
 * through `-r` includes) runs after it, whatever the order of the list.
 *
 * The file is the repository's, so what it names stays in the repository (fs/project-scope.ts):
 * a lock is never written, nor an input read, outside it.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { PinHashesError } from '../errors.js';
import { readBoundedText } from '../fs/bounded-read.js';
import { outsideRoot, projectRoot } from '../fs/project-scope.js';
import { stripCredentials } from '../http/redact.js';
import { isUrl } from '../http/url-text.js';
import { inputKind } from '../inputs/index.js';
import { parseRequirementsText } from '../requirements/index.js';
import { parseToml } from '../inputs/pyproject.js';
import { LOCK_FLAGS, type LockFlag } from './lock-flags.js';
import type { LockOptions } from './options.js';
import { defaultOutput } from './prepare.js';

export const LOCK_SET_FILE = 'pyproject.toml';

/** Per lock, the options it sets itself (inputs always). */
export type LockSetEntry = Partial<LockOptions> & { inputs: string[] };

/** Entries more than this are refused: the list is written by hand. */
const MAX_LOCKS = 256;

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** The entries of `[tool.pin-hashes] locks` in `cwd`'s pyproject.toml, in the order they must run. */
export async function readLockSet(cwd: string): Promise<LockSetEntry[]> {
  const file = resolvePath(cwd, LOCK_SET_FILE);
  let text: string;
  try {
    text = await readBoundedText(file);
  } catch {
    throw setError(`--all reads the locks to make from ${LOCK_SET_FILE}, and there is none in ${cwd}`, 'Run it where your pyproject.toml is, or name the inputs instead of --all.');
  }
  const doc = parseToml(text, LOCK_SET_FILE);
  const tool = isTable(doc['tool']) ? doc['tool']['pin-hashes'] : undefined;
  const locks = isTable(tool) ? tool['locks'] : undefined;
  if (!isTable(tool) || !Array.isArray(locks) || locks.length === 0) {
    throw setError(`${LOCK_SET_FILE} has no [tool.pin-hashes] locks list for --all`, 'Add one, e.g.\n  [tool.pin-hashes]\n  locks = [{ inputs = ["requirements.in"] }, { inputs = ["dev.in"], output-file = "dev.txt" }]');
  }
  if (locks.length > MAX_LOCKS) throw setError(`${LOCK_SET_FILE} lists ${locks.length} locks; at most ${MAX_LOCKS} are read`, 'Split the list.');
  const { locks: _list, ...shared } = tool;
  const defaults = readOptions(shared, '[tool.pin-hashes]');
  const entries = locks.map((entry, i) => {
    const where = `[tool.pin-hashes] locks[${i}]`;
    if (!isTable(entry)) throw setError(`${LOCK_SET_FILE} ${where} is not a table`, 'Write each lock as a table: { inputs = ["requirements.in"] }.');
    const { inputs, ...rest } = entry;
    if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((v) => typeof v === 'string' && v !== '')) {
      throw setError(`${LOCK_SET_FILE} ${where}.inputs must be a non-empty list of file names`, 'e.g. inputs = ["requirements.in"]');
    }
    return { ...defaults, ...readOptions(rest, where), inputs: [...(inputs as string[])] } as LockSetEntry;
  });
  const outputs = entries.map((e) => resolvePath(cwd, e.outputFile ?? defaultOutput(e.inputs)));
  assertInProject(cwd, entries);
  const inputs = new Set(entries.flatMap((e) => e.inputs.map((input) => resolvePath(cwd, input))));
  const seen = new Map<string, number>();
  outputs.forEach((output, i) => {
    const written = entries[i]?.outputFile ?? defaultOutput(entries[i]?.inputs ?? []);
    const earlier = seen.get(output);
    if (earlier !== undefined) throw setError(`${LOCK_SET_FILE}: locks[${earlier}] and locks[${i}] both write ${written}`, 'Give each lock its own output-file.');
    if (inputs.has(output)) throw setError(`${LOCK_SET_FILE}: locks[${i}] would write its lock over ${written}, which a lock of the list reads as an input`, 'Name another output-file.');
    seen.set(output, i);
  });
  return runOrder(entries, outputs, await Promise.all(entries.map((e) => filesRead(cwd, e))));
}

/** Inputs, constraints, find-links folders and outputs: inside the repository, and files, not URLs or '-'. */
function assertInProject(cwd: string, entries: readonly LockSetEntry[]): void {
  const root = projectRoot(cwd);
  entries.forEach((entry, i) => {
    const where = `[tool.pin-hashes] locks[${i}]`;
    if (entry.outputFile === '-') throw setError(`${LOCK_SET_FILE} ${where}.output-file is '-': --all writes every lock to a file`, 'Name a file.');
    const named: [string, string][] = [
      ...entry.inputs.map((input): [string, string] => ['inputs', input]),
      ...(entry.constraints ?? []).map((c): [string, string] => ['constraint', c]),
      ...(entry.findLinks ?? []).filter((f) => !isUrl(f)).map((f): [string, string] => ['find-links', f]),
      ...(entry.trustedRoot === undefined ? [] : [['trusted-root', entry.trustedRoot] as [string, string]]),
      ['output-file', entry.outputFile ?? defaultOutput(entry.inputs)],
    ];
    for (const [key, path] of named) {
      if (key !== 'find-links' && isUrl(path)) throw setError(`${LOCK_SET_FILE} ${where}.${key}: ${stripCredentials(path)} is a URL; the list names files of the repository`, 'Name a file.');
      const why = outsideRoot(path, cwd, root);
      if (why !== undefined) throw setError(`${LOCK_SET_FILE} ${where}.${key}: ${path} is not a path inside the repository (${why})`, `Files the list names are read or written inside ${root}.`);
    }
  });
}

/** The flags an entry may set: those that shape a lock (a header records them). */
const ENTRY_FLAGS: ReadonlyMap<string, LockFlag> = new Map(LOCK_FLAGS.filter((f) => f.header !== undefined).map((f) => [f.name, f]));

/** Flag keys of the table or an entry -> LockOptions, each value checked. */
function readOptions(table: Table, where: string): Partial<LockOptions> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) {
    const flag = ENTRY_FLAGS.get(key);
    if (flag === undefined) {
      throw setError(`${LOCK_SET_FILE} ${where}: unknown key ${JSON.stringify(key)}`, `The table and each lock take the flags that shape a lock: ${[...ENTRY_FLAGS.keys()].join(', ')} (and a lock its inputs).`);
    }
    const problem = tomlValueProblem(flag, value);
    if (problem !== undefined) throw setError(`${LOCK_SET_FILE} ${where}.${key} ${problem}`, `Write it as the --${flag.name} flag takes it.`);
    out[flag.key] = Array.isArray(value) ? [...(value as string[])] : flag.kind === 'strings' ? [value] : value;
  }
  return out as Partial<LockOptions>;
}

function tomlValueProblem(flag: LockFlag, value: unknown): string | undefined {
  switch (flag.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'strings':
      // One value may be written without the list: python-version = "3.12".
      if (typeof value === 'string') return value === '' ? 'must be a non-empty string or a list of strings' : undefined;
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '') ? undefined : 'must be a string or a list of strings';
    case 'number':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : 'must be a whole number';
    case 'choice':
      return typeof value === 'string' && (flag.choices ?? []).includes(value) ? undefined : `must be one of ${(flag.choices ?? []).join(', ')}`;
    case 'string':
      if (typeof value !== 'string' || value === '') return 'must be a non-empty string';
      return flag.pattern && !flag.pattern.regex.test(value) ? `${JSON.stringify(value)}: ${flag.pattern.message}` : undefined;
  }
}

/** Includes followed this deep at most: real layouts nest two or three files. */
const MAX_INCLUDE_DEPTH = 16;

/**
 * The files an entry reads: its inputs, its constraints, and every `-r` / `-c` they include, read
 * by the requirements parser (quotes, option prefixes and `${VAR}`s as pip reads them), following
 * the includes that exist: a file they name may be a lock of the list not made yet.
 */
async function filesRead(cwd: string, entry: LockSetEntry): Promise<Set<string>> {
  const found = new Set<string>();
  const visit = async (path: string, depth: number): Promise<void> => {
    if (found.has(path)) return;
    found.add(path);
    if (depth >= MAX_INCLUDE_DEPTH || inputKind(path) !== 'requirements') return;
    const text = await readBoundedText(path).catch(() => undefined);
    if (text === undefined) return;
    let parsed;
    try {
      parsed = parseRequirementsText(text, path, { env: process.env });
    } catch {
      // The lock itself reports the file's error, with its line.
      return;
    }
    for (const line of parsed.lines) {
      if (line.kind === 'include' && !isUrl(line.path)) await visit(resolvePath(dirname(path), line.path), depth + 1);
    }
  };
  for (const path of [...entry.inputs, ...(entry.constraints ?? [])]) await visit(resolvePath(cwd, path), 0);
  return found;
}

/** Listed order, except that an entry runs after every entry whose output it reads. */
function runOrder(entries: readonly LockSetEntry[], outputs: readonly string[], reads: readonly Set<string>[]): LockSetEntry[] {
  const before = entries.map((_, i) => outputs.flatMap((output, j) => (reads[i]?.has(output) ? [j] : [])));
  const order: number[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number, path: number[]): void => {
    if (state.get(i) === 'done') return;
    if (state.get(i) === 'visiting') {
      const names = [...path.slice(path.indexOf(i)), i].map((k) => `locks[${k}]`).join(' -> ');
      throw setError(`${LOCK_SET_FILE}: the locks read each other's outputs in a circle (${names})`, 'A lock can build on another (-c requirements.txt), never on itself (directly or through others).');
    }
    state.set(i, 'visiting');
    for (const j of before[i] ?? []) visit(j, [...path, i]);
    state.set(i, 'done');
    order.push(i);
  };
  entries.forEach((_, i) => visit(i, []));
  return order.map((i) => entries[i] as LockSetEntry);
}

function setError(message: string, hint: string): PinHashesError {
  return new PinHashesError('INPUT_ERROR', message, { exitCode: 2, hint });
}
