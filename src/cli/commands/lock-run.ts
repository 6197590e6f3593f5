/** What `pin-hashes lock` does once its flags are checked: loaded only then, so --help and --version stay fast. */
import { lock, type LockResult } from '../../api/lock.js';
import { lockAll } from '../../api/all-locks.js';
import { LOCK_SET_FILE } from '../../api/lock-set.js';
import { UsageError } from '../usage-error.js';
import { describeChange } from '../../api/changes.js';
import { LOCK_FLAGS } from '../../api/lock-flags.js';
import type { LockOptions } from '../../api/options.js';
import { redactUrl } from '../../http/redact.js';
import { provenanceSummary } from '../../api/provenance-summary.js';
import { cooldownJson } from '../../provider/cooldown.js';
import { Reporter } from '../reporter.js';
import { withHeapTuning } from '../heap-tuning.js';

export interface LockCliFlags extends Record<string, unknown> {
  inputs: string[];
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** yargs' parsed flags -> the library's options, row by row. */
function lockOptionsOf(flags: LockCliFlags): LockOptions {
  const options: Record<string, unknown> = { inputs: flags.inputs };
  for (const flag of LOCK_FLAGS) options[flag.key] = flags[flag.name];
  return options as unknown as LockOptions;
}

/** `notes`: said before the run (pip-compile flags that need nothing done, cli/pip-compile-flags.ts). */
export async function runLock(flags: LockCliFlags, notes: readonly string[] = []): Promise<void> {
  const newReporter = (): Reporter => new Reporter({ stream: process.stderr, quiet: flags.quiet || flags.json, verbose: flags.verbose });
  const reporter = newReporter();
  for (const note of notes) reporter.line(`note: ${note}`);
  if (flags['all'] === true) {
    const { inputs: _none, ...shared } = lockOptionsOf(flags);
    if (flags.inputs.length > 0) throw new UsageError(`--all locks what ${LOCK_SET_FILE} lists; leave out the inputs (${flags.inputs.join(' ')}), or --all.`);
    if (shared.outputFile !== undefined) throw new UsageError(`--all writes each lock to the output-file its ${LOCK_SET_FILE} entry names; leave out -o.`);
    // One reporter per lock: its progress line and its summary's counts are that lock's.
    let current = reporter;
    const results = await lockAll(shared, {
      events: () => withHeapTuning(current.events()),
      before: () => {
        current = newReporter();
      },
      after: (result) => {
        current.stop();
        if (!flags.json) reportResult(result, current);
      },
    }).finally(() => current.stop());
    if (flags.json) process.stdout.write(JSON.stringify(results.map(resultJson), null, 2) + '\n');
    return;
  }
  let result;
  try {
    result = await lock({ ...lockOptionsOf(flags), events: withHeapTuning(reporter.events()) });
  } finally {
    // Gone before the summary, and before main prints an error: never "Hashing: 3/9 fileserror: ...".
    reporter.stop();
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(resultJson(result), null, 2) + '\n');
    return;
  }
  reportResult(result, reporter);
}

function resultJson(result: LockResult): unknown {
  return {
    output: result.outputPath,
    outcome: result.outcome,
    recalled: result.recalled,
    header: { ...result.lock.header, cooldown: result.lock.header.cooldown ? cooldownJson(result.lock.header.cooldown) : undefined },
    // URLs can carry signed query tokens: shown redacted, as everywhere else.
    packages: result.lock.packages.map((p) => ({ ...p, files: p.files.map((f) => ({ ...f, url: redactUrl(f.url) })) })),
    changes: result.changes,
    warnings: result.warnings,
  };
}

function reportResult(result: LockResult, reporter: Reporter): void {
  if (result.outcome === 'stdout') {
    process.stdout.write(result.content);
    return;
  }
  if (result.hadPreviousLock) {
    if (result.changes.length === 0) reporter.line('No pin changed.');
    else for (const change of result.changes) reporter.line(describeChange(change));
  }
  reporter.line(provenanceSummary(result.lock));
  const count = `${result.lock.packages.length} package${result.lock.packages.length === 1 ? '' : 's'}`;
  const where = result.outputPath ?? '';
  if (result.outcome === 'dry-run') reporter.done(`Dry run: would write ${count} to ${where}`);
  else if (result.outcome === 'unchanged') reporter.done(`${where} is up to date (${count})`);
  else reporter.done(`Wrote ${count} to ${where}`);
}
