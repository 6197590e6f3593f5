/**
 * pip-compile's flags that a pip-compile user types out of habit, so that switching is changing
 * the command's name: the ones pin-hashes always honours are accepted with a one-line note, the
 * ones it cannot honour are refused with the reason, never silently ignored.
 */
import type { FastFlag } from './fast-argv.js';
import { UsageError } from './usage-error.js';

export interface PipCompileFlag extends FastFlag {
  readonly describe: string;
  /** Given: a note saying why nothing needs doing. */
  readonly implied?: string;
  /** Given: a usage error with this reason. */
  readonly refused?: string;
}

const NEVER_BUILDS = 'pin-hashes never builds a package (dependencies come from wheels, PEP 658 files or static sdist metadata), so there is no build to isolate';

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
    refused: "pip's hash-checking mode needs every package it installs pinned with its hashes; a lock that leaves one out does not install",
  },
  {
    name: 'no-emit-package',
    kind: 'strings',
    describe: 'Refused: every package is pinned',
    refused: "pip's hash-checking mode needs every package it installs pinned with its hashes; a lock that leaves one out does not install",
  },
  {
    name: 'custom-compile-command',
    kind: 'string',
    describe: 'Refused: check needs the real command',
    refused: "`pin-hashes check` regenerates the lock from the command in its header, so the header keeps pin-hashes' own command",
  },
  { name: 'build-isolation', kind: 'boolean', describe: 'Refused: nothing is built', refused: NEVER_BUILDS },
  { name: 'no-build-isolation', kind: 'boolean', describe: 'Refused: nothing is built', refused: NEVER_BUILDS },
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
  if (argv[0] !== 'lock') return;
  for (const flag of PIP_COMPILE_FLAGS) {
    if (flag.refused && argv.some((arg) => arg === `--${flag.name}` || arg.startsWith(`--${flag.name}=`))) {
      throw new UsageError(`--${flag.name} is not supported: ${flag.refused}.`);
    }
  }
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
    if (flag.name === 'resolver') {
      if (value === 'legacy') throw new UsageError("--resolver legacy is not supported: pin-hashes resolves as pip's backtracking resolver does (pip removed the legacy one).");
      notes.push("--resolver backtracking: always so: pin-hashes resolves as pip's backtracking resolver does");
      continue;
    }
    if (flag.implied) notes.push(`--${flag.name}${flag.kind === 'boolean' ? '' : ` ${String(value)}`}: ${flag.implied}`);
  }
  return notes;
}
