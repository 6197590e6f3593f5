/**
 * Checks the values yargs parsed against the flag table, so a bad value is a usage error that
 * names the flag ("--concurrency must be a whole number from 1 to 64, not abc") instead of an
 * internal error. Hand-written rather than zod: this runs on every start, and loading zod costs
 * more than the whole check (a recalled lock needs no zod at all).
 */
import type { FlagShape } from '../api/lock-flags.js';

export type { FlagShape };

/** What is wrong with one parsed value, or undefined when it is valid. */
export function flagValueProblem(flag: FlagShape, value: unknown): string | undefined {
  const shown = `--${flag.name}`;
  switch (flag.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${shown} takes no value`;
    case 'strings': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return `${shown} takes text values`;
      const bad = flag.pattern ? value.find((v) => !flag.pattern!.regex.test(v)) : undefined;
      return bad === undefined ? undefined : `${shown} ${bad}: ${flag.pattern!.message}`;
    }
    case 'number':
      return numberProblem(flag, shown, value);
    case 'choice':
      if (value === undefined && flag.default === undefined) return undefined;
      return typeof value === 'string' && (flag.choices ?? []).includes(value) ? undefined : `${shown} must be one of ${(flag.choices ?? []).join(', ')}`;
    case 'string':
      if (value === undefined) return undefined;
      if (typeof value !== 'string') return `${shown} takes one text value`;
      // yargs gives '' for `--cache-dir=` and a trailing `--cache-dir`: never a meant value.
      if (value === '') return `${shown} needs a value`;
      return flag.pattern && !flag.pattern.regex.test(value) ? `${shown} ${value}: ${flag.pattern.message}` : undefined;
  }
}

function numberProblem(flag: FlagShape, shown: string, value: unknown): string | undefined {
  if (value === undefined && flag.default === undefined) return undefined;
  const [min, max] = flag.range ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  const ok = typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
  if (ok) return undefined;
  // yargs turns a non-number into NaN; the value as typed is in argv but NaN says enough.
  const got = typeof value === 'number' && Number.isNaN(value) ? 'not a number' : `not ${String(value)}`;
  return `${shown} must be a whole number from ${min} to ${max}, ${got}`;
}

/**
 * `--flag=VALUE` on a boolean flag: yargs reads anything but `true` as false, so `--dry-run=1`
 * would write the lock. Found in raw argv, before any parser.
 */
export function booleanValueProblems(flags: readonly FlagShape[], argv: readonly string[]): string[] {
  const booleans = new Set(flags.filter((flag) => flag.kind === 'boolean').map((flag) => `--${flag.name}`));
  const problems: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    const eq = arg.indexOf('=');
    if (eq < 0 || !booleans.has(arg.slice(0, eq))) continue;
    const value = arg.slice(eq + 1);
    if (value !== 'true' && value !== 'false') problems.push(`${arg.slice(0, eq)} takes no value (or =true / =false), not =${value}`);
  }
  return problems;
}

/**
 * A flag that takes a value, written last or right before another option (`lock --targets`,
 * `--concurrency --refresh`): yargs then gives it its default or nothing, and the run would go on
 * without what was asked for (one target instead of several). Found in raw argv, as yargs reads
 * it: a word starting with `-` (but `-` alone, stdout) is an option, never a value.
 */
export function missingValueProblems(flags: readonly (FlagShape & { readonly alias?: string })[], argv: readonly string[]): string[] {
  const byForm = new Map<string, string>();
  for (const flag of flags) {
    if (flag.kind === 'boolean') continue;
    byForm.set(`--${flag.name}`, flag.name);
    if (flag.alias) byForm.set(`-${flag.alias}`, flag.name);
  }
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    const name = byForm.get(arg);
    if (name === undefined) continue;
    const next = argv[i + 1];
    if (next === undefined || next === '--' || (next.startsWith('-') && next !== '-')) problems.push(`--${name} needs a value`);
    else i++;
  }
  return problems;
}

/** Every problem of these flags in parsed argv, in table order. */
export function flagProblems(flags: readonly FlagShape[], argv: Record<string, unknown>): string[] {
  return flags.map((flag) => flagValueProblem(flag, argv[flag.name])).filter((p): p is string => p !== undefined);
}
