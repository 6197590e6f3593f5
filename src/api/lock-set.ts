/**
 * Several locks in one run (`lock --all`, `check --all`), listed in pyproject.toml:
 *
 *     [tool.pin-hashes]
 *     locks = [
 *       { inputs = ["requirements.in"] },
 *       { inputs = ["dev.in"], output-file = "dev.txt" },
 *       { inputs = ["pyproject.toml"], extra = ["docs"], output-file = "docs.txt" },
 *     ]
 *
 * An entry's keys are `inputs` and the long names of the lock-shaping flags (api/lock-flags.ts:
 * the rows a header records), with TOML values of the flag's kind; the command line's flags apply
 * to every entry, and an entry's own key replaces the command line's value. The locks run one
 * after another in one process, so the digest and page caches serve a file or page that several
 * locks share once. A lock that reads another's output (pip-tools' layering: `-c requirements.txt`
 * in dev.in) runs after it, whatever the order of the list.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { PinHashesError } from '../errors.js';
import { readBoundedText } from '../fs/bounded-read.js';
import { inputKind } from '../inputs/index.js';
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
  if (!Array.isArray(locks) || locks.length === 0) {
    throw setError(`${LOCK_SET_FILE} has no [tool.pin-hashes] locks list for --all`, 'Add one, e.g.\n  [tool.pin-hashes]\n  locks = [{ inputs = ["requirements.in"] }, { inputs = ["dev.in"], output-file = "dev.txt" }]');
  }
  if (locks.length > MAX_LOCKS) throw setError(`${LOCK_SET_FILE} lists ${locks.length} locks; at most ${MAX_LOCKS} are read`, 'Split the list.');
  const entries = locks.map((entry, i) => readEntry(entry, `[tool.pin-hashes] locks[${i}]`));
  const outputs = entries.map((e) => resolvePath(cwd, e.outputFile ?? defaultOutput(e.inputs)));
  const seen = new Map<string, number>();
  outputs.forEach((output, i) => {
    const earlier = seen.get(output);
    if (earlier !== undefined) throw setError(`${LOCK_SET_FILE}: locks[${earlier}] and locks[${i}] both write ${entries[i]?.outputFile ?? defaultOutput(entries[i]?.inputs ?? [])}`, 'Give each lock its own output-file.');
    seen.set(output, i);
  });
  return runOrder(entries, outputs, await Promise.all(entries.map((e) => filesRead(cwd, e))));
}

/** The flags an entry may set: those that shape a lock (a header records them). */
const ENTRY_FLAGS: ReadonlyMap<string, LockFlag> = new Map(LOCK_FLAGS.filter((f) => f.header !== undefined).map((f) => [f.name, f]));

function readEntry(entry: unknown, where: string): LockSetEntry {
  if (!isTable(entry)) throw setError(`${LOCK_SET_FILE} ${where} is not a table`, 'Write each lock as a table: { inputs = ["requirements.in"] }.');
  const inputs = entry['inputs'];
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((v) => typeof v === 'string' && v !== '')) {
    throw setError(`${LOCK_SET_FILE} ${where}.inputs must be a non-empty list of file names`, 'e.g. inputs = ["requirements.in"]');
  }
  const out: Record<string, unknown> = { inputs: [...inputs] };
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'inputs') continue;
    const flag = ENTRY_FLAGS.get(key);
    if (flag === undefined) {
      throw setError(`${LOCK_SET_FILE} ${where}: unknown key ${JSON.stringify(key)}`, `An entry takes inputs and the flags that shape a lock: ${[...ENTRY_FLAGS.keys()].join(', ')}.`);
    }
    const problem = tomlValueProblem(flag, value);
    if (problem !== undefined) throw setError(`${LOCK_SET_FILE} ${where}.${key} ${problem}`, `Write it as the --${flag.name} flag takes it.`);
    out[flag.key] = Array.isArray(value) ? [...(value as string[])] : value;
  }
  return out as LockSetEntry;
}

function tomlValueProblem(flag: LockFlag, value: unknown): string | undefined {
  switch (flag.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '') ? undefined : 'must be a list of strings';
    case 'number':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : 'must be a whole number';
    case 'choice':
      return typeof value === 'string' && (flag.choices ?? []).includes(value) ? undefined : `must be one of ${(flag.choices ?? []).join(', ')}`;
    case 'string':
      if (typeof value !== 'string' || value === '') return 'must be a non-empty string';
      return flag.pattern && !flag.pattern.regex.test(value) ? `${JSON.stringify(value)}: ${flag.pattern.message}` : undefined;
  }
}

/**
 * The requirements files an entry names and their `-r` / `-c` lines, read as text (a file they
 * name may be a lock not made yet): enough to see which entry reads another's output.
 */
async function filesRead(cwd: string, entry: LockSetEntry): Promise<Set<string>> {
  const found = new Set<string>((entry.constraints ?? []).map((c) => resolvePath(cwd, c)));
  for (const input of entry.inputs) {
    const path = resolvePath(cwd, input);
    found.add(path);
    if (inputKind(input) !== 'requirements') continue;
    const text = await readBoundedText(path).catch(() => '');
    for (const line of text.split(/\r?\n/)) {
      const match = /^\s*(?:-[rc]|--requirement|--constraint)(?:\s*=\s*|\s+|(?=[^\s=]))(\S+)/.exec(line);
      if (match?.[1]) found.add(resolvePath(dirname(path), match[1]));
    }
  }
  return found;
}

/** Listed order, except that an entry runs after every entry whose output it reads. */
function runOrder(entries: readonly LockSetEntry[], outputs: readonly string[], reads: readonly Set<string>[]): LockSetEntry[] {
  const before = entries.map((_, i) => outputs.flatMap((output, j) => (j !== i && reads[i]?.has(output) ? [j] : [])));
  const order: number[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number, path: number[]): void => {
    if (state.get(i) === 'done') return;
    if (state.get(i) === 'visiting') {
      const names = [...path.slice(path.indexOf(i)), i].map((k) => `locks[${k}]`).join(' -> ');
      throw setError(`${LOCK_SET_FILE}: the locks read each other's outputs in a circle (${names})`, 'A lock can build on another (-c requirements.txt), not on itself through others.');
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
