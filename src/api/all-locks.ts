/**
 * `lock --all` and `check --all`: every lock pyproject.toml's `[tool.pin-hashes]` lists
 * (api/lock-set.ts), in the order they build on each other, in one process.
 */
import { basename, resolve as resolvePath } from 'node:path';
import type { CheckOptions } from './check-setup.js';
import type { CheckResult, Finding } from './check.js';
import { regenerateArgv, shellQuote } from './command.js';
import { lock, type LockResult } from './lock.js';
import { readHeaderArgv, type HeaderOptions } from './lock-flags.js';
import { hostTargetDefaults } from './host.js';
import { targetsOf } from './targets.js';
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
  // Outputs and targets of every lock checked before the first is written: a list that fails on
  // its third lock for those must not have rewritten the first two. (Inputs are read by each
  // lock in turn: a layer's -c file may be the lock made just before it.)
  for (const entry of entries) {
    await outputOf({ ...options, ...entry, cwd });
    targetsOf({ ...options, ...entry }, await hostTargetDefaults({ ...options, ...entry }));
  }
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
  const run = await prepareRun({ ...entry, ...hostPartsAsRecorded(entry, readHeaderArgv(made)), outputFile: lockFile, cwd: options.cwd ?? process.cwd(), env: options.env });
  const asked = regenerateArgv(run);
  if (asked.join('\0') === made.join('\0')) return undefined;
  return {
    kind: 'inputs-changed',
    fails: true,
    message: `${LOCK_SET_FILE} [tool.pin-hashes] asks for ${describeArgv(asked)}, but ${basename(lockFile)} was made with ${describeArgv(made)}`,
  };
}

/**
 * What an entry leaves to the machine (the platform, the Python version, or both) was the
 * host's when the lock was made, and the header recorded it: that value stands, so CI on
 * another machine sees the same lock as current. Only when the header has one such value: a
 * lock of two platforms (or versions) can only have come from a list that named them.
 */
function hostPartsAsRecorded(entry: LockSetEntry, header: HeaderOptions): Partial<LockOptions> {
  const named = (value: unknown): boolean => value !== undefined && !(Array.isArray(value) && value.length === 0);
  const pairs = (header.targets ?? []).map((t) => {
    const at = t.lastIndexOf('@');
    return at === -1 ? { platform: t, version: undefined } : { platform: t.slice(0, at), version: t.slice(at + 1) };
  });
  const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const platforms = new Set([...pairs.map((p) => p.platform), ...list(header.pythonPlatform)]);
  const versions = new Set([...pairs.flatMap((p) => (p.version === undefined ? [] : [p.version])), ...list(header.pythonVersion)]);
  const entryTargets = entry.targets ?? [];
  const namesPlatform = named(entry.pythonPlatform) || named(entryTargets) || entry.targetPresets !== undefined;
  const namesVersion = named(entry.pythonVersion) || (named(entryTargets) && entryTargets.every((t) => t.includes('@')));
  const out: Partial<LockOptions> = {};
  if (!namesPlatform && platforms.size === 1) out.pythonPlatform = [...platforms][0];
  if (!namesVersion && versions.size === 1) out.pythonVersion = [...versions][0];
  return out;
}

function describeArgv(argv: readonly string[]): string {
  return `\`${['pin-hashes', 'lock', ...argv].map(shellQuote).join(' ')}\``;
}
