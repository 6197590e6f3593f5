/**
 * Turning LockOptions into what a run needs: the inputs read, the output path, the target, the
 * format control, the sources. Shared by `lock` and `check` (check rebuilds LockOptions from a
 * lock's header and runs the same preparation).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { PinHashesError } from '../errors.js';
import { isUrl } from '../http/url-text.js';
import type { Target } from '../pep/target.js';
import { targetsOf } from './targets.js';
import type { FormatControl } from '../requirements/format-control.js';
import type { RequirementsInput } from '../requirements/index.js';
import { inputKind, readInputs } from '../inputs/index.js';
import { hostTargetDefaults } from './host.js';
import { loadNetrc, type NetrcFile } from '../http/netrc.js';
import { registerExpandedSecrets, registerSecret } from '../http/redact.js';
import { indexSettingsFromEnv, type EnvIndexSettings } from '../package-index/env.js';
import type { LockEvents, LockOptions } from './options.js';
import { defaultCacheDir } from '../cache/location.js';
import type { TimeoutSettings } from '../http/client.js';
import type { RetryPolicy } from '../http/retry.js';
import { stripCredentials, userinfoOf } from '../http/redact.js';
import { httpSettingsFromEnv } from '../http/settings.js';
import { caBundleSource, type CaBundleSource } from '../http/ca-bundle.js';
import { DEFAULT_CONCURRENCY, LOCK_FLAGS, type FlagKey } from './lock-flags.js';
import { normalizeName, type PackageName } from '../pep/names.js';
import type { ProvenancePolicy } from '../provenance/policy.js';
import { loadTrustRoot, type TrustRoot } from '../provenance/trust-root.js';
import { makeCooldown, type Cooldown } from '../provider/cooldown.js';
import { isPylockName } from '../lock/pylock.js';
import type { LockFormat } from '../lock/render.js';

export const DEFAULT_INDEX_URL = 'https://pypi.org/simple/';

/**
 * How the run behaves, every value defaulted, frozen: nothing downstream reads LockOptions or
 * applies a default of its own.
 */
export interface RunConfig {
  readonly events: LockEvents;
  readonly retry: RetryPolicy;
  readonly timeouts: TimeoutSettings;
  readonly concurrency: number;
  readonly indexStrategy: 'first-index' | 'unsafe-best-match';
  readonly pre: boolean;
  readonly refresh: boolean;
  readonly dryRun: boolean;
  /** null with --no-cache. */
  readonly cacheDir: string | null;
  /** The CA bundle that verifies TLS instead of Node's roots (http/ca-bundle.ts), read at the first request; null for Node's. */
  readonly caBundle: CaBundleSource | null;
  readonly upgrade: boolean;
  readonly upgradePackages: readonly string[];
  /** The lock-shaping flags as the caller gave them: what the header records (api/command.ts). */
  readonly lockFlags: Readonly<Partial<Pick<LockOptions, FlagKey>>>;
  /** PEP 740 verification; null with --no-verify-attestations. */
  readonly attestations: AttestationConfig | null;
  /** The release cooldown; null when none is asked for. */
  readonly cooldown: Cooldown | null;
}

export interface AttestationConfig {
  readonly trust: TrustRoot;
  readonly policy: ProvenancePolicy;
}

/**
 * An index URL in the forms a run needs, made once. (What is shown in messages is
 * redactUrl(fetch), applied where a message is made: redaction masks every registered secret.)
 */
export interface IndexLocation {
  /** What is fetched: credentials and `${VAR}` expanded. */
  readonly fetch: string;
  /** What may be written (the lock header, run records): `${VAR}` kept as written, userinfo removed, a final '/'. */
  readonly written: string;
  /**
   * What an `--index-url` line for pip says (--emit-index-url): as written, userinfo kept only
   * when it is nothing but `${VAR}`s (pip expands them when it installs), no '/' added (a
   * `${VAR}` may end in one).
   */
  readonly emitted: string;
}

export interface PreparedRun {
  config: RunConfig;
  cwd: string;
  env: Record<string, string | undefined>;
  inputs: string[];
  /** Absolute; null with `-o -`. */
  outputPath: string | null;
  format: LockFormat;
  input: RequirementsInput;
  /** What the lock is for, in resolution order (api/targets.ts); one for a lock like any before several targets existed. */
  targets: readonly Target[];
  formats: FormatControl;
  /** The indexes in priority order. */
  indexes: readonly IndexLocation[];
  findLinks: string[];
  warnings: string[];
  /** netrc as pip would read it for this environment (see http/netrc.ts). */
  netrc: NetrcFile;
}

export async function prepareRun(options: LockOptions): Promise<PreparedRun> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const { inputs, outputPath, format } = await outputOf(options);
  // First: an input that is the netrc itself (a header can name any path) must not print its passwords.
  const netrc = await loadNetrc(env);
  for (const password of netrc.netrc.passwords) registerSecret(password);
  const selection = { extras: options.extras ?? [], allExtras: options.allExtras ?? false, groups: options.groups ?? [] };
  const input = await readInputs(inputs, { env, cwd, selection, constraints: options.constraints ?? [] });
  // Values the input expanded from ${VAR}: masked in every message from now on, shown as ${VAR}.
  for (const written of [input.indexUrl?.url, ...input.extraIndexUrls.map((u) => u.url), ...input.findLinks.map((f) => f.written)]) {
    if (written !== undefined) registerExpandedSecrets(written, env);
  }
  for (const r of [...input.requirements, ...input.constraints]) registerExpandedSecrets(r.text, env);
  const warnings = input.warnings.map((w) => `${w.location.file}:${w.location.line}: ${w.message}`);
  if (netrc.problem) warnings.push(netrc.problem);
  const targets = targetsOf(options, await hostTargetDefaults(options));
  const formats = input.formatControl.clone();
  // The command line is read after the files, as pip reads its options (later values win).
  for (const value of options.noBinary ?? []) formats.addNoBinary(value);
  for (const value of options.onlyBinary ?? []) formats.addOnlyBinary(value);
  const indexes = indexUrls(input, options, indexSettingsFromEnv(env));
  const findLinks = [...(options.findLinks ?? []).map((f) => (isUrl(f) ? f : resolvePath(cwd, f))), ...input.findLinks.map((f) => f.value)];
  const needsIndex = [...input.requirements, ...input.constraints].some((r) => r.requirement.url === null);
  if (indexes.length === 0 && findLinks.length === 0 && needsIndex) {
    throw new PinHashesError('NO_SOURCES', 'No index and no --find-links location to take packages from', {
      exitCode: 2,
      hint: 'Drop --no-index, or add --find-links DIR.',
    });
  }
  const attestations = options.noVerifyAttestations ? null : await attestationConfig(options, cwd);
  return { config: runConfig(options, env, attestations, caBundleSource(options.cert, env, cwd)), cwd, env, inputs, outputPath, format, input, targets, formats, indexes, findLinks, warnings, netrc };
}

/**
 * Where the lock goes and in which format, with every check of those that needs no input read:
 * `lock --all` makes them for every lock of its list before the first one is written.
 */
export async function outputOf(options: LockOptions): Promise<{ inputs: string[]; outputPath: string | null; format: LockFormat }> {
  const cwd = options.cwd ?? process.cwd();
  const inputs = options.inputs.length > 0 ? options.inputs : ['requirements.in'];
  const outputPath = options.outputFile === '-' ? null : resolvePath(cwd, options.outputFile ?? defaultOutput(inputs));
  for (const inputPath of inputs) {
    if (outputPath !== null && resolvePath(cwd, inputPath) === outputPath) {
      throw new PinHashesError('OUTPUT_IS_INPUT', `The output ${inputPath} would overwrite the input ${inputPath}`, {
        exitCode: 2,
        hint: 'Name the output with -o, e.g. -o requirements.txt for requirements.in.',
      });
    }
  }
  if (outputPath !== null) await assertOutputFolder(outputPath, options.outputFile ?? defaultOutput(inputs));
  const format = lockFormat(options.format, outputPath);
  if (format === 'pylock') refuseRequirementsTxtLayout(options);
  return { inputs, outputPath, format };
}

/** The format the output's name asks for; an explicit --format must agree with it (pip reads a pylock only under its PEP 751 name). */
/** The output's folder must exist before anything is downloaded (a typo found only at the end wastes the run). */
async function assertOutputFolder(outputPath: string, written: string): Promise<void> {
  const folder = dirname(outputPath);
  const isFolder = await stat(folder).then((s) => s.isDirectory(), () => false);
  if (!isFolder) {
    throw new PinHashesError('INPUT_ERROR', `cannot write ${written}: ${folder} is not an existing folder`, {
      exitCode: 2,
      hint: 'Create the folder first, or name an output in an existing one (-o FILE; - prints the lock).',
    });
  }
}

function lockFormat(asked: LockOptions['format'], outputPath: string | null): LockFormat {
  const named = outputPath !== null && isPylockName(basename(outputPath));
  if (asked === undefined) return named ? 'pylock' : 'requirements-txt';
  if (outputPath !== null && (asked === 'pylock') !== named) {
    throw new PinHashesError('USAGE', `--format ${asked} does not fit the output ${basename(outputPath)}`, {
      exitCode: 2,
      hint: 'pip installs a PEP 751 lock only when it is named pylock.toml or pylock.NAME.toml, and reads any other name as a requirements file: name the output accordingly.',
    });
  }
  return asked;
}

/** pip-compile's layout flags shape requirements.txt; a pylock.toml has no such choice, and one ignored silently would mislead. */
function refuseRequirementsTxtLayout(options: LockOptions): void {
  const given = [
    options.noAnnotate ? '--no-annotate' : '',
    options.annotationStyle === 'line' ? '--annotation-style line' : '',
    options.emitIndexUrl ? '--emit-index-url' : '',
    options.emitFindLinks ? '--emit-find-links' : '',
  ].filter((flag) => flag !== '');
  if (given.length === 0) return;
  throw new PinHashesError('USAGE', `${given.join(', ')} shape${given.length === 1 ? 's' : ''} a requirements.txt lock, not a pylock.toml`, {
    exitCode: 2,
    hint: 'A pylock.toml lists its dependencies in [packages.tool.pin-hashes] via and each package its index: leave these flags out, or write a requirements.txt.',
  });
}

async function attestationConfig(options: LockOptions, cwd: string): Promise<AttestationConfig> {
  if (options.trustedRoot !== undefined && isUrl(options.trustedRoot)) {
    throw new PinHashesError('USAGE', `--trusted-root takes a file, not a URL (${stripCredentials(options.trustedRoot)})`, {
      exitCode: 2,
      hint: 'Download the trusted_root.json (for example with `cosign trusted-root`), check it, and name the file.',
    });
  }
  const file = options.trustedRoot === undefined ? null : { path: resolvePath(cwd, options.trustedRoot), shown: options.trustedRoot };
  return Object.freeze({
    trust: await loadTrustRoot(file),
    policy: Object.freeze({ accept: nameSet(options.acceptPublishers), require: nameSet(options.requireAttestations) }),
  });
}

/** Package names as given, or ':all:'. */
function nameSet(values: readonly string[] | undefined): ReadonlySet<PackageName> | 'all' {
  if ((values ?? []).includes(':all:')) return 'all';
  return new Set((values ?? []).map(normalizeName));
}

function runConfig(options: LockOptions, env: Record<string, string | undefined>, attestations: AttestationConfig | null, caBundle: CaBundleSource | null): RunConfig {
  // Read once, here: a bad PIN_HASHES_* value fails the run before any work, recalled or not.
  const settings = httpSettingsFromEnv(env);
  const lockFlags: Partial<Pick<LockOptions, FlagKey>> = {};
  for (const flag of LOCK_FLAGS) if (flag.header !== undefined && options[flag.key] !== undefined) Object.assign(lockFlags, { [flag.key]: options[flag.key] });
  return Object.freeze({
    events: options.events ?? {},
    retry: options.retry ?? settings.retry,
    timeouts: options.timeouts ?? settings.timeouts,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    indexStrategy: options.indexStrategy ?? 'first-index',
    pre: options.pre ?? false,
    refresh: options.refresh ?? false,
    dryRun: options.dryRun ?? false,
    cacheDir: options.noCache ? null : (options.cacheDir ?? defaultCacheDir(env)),
    caBundle,
    upgrade: options.upgrade ?? false,
    upgradePackages: Object.freeze([...(options.upgradePackages ?? [])]),
    lockFlags: Object.freeze(lockFlags),
    attestations,
    cooldown: cooldownOf(options, env),
  });
}

/** The reference time is read only when a cooldown is asked for; in whole seconds, as the lock writes it. */
function cooldownOf(options: LockOptions, env: Record<string, string | undefined>): Cooldown | null {
  if (options.excludeNewer === undefined && (options.excludeNewerPackages ?? []).length === 0) return null;
  return makeCooldown(options, options.cooldownReference ?? sourceDateEpoch(env) ?? Math.floor(Date.now() / 1000) * 1000);
}

/**
 * SOURCE_DATE_EPOCH (reproducible-builds.org): the time a build claims to be made at. A cooldown
 * counts back from it, so a rebuild of yesterday's lock takes yesterday's files.
 */
function sourceDateEpoch(env: Record<string, string | undefined>): number | undefined {
  const value = env['SOURCE_DATE_EPOCH'];
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,12}$/.test(value)) {
    throw new PinHashesError('BAD_SETTING', `SOURCE_DATE_EPOCH=${JSON.stringify(value.slice(0, 40))} is not a number of seconds since 1970`, {
      exitCode: 2,
      hint: 'Set it to an integer, e.g. SOURCE_DATE_EPOCH=$(date +%s), or unset it.',
    });
  }
  return Number(value) * 1000;
}


export function defaultOutput(inputs: readonly string[]): string {
  const [first] = inputs;
  if (inputs.length === 1 && first !== undefined && first.endsWith('.in')) return first.slice(0, -3) + '.txt';
  // Beside a project file, as pip-compile writes it (relative: the caller resolves it against its cwd).
  if (inputs.length === 1 && first !== undefined && inputKind(first) !== 'requirements') return join(dirname(first), 'requirements.txt');
  return 'requirements.txt';
}

/** CLI options beat the input files' own lines, which beat PIP_INDEX_URL / PIP_EXTRA_INDEX_URL. */
function indexUrls(input: RequirementsInput, options: LockOptions, fromEnv: EnvIndexSettings): IndexLocation[] {
  if (options.noIndex || input.noIndex) return [];
  const fromCli = options.indexUrl;
  const primary = fromCli ?? input.indexUrl?.expanded ?? fromEnv.indexUrl ?? DEFAULT_INDEX_URL;
  const primaryWritten = fromCli ?? input.indexUrl?.url ?? fromEnv.indexUrl ?? DEFAULT_INDEX_URL;
  const extras = [...fromEnv.extraIndexUrls, ...(options.extraIndexUrls ?? [])];
  const fetched = [primary, ...input.extraIndexUrls.map((u) => u.expanded), ...extras];
  const written = [primaryWritten, ...input.extraIndexUrls.map((u) => u.url), ...extras];
  return fetched.map((fetch, i) => {
    const asWritten = written[i] ?? fetch;
    return { fetch, written: stripCredentials(asWritten.endsWith('/') ? asWritten : asWritten + '/'), emitted: placeholdersOnly(asWritten) };
  });
}

/** The URL without its userinfo, unless that userinfo is only `${VAR}` references: a reference is not a secret. */
function placeholdersOnly(url: string): string {
  const userinfo = userinfoOf(url);
  return userinfo !== undefined && /^(\$\{[A-Z0-9_]+\})(:\$\{[A-Z0-9_]+\})?$/.test(userinfo) ? url : stripCredentials(url);
}
