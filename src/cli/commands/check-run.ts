/** What `pin-hashes check` does once its flags are checked: loaded only then (lock, the common command, never loads check's pipeline). */
import type { CheckResult, FindingKind } from '../../api/check.js';
import type { CheckOptions } from '../../api/check-setup.js';
import { UsageError } from '../usage-error.js';
import { Reporter } from '../reporter.js';
import { visibleControls } from '../visible-text.js';
import { withHeapTuning } from '../heap-tuning.js';

/** Findings about what the index serves now (--verify), as opposed to the lock's own text and inputs. */
const INDEX_FINDINGS: ReadonlySet<FindingKind> = new Set<FindingKind>(['bytes-changed', 'file-gone', 'file-added', 'claims-disagree', 'version-gone', 'attestation-invalid', 'attestation-lost', 'publisher-changed']);

export interface CheckCliFlags {
  lock: string | undefined;
  verify: boolean;
  offline: boolean;
  all: boolean;
  json: boolean;
  concurrency: number;
  'trusted-root': string | undefined;
  'no-verify-attestations': boolean;
  cert: string | undefined;
  quiet: boolean;
  verbose: boolean;
}

export async function runCheck(flags: CheckCliFlags, setExitCode: (code: number) => void): Promise<void> {
  if (flags.offline && flags.verify) throw new UsageError('--offline and --verify exclude each other: --verify downloads every pinned file again.');
  const reporter = new Reporter({ stream: process.stderr, quiet: flags.quiet || flags.json, verbose: flags.verbose });
  const options: CheckOptions = {
    lockFile: flags.lock,
    verify: flags.verify,
    offline: flags.offline,
    concurrency: flags.concurrency,
    trustedRoot: flags['trusted-root'],
    cert: flags.cert,
    noVerifyAttestations: flags['no-verify-attestations'],
    events: flags.offline ? reporter.events() : withHeapTuning(reporter.events()),
  };
  if (flags.all) {
    if (flags.lock !== undefined) throw new UsageError(`--all checks the locks pyproject.toml lists; leave out ${flags.lock}, or --all.`);
    const results = await (await import('../../api/all-locks.js')).checkAll(options).finally(() => reporter.stop());
    setExitCode(Math.max(0, ...results.map((r) => r.exitCode)));
    if (flags.json) process.stdout.write(JSON.stringify(results.map(resultJson), null, 2) + '\n');
    else for (const result of results) report(result, flags, reporter);
    return;
  }
  // Offline loads neither the resolver nor HTTP: a pre-commit hook runs it on every commit.
  let result: CheckResult;
  try {
    result = flags.offline ? await (await import('../../api/check-offline.js')).checkOffline(options) : await (await import('../../api/check.js')).check(options);
  } finally {
    // Gone before the findings, and before main prints an error.
    reporter.stop();
  }
  setExitCode(result.exitCode);
  if (flags.json) {
    process.stdout.write(JSON.stringify(resultJson(result), null, 2) + '\n');
    return;
  }
  report(result, flags, reporter);
}

function resultJson(result: CheckResult): unknown {
  return {
    lock: result.lockFile,
    updateCommand: result.updateCommand,
    current: result.current,
    diff: result.diff,
    findings: result.findings,
    warnings: result.warnings,
    indexes: result.indexes,
    indexDisagreements: result.indexDisagreements,
    trustDisagreements: result.trustDisagreements,
    exitCode: result.exitCode,
  };
}

function report(result: CheckResult, flags: CheckCliFlags, reporter: Reporter): void {
  reporter.stop();
  // What the lock's digests were compared with: a reviewer sees where they came from (offline compares none).
  if (!flags.offline) for (const index of result.indexes) reporter.line(`trusted index: ${index}`);
  for (const disagreement of result.indexDisagreements) process.stderr.write(`error: ${visibleControls(disagreement.message)}\n`);
  if (result.indexDisagreements.length > 0) {
    process.stderr.write(
      'hint: If the lock was made from this index on purpose, write it into the input file (-i URL, --extra-index-url URL) or PIP_INDEX_URL; otherwise the lock was edited: do not merge it.\n',
    );
  }
  for (const disagreement of result.trustDisagreements) process.stderr.write(`error: ${visibleControls(disagreement)}\n`);
  if (!result.current) process.stdout.write(visibleControls(result.diff));
  for (const finding of result.findings) {
    const line = `${finding.fails ? 'error' : 'warning'}: [${finding.kind}] ${finding.message}`;
    if (finding.fails) process.stderr.write(visibleControls(line) + '\n');
    else reporter.line(line);
  }
  if (!result.current) reporter.line(`${result.lockFile} is stale: run \`${visibleControls(result.updateCommand)}\` (the "To update" command in its header), then commit the result.`);
  const failing = result.findings.filter((f) => f.fails && INDEX_FINDINGS.has(f.kind)).length;
  if (failing > 0) {
    reporter.line(
      `${failing} finding${failing === 1 ? '' : 's'}: the index no longer serves what was locked. Find out why before re-locking (pin-hashes lock -P NAME accepts the new files).`,
    );
  }
  if (result.exitCode === 0) {
    reporter.done(`${result.lockFile} is current${flags.verify ? ' and every pinned file still has its locked digest' : ''}`);
  }
}
