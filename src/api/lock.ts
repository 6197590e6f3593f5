/**
 * The lock use case: read inputs -> resolve through the indexes -> download and hash every file
 * of every pin -> render -> write atomically (or not at all). Library code: no printing, no exit
 * codes; progress goes out through LockEvents, failures as PinHashesError.
 */
import { basename, dirname, relative, resolve as resolvePath, sep } from 'node:path';
import { PinHashesError } from '../errors.js';
import { ArtifactStore, type ArtifactStoreEvents } from '../download/store.js';
import { HttpClient, DEFAULT_TIMEOUTS, type TimeoutSettings } from '../http/client.js';
import { stripCredentials } from '../http/redact.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/retry.js';
import { renderRequirementsTxt } from '../lock/requirements-txt.js';
import type { Lock, LockedPackage } from '../lock/model.js';
import { writeIfChanged } from '../lock/write.js';
import { IndexClient } from '../package-index/client.js';
import type { PackageName } from '../pep/names.js';
import { formatPlatform, parsePythonPlatform } from '../pep/tags.js';
import { makeTarget, type Target } from '../pep/target.js';
import { IndexProvider } from '../provider/index-provider.js';
import { FormatControl } from '../requirements/format-control.js';
import { readRequirementsFiles, type RequirementsInput } from '../requirements/index.js';
import { resolve, type RootRequirement } from '../resolver/index.js';
import { hostPlatform, hostPythonVersion } from './host.js';
import { VERSION } from './version.js';

export const DEFAULT_INDEX_URL = 'https://pypi.org/simple/';

export interface LockEvents extends ArtifactStoreEvents {
  onPhase?: (phase: 'resolving' | 'hashing' | 'writing') => void;
  onPage?: (url: string, status: number) => void;
  onProject?: (name: PackageName, sources: string[], shadowed: string[]) => void;
  onResolved?: (packages: number, files: number) => void;
  onWarning?: (message: string) => void;
}

export interface LockOptions {
  inputs: string[];
  /** Output path; '-' prints; default: the input's name with `.in` replaced by `.txt`. */
  outputFile?: string | undefined;
  indexUrl?: string | undefined;
  extraIndexUrls?: string[] | undefined;
  findLinks?: string[] | undefined;
  noIndex?: boolean | undefined;
  /** pip's merge of all indexes instead of first-index-wins. */
  mergeIndexes?: boolean | undefined;
  pythonVersion?: string | undefined;
  pythonPlatform?: string | undefined;
  pre?: boolean | undefined;
  onlyBinary?: string[] | undefined;
  noBinary?: string[] | undefined;
  dryRun?: boolean | undefined;
  concurrency?: number | undefined;
  cwd?: string | undefined;
  env?: Record<string, string | undefined> | undefined;
  retry?: RetryPolicy | undefined;
  timeouts?: TimeoutSettings | undefined;
  events?: LockEvents | undefined;
}

export interface LockResult {
  /** Absolute path written or compared; null with `-o -`. */
  outputPath: string | null;
  content: string;
  outcome: 'written' | 'unchanged' | 'dry-run' | 'stdout';
  lock: Lock;
  warnings: string[];
}

export async function lock(options: LockOptions): Promise<LockResult> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const events = options.events ?? {};
  const inputs = options.inputs.length > 0 ? options.inputs : ['requirements.in'];
  const outputPath = options.outputFile === '-' ? null : resolvePath(cwd, options.outputFile ?? defaultOutput(inputs));
  for (const input of inputs) {
    if (outputPath !== null && resolvePath(cwd, input) === outputPath) {
      throw new PinHashesError('OUTPUT_IS_INPUT', `The output ${input} would overwrite the input ${input}`, {
        exitCode: 2,
        hint: 'Name the output with -o, e.g. -o requirements.txt for requirements.in.',
      });
    }
  }
  const input = await readRequirementsFiles(inputs, { env, cwd });
  const warnings = input.warnings.map((w) => `${w.location.file}:${w.location.line}: ${w.message}`);

  const target = makeTarget(options.pythonVersion ?? hostPythonVersion(), parsePythonPlatform(options.pythonPlatform ?? hostPlatform()));
  const formats = formatControlFor(input, options);
  const indexes = indexUrls(input, options);
  const findLinks = [...(options.findLinks ?? []).map((f) => (isUrl(f) ? f : resolvePath(cwd, f))), ...input.findLinks.map((f) => f.value)];
  const needsIndex = [...input.requirements, ...input.constraints].some((r) => r.requirement.url === null);
  if (indexes.length === 0 && findLinks.length === 0 && needsIndex) {
    throw new PinHashesError('NO_SOURCES', 'No index and no --find-links location to take packages from', {
      exitCode: 2,
      hint: 'Drop --no-index, or add --find-links DIR.',
    });
  }
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const http = new HttpClient({ timeouts: options.timeouts ?? DEFAULT_TIMEOUTS, userAgent: `pin-hashes/${VERSION}` });
  const store = new ArtifactStore(http, { concurrency: options.concurrency ?? 8, retry, events });
  try {
    const index = new IndexClient(http, { indexes, findLinks, mergeIndexes: options.mergeIndexes ?? false }, retry, {
      onPage: events.onPage,
      onRetry: events.onRetry,
    });
    const provider = new IndexProvider({
      index,
      http,
      store,
      retry,
      target,
      binary: formats,
      onProject: (name, sources, shadowed) => {
        events.onProject?.(name, sources, shadowed);
        if (shadowed.length > 0) {
          warnings.push(`${name} is on ${sources.join(', ')} and also on ${shadowed.join(', ')}; only the first index is used`);
        }
      },
    });

    events.onPhase?.('resolving');
    const sourceLabel = (file: string, constraint: boolean): string =>
      `${constraint ? '-c' : '-r'} ${displayPath(outputPath === null ? cwd : dirname(outputPath), resolvePath(cwd, file))}`;
    const roots: RootRequirement[] = input.requirements.map((r) => ({
      requirement: r.requirement,
      source: sourceLabel(r.location.file, false),
    }));
    const constraints: RootRequirement[] = input.constraints.map((r) => ({
      requirement: r.requirement,
      source: sourceLabel(r.location.file, true),
    }));
    const resolution = await resolve(provider, {
      requirements: roots,
      constraints,
      environment: target.markerEnvironment,
      pythonVersion: target.pythonVersion,
      allowPrereleases: Boolean(options.pre) || input.pre,
    });
    warnings.push(...resolution.warnings);

    events.onPhase?.('hashing');
    const fileLists = await Promise.all(
      resolution.packages.map((pkg) => provider.lockFiles(pkg.name, pkg.version, pkg.yanked, pkg.url)),
    );
    events.onResolved?.(resolution.packages.length, fileLists.reduce((n, files) => n + files.length, 0));
    const packages: LockedPackage[] = await Promise.all(
      resolution.packages.map(async (pkg, i) => {
        const files = fileLists[i] ?? [];
        const verified = await Promise.all(files.map((file) => store.verify(file)));
        if (pkg.yanked) {
          warnings.push(`${pkg.name}==${pkg.version.toString()} is yanked${pkg.yankedReason ? ` (${pkg.yankedReason})` : ''}; it is locked because it is pinned exactly`);
        }
        return {
          name: pkg.name,
          version: pkg.version.toString(),
          url: pkg.url === null ? null : stripCredentials(pkg.url),
          files: verified.map((v) => ({
            filename: v.file.filename,
            url: v.file.url,
            sha256: v.sha256,
            size: v.size,
            evidence: v.evidence,
          })),
          via: pkg.via,
          yanked: pkg.yanked,
        };
      }),
    );
    for (const pkg of packages) {
      if (pkg.files.length === 0) {
        throw new Error(`Assertion failed: ${pkg.name}==${pkg.version} was resolved but has no file to hash`);
      }
    }

    const lockModel: Lock = {
      header: {
        toolVersion: VERSION,
        targetDescription: `CPython ${target.pythonVersion.toString()} on ${formatPlatform(target.platform)}`,
        command: regenerateCommand(options, inputs, target, cwd, outputPath),
        indexes: index.indexUrls.map(stripCredentials),
      },
      packages,
    };
    const content = renderRequirementsTxt(lockModel);
    let outcome: LockResult['outcome'];
    if (outputPath === null) outcome = 'stdout';
    else if (options.dryRun) outcome = 'dry-run';
    else {
      events.onPhase?.('writing');
      outcome = await writeIfChanged(outputPath, content);
    }
    for (const w of warnings) events.onWarning?.(w);
    return { outputPath, content, outcome, lock: lockModel, warnings };
  } finally {
    await store.close();
    http.close();
  }
}

function defaultOutput(inputs: readonly string[]): string {
  const [first] = inputs;
  if (inputs.length === 1 && first !== undefined && first.endsWith('.in')) return first.slice(0, -3) + '.txt';
  if (inputs.length === 1 && first !== undefined && basename(first) === 'pyproject.toml') return resolvePath(dirname(first), 'requirements.txt');
  return 'requirements.txt';
}

function formatControlFor(input: RequirementsInput, options: LockOptions): FormatControl {
  // The command line is read after the files, as pip reads its options (later values win).
  const formats = input.formatControl.clone();
  for (const value of options.noBinary ?? []) formats.addNoBinary(value);
  for (const value of options.onlyBinary ?? []) formats.addOnlyBinary(value);
  return formats;
}

/** CLI options beat the input files' own -i/--extra-index-url lines. */
function indexUrls(input: RequirementsInput, options: LockOptions): string[] {
  if (options.noIndex || input.noIndex) return [];
  const primary = options.indexUrl ?? input.indexUrl?.expanded ?? DEFAULT_INDEX_URL;
  return [primary, ...input.extraIndexUrls.map((u) => u.expanded), ...(options.extraIndexUrls ?? [])];
}

function regenerateCommand(options: LockOptions, inputs: string[], target: Target, cwd: string, outputPath: string | null): string {
  const base = outputPath === null ? cwd : dirname(outputPath);
  const parts = ['pin-hashes', 'lock'];
  parts.push('--python-version', target.pythonVersion.toString(), '--python-platform', formatPlatform(target.platform));
  if (options.indexUrl) parts.push('--index-url', stripCredentials(options.indexUrl));
  for (const url of options.extraIndexUrls ?? []) parts.push('--extra-index-url', stripCredentials(url));
  for (const link of options.findLinks ?? []) parts.push('--find-links', isUrl(link) ? stripCredentials(link) : displayPath(base, resolvePath(cwd, link)));
  if (options.noIndex) parts.push('--no-index');
  if (options.mergeIndexes) parts.push('--index-strategy', 'unsafe-best-match');
  if (options.pre) parts.push('--pre');
  for (const v of options.onlyBinary ?? []) parts.push('--only-binary', v);
  for (const v of options.noBinary ?? []) parts.push('--no-binary', v);
  if (outputPath !== null && !isDefaultOutput(inputs, cwd, outputPath)) parts.push('-o', displayPath(base, outputPath));
  for (const inputPath of inputs) parts.push(displayPath(base, resolvePath(cwd, inputPath)));
  return parts.map(shellQuote).join(' ');
}

function isDefaultOutput(inputs: string[], cwd: string, outputPath: string): boolean {
  return resolvePath(cwd, defaultOutput(inputs)) === outputPath;
}

/** Paths in the lock are relative to the lock's folder and use '/', so the file is the same on every machine. */
function displayPath(base: string, path: string): string {
  const rel = relative(base, path) || '.';
  return rel.split(sep).join('/');
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}
