/**
 * `lock --all` and `check --all`: every lock pyproject.toml's `[tool.pin-hashes]` lists
 * (api/lock-set.ts), in the order they build on each other, in one process.
 */
import { basename, resolve as resolvePath } from 'node:path';
import type { CheckOptions } from './check-setup.js';
import type { CheckResult, Finding } from './check.js';
import { regenerateArgv, shellQuote } from './command.js';
import { lock, type LockResult } from './lock.js';
import { readHeaderArgv } from './lock-flags.js';
import { readLockSet, LOCK_SET_FILE, type LockSetEntry } from './lock-set.js';
import type { LockEvents, LockOptions } from './options.js';
import { defaultOutput, outputOf, prepareRun } from './prepare.js';

/** What a caller sees of each lock of the set: before it starts, its events, its result. */
export interface PerLock {
  before?: () => void;
  events?: () => LockEvents;
  after?: (result: LockResult) => void;
}

/** `options`: the command line's run options (no lock-shaping ones: those are the list's), for every lock. */
export async function lockAll(options: Omit<LockOptions, 'inputs'>, perLock: PerLock = {}): Promise<LockResult[]> {
  const cwd = options.cwd ?? process.cwd();
  const results: LockResult[] = [];
  const entries = await readLockSet(cwd);
  // A list that fails on its third lock must not have rewritten the first two.
  for (const entry of entries) await outputOf({ ...options, ...entry, cwd });
  for (const entry of entries) {
    perLock.before?.();
    const result = await lock({ ...options, ...entry, cwd, events: perLock.events?.() ?? options.events });
    perLock.after?.(result);
    results.push(result);
  }
  return results;
}

/**
 * Each listed lock checked as `check` (or `check --offline`) checks it, plus one thing only the
 * list knows: the lock was made with the options its entry asks for now (an extra added to or
 * removed from the entry makes the lock stale even when its inputs did not change).
 */
export async function checkAll(options: CheckOptions): Promise<CheckResult[]> {
  const cwd = options.cwd ?? process.cwd();
  const { check } = options.offline ? { check: (await import('./check-offline.js')).checkOffline } : await import('./check.js');
  const results: CheckResult[] = [];
  for (const entry of await readLockSet(cwd)) {
    const lockFile = resolvePath(cwd, entry.outputFile ?? defaultOutput(entry.inputs));
    const result = await check({ ...options, cwd, lockFile });
    const finding = await entryDisagreement(entry, lockFile, result, options);
    // The list is what makes these locks: its command remakes them all, from the pyproject's folder.
    const remade = { ...result, updateCommand: 'pin-hashes lock --all', updateArgv: ['--all'] };
    results.push(finding === undefined ? remade : { ...remade, current: false, findings: [...result.findings, finding], exitCode: 1 });
  }
  return results;
}

async function entryDisagreement(entry: LockSetEntry, lockFile: string, result: CheckResult, options: CheckOptions): Promise<Finding | undefined> {
  const made = result.updateArgv;
  const header = readHeaderArgv(made);
  // A lock records its targets; what the list leaves out was the host's then, and stands.
  const named = (value: unknown): boolean => value !== undefined && !(Array.isArray(value) && value.length === 0);
  const listed = entry.targets !== undefined || entry.targetPresets !== undefined;
  const targets = listed || named(entry.pythonVersion) || named(entry.pythonPlatform) ? {} : { targets: header.targets, targetPresets: header.targetPresets };
  const run = await prepareRun({
    ...entry,
    ...targets,
    pythonVersion: named(entry.pythonVersion) || listed ? entry.pythonVersion : header.pythonVersion,
    pythonPlatform: named(entry.pythonPlatform) || listed ? entry.pythonPlatform : header.pythonPlatform,
    outputFile: lockFile,
    cwd: options.cwd ?? process.cwd(),
    env: options.env,
  });
  const asked = regenerateArgv(run);
  if (asked.join('\0') === made.join('\0')) return undefined;
  return {
    kind: 'inputs-changed',
    fails: true,
    message: `${LOCK_SET_FILE} [tool.pin-hashes] asks for ${describeArgv(asked)}, but ${basename(lockFile)} was made with ${describeArgv(made)}`,
  };
}

function describeArgv(argv: readonly string[]): string {
  return `\`${['pin-hashes', 'lock', ...argv].map(shellQuote).join(' ')}\``;
}
