/** `pin-hashes check [LOCK]`: is the lock current, and (--verify) does the index still serve its bytes? */
import type { Argv } from 'yargs';
import { z } from 'zod';
import { Reporter } from '../reporter.js';
// The light flag table only: api/check.js is loaded when the command runs.
import { DEFAULT_CONCURRENCY, DEFAULT_LOCK_FILE } from '../../api/lock-flags.js';

const CheckFlags = z.object({
  lock: z.string().optional(),
  verify: z.boolean(),
  json: z.boolean(),
  concurrency: z.number().int().min(1).max(64),
  'trusted-root': z.string().optional(),
  'no-verify-attestations': z.boolean(),
  quiet: z.boolean(),
  verbose: z.boolean(),
});

export function checkCommand(yargs: Argv, setExitCode: (code: number) => void): Argv {
  return yargs.command(
    'check [lock]',
    'For CI: fail when the lock no longer matches its inputs, or (--verify) when the index no longer serves the locked bytes',
    (y) =>
      y
        .positional('lock', { type: 'string', describe: `The lock file (default: ${DEFAULT_LOCK_FILE})` })
        .option('verify', { type: 'boolean', default: false, describe: 'Download every pinned file again (no cache) and compare digests' })
        .option('json', { type: 'boolean', default: false, describe: 'Print findings and the diff as JSON on stdout' })
        .option('concurrency', { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Downloads at once' })
        .option('trusted-root', { type: 'string', describe: "The Sigstore trust root CI accepts, when the lock's header names one (default: the embedded production root)" })
        .option('no-verify-attestations', { type: 'boolean', default: false, describe: "Accept a lock whose header turns attestation verification off" })
        .example('$0 check', 'exit 1 with a diff when requirements.txt is stale')
        .example('$0 check requirements.txt --verify', 'also prove the index still serves the locked bytes')
        .check((argv) => {
          CheckFlags.parse(argv);
          return true;
        }),
    async (argv) => {
      const flags = CheckFlags.parse(argv);
      const reporter = new Reporter({ stream: process.stderr, quiet: flags.quiet || flags.json, verbose: flags.verbose });
      // Loaded when used: `lock`, the common command, should not pay for loading check's pipeline.
      const { check } = await import('../../api/check.js');
      const result = await check({
        lockFile: flags.lock,
        verify: flags.verify,
        concurrency: flags.concurrency,
        trustedRoot: flags['trusted-root'],
        noVerifyAttestations: flags['no-verify-attestations'],
        events: reporter.events(),
      });
      setExitCode(result.exitCode);
      if (flags.json) {
        const data = {
          lock: result.lockFile,
          current: result.current,
          diff: result.diff,
          findings: result.findings,
          warnings: result.warnings,
          indexes: result.indexes,
          indexDisagreements: result.indexDisagreements,
          trustDisagreements: result.trustDisagreements,
          exitCode: result.exitCode,
        };
        process.stdout.write(JSON.stringify(data, null, 2) + '\n');
        return;
      }
      reporter.stop();
      // What the lock's digests were compared with: a reviewer sees where they came from.
      for (const index of result.indexes) reporter.line(`trusted index: ${index}`);
      for (const disagreement of result.indexDisagreements) process.stderr.write(`error: ${disagreement.message}\n`);
      if (result.indexDisagreements.length > 0) {
        process.stderr.write(
          'hint: If the lock was made from this index on purpose, write it into the input file (-i URL, --extra-index-url URL) or PIP_INDEX_URL; otherwise the lock was edited: do not merge it.\n',
        );
      }
      for (const disagreement of result.trustDisagreements) process.stderr.write(`error: ${disagreement}\n`);
      if (!result.current) {
        process.stdout.write(result.diff);
        reporter.line(`${result.lockFile} is stale: run the "To update" command in its header, then commit the result.`);
      }
      for (const finding of result.findings) {
        const line = `${finding.fails ? 'error' : 'warning'}: [${finding.kind}] ${finding.message}`;
        if (finding.fails) process.stderr.write(line + '\n');
        else reporter.line(line);
      }
      const failing = result.findings.filter((f) => f.fails).length;
      if (failing > 0) {
        reporter.line(
          `${failing} finding${failing === 1 ? '' : 's'}: the index no longer serves what was locked. Find out why before re-locking (pin-hashes lock -P NAME accepts the new files).`,
        );
      }
      if (result.exitCode === 0) {
        reporter.done(`${result.lockFile} is current${flags.verify ? ' and every pinned file still has its locked digest' : ''}`);
      }
    },
  );
}
