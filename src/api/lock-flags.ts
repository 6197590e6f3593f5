/**
 * The one table of `pin-hashes lock` flags. The CLI's yargs options and their validation
 * (cli/commands/lock.ts), the lock header's "To update, run:" command (api/command.ts) and its
 * reader in `check` (api/check.ts) are all made from it: adding a flag is one row here plus the
 * code that uses the option.
 *
 * A row with `header` shapes the lock: it is written into the header (in table order, so the
 * order of the rows is the order of a header's options) and read back by `check`.
 */
import type { LockOptions } from './options.js';

/** The LockOptions a flag can set (the rest are the library's own: cwd, env, events...). */
export type FlagKey = Exclude<keyof LockOptions, 'inputs' | 'cwd' | 'env' | 'retry' | 'timeouts' | 'events' | 'cooldownReference'>;

export type FlagKind = 'boolean' | 'string' | 'strings' | 'number' | 'choice';

/** How a header writes the value: as given, without credentials (a URL), as a path relative to the lock (or a URL). */
export type HeaderForm = 'as-is' | 'url' | 'path-or-url' | 'target' | 'output';

/** The part of a flag table row that says which values are valid (cli/flag-values.ts checks them). */
export interface FlagShape {
  /** Long name, without dashes. */
  readonly name: string;
  readonly kind: FlagKind;
  /** The CLI's default (booleans false, lists empty unless set). */
  readonly default?: boolean | number | string;
  readonly choices?: readonly string[];
  /** For 'string': the accepted form, with the message shown otherwise. */
  readonly pattern?: { readonly regex: RegExp; readonly message: string };
  /** For 'number'. */
  readonly range?: readonly [number, number];
}

export interface LockFlag extends FlagShape {
  readonly alias?: string;
  readonly key: FlagKey;
  readonly describe: string;
  /** Written into the lock's header, and how; absent: the flag does not shape the lock. */
  readonly header?: HeaderForm;
}

/** The lock `check` reads when none is named: the default output of `lock`. */
export const DEFAULT_LOCK_FILE = 'requirements.txt';

/** Downloads at once, when neither the CLI nor a library caller says. */
export const DEFAULT_CONCURRENCY = 8;

export const LOCK_FLAGS: readonly LockFlag[] = [
  {
    name: 'python-version',
    key: 'pythonVersion',
    kind: 'strings',
    header: 'target',
    describe: 'Target Python X.Y[.Z]; repeat for several (each with every platform); default: the python3 on PATH',
    pattern: { regex: /^\d+\.\d+(\.\d+)?$/, message: 'expected X.Y or X.Y.Z, e.g. 3.12' },
  },
  {
    name: 'python-platform',
    key: 'pythonPlatform',
    kind: 'strings',
    header: 'target',
    describe: 'Target platform: linux, macos, windows, x86_64-manylinux_2_28, aarch64-apple-darwin, ...; repeat for several; default: this machine',
  },
  { name: 'target', key: 'targets', kind: 'strings', header: 'target', describe: 'A target as PLATFORM@VERSION (e.g. aarch64-apple-darwin@3.12); repeat for several: one lock, lines marked per target' },
  { name: 'targets', key: 'targetPresets', kind: 'choice', choices: ['common'], header: 'target', describe: 'Named targets: common = x86_64 and aarch64 manylinux, macOS arm64 and x86_64, Windows amd64, for each --python-version' },
  { name: 'extra', key: 'extras', kind: 'strings', header: 'as-is', describe: 'Lock this extra of the pyproject.toml / setup.cfg inputs too ([project.optional-dependencies])' },
  { name: 'all-extras', key: 'allExtras', kind: 'boolean', default: false, header: 'as-is', describe: 'Lock every extra of the pyproject.toml / setup.cfg inputs' },
  { name: 'group', key: 'groups', kind: 'strings', header: 'as-is', describe: 'Lock this PEP 735 dependency group of the pyproject.toml inputs too ([dependency-groups])' },
  { name: 'constraint', alias: 'c', key: 'constraints', kind: 'strings', header: 'path-or-url', describe: 'Constraints file: versions it pins bound the lock, as -c in an input (pip-compile -c)' },
  { name: 'index-url', alias: 'i', key: 'indexUrl', kind: 'string', header: 'url', describe: 'Primary index (PEP 503/691 simple API base URL); default https://pypi.org/simple/' },
  { name: 'extra-index-url', key: 'extraIndexUrls', kind: 'strings', header: 'url', describe: 'More indexes, tried after the primary one' },
  { name: 'find-links', alias: 'f', key: 'findLinks', kind: 'strings', header: 'path-or-url', describe: 'Folders or pages of links to take files from too' },
  { name: 'no-index', key: 'noIndex', kind: 'boolean', default: false, header: 'as-is', describe: 'Use no index; only --find-links' },
  {
    name: 'index-strategy',
    key: 'indexStrategy',
    kind: 'choice',
    choices: ['first-index', 'unsafe-best-match'],
    default: 'first-index',
    header: 'as-is',
    describe: 'first-index: a project comes from the first index that has it; unsafe-best-match: merge all indexes as pip does',
  },
  { name: 'pre', key: 'pre', kind: 'boolean', default: false, header: 'as-is', describe: 'Allow pre-releases' },
  { name: 'only-binary', key: 'onlyBinary', kind: 'strings', header: 'as-is', describe: "Wheels only for these packages (names, ':all:' or ':none:')" },
  { name: 'no-binary', key: 'noBinary', kind: 'strings', header: 'as-is', describe: "Sdists only for these packages (names, ':all:' or ':none:')" },
  {
    name: 'all-files',
    key: 'allFiles',
    kind: 'boolean',
    default: false,
    header: 'as-is',
    describe: "With several targets: lock every file of each pinned version, as a one-target lock does (for platforms the lock does not name), not only the files its targets can install",
  },
  { name: 'no-verify-attestations', key: 'noVerifyAttestations', kind: 'boolean', default: false, header: 'as-is', describe: 'Do not fetch or verify PEP 740 attestations (the lock header says so)' },
  { name: 'trusted-root', key: 'trustedRoot', kind: 'string', header: 'path-or-url', describe: 'Sigstore trusted_root.json for attestations; default: the production root built into pin-hashes' },
  { name: 'require-attestations', key: 'requireAttestations', kind: 'strings', header: 'as-is', describe: "Fail unless these packages (or ':all:') have attestations that verify" },
  { name: 'accept-publisher', key: 'acceptPublishers', kind: 'strings', describe: "Take a package's new publisher, or its lost attestations, knowingly (':all:' for every package)" },
  {
    name: 'exclude-newer',
    key: 'excludeNewer',
    kind: 'string',
    header: 'as-is',
    describe: 'Cooldown: leave out files uploaded less than this long ago (7d, 12h, 2w, P7D) or after this date (2026-11-01)',
  },
  { name: 'exclude-newer-package', key: 'excludeNewerPackages', kind: 'strings', header: 'as-is', describe: 'A cooldown for one package: NAME=DURATION, NAME=DATE, or NAME=false for none' },
  { name: 'exclude-newer-allow-unknown', key: 'excludeNewerAllowUnknown', kind: 'boolean', default: false, header: 'as-is', describe: 'Under a cooldown, keep files whose index gives no upload time' },
  {
    name: 'format',
    key: 'format',
    kind: 'choice',
    choices: ['requirements-txt', 'pylock'],
    header: 'as-is',
    describe: 'requirements-txt, or pylock (PEP 751); default: pylock when the output is named pylock.toml or pylock.NAME.toml',
  },
  { name: 'no-annotate', key: 'noAnnotate', kind: 'boolean', default: false, header: 'as-is', describe: 'Leave out the "# via" comments that say why each package is pinned' },
  { name: 'annotation-style', key: 'annotationStyle', kind: 'choice', choices: ['split', 'line'], default: 'split', header: 'as-is', describe: 'split: one "# via" line per reason; line: all reasons on one line (as pip-compile)' },
  { name: 'emit-index-url', key: 'emitIndexUrl', kind: 'boolean', default: false, header: 'as-is', describe: 'Write --index-url / --extra-index-url lines that pip obeys (without credentials)' },
  { name: 'emit-find-links', key: 'emitFindLinks', kind: 'boolean', default: false, header: 'as-is', describe: 'Write --find-links lines that pip obeys (paths relative to the lock)' },
  { name: 'output-file', alias: 'o', key: 'outputFile', kind: 'string', header: 'output', describe: "Output path ('-' prints); default: the input with .in replaced by .txt, requirements.txt beside a pyproject.toml or setup.cfg" },
  { name: 'dry-run', alias: 'n', key: 'dryRun', kind: 'boolean', default: false, describe: 'Do everything but write the output' },
  { name: 'concurrency', key: 'concurrency', kind: 'number', default: DEFAULT_CONCURRENCY, range: [1, 64], describe: 'Downloads at once' },
  { name: 'upgrade', alias: 'U', key: 'upgrade', kind: 'boolean', default: false, describe: 'Ignore the pins of the existing output: take the newest versions' },
  { name: 'upgrade-package', alias: 'P', key: 'upgradePackages', kind: 'strings', describe: "Free this package (and what must move with it); 'name<2' also constrains it" },
  {
    name: 'cert',
    key: 'cert',
    kind: 'string',
    describe: "CA bundle (PEM) to verify https indexes with, instead of Node's bundled roots (pip's --cert; default PIP_CERT)",
  },
  { name: 'cache-dir', key: 'cacheDir', kind: 'string', describe: 'Digest cache folder (default: the platform cache folder, or PIN_HASHES_CACHE_DIR)' },
  { name: 'no-cache', key: 'noCache', kind: 'boolean', default: false, describe: 'Download and hash every file again; read and write no cache' },
  { name: 'refresh', key: 'refresh', kind: 'boolean', default: false, describe: 'Ask the index for every project page, even one the cache holds and the index said is still fresh' },
];

/** The options a header records, as `check` reads them back. */
export type HeaderOptions = Partial<Pick<LockOptions, FlagKey>> & { inputs: string[] };

/** Values to write for one row, already in the header's form; the writer adds the flag before each. */
export type HeaderValues = (flag: LockFlag) => readonly string[];

/**
 * The header's argv after `pin-hashes lock`: each header row in table order, then the inputs.
 * `valuesOf` gives a row's values in their written form (credentials stripped, paths relative):
 * the caller knows the run; this knows the order and the spelling.
 */
export function headerArgv(valuesOf: HeaderValues, inputs: readonly string[]): string[] {
  const argv: string[] = [];
  for (const flag of LOCK_FLAGS) {
    if (flag.header === undefined) continue;
    // The output is written with its short spelling, as users write it.
    const spelled = flag.header === 'output' && flag.alias ? `-${flag.alias}` : `--${flag.name}`;
    for (const value of valuesOf(flag)) argv.push(...(flag.kind === 'boolean' ? [spelled] : [spelled, value]));
  }
  argv.push(...inputs);
  return argv;
}

/** The values of one row in a set of options, for rows written as given (booleans: ['true'] when set). */
export function plainValues(flag: LockFlag, options: Partial<Pick<LockOptions, FlagKey>>): string[] {
  const value = options[flag.key];
  switch (flag.kind) {
    case 'boolean':
      return value === true ? ['true'] : [];
    case 'strings':
      return Array.isArray(value) ? value.map(String) : [];
    case 'choice':
      return value !== undefined && value !== flag.default ? [String(value)] : [];
    default:
      return value === undefined || value === '' ? [] : [String(value)];
  }
}

export class HeaderArgvError extends Error {}

/** Reads a header's argv back into options. Only header rows are known; anything else is an error (a hand edit). */
export function readHeaderArgv(argv: readonly string[]): HeaderOptions {
  const bySpelling = new Map<string, LockFlag>();
  for (const flag of LOCK_FLAGS) {
    if (flag.header === undefined) continue;
    bySpelling.set(`--${flag.name}`, flag);
    if (flag.alias) bySpelling.set(`-${flag.alias}`, flag);
  }
  const out: Record<string, unknown> & { inputs: string[] } = { inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const flag = bySpelling.get(arg);
    if (flag === undefined) {
      if (arg.startsWith('-')) throw new HeaderArgvError(`unknown option ${arg}`);
      out.inputs.push(arg);
      continue;
    }
    if (flag.kind === 'boolean') {
      out[flag.key] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new HeaderArgvError(`${arg} has no value`);
    if (flag.kind === 'strings') ((out[flag.key] ??= []) as string[]).push(value);
    else if (flag.kind === 'choice') {
      if (!flag.choices?.includes(value)) throw new HeaderArgvError(`${arg} ${value} is not one of ${flag.choices?.join(', ')}`);
      out[flag.key] = value;
    } else if (flag.kind === 'number') out[flag.key] = Number(value);
    else out[flag.key] = value;
  }
  return out as HeaderOptions;
}
