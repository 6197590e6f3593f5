/**
 * The command lines people and CI type every day, read without yargs: loading and setting up
 * yargs is ~20 ms of a start-up whose whole budget over `node -e ''` is 50 ms. It reads only
 * what it fully understands, from the same flag tables yargs is declared from, and gives up
 * (undefined) on anything else: --help, --version inside a command, an unknown or misspelled
 * flag, `--`, bundled short flags, `--flag=value` on a boolean, a value that starts with a dash,
 * a repeated single-value flag, a value the table refuses. yargs then reads the same argv and
 * says what is wrong, so every message comes from one place. test/unit/cli/fast-argv.test.ts
 * holds the two readers to the same answers.
 */
import { flagValueProblem, type FlagShape } from './flag-values.js';

export interface FastFlag extends FlagShape {
  readonly alias?: string;
}

export interface FastCommand {
  readonly name: string;
  readonly flags: readonly FastFlag[];
  /** The positional argument: a list (`lock [inputs..]`) or at most one value (`check [lock]`). */
  readonly positional: { readonly name: string; readonly list: boolean };
}

export interface FastParse {
  command: string;
  /** Keyed by long flag name (and the positional's name), defaults filled in, as yargs would. */
  values: Record<string, unknown>;
}

/** The command word: the first that is not an option (the options before it, -q and -v, take no value). */
export function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-'));
}

export function fastParse(argv: readonly string[], commands: readonly FastCommand[]): FastParse | undefined {
  const command = commands.find((c) => c.name === argv[0]);
  if (!command) return undefined;
  const byName = new Map<string, FastFlag>();
  for (const flag of command.flags) {
    byName.set(`--${flag.name}`, flag);
    if (flag.alias) byName.set(`-${flag.alias}`, flag);
  }
  const values = defaults(command);
  const seen = new Set<string>();
  const positionals: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (!token.startsWith('-')) {
      positionals.push(token);
      continue;
    }
    const [spelled, inline] = splitInline(token);
    const flag = byName.get(spelled);
    if (!flag) return undefined;
    if (flag.kind === 'boolean') {
      // yargs takes a following true/false as the flag's value; =value forms are left to it too.
      if (inline !== undefined || argv[i + 1] === 'true' || argv[i + 1] === 'false') return undefined;
      if (seen.has(flag.name)) return undefined;
      values[flag.name] = true;
    } else {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || (value.startsWith('-') && value !== '-')) return undefined;
      // yargs reads `-o -` and `--output-file=-` as '-', but `--output-file -` as ''.
      if (value === '-' && inline === undefined && spelled.startsWith('--')) return undefined;
      if (!takeValue(flag, value, values, seen)) return undefined;
    }
    seen.add(flag.name);
  }
  if (!placePositionals(command, positionals, values)) return undefined;
  for (const flag of command.flags) if (flagValueProblem(flag, values[flag.name]) !== undefined) return undefined;
  return { command: command.name, values };
}

/** `--name=value` -> ['--name', 'value']; short flags never carry an inline value here. */
function splitInline(token: string): [string, string | undefined] {
  if (!token.startsWith('--')) return [token, undefined];
  const eq = token.indexOf('=');
  return eq < 0 ? [token, undefined] : [token.slice(0, eq), token.slice(eq + 1)];
}

function takeValue(flag: FastFlag, value: string, values: Record<string, unknown>, seen: ReadonlySet<string>): boolean {
  if (flag.kind === 'strings') {
    // yargs does not take a lone '-' into a list (it does as a single value: `-o -`).
    if (value === '-') return false;
    (values[flag.name] as string[]).push(value);
    return true;
  }
  if (seen.has(flag.name)) return false;
  if (flag.kind === 'number') {
    // Plain digits only: yargs' own number syntax (hex, exponents) is yargs' to read.
    if (!/^\d{1,9}$/.test(value)) return false;
    values[flag.name] = Number(value);
    return true;
  }
  // A choice yargs would refuse, or a value it would read as a number, is left to yargs.
  if (flag.kind === 'choice' && !(flag.choices ?? []).includes(value)) return false;
  values[flag.name] = value;
  return true;
}

function placePositionals(command: FastCommand, positionals: readonly string[], values: Record<string, unknown>): boolean {
  if (command.positional.list) {
    values[command.positional.name] = [...positionals];
    return true;
  }
  if (positionals.length > 1) return false;
  values[command.positional.name] = positionals[0];
  return true;
}

function defaults(command: FastCommand): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const flag of command.flags) {
    if (flag.kind === 'boolean') values[flag.name] = flag.default ?? false;
    else if (flag.kind === 'strings') values[flag.name] = [];
    else values[flag.name] = flag.default;
  }
  return values;
}
