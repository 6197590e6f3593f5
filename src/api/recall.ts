/**
 * Re-locking at the speed of a cache hit. A lock is a function of: the input files, the options
 * and target, the existing lock (its pins are preferences), the index pages read, and the
 * metadata and digests of files those pages claim digests for. When a run finishes, we record
 * its result under a fingerprint of the first three; the last two stay the same for as long as
 * every page it read stays fresh by the index's own Cache-Control (a stored page that fresh
 * would be used without a request anyway, and metadata and digests are keyed by the page's
 * claims). A later run with the same fingerprint before that moment gives the same lock, so it
 * is recalled instead of resolved again.
 *
 * Never recalled: with --no-cache or --refresh, -U or -P, output to stdout, when the lock file
 * is not byte-for-byte what that run wrote, or when the run read anything HTTP freshness cannot
 * vouch for (a find-links folder, a 404 page, a page without max-age, a file without a digest
 * claim). Digests in a recalled lock were computed by us, in that earlier run.
 */
import { createHash } from 'node:crypto';
import { readBoundedFile } from '../fs/bounded-read.js';
import { resolve as resolvePath } from 'node:path';
import type { RecordCache, RunRecord } from '../cache/record-cache.js';
import { mayCarrySecrets, stripCredentials } from '../http/redact.js';
import type { Lock, LockedPackage } from '../lock/model.js';
import { parseProvenanceLine, provenanceLine } from '../provenance/record.js';
import { normalizeName, type PackageName } from '../pep/names.js';
import { formatRequirement } from '../pep/requirement.js';
import { Version } from '../pep/version.js';
import { regenerateCommand } from './command.js';
import type { PreparedRun } from './prepare.js';
import { targetDescription } from './targets.js';
import { VERSION } from './version.js';

/**
 * Everything but the lock file a run's result depends on, digested; read once per run (the input
 * files are read again for it). fingerprint() adds the lock file.
 */
const RECALL_BEHAVIOUR = 3;

export async function inputsDigest(run: PreparedRun): Promise<string> {
  const files = await Promise.all(
    run.input.files.map(async (path) => [path, sha256(await readBoundedFile(resolvePath(run.cwd, path)))] as const),
  );
  const requirement = (r: (typeof run.input.requirements)[number]): string[] => [formatRequirement(r.requirement), r.location.file, String(r.location.line)];
  const inputs = {
    tool: VERSION,
    // Bumped when what a run does with the same inputs changes before VERSION does (2: --hash
    // options honoured, pages decoded as pip does; 3: PEP 740 attestations verified): a record
    // of the older behaviour is not recalled.
    behaviour: RECALL_BEHAVIOUR,
    command: regenerateCommand(run),
    output: run.outputPath,
    target: run.targets.map(targetDescription).join(', '),
    indexes: run.indexes.map((index) => stripCredentials(index.fetch)),
    findLinks: run.findLinks.map(stripCredentials),
    mergeIndexes: run.config.indexStrategy === 'unsafe-best-match',
    // The keys that vouched for the publishers (a new pin-hashes may embed a newer root).
    trustRoot: run.config.attestations?.trust.sha256 ?? null,
    files,
    // ${VAR}s in the files expand from the environment: what they expanded to counts too.
    requirements: run.input.requirements.map(requirement),
    constraints: run.input.constraints.map(requirement),
  };
  return sha256(JSON.stringify(inputs));
}

/** The fingerprint of a run: its inputs and the lock file's content as it is before the run. */
export function fingerprint(inputs: string, existingLock: string): string {
  return sha256(JSON.stringify([inputs, sha256(existingLock)]));
}

/** Whether this run may be answered from a record at all. */
export function mayRecall(run: PreparedRun, upgrade: ReadonlySet<PackageName> | 'all'): boolean {
  const { config } = run;
  return config.cacheDir !== null && !config.refresh && upgrade !== 'all' && upgrade.size === 0 && run.outputPath !== null;
}

export async function recall(cache: RecordCache, output: string, fingerprint: string, existingLock: string, now: number): Promise<RunRecord | undefined> {
  const record = await cache.getRun(output, fingerprint);
  if (!record || record.content !== existingLock || now >= record.freshUntil) return undefined;
  // Written by us from parsed versions; a record that says otherwise is not used.
  if (!record.lock.packages.every((pkg) => Version.tryParse(pkg.version) !== null)) return undefined;
  return record;
}

export async function remember(
  cache: RecordCache,
  output: string,
  fingerprint: string,
  result: { content: string; lock: Lock; warnings: string[]; reusableUntil: number },
): Promise<void> {
  if (result.reusableUntil <= Date.now() || !Number.isFinite(result.reusableUntil)) return;
  // The record holds file URLs; one that may carry a token (userinfo, a signed query) is never written.
  const urls = result.lock.packages.flatMap((pkg) => [pkg.url ?? '', ...pkg.files.map((file) => file.url)]);
  if (urls.filter((url) => url !== '').some(mayCarrySecrets)) return;
  await cache.putRun({
    output,
    fingerprint,
    freshUntil: result.reusableUntil,
    content: result.content,
    lock: { ...result.lock, packages: result.lock.packages.map(packageRecord) },
    warnings: result.warnings,
  });
}

/** A package as a run record keeps it: the version as text, provenance as its lock line, files without their attestation details. */
function packageRecord(pkg: LockedPackage): RunRecord['lock']['packages'][number] {
  const { provenance, files, ...rest } = pkg;
  return {
    ...rest,
    version: pkg.version.toString(),
    files: files.map(({ provenance: _details, ...file }) => file),
    ...(provenance ? { provenance: provenanceLine(provenance) } : {}),
  };
}

/** The recorded lock, its digests now "from the cache": this run computed none of them. */
export function recalledLock(record: RunRecord): Lock {
  return {
    header: record.lock.header,
    packages: record.lock.packages.map(({ provenance, ...pkg }) => ({
      ...pkg,
      ...(provenance === undefined ? {} : { provenance: parseProvenanceLine(provenance) }),
      name: normalizeName(pkg.name),
      version: Version.parse(pkg.version),
      files: pkg.files.map((file) => ({
        ...file,
        evidence: file.evidence.map((e) => (e.kind === 'computed' ? { ...e, from: 'cache' as const } : e)),
      })),
    })),
  };
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
