/**
 * pip-compile's flags that a pip-compile user types out of habit, so that switching is changing
 * the command's name: the ones pin-hashes always honours are accepted with a one-line note, the
 * ones it cannot honour are refused with the reason, never silently ignored.
 */
import { commandWord, type FastFlag } from './fast-argv.js';
import { UsageError } from './usage-error.js';

export interface PipCompileFlag extends FastFlag {
  readonly describe: string;
  /** Given: a note saying why nothing needs doing. */
  readonly implied?: string;
  /** Given: a usage error with this reason. */
  readonly refused?: string;
  /** Given: the same as this boolean flag of pin-hashes, said in a note (`implied` says what it does). */
  readonly sameAs?: string;
}

const NEVER_BUILDS = 'pin-hashes never builds a package (dependencies come from wheels, PEP 658 files or static sdist metadata), so there is no build to isolate';
const NO_BUILD_DEPS =
  'pin-hashes never builds a package, so it locks no build dependencies of its own accord; to lock them, make them an input (a requirements file listing [build-system].requires)';
const EVERY_PACKAGE_PINNED = "pip's hash-checking mode needs every package it installs pinned with its hashes; a lock that leaves one out does not install";
const HASHES_COMPUTED =
  'pin-hashes never takes a hash from the existing lock or the index: every digest is of bytes it downloaded (its cache keeps the digests of bytes it downloaded before)';

export const PIP_COMPILE_FLAGS: readonly PipCompileFlag[] = [
  {
    name: 'generate-hashes',
    kind: 'boolean',
    describe: "pip-compile's flag; always on here",
    implied: 'always on: every pin gets --hash lines, with sha256 digests pin-hashes computed from the files it downloaded',
  },
  {
    name: 'allow-unsafe',
    kind: 'boolean',
    describe: "pip-compile's flag; always on here",
    implied: 'always on: pip, setuptools and wheel are pinned and hashed like any other package, as pip needs them to be in hash-checking mode',
  },
  { name: 'header', kind: 'boolean', describe: "pip-compile's flag; always on here", implied: 'always on: the header is what `pin-hashes check` regenerates the lock from' },
  {
    name: 'no-header',
    kind: 'boolean',
    describe: 'Refused: check needs the header',
    refused: "the header holds the command, target and indexes that `pin-hashes check` regenerates the lock from; a lock without it cannot be checked",
  },
  { name: 'resolver', kind: 'choice', choices: ['backtracking', 'legacy'], describe: "pip-compile's resolver choice: backtracking is pip's, the only one here" },
  { name: 'annotate', kind: 'boolean', describe: "pip-compile's flag; the default here", implied: 'the default: each pin says which inputs and packages it is there for (# via); --no-annotate leaves that out' },
  {
    name: 'strip-extras',
    kind: 'boolean',
    describe: "pip-compile's flag; always so here",
    implied: 'always so: pins carry no extras; the packages an extra brings in are pinned themselves',
  },
  {
    name: 'no-strip-extras',
    kind: 'boolean',
    describe: 'Refused: pins carry no extras',
    refused: 'pins carry no extras here: the packages an extra brings in are pinned (and hashed) themselves, which is what pip needs in hash-checking mode',
  },
  {
    name: 'no-emit-index-url',
    kind: 'boolean',
    describe: "pip-compile's flag; always so here",
    implied: 'the default: the lock names its indexes only in comments (# index:), never as options pip would obey; --emit-index-url writes them',
  },
  {
    name: 'no-emit-find-links',
    kind: 'boolean',
    describe: "pip-compile's flag; the default here",
    implied: 'the default: the lock writes no --find-links lines (they are often paths of one machine); --emit-find-links writes them',
  },
  {
    name: 'max-rounds',
    kind: 'number',
    range: [1, 1_000_000],
    describe: "pip-compile's resolver rounds; not a limit here",
    implied: "not needed: pin-hashes resolves as pip's backtracking resolver does, in one pass with pip's own limits",
  },
  {
    name: 'unsafe-package',
    kind: 'strings',
    describe: 'Refused: every package is pinned',
    refused: EVERY_PACKAGE_PINNED,
  },
  {
    name: 'no-emit-package',
    kind: 'strings',
    describe: 'Refused: every package is pinned',
    refused: EVERY_PACKAGE_PINNED,
  },
  {
    name: 'custom-compile-command',
    kind: 'string',
    describe: 'Refused: check needs the real command',
    refused: "`pin-hashes check` regenerates the lock from the command in its header, so the header keeps pin-hashes' own command",
  },
  { name: 'build-isolation', kind: 'boolean', describe: 'Refused: nothing is built', refused: NEVER_BUILDS },
  { name: 'no-build-isolation', kind: 'boolean', describe: 'Refused: nothing is built', refused: NEVER_BUILDS },
  { name: 'no-allow-unsafe', kind: 'boolean', describe: 'Refused: every package is pinned', refused: EVERY_PACKAGE_PINNED },
  { name: 'no-upgrade', kind: 'boolean', describe: "pip-compile's flag; the default here", implied: "the default: the existing lock's pins are kept wherever they still fit; -U and -P free them" },
  { name: 'reuse-hashes', kind: 'boolean', describe: "pip-compile's flag; never so here", implied: HASHES_COMPUTED },
  { name: 'no-reuse-hashes', kind: 'boolean', describe: "pip-compile's flag; always so here", implied: HASHES_COMPUTED },
  {
    name: 'rebuild',
    kind: 'boolean',
    describe: "pip-compile's flag: as --no-cache",
    sameAs: 'no-cache',
    implied: 'as --no-cache: every page asked and every file downloaded and hashed again; no cache read or written',
  },
  {
    name: 'emit-options',
    kind: 'boolean',
    describe: "pip-compile's flag; see --emit-index-url, --emit-find-links",
    implied: 'the lock writes the pip options asked for one by one: --emit-index-url (index lines), --emit-find-links (find-links lines); the indexes are always named in its comments',
  },
  { name: 'no-emit-options', kind: 'boolean', describe: "pip-compile's flag; the default here", implied: 'the default: the lock writes no pip options (its indexes are named in comments only)' },
  {
    name: 'trusted-host',
    kind: 'strings',
    describe: 'Refused: every https certificate is verified',
    refused:
      "pin-hashes verifies the certificate of every https index: for one signed by your own CA, name the CA with --cert; an http:// index URL is used as given (its files are still hashed, but anyone on the path could change what it lists)",
  },
  { name: 'emit-trusted-host', kind: 'boolean', describe: "pip-compile's flag; nothing to emit here", implied: 'nothing to emit: pin-hashes has no trusted hosts (every https certificate is verified)' },
  { name: 'no-emit-trusted-host', kind: 'boolean', describe: "pip-compile's flag; the default here", implied: 'the default: the lock writes no --trusted-host lines' },
  {
    name: 'client-cert',
    kind: 'string',
    describe: 'Refused: no client certificates yet',
    refused: 'client certificates (mutual TLS) are not supported yet: give the index its credentials in the URL, a ${VAR} the input expands, or ~/.netrc',
  },
  {
    name: 'newline',
    kind: 'choice',
    choices: ['LF', 'CRLF', 'native', 'preserve'],
    describe: "pip-compile's line endings; LF here",
  },
  {
    name: 'config',
    kind: 'string',
    describe: 'Refused: no pip-tools configuration is read',
    refused: "pin-hashes reads no pip-tools configuration; the locks a repository makes are listed in pyproject.toml's [tool.pin-hashes] (pin-hashes lock --all)",
  },
  { name: 'no-config', kind: 'boolean', describe: "pip-compile's flag; always so here", implied: 'always so: pin-hashes reads no pip-tools configuration ([tool.pip-tools] is not read)' },
  { name: 'build-deps-for', kind: 'strings', describe: 'Refused: build dependencies are not locked', refused: NO_BUILD_DEPS },
  { name: 'all-build-deps', kind: 'boolean', describe: 'Refused: build dependencies are not locked', refused: NO_BUILD_DEPS },
  { name: 'only-build-deps', kind: 'boolean', describe: 'Refused: build dependencies are not locked', refused: NO_BUILD_DEPS },
  {
    name: 'pip-args',
    kind: 'string',
    describe: 'Refused: pin-hashes runs no pip',
    refused: 'pin-hashes runs no pip: it resolves, downloads and hashes by itself. Give index and format options as pin-hashes flags (-i, --extra-index-url, --find-links, --only-binary, --no-binary, --pre)',
  },
];

/**
 * A refused flag anywhere on a `lock` command line, found before any parser reads it: its value
 * may look like a flag (`--pip-args --no-deps`), which would otherwise be reported as unknown.
 */
export function assertNoRefusedFlag(argv: readonly string[]): void {
  if (commandWord(argv) !== 'lock') return;
  for (const flag of PIP_COMPILE_FLAGS) {
    if (flag.refused && argv.some((arg) => arg === `--${flag.name}` || arg.startsWith(`--${flag.name}=`))) {
      throw refusal(flag);
    }
  }
}

function refusal(flag: PipCompileFlag): UsageError {
  return new UsageError(`--${flag.name} is not supported: ${flag.refused ?? ''}.`);
}

/**
 * The notes for the pip-compile flags in `values` (and its environment); `--resolver legacy` is a
 * usage error. Refused flags never get here: assertNoRefusedFlag() saw them in argv first.
 */
export function pipCompileNotes(values: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): string[] {
  const notes: string[] = [];
  // Set for pip-compile by CI setups and bots; refusing it would fail every run there.
  if (env['CUSTOM_COMPILE_COMMAND']) notes.push("CUSTOM_COMPILE_COMMAND is not used: the header keeps pin-hashes' own command, which `pin-hashes check` regenerates the lock from");
  for (const flag of PIP_COMPILE_FLAGS) {
    const value = values[flag.name];
    if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) continue;
    // Also from the parsed values: a refused flag must fail however the command line reached here.
    if (flag.refused) throw refusal(flag);
    if (flag.name === 'resolver') {
      if (value === 'legacy') throw new UsageError("--resolver legacy is not supported: pin-hashes resolves as pip's backtracking resolver does (pip removed the legacy one).");
      notes.push("--resolver backtracking: always so: pin-hashes resolves as pip's backtracking resolver does");
      continue;
    }
    if (flag.name === 'newline') {
      // pip reads either; `check --offline` compares the lock's own bytes, written with LF.
      if (value === 'CRLF' || (value === 'native' && process.platform === 'win32')) {
        throw new UsageError(`--newline ${String(value)} is not supported: locks are written with LF line endings, which pip reads on every platform (a checkout that turns them into CRLF fails \`check --offline\`: keep the lock LF in .gitattributes).`);
      }
      notes.push(`--newline ${String(value)}: the lock is written with LF line endings`);
      continue;
    }
    if (flag.implied) notes.push(`--${flag.name}${flag.kind === 'boolean' ? '' : ` ${String(value)}`}: ${flag.implied}`);
  }
  return notes;
}

/** `values` with each pip-compile flag that is the same as one of ours (--rebuild) given as ours. */
export function withPipCompileAliases(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const flag of PIP_COMPILE_FLAGS) if (flag.sameAs !== undefined && values[flag.name] === true) out[flag.sameAs] = true;
  return out;
}
