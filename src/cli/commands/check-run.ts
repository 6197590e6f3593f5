/** What `pin-hashes check` does once its flags are checked: loaded only then (lock, the common command, never loads check's pipeline). */
import { check } from '../../api/check.js';
import { Reporter } from '../reporter.js';
import { visibleControls } from '../visible-text.js';
import { withHeapTuning } from '../heap-tuning.js';

export interface CheckCliFlags {
  lock: string | undefined;
  verify: boolean;
  json: boolean;
  concurrency: number;
  'trusted-root': string | undefined;
  'no-verify-attestations': boolean;
  quiet: boolean;
  verbose: boolean;
}

export async function runCheck(flags: CheckCliFlags, setExitCode: (code: number) => void): Promise<void> {
  const reporter = new Reporter({ stream: process.stderr, quiet: flags.quiet || flags.json, verbose: flags.verbose });
  let result;
  try {
    result = await check({
      lockFile: flags.lock,
      verify: flags.verify,
      concurrency: flags.concurrency,
      trustedRoot: flags['trusted-root'],
      noVerifyAttestations: flags['no-verify-attestations'],
      events: withHeapTuning(reporter.events()),
    });
  } finally {
    // Gone before the findings, and before main prints an error.
    reporter.stop();
  }
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
  // What the lock's digests were compared with: a reviewer sees where they came from.
  for (const index of result.indexes) reporter.line(`trusted index: ${index}`);
  for (const disagreement of result.indexDisagreements) process.stderr.write(`error: ${visibleControls(disagreement.message)}\n`);
  if (result.indexDisagreements.length > 0) {
    process.stderr.write(
      'hint: If the lock was made from this index on purpose, write it into the input file (-i URL, --extra-index-url URL) or PIP_INDEX_URL; otherwise the lock was edited: do not merge it.\n',
    );
  }
  for (const disagreement of result.trustDisagreements) process.stderr.write(`error: ${visibleControls(disagreement)}\n`);
  if (!result.current) {
    process.stdout.write(visibleControls(result.diff));
    reporter.line(`${result.lockFile} is stale: run the "To update" command in its header, then commit the result.`);
  }
  for (const finding of result.findings) {
    const line = `${finding.fails ? 'error' : 'warning'}: [${finding.kind}] ${finding.message}`;
    if (finding.fails) process.stderr.write(visibleControls(line) + '\n');
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
}
