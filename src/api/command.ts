/**
 * The "To update, run:" command of a lock header: every option that shapes the lock, inputs and
 * output relative to the lock's folder. `check` parses it back (api/check.ts); the recall
 * fingerprint (api/recall.ts) covers it.
 */
import { dirname, relative, resolve as resolvePath, sep } from 'node:path';
import { PinHashesError } from '../errors.js';
import { stripCredentials } from '../http/redact.js';
import { formatPlatform } from '../pep/tags.js';
import { headerArgv, plainValues, type LockFlag } from './lock-flags.js';
import { isUrl } from '../http/url-text.js';
import { defaultOutput, type PreparedRun } from './prepare.js';
import type { Target } from '../pep/target.js';
import { targetKey } from './targets.js';

/** What ends a line for pip (Python's str.splitlines, which pip reads a requirements file with). */
export const LINE_BREAK = /[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/;

/** The command that regenerates this lock; `check` reads its options back (see api/check.ts). */
export function regenerateCommand(run: PreparedRun): string {
  const argv = regenerateArgv(run);
  // A line break would end the comment: what follows it is a line pip obeys.
  const broken = argv.find((word) => LINE_BREAK.test(word));
  if (broken !== undefined) {
    throw new PinHashesError('INPUT_ERROR', `${JSON.stringify(broken)} cannot be written into the lock's header: it holds a line break`, {
      exitCode: 2,
      hint: 'Rename the file or folder.',
    });
  }
  return ['pin-hashes', 'lock', ...argv].map(shellQuote).join(' ');
}

/** Its arguments after `pin-hashes lock`, unquoted (pylock.toml keeps them as a list). */
export function regenerateArgv(run: PreparedRun): string[] {
  const { config, targets, cwd, outputPath, inputs } = run;
  const options = config.lockFlags;
  const base = outputPath === null ? cwd : dirname(outputPath);
  const valuesOf = (flag: LockFlag): string[] => {
    switch (flag.header) {
      // The targets as resolved (the host's Python when none was given): a lock names its targets.
      case 'target':
        return targetValues(flag, targets);
      case 'url':
        return plainValues(flag, options).map(stripCredentials);
      case 'path-or-url':
        return plainValues(flag, options).map((v) => (isUrl(v) ? stripCredentials(v) : displayPath(base, resolvePath(cwd, v))));
      case 'output':
        return outputPath !== null && resolvePath(cwd, defaultOutput(inputs)) !== outputPath ? [displayPath(base, outputPath)] : [];
      default:
        return plainValues(flag, options);
    }
  };
  // An input named like an option (`-x.in`) is written `./-x.in`, or check would read it as one.
  const written = inputs.map((inputPath) => displayPath(base, resolvePath(cwd, inputPath))).map((p) => (p.startsWith('-') ? `./${p}` : p));
  return headerArgv(valuesOf, written);
}

/**
 * One target is written as --python-version and --python-platform, as every lock before several
 * targets existed; several as one --target PLATFORM@VERSION each, in resolution order (a preset
 * is written out, so the lock does not change meaning if the preset does).
 */
function targetValues(flag: LockFlag, targets: readonly Target[]): string[] {
  const [only] = targets;
  if (only === undefined) throw new Error('Assertion failed: a run with no target');
  if (targets.length === 1) {
    if (flag.key === 'pythonVersion') return [only.pythonVersion.toString()];
    if (flag.key === 'pythonPlatform') return [formatPlatform(only.platform)];
    return [];
  }
  return flag.key === 'targets' ? targets.map(targetKey) : [];
}

/** Paths in the lock are relative to the lock's folder and use '/', so the file is the same on every machine. */
export function displayPath(base: string, path: string): string {
  const rel = relative(base, path) || '.';
  return rel.split(sep).join('/');
}

/** A word as a POSIX shell (and pip's shlex reading of a requirements file's options) reads it back. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
