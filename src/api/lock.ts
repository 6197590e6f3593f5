/**
 * The lock use case: read inputs and the existing lock -> resolve with its pins as preferences ->
 * download and hash every file of every pin (or take digests the cache recorded under the same
 * claims) -> render -> write atomically, or not at all when nothing changed. Library code: no
 * printing, no exit codes; progress goes out through LockEvents, failures as PinHashesError.
 */
import { RecordCache } from '../cache/record-cache.js';
import { PinHashesError } from '../errors.js';
import { readBoundedText } from '../fs/bounded-read.js';
import type { Lock } from '../lock/model.js';
import { preferredPins, readLock } from '../lock/read.js';
import { writeIfChanged } from '../lock/write.js';
import { renderLock } from '../lock/render.js';
import type { LockFormat } from '../lock/render.js';
import type { PackageName } from '../pep/names.js';
import { parseRequirement } from '../pep/requirement.js';
import type { RootRequirement } from '../resolver/index.js';
import { diffPins, type PinChange } from './changes.js';
import type { LockOptions } from './options.js';
import { fingerprint, inputsDigest, mayRecall, recall, recalledLock, remember } from './recall.js';
import { prepareRun, type RunConfig } from './prepare.js';
import { hostPythonProbeRunning } from './host.js';

export type { LockOptions, LockEvents } from './options.js';
export { DEFAULT_INDEX_URL } from './prepare.js';

export interface LockResult {
  /** Absolute path written or compared; null with `-o -`. */
  outputPath: string | null;
  content: string;
  outcome: 'written' | 'unchanged' | 'dry-run' | 'stdout';
  lock: Lock;
  /** Against the existing lock; empty for a first lock. */
  changes: PinChange[];
  /** True when an existing lock was read and its pins used as preferences. */
  hadPreviousLock: boolean;
  /** Nothing the lock depends on changed since the run that wrote it: its result was reused (api/recall.ts). */
  recalled: boolean;
  warnings: string[];
}

export async function lock(options: LockOptions): Promise<LockResult> {
  // While the host's Python answers (api/host.ts), the resolver's code and got load in its
  // shadow: otherwise each waits its turn after it. A recalled run then loaded them for nothing,
  // in time it spent waiting anyway.
  const earlyPipeline = hostPythonProbeRunning() ? loadPipeline() : undefined;
  const run = await prepareRun(options);
  const { config } = run;
  const { events } = config;
  const existingText = run.outputPath === null ? undefined : await readExistingText(run.outputPath);
  const { upgrade, extraConstraints } = upgradeSpec(config);
  const cache = openCache(config);
  const inputs = cache && mayRecall(run, upgrade) ? await inputsDigest(run) : undefined;
  if (cache && inputs !== undefined && existingText !== undefined && run.outputPath !== null) {
    const record = await recall(cache, run.outputPath, fingerprint(inputs, existingText), existingText, Date.now());
    if (record) {
      events.onRecalled?.(new Date(record.freshUntil));
      for (const w of record.warnings) events.onWarning?.(w);
      return {
        outputPath: run.outputPath,
        content: record.content,
        outcome: config.dryRun ? 'dry-run' : 'unchanged',
        lock: recalledLock(record),
        changes: [],
        hadPreviousLock: true,
        recalled: true,
        warnings: record.warnings,
      };
    }
  }
  const existing = existingText === undefined || run.outputPath === null ? undefined : readLock(existingText, run.outputPath, run.env);
  const preferences = existing && upgrade !== 'all' ? preferredPins(existing) : [];
  // Loaded here, not at the top: a recalled run never pays for the resolver, HTTP and download code.
  const { runPipeline } = await (earlyPipeline ?? import('./pipeline.js'));
  let result;
  try {
    result = await runPipeline(run, { preferences, upgrade, extraConstraints, cache, previous: existing?.pins });
  } finally {
    // Also after a failure: what was downloaded and hashed before it need not be again.
    await cache?.flush();
  }
  if (existingText !== undefined && existing) result = keepCooldownReference(result, existingText, existing.cooldownReference, run.format);
  const changes = existing ? diffPins(existing.pins, result.lock.packages, result.filenames) : [];
  let outcome: LockResult['outcome'];
  if (run.outputPath === null) outcome = 'stdout';
  else if (config.dryRun) outcome = 'dry-run';
  else {
    events.onPhase?.('writing');
    outcome = await writeIfChanged(run.outputPath, result.content);
    // The next run sees this content as its existing lock: that is the fingerprint to record under.
    if (cache && inputs !== undefined) await remember(cache, run.outputPath, fingerprint(inputs, result.content), result);
  }
  for (const w of result.warnings) events.onWarning?.(w);
  return {
    outputPath: run.outputPath,
    content: result.content,
    outcome,
    lock: result.lock,
    changes,
    hadPreviousLock: existing !== undefined,
    recalled: false,
    warnings: result.warnings,
  };
}

/**
 * A cooldown line names the time its durations counted back from. When the lock is otherwise
 * what it was, the earlier time stands, so a re-lock with nothing changed leaves the file alone
 * (and `check`, which regenerates with the recorded time, keeps agreeing with it).
 */
function keepCooldownReference<T extends { lock: Lock; content: string }>(result: T, existingText: string, reference: number | undefined, format: LockFormat): T {
  const cooldown = result.lock.header.cooldown;
  if (!cooldown || reference === undefined || reference === cooldown.reference) return result;
  const lock: Lock = { ...result.lock, header: { ...result.lock.header, cooldown: { ...cooldown, reference } } };
  const content = renderLock(lock, format);
  return content === existingText ? { ...result, lock, content } : result;
}

function openCache(config: RunConfig): RecordCache | undefined {
  if (config.cacheDir === null) return undefined;
  return new RecordCache(config.cacheDir, { onWarning: config.events.onWarning });
}

async function readExistingText(path: string): Promise<string | undefined> {
  try {
    // Bounded: the output path may be anything (a FIFO would block a plain read forever).
    return await readBoundedText(path);
  } catch {
    return undefined;
  }
}

/** -U frees every pin; -P frees named ones, and `-P 'name<2'` also constrains the new pin. */
function upgradeSpec(config: RunConfig): { upgrade: Set<PackageName> | 'all'; extraConstraints: RootRequirement[] } {
  if (config.upgrade) return { upgrade: 'all', extraConstraints: [] };
  const upgrade = new Set<PackageName>();
  const extraConstraints: RootRequirement[] = [];
  for (const text of config.upgradePackages) {
    let requirement;
    try {
      requirement = parseRequirement(text);
    } catch (error) {
      throw new PinHashesError('USAGE', `--upgrade-package ${text}: ${error instanceof Error ? error.message : String(error)}`, {
        exitCode: 2,
        hint: "Name a package, optionally with a specifier: -P requests or -P 'requests<3'.",
      });
    }
    upgrade.add(requirement.name);
    if (!requirement.specifier.isEmpty) extraConstraints.push({ requirement, source: '' });
  }
  return { upgrade, extraConstraints };
}

/** pipeline.js and got, loading; a failure is left for the await that needs them (never unhandled). */
function loadPipeline(): Promise<typeof import('./pipeline.js')> {
  const loading = import('./pipeline.js');
  loading.then((pipeline) => pipeline.preloadTransport()).catch(() => undefined);
  return loading;
}
