// Reads requirements files from disk, follows -r/-c, and folds every option line into one result
// the way pip 23.2 updates its finder while it reads (req_file.py `handle_option_line`).
import { realpath, stat } from 'node:fs/promises';
import { UnreadableFileError, readBoundedFile } from '../fs/bounded-read.js';
import { dirname, isAbsolute, join, normalize, relative, resolve } from 'node:path';
import { PinHashesError } from '../errors.js';
import { redactUrl } from '../http/redact.js';
import type { Requirement } from '../pep/requirement.js';
import { decodeRequirementsFile } from './decode.js';
import { FormatControl } from './format-control.js';
import { formatLocation, inputError, type SourceLocation } from './input-error.js';
import { parseRequirementsText, type LineOptions, type RequirementsWarning } from './parse-text.js';
import type { Environment } from './preprocess.js';

export interface InputRequirement {
  readonly requirement: Requirement;
  readonly location: SourceLocation;
  /** The requirement as written (`${VAR}` kept), without its options. */
  readonly text: string;
  /** `--hash` values as written, `alg:hex` (sha256, sha384 or sha512). */
  readonly hashes: readonly string[];
  /** Came from a file named by `-c`. */
  readonly constraint: boolean;
  /**
   * Set when it came from a pyproject.toml or setup.cfg (inputs/): the project's name as written
   * ('' when the file names none). Locks say `# via NAME (pyproject.toml)` for it, as pip-compile does.
   */
  readonly project?: string;
}

export interface IndexUrlSetting {
  /** As written, `${VAR}` kept: what may be recorded or printed. */
  readonly url: string;
  /** `${VAR}` expanded from the environment: what to fetch. */
  readonly expanded: string;
  readonly location: SourceLocation;
}

export interface FindLinksSetting {
  readonly location: SourceLocation;
  /**
   * A URL, or a path: absolute when it exists relative to the including file's directory (pip's
   * rule); otherwise as written, which pip then reads against the working directory.
   */
  readonly value: string;
  /** As written, `${VAR}` kept. */
  readonly written: string;
}

export interface RequirementsInput {
  /** Every file read, in the order first read (paths as in `SourceLocation.file`). */
  readonly files: string[];
  /** From the named files and their `-r` includes. */
  readonly requirements: InputRequirement[];
  /** From `-c` files (and `-c` inside them; pip reads a `-r` inside a constraints file as requirements). */
  readonly constraints: InputRequirement[];
  /**
   * The last `-i`/`--index-url` read, null after `--no-index`. Like pip, an `-i` drops the
   * `--extra-index-url`s read before it (pip also drops the command line's, which is the caller's
   * decision to copy).
   */
  readonly indexUrl: IndexUrlSetting | null;
  readonly extraIndexUrls: IndexUrlSetting[];
  readonly findLinks: FindLinksSetting[];
  readonly noIndex: boolean;
  readonly pre: boolean;
  readonly preferBinary: boolean;
  /** `--require-hashes` was present; it changes nothing for pin-hashes. */
  readonly requireHashes: boolean;
  /** `--no-binary` and `--only-binary`, in the order read. */
  readonly formatControl: FormatControl;
  readonly trustedHosts: string[];
  readonly warnings: RequirementsWarning[];
}

export interface ReadRequirementsOptions {
  /** For `${VAR}`; default process.env. */
  readonly env?: Environment;
  /** Default process.cwd(). */
  readonly cwd?: string;
  /** Constraints files given on the command line (`-c FILE`), read as a `-c` line reads them. */
  readonly constraints?: readonly string[];
}

/** pip's SCHEME_RE: includes with these are URLs, not paths. */
const URL_SCHEME = /^(http|https|file):/i;

interface Include {
  /** How messages name the file: relative to cwd when possible. */
  readonly display: string;
  readonly constraint: boolean;
  readonly from: { readonly location: SourceLocation; readonly written: string } | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Reading {
  /** realpath, to find cycles whatever the spelling. */
  readonly identity: string;
  readonly display: string;
}

class Reader {
  readonly result: Mutable<RequirementsInput> = {
    files: [], requirements: [], constraints: [], indexUrl: null, extraIndexUrls: [], findLinks: [],
    noIndex: false, pre: false, preferBinary: false, requireHashes: false,
    formatControl: new FormatControl(), trustedHosts: [], warnings: [],
  };
  readonly #seenFiles = new Set<string>();

  constructor(
    private readonly cwd: string,
    private readonly env: Environment,
  ) {}

  /** Relative to cwd when the file is inside it, else absolute. */
  displayPath(path: string): string {
    if (!isAbsolute(path)) return normalize(path);
    const fromCwd = relative(this.cwd, path);
    return fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd) ? path : fromCwd;
  }

  async readTopLevel(path: string, constraint = false): Promise<void> {
    if (URL_SCHEME.test(path)) {
      throw new PinHashesError('INPUT_ERROR', `${path}: reading requirements from a URL is not supported yet.`, {
        exitCode: 2,
        hint: 'Download the file and pass its path.',
      });
    }
    // The user's own spelling, when relative, is what they will recognise in messages.
    const display = isAbsolute(path) ? this.displayPath(path) : path;
    await this.read({ display, constraint, from: null }, []);
  }

  async read(include: Include, stack: readonly Reading[]): Promise<void> {
    const absolute = resolve(this.cwd, include.display);
    let data: Uint8Array;
    let identity: string;
    try {
      data = await readBoundedFile(absolute);
      identity = await realpath(absolute);
    } catch (error) {
      throw this.openError(include, error);
    }
    const cycleStart = stack.findIndex((reading) => reading.identity === identity);
    if (include.from !== null && cycleStart !== -1) {
      const chain = [...stack.slice(cycleStart).map((reading) => reading.display), include.display].join(' -> ');
      throw inputError(
        include.from.location,
        `\`${include.from.written}\` includes ${include.display} again, which is already being read: include cycle ${chain}.`,
        'Remove the -r/-c line that closes the cycle.',
      );
    }
    if (!this.#seenFiles.has(identity)) {
      this.#seenFiles.add(identity);
      this.result.files.push(include.display);
    }
    const text = decodeRequirementsFile(data, include.display);
    const parsed = parseRequirementsText(text, include.display, { env: this.env, constraint: include.constraint, cwd: this.cwd });
    this.result.warnings.push(...parsed.warnings);
    const nestedStack = [...stack, { identity, display: include.display }];
    for (const line of parsed.lines) {
      switch (line.kind) {
        case 'requirement': {
          const entry: InputRequirement = {
            requirement: line.requirement, location: line.location, text: line.text, hashes: line.hashes, constraint: include.constraint,
          };
          (include.constraint ? this.result.constraints : this.result.requirements).push(entry);
          break;
        }
        case 'include': {
          const written = `${line.include === 'constraints' ? '-c' : '-r'} ${line.path}`;
          if (URL_SCHEME.test(line.path)) {
            throw inputError(line.location, `\`${redactUrl(written)}\`: including requirements from a URL is not supported yet.`, 'Download the file and include it by path.');
          }
          if (include.constraint && line.include === 'requirements') {
            this.warn(line.location, `\`${written}\` in a constraints file: pip reads ${line.path} as requirements, not constraints; write \`-c ${line.path}\` to nest constraints.`);
          }
          // pip joins onto the including file's directory without resolving symlinks or `..`.
          const nested = isAbsolute(line.path) ? line.path : join(dirname(include.display), line.path);
          await this.read(
            { display: this.displayPath(nested), constraint: line.include === 'constraints', from: { location: line.location, written } },
            nestedStack,
          );
          break;
        }
        case 'options':
          await this.applyOptions(line.options, line.location, absolute);
          break;
      }
    }
  }

  openError(include: Include, error: unknown): PinHashesError {
    const reason = describeFsError(error);
    if (include.from === null) {
      return new PinHashesError('INPUT_ERROR', `${include.display}: could not open requirements file: ${reason}.`, {
        exitCode: 2,
        hint:
          error instanceof UnreadableFileError
            ? 'Name a requirements file; if a lock header names this path, it was edited by hand: regenerate the lock with pin-hashes lock.'
            : 'Check the path; the inputs a lock header names are relative to the lock\'s folder.',
        cause: error,
      });
    }
    return inputError(
      include.from.location,
      `\`${include.from.written}\`: could not open ${include.display}: ${reason}.`,
      'Paths in -r/-c are relative to the directory of the file that contains them.',
      error,
    );
  }

  warn(location: SourceLocation, message: string): void {
    this.result.warnings.push({ location, message });
  }

  /** pip's `handle_option_line`, in its order: --no-index, -i, --extra-index-url, -f, the rest. */
  async applyOptions(options: LineOptions, location: SourceLocation, fileAbsolute: string): Promise<void> {
    const result = this.result;
    if (options.noIndex) {
      result.noIndex = true;
      result.indexUrl = null;
      result.extraIndexUrls.length = 0;
    }
    if (options.indexUrl !== null) {
      if (result.noIndex) {
        this.warn(location, `--index-url ${redactUrl(options.indexUrl.written)} is ignored after --no-index (as pip does).`);
      } else {
        const dropped = result.extraIndexUrls.splice(0);
        for (const extra of dropped) {
          this.warn(location, `this --index-url drops --extra-index-url ${redactUrl(extra.url)} from ${formatLocation(extra.location)} (pip replaces the whole index list).`);
        }
        result.indexUrl = { url: options.indexUrl.written, expanded: options.indexUrl.expanded, location };
      }
    }
    for (const extra of options.extraIndexUrls) {
      if (result.noIndex) {
        this.warn(location, `--extra-index-url ${redactUrl(extra.written)} is ignored after --no-index (as pip does).`);
      } else {
        result.extraIndexUrls.push({ url: extra.written, expanded: extra.expanded, location });
      }
    }
    if (options.findLinks !== null) {
      const besideFile = join(dirname(fileAbsolute), options.findLinks.expanded);
      const value = (await exists(besideFile)) ? besideFile : options.findLinks.expanded;
      result.findLinks.push({ location, value, written: options.findLinks.written });
    }
    result.pre ||= options.pre;
    result.preferBinary ||= options.preferBinary;
    result.requireHashes ||= options.requireHashes;
    result.trustedHosts.push(...options.trustedHosts);
    for (const change of options.formatControl) {
      if (change.option === 'noBinary') result.formatControl.addNoBinary(change.value);
      else result.formatControl.addOnlyBinary(change.value);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Why a file could not be read, in a few words. */
export function describeFsError(error: unknown): string {
  if (error instanceof UnreadableFileError) return error.message;
  if (error instanceof Error && 'code' in error) {
    switch (error.code) {
      case 'ENOENT':
        return 'no such file';
      case 'EISDIR':
        return 'it is a directory';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      default:
        return `${String(error.code)}`;
    }
  }
  return String(error);
}

/**
 * Read requirements files the way pip 23.2 does (see PROTOCOLS.md §6.1-6.2) and return what they
 * ask for. Throws PinHashesError `INPUT_ERROR` (exit code 2) whose message starts with `file:line:`.
 */
export async function readRequirementsFiles(paths: readonly string[], options: ReadRequirementsOptions = {}): Promise<RequirementsInput> {
  const reader = new Reader(options.cwd ?? process.cwd(), options.env ?? process.env);
  for (const path of paths) await reader.readTopLevel(path);
  for (const path of options.constraints ?? []) await reader.readTopLevel(path, true);
  return reader.result;
}
