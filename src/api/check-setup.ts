/**
 * What `check` does before it compares anything, online or offline: the lock read, the options
 * its header records turned back into a run (inputs read, target made), and the header's indexes
 * and trust root set against what CI gave. No request is made here.
 */
import { UnreadableFileError, readBoundedText } from '../fs/bounded-read.js';
import { dirname, resolve as resolvePath } from 'node:path';
import { PinHashesError } from '../errors.js';
import { outsideRoot, projectRoot } from '../fs/project-scope.js';
import { isUrl } from '../http/url-text.js';
import { readLock, type ExistingLock } from '../lock/read.js';
import { indexSettingsFromEnv } from '../package-index/env.js';
import { displayIndex, indexDisagreements, indexesNamedOutsideHeader, type IndexDisagreement } from './index-trust.js';
import type { LockEvents, LockOptions } from './options.js';
import { prepareRun, type PreparedRun } from './prepare.js';
import { loadTrustRoot } from '../provenance/trust-root.js';
import { DEFAULT_LOCK_FILE, HeaderArgvError, readHeaderArgv } from './lock-flags.js';

export interface CheckOptions {
  /** The lock to check; default requirements.txt. */
  lockFile?: string | undefined;
  verify?: boolean | undefined;
  cwd?: string | undefined;
  env?: Record<string, string | undefined> | undefined;
  concurrency?: number | undefined;
  /**
   * The trust root CI accepts. A header that names another (or any, when this is absent) fails
   * the check: a pull request must not pick the keys its own attestations are checked with.
   */
  trustedRoot?: string | undefined;
  /** Accept a header that turns attestation verification off. */
  noVerifyAttestations?: boolean | undefined;
  /** CA bundle for the indexes' TLS (lock's --cert): this machine's, never the header's. */
  cert?: string | undefined;
  /**
   * No request at all (check-offline.ts): the inputs are compared with the fingerprint the lock
   * recorded, the direct requirements with the pins, the file with its own digest.
   */
  offline?: boolean | undefined;
  events?: LockEvents | undefined;
}

/** A lock read for checking, and the run its header describes. */
export interface CheckSetup {
  /** The lock's text as committed. */
  text: string;
  /** As the caller named it (messages). */
  lockName: string;
  /** Absolute. */
  lockFile: string;
  existing: ExistingLock;
  lockOptions: LockOptions;
  run: PreparedRun;
  /** The indexes the header names, redacted: what the lock's digests are compared with. */
  indexes: string[];
  indexDisagreements: IndexDisagreement[];
  trustDisagreements: string[];
}

export async function setUpCheck(options: CheckOptions): Promise<CheckSetup> {
  const cwd = options.cwd ?? process.cwd();
  const lockName = options.lockFile ?? DEFAULT_LOCK_FILE;
  const lockFile = resolvePath(cwd, lockName);
  let text: string;
  try {
    text = await readBoundedText(lockFile);
  } catch (error) {
    const why = error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'no such file' : error instanceof UnreadableFileError ? error.message : 'it cannot be read';
    throw new PinHashesError('NO_LOCK', `Cannot read the lock ${lockName}: ${why}`, {
      exitCode: 2,
      hint: 'Name the lock file (pin-hashes check path/to/requirements.txt) or make one with pin-hashes lock.',
    });
  }
  const existing = readLock(text, lockName, options.env ?? process.env);
  if (existing.command === null) {
    throw new PinHashesError('NOT_A_PIN_HASHES_LOCK', `${lockName} has no "pin-hashes lock" command in its header`, {
      exitCode: 2,
      hint: 'check reads the inputs and target from the header that pin-hashes lock writes; regenerate the file with pin-hashes lock.',
    });
  }
  const lockOptions: LockOptions = {
    ...optionsFromCommand(existing.command, lockName),
    outputFile: lockFile,
    cwd: dirname(lockFile),
    // The cooldown counts back from when the lock was made, not from now: time passing alone never makes it stale.
    cooldownReference: existing.cooldownReference,
    env: options.env,
    concurrency: options.concurrency,
    // This machine's, from where check runs (the run's own folder is the lock's).
    cert: options.cert === undefined ? undefined : resolvePath(cwd, options.cert),
    events: options.events,
  };
  refuseFutureReference(existing.cooldownReference, lockName);
  refuseFilesOutside(lockOptions, lockFile, lockName);
  const run = await prepareRun(lockOptions);
  const trustDisagreements = await trustRootDisagreements(lockOptions, options, lockName);
  const headerIndexes = lockOptions.noIndex ? [] : [...(lockOptions.indexUrl ? [lockOptions.indexUrl] : []), ...(lockOptions.extraIndexUrls ?? [])];
  // Offline is a hook on a developer's machine, whose PIP_INDEX_URL (a company mirror) is not CI's:
  // there the header is held to the inputs' own index lines only.
  const fromEnv = options.offline ? { indexUrl: undefined, extraIndexUrls: [] } : indexSettingsFromEnv(run.env);
  const disagreements = indexDisagreements(headerIndexes, indexesNamedOutsideHeader(run.input, fromEnv));
  const indexes = run.indexes.map((index) => displayIndex(index.written));
  return { text, lockName, lockFile, existing, lockOptions, run, indexes, indexDisagreements: disagreements, trustDisagreements };
}

/**
 * The files a header names, read by check on whatever commit it is given: inside the repository
 * (fs/project-scope.ts). pin-hashes writes them relative to the lock's folder; `-c ../../.netrc`
 * or an absolute path is an edit, and would have check read (and quote) a file of the machine.
 */
function refuseFilesOutside(options: LockOptions, lockFile: string, lockName: string): void {
  const base = dirname(lockFile);
  const root = projectRoot(base);
  const named: [string, string][] = [
    ...options.inputs.map((p): [string, string] => ['input', p]),
    ...(options.constraints ?? []).filter((p) => !isUrl(p)).map((p): [string, string] => ['-c', p]),
    ...(options.findLinks ?? []).filter((p) => !isUrl(p)).map((p): [string, string] => ['--find-links', p]),
    ...(options.trustedRoot === undefined ? [] : [['--trusted-root', options.trustedRoot] as [string, string]]),
  ];
  for (const [what, path] of named) {
    const why = outsideRoot(path, base, root);
    if (why === undefined) continue;
    throw new PinHashesError('BAD_LOCK_HEADER', `${lockName}: the header's command names ${what} ${path}, which is not inside the repository (${why})`, {
      exitCode: 1,
      hint: `pin-hashes writes the files a lock is made from relative to its folder, inside ${root}: the header was edited (do not merge it), or make the lock again from files in the repository.`,
    });
  }
}

/** Clocks disagree a little; a reference further ahead than this is an edit, not skew. */
const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * check counts a cooldown from the time the lock records; a time still to come would let a hand
 * edit shorten the cooldown (a release of yesterday admitted by a lock "made" next week).
 */
function refuseFutureReference(reference: number | undefined, lockName: string): void {
  if (reference === undefined || reference <= Date.now() + CLOCK_SKEW_MS) return;
  throw new PinHashesError('BAD_LOCK', `${lockName} says its cooldown counts from ${new Date(reference).toISOString()}, which has not come yet`, {
    exitCode: 1,
    hint: 'The lock was edited by hand, or made on a machine whose clock is wrong: make it again with pin-hashes lock.',
  });
}

/** Where the header's attestation settings are not the ones CI gave check (compared by the roots' sha256). */
async function trustRootDisagreements(header: LockOptions, options: CheckOptions, lockName: string): Promise<string[]> {
  const out: string[] = [];
  if (header.noVerifyAttestations && !options.noVerifyAttestations) {
    out.push(`${lockName}'s header turns attestation verification off (--no-verify-attestations); pass --no-verify-attestations to check if that is intended`);
  }
  if (header.noVerifyAttestations || (header.trustedRoot === undefined && options.trustedRoot === undefined)) return out;
  const cwd = options.cwd ?? process.cwd();
  const headerRoot = await loadTrustRoot(header.trustedRoot === undefined ? null : { path: resolvePath(header.cwd ?? cwd, header.trustedRoot), shown: header.trustedRoot });
  const accepted = await loadTrustRoot(options.trustedRoot === undefined ? null : { path: resolvePath(cwd, options.trustedRoot), shown: options.trustedRoot });
  if (headerRoot.sha256 !== accepted.sha256) {
    out.push(
      `${lockName}'s header verifies attestations with ${header.trustedRoot === undefined ? 'the embedded production root' : `the trust root ${header.trustedRoot}`} (sha256 ${headerRoot.sha256}), but check was given ${options.trustedRoot === undefined ? 'none (the embedded production root)' : options.trustedRoot} (sha256 ${accepted.sha256}); pass the root CI trusts with --trusted-root`,
    );
  }
  return out;
}

/**
 * The lock options recorded in a header's regeneration command (the header rows of
 * api/lock-flags.ts). Anything else means the header was edited by hand.
 */
export function optionsFromCommand(argv: readonly string[], file: string): Omit<LockOptions, 'cwd' | 'env' | 'events'> {
  try {
    return readHeaderArgv(argv);
  } catch (error) {
    if (error instanceof HeaderArgvError) throw badHeader(file, error.message);
    throw error;
  }
}

function badHeader(file: string, problem: string): PinHashesError {
  return new PinHashesError('BAD_LOCK_HEADER', `${file}: the "pin-hashes lock" command in the header cannot be read: ${problem}`, {
    exitCode: 2,
    hint: 'Regenerate the lock with pin-hashes lock.',
  });
}
