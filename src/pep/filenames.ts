/**
 * Distribution file names: wheels (PEP 427 / binary distribution format), sdists (PEP 625 and
 * the legacy names pip still reads from index pages), and compatibility tag sets (PEP 425).
 *
 * Traps:
 * - Wheel names are parsed strictly like packaging: exactly 4 or 5 dashes, a name of word
 *   characters and dots without `__`, a PEP 440 version, an optional build tag that starts with
 *   a digit (`1000abc` sorts as `[1000, 'abc']`), and a tag triple. Compressed tag sets
 *   (`py2.py3-none-any`) expand to their cartesian product; tags are lowercased.
 * - Tag parts may not be empty and interpreter parts must be identifiers (`py3.2` is two parts,
 *   and `2` is not an interpreter).
 * - Strict sdist names are `{name}-{version}.tar.gz` or `.zip`, split at the last dash.
 * - Legacy sdist names need the project name to be split: `python-dateutil-2.8.2.tar.gz`,
 *   `Django-1.0.zip`, `foo-1.0-1.tar.gz` (version `1.0-1`, i.e. `1.0.post1`). pip's rule: the
 *   first dash whose prefix normalises to the project name separates name and version.
 * - pip accepts `.zip`, `.tar.gz`, `.tgz`, `.tar`, `.tar.bz2`, `.tbz`, `.tar.xz`, `.txz`, `.tlz`,
 *   `.tar.lz`, `.tar.lzma` as sdists (extensions are case-sensitive, except that `.TAR` is
 *   recognised as the first half of a double extension), and drops `.zip` files whose name
 *   mentions `macosx10`.
 * - A trailing `-pyX.Y` on a legacy version is a Python-version qualifier, not version text.
 */
import { ParseError } from '../errors.js';
import { normalizeName, type PackageName } from './names.js';
import { compareCodePoints, isAsciiDigit, quoteExcerpt } from './pychars.js';
import { Version } from './version.js';

export interface Tag {
  readonly interpreter: string;
  readonly abi: string;
  readonly platform: string;
}

export function tagToString(tag: Tag): string {
  return `${tag.interpreter}-${tag.abi}-${tag.platform}`;
}

export interface WheelFilename {
  readonly name: PackageName;
  readonly version: Version;
  /** `[number, rest]` of the build tag; the number is exact up to 2^53. */
  readonly build: readonly [number, string] | null;
  /** compressed tag sets expanded (cartesian product), lowercased */
  readonly tags: readonly Tag[];
}

function invalidFilename(message: string): ParseError {
  return new ParseError('INVALID_FILENAME', message);
}

const INTERPRETER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

/**
 * A tag triple, possibly compressed (`py2.py3-none-any`), expanded and lowercased.
 * With `validateOrder`, each compressed component must be sorted (PEP 425).
 * Throws ParseError `INVALID_TAG`.
 */
export function parseTag(text: string, options: { validateOrder?: boolean } = {}): Tag[] {
  const components = text.split('-');
  if (components.length !== 3) {
    throw new ParseError('INVALID_TAG', `Invalid tag ${quoteExcerpt(text)}: expected interpreter-abi-platform`);
  }
  const parts = components.map((component) => component.split('.'));
  for (const [index, list] of parts.entries()) {
    if (list.some((part) => part === '')) {
      throw new ParseError('INVALID_TAG', `Invalid tag ${quoteExcerpt(text)}: empty component`);
    }
    if (index === 0) {
      const bad = list.find((part) => !INTERPRETER.test(part));
      if (bad !== undefined) {
        throw new ParseError('INVALID_TAG', `Invalid tag ${quoteExcerpt(text)}: ${quoteExcerpt(bad)} is not an interpreter`);
      }
    }
    if (options.validateOrder === true) {
      const sorted = [...list].sort(compareCodePoints);
      if (sorted.some((part, i) => part !== list[i])) {
        throw new ParseError('INVALID_TAG', `Invalid tag ${quoteExcerpt(text)}: compressed tag set components must be sorted (PEP 425)`);
      }
    }
  }
  const [interpreters = [], abis = [], platforms = []] = parts;
  const seen = new Set<string>();
  const tags: Tag[] = [];
  for (const interpreter of interpreters) {
    for (const abi of abis) {
      for (const platform of platforms) {
        const tag = { interpreter: interpreter.toLowerCase(), abi: abi.toLowerCase(), platform: platform.toLowerCase() };
        const key = tagToString(tag);
        if (!seen.has(key)) {
          seen.add(key);
          tags.push(tag);
        }
      }
    }
  }
  return tags;
}

const WHEEL_NAME = /^[\p{L}\p{N}_.]+$/u;

/** strict like packaging; throws INVALID_FILENAME */
export function parseWheelFilename(filename: string, options: { validateOrder?: boolean } = {}): WheelFilename {
  if (!filename.endsWith('.whl')) {
    throw invalidFilename(`Invalid wheel filename (extension must be '.whl'): ${quoteExcerpt(filename)}`);
  }
  const stem = filename.slice(0, -4);
  const pieces = stem.split('-');
  const dashes = pieces.length - 1;
  if (dashes !== 4 && dashes !== 5) {
    throw invalidFilename(`Invalid wheel filename (wrong number of parts): ${quoteExcerpt(filename)}`);
  }
  const [namePart = '', versionPart = ''] = pieces;
  if (namePart.includes('__') || !WHEEL_NAME.test(namePart)) {
    throw invalidFilename(`Invalid project name in wheel filename: ${quoteExcerpt(filename)}`);
  }
  const version = Version.tryParse(versionPart);
  if (version === null) {
    throw invalidFilename(`Invalid wheel filename (invalid version ${quoteExcerpt(versionPart)}): ${quoteExcerpt(filename)}`);
  }
  let build: [number, string] | null = null;
  if (dashes === 5) {
    const buildPart = pieces[2] ?? '';
    let digitEnd = 0;
    while (digitEnd < buildPart.length && isAsciiDigit(buildPart.charCodeAt(digitEnd))) digitEnd++;
    if (digitEnd === 0) {
      throw invalidFilename(`Invalid build number ${quoteExcerpt(buildPart)} in ${quoteExcerpt(filename)}`);
    }
    // packaging's `(\d+)(.*)` match: `.` stops at a line break.
    const rest = buildPart.slice(digitEnd).split('\n', 1)[0] ?? '';
    build = [Number(buildPart.slice(0, digitEnd)), rest];
  }
  const tagText = pieces.slice(dashes - 2).join('-');
  let tags: Tag[];
  try {
    tags = parseTag(tagText, options);
  } catch (error) {
    if (error instanceof ParseError) throw invalidFilename(`Invalid wheel filename (${error.message}): ${quoteExcerpt(filename)}`);
    throw error;
  }
  return { name: normalizeName(namePart), version, build, tags };
}

/** strict (.tar.gz/.zip); throws INVALID_FILENAME */
export function parseSdistFilename(filename: string): { name: PackageName; version: Version } {
  let stem: string;
  if (filename.endsWith('.tar.gz')) stem = filename.slice(0, -'.tar.gz'.length);
  else if (filename.endsWith('.zip')) stem = filename.slice(0, -'.zip'.length);
  else throw invalidFilename(`Invalid sdist filename (extension must be '.tar.gz' or '.zip'): ${quoteExcerpt(filename)}`);
  const dash = stem.lastIndexOf('-');
  if (dash <= 0) throw invalidFilename(`Invalid sdist filename (no name-version separator): ${quoteExcerpt(filename)}`);
  const version = Version.tryParse(stem.slice(dash + 1));
  if (version === null) throw invalidFilename(`Invalid sdist filename (invalid version): ${quoteExcerpt(filename)}`);
  return { name: normalizeName(stem.slice(0, dash)), version };
}

// ---------------------------------------------------------------------------------------------
// pip's lenient reading

const SDIST_EXTENSIONS: readonly string[] = [
  '.zip',
  '.tar.bz2',
  '.tbz',
  '.tar.gz',
  '.tgz',
  '.tar',
  '.tar.xz',
  '.txz',
  '.tlz',
  '.tar.lz',
  '.tar.lzma',
];
const IGNORED_EXTENSIONS: readonly string[] = ['.egg', '.exe', '.msi', '.rpm', '.dmg', '.deb'];

/** pip's `splitext`: like `posixpath.splitext` but keeps `.tar` with the extension. */
function splitExtension(filename: string): [string, string] {
  const base = filename.slice(filename.lastIndexOf('/') + 1);
  let dot = base.lastIndexOf('.');
  // A name made only of leading dots has no extension (`posixpath.splitext('.bashrc')`).
  let leading = 0;
  while (leading < base.length && base[leading] === '.') leading++;
  if (dot < leading) dot = -1;
  const prefix = filename.slice(0, filename.length - base.length);
  let stem = dot < 0 ? filename : prefix + base.slice(0, dot);
  let ext = dot < 0 ? '' : base.slice(dot);
  if (stem.toLowerCase().endsWith('.tar')) {
    ext = stem.slice(-4) + ext;
    stem = stem.slice(0, -4);
  }
  return [stem, ext];
}

export type DistKind = 'wheel' | 'sdist' | 'other';

/** .whl / sdist archive exts / eggs,exe,msi,... */
export function distKind(filename: string): DistKind {
  const [, ext] = splitExtension(filename);
  if (ext === '.whl') return 'wheel';
  if (SDIST_EXTENSIONS.includes(ext)) return 'sdist';
  return 'other';
}

/** Is this an installer format pip never installs (eggs, wininst, msi, rpm, dmg)? */
export function isIgnoredDistribution(filename: string): boolean {
  const [, ext] = splitExtension(filename);
  return IGNORED_EXTENSIONS.includes(ext.toLowerCase());
}

/**
 * pip's `_find_name_version_sep`: the index of the first `-` whose prefix normalises to
 * `project`, or -1. Normalises incrementally, so it is linear in the stem.
 */
function findNameVersionSeparator(stem: string, project: string): number {
  let normalized = '';
  let lastWasSeparator = false;
  for (let i = 0; i < stem.length; ) {
    const codePoint = stem.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(codePoint);
    if (ch === '-' && normalized === project) return i;
    if (ch === '-' || ch === '_' || ch === '.') {
      if (!lastWasSeparator) normalized += '-';
      lastWasSeparator = true;
    } else {
      normalized += ch.toLowerCase();
      lastWasSeparator = false;
    }
    // The normalised prefix only grows; once it is longer than the name it can never match.
    if (normalized.length > project.length + 1) return -1;
    i += ch.length;
  }
  return -1;
}

const PYTHON_QUALIFIER = /-py([123]\.?[0-9]?)$/;

export interface LenientSdistName {
  /** The version text as written (not necessarily PEP 440; parse it to check). */
  readonly version: string;
  /** pip's `-pyX.Y` qualifier, when present (pip skips the file unless it matches the target). */
  readonly pythonQualifier: string | null;
}

/** pip's lenient reading for index pages: knows the project; handles legacy names and all archive
 *  extensions pip accepts; returns null when the file is not for this project or not an sdist. */
export function parseSdistFilenameFor(filename: string, project: PackageName): LenientSdistName | null {
  const [stem, ext] = splitExtension(filename);
  if (!SDIST_EXTENSIONS.includes(ext)) return null;
  if (ext === '.zip' && filename.includes('macosx10')) return null;
  const base = stem.slice(stem.lastIndexOf('/') + 1);
  const separator = findNameVersionSeparator(base, project);
  if (separator < 0) return null;
  let version = base.slice(separator + 1);
  if (version === '') return null;
  let pythonQualifier: string | null = null;
  const qualifier = PYTHON_QUALIFIER.exec(version);
  if (qualifier !== null) {
    pythonQualifier = qualifier[1] ?? null;
    version = version.slice(0, qualifier.index);
  }
  return { version, pythonQualifier };
}
