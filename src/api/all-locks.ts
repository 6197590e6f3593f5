/**
 * `lock --all` and `check --all`: every lock pyproject.toml's `[tool.pin-hashes]` lists
 * (api/lock-set.ts), in the order they build on each other, in one process.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { isUrl } from '../http/url-text.js';
import type { CheckOptions } from './check-setup.js';
import type { CheckResult, Finding } from './check.js';
import { regenerateArgv } from './command.js';
import { lock, type LockResult } from './lock.js';
import { LOCK_FLAGS, readHeaderArgv } from './lock-flags.js';
import { readLockSet, LOCK_SET_FILE, type LockSetEntry } from './lock-set.js';
import type { LockEvents, LockOptions } from './options.js';
import { defaultOutput, prepareRun } from './prepare.js';

/** What a caller sees of each lock of the set: before it starts, its events, its result. */
export interface PerLock {
  before?: () => void;
  events?: () => LockEvents;
  after?: (result: LockResult) => void;
}

/** `options`: the command line's, for every lock; an entry's own keys replace them. */
export async function lockAll(options: Omit<LockOptions, 'inputs'>, perLock: PerLock = {}): Promise<LockResult[]> {
  const cwd = options.cwd ?? process.cwd();
  const results: LockResult[] = [];
  for (const entry of await readLockSet(cwd)) {
    perLock.before?.();
    const result = await lock({ ...options, ...entry, cwd, events: perLock.events?.() ?? options.events });
    perLock.after?.(result);
    results.push(result);
  }
  return results;
}

/**
 * Each listed lock checked as `check` (or `check --offline`) checks it, plus one thing only the
 * list knows: the lock was made with the options its entry asks for now (an extra added to the
 * entry makes the lock stale even when its inputs did not change). The options `lock --all` was
 * given on its command line are not in the list: the header's values stand for them.
 */
export async function checkAll(options: CheckOptions): Promise<CheckResult[]> {
  const cwd = options.cwd ?? process.cwd();
  const { check } = options.offline ? { check: (await import('./check-offline.js')).checkOffline } : await import('./check.js');
  const results: CheckResult[] = [];
  for (const entry of await readLockSet(cwd)) {
    const lockFile = resolvePath(cwd, entry.outputFile ?? defaultOutput(entry.inputs));
    const result = await check({ ...options, cwd, lockFile });
    const finding = await entryDisagreement(entry, lockFile, result, options);
    results.push(finding === undefined ? result : { ...result, current: false, findings: [...result.findings, finding], exitCode: 1 });
  }
  return results;
}

async function entryDisagreement(entry: LockSetEntry, lockFile: string, result: CheckResult, options: CheckOptions): Promise<Finding | undefined> {
  const made = result.updateArgv;
  const { inputs: _inputs, ...header } = readHeaderArgv(made);
  // The header's paths are relative to the lock's folder, the entry's to the pyproject's.
  const fromHeader: Record<string, unknown> = { ...header };
  for (const flag of LOCK_FLAGS) {
    const value = fromHeader[flag.key];
    if (flag.header !== 'path-or-url' || value === undefined) continue;
    const absolute = (v: string): string => (isUrl(v) ? v : resolvePath(dirname(lockFile), v));
    fromHeader[flag.key] = Array.isArray(value) ? value.map((v) => absolute(String(v))) : absolute(String(value));
  }
  const run = await prepareRun({ ...fromHeader, ...entry, outputFile: lockFile, cwd: options.cwd ?? process.cwd(), env: options.env });
  const asked = regenerateArgv(run);
  if (asked.join('\0') === made.join('\0')) return undefined;
  return {
    kind: 'inputs-changed',
    fails: true,
    message: `${LOCK_SET_FILE} [tool.pin-hashes] asks for \`pin-hashes lock ${asked.join(' ')}\`, but the lock was made with \`pin-hashes lock ${made.join(' ')}\`; run pin-hashes lock --all`,
  };
}
