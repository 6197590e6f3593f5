/** `pin-hashes check [LOCK]`: is the lock current, and (--verify) does the index still serve its bytes? */
import type { Argv } from 'yargs';
import { assertNoProblems } from '../usage-error.js';
import { flagProblems } from '../flag-values.js';
import type { FastCommand, FastFlag } from '../fast-argv.js';
import type { CheckCliFlags } from './check-run.js';
// The light flag table only: api/check.js is loaded when the command runs.
import { DEFAULT_CONCURRENCY, DEFAULT_LOCK_FILE } from '../../api/lock-flags.js';

/** The values `check`'s flags accept (declared below with yargs), as the fast reader sees them too. */
const CHECK_FLAGS: readonly FastFlag[] = [
  { name: 'verify', kind: 'boolean' },
  { name: 'offline', kind: 'boolean' },
  { name: 'all', kind: 'boolean' },
  { name: 'json', kind: 'boolean' },
  { name: 'concurrency', kind: 'number', range: [1, 64], default: DEFAULT_CONCURRENCY },
  { name: 'trusted-root', kind: 'string' },
  { name: 'cert', kind: 'string' },
  { name: 'no-verify-attestations', kind: 'boolean' },
];

export const CHECK_COMMAND: FastCommand = {
  name: 'check',
  positional: { name: 'lock', list: false },
  flags: [...CHECK_FLAGS, { name: 'quiet', alias: 'q', kind: 'boolean' }, { name: 'verbose', alias: 'v', kind: 'boolean' }],
};

/** Runs `check` with checked flag values (from yargs or the fast reader). */
export async function runCheckCommand(values: Record<string, unknown>, setExitCode: (code: number) => void): Promise<void> {
  const { runCheck } = await import('./check-run.js');
  await runCheck(values as unknown as CheckCliFlags, setExitCode);
}

export function checkCommand(
  yargs: Argv,
  setExitCode: (code: number) => void,
  handler: (values: Record<string, unknown>, setExitCode: (code: number) => void) => Promise<void> = runCheckCommand,
): Argv {
  return yargs.command(
    'check [lock]',
    'For CI: fail when the lock no longer matches its inputs, or (--verify) when the index no longer serves the locked bytes',
    (y) =>
      y
        .positional('lock', { type: 'string', describe: `The lock file (default: ${DEFAULT_LOCK_FILE})` })
        .option('verify', { type: 'boolean', default: false, describe: 'Download every pinned file again (no cache) and compare digests' })
        .option('offline', {
          type: 'boolean',
          default: false,
          describe: 'No network: the lock is as pin-hashes wrote it, was made from the inputs as they are now, and pins every direct requirement (for pre-commit hooks)',
        })
        .option('all', { type: 'boolean', default: false, describe: 'Check every lock pyproject.toml lists in [tool.pin-hashes] locks' })
        .option('json', { type: 'boolean', default: false, describe: 'Print findings and the diff as JSON on stdout' })
        .option('concurrency', { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Downloads at once' })
        .option('trusted-root', { type: 'string', describe: "The Sigstore trust root CI accepts, when the lock's header names one (default: the embedded production root)" })
        .option('cert', { type: 'string', describe: "CA bundle (PEM) to verify https indexes with, instead of Node's bundled roots (pip's --cert; default PIP_CERT)" })
        .option('no-verify-attestations', { type: 'boolean', default: false, describe: "Accept a lock whose header turns attestation verification off" })
        .example('$0 check', 'exit 1 with a diff when requirements.txt is stale')
        .example('$0 check requirements.txt --verify', 'also prove the index still serves the locked bytes')
        .example('$0 check --offline', 'in a pre-commit hook: no request, fails when the inputs changed since the lock was made')
        .check((argv) => assertNoProblems(flagProblems(CHECK_FLAGS, argv))),
    (argv) => handler(argv, setExitCode),
  );
}
