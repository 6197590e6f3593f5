/**
 * PEP 440 versions, parsed, normalised and ordered like pypa/packaging's `Version`.
 *
 * Traps:
 * - Parsing is case-insensitive and ASCII-only (`1.0+İ` is invalid), surrounding whitespace is
 *   Python's `\s`, a leading `v` is dropped, and numbers lose leading zeros (`1.01` == `1.1`).
 * - Spellings: `alpha`/`beta`/`c`/`pre`/`preview` become `a`/`b`/`rc`; `rev`/`r` and the bare
 *   `-N` form are post-releases (`1.0-1` is `1.0.post1`, `1.0-` is invalid); `.`, `-`, `_`
 *   separators are optional and a missing number means 0 (`1.0a` is `1.0a0`).
 * - The pre-release part is matched possessively like packaging's regex: it may swallow a
 *   trailing separator (`1.0a.` is `1.0a0`).
 * - Epochs dominate everything (`1!0.1 > 2.0`); releases compare with zero padding
 *   (`1.0 == 1.0.0`, but `str()` keeps the digits as written).
 * - Order inside one release: `.devN` < `aN` < `bN` < `rcN` < final < `.postN`, and inside a
 *   pre-release `.devN` < plain < `.postN`; `1.0.post1.dev1` sits between `1.0` and `1.0.post1`.
 * - A local label sorts after the same public version; numeric segments compare as numbers and
 *   above alphabetic ones, and a longer label with an equal prefix sorts later.
 * - "Pre-release" means a pre or a dev segment (`1.0.post1.dev1` is one).
 * - Numbers can be arbitrarily long, so they are kept as digit strings without leading zeros and
 *   compared by length, then by digits: exact, and linear in the input.
 *
 * The public `epoch`, `release`, `pre`, `post` and `dev` are JavaScript numbers for convenience
 * (exact up to 2^53); `exact` gives the digit strings when that is not enough.
 */
import { ParseError } from '../errors.js';
import { compareCodePoints, isPySpace, quoteExcerpt } from './pychars.js';
import { PRE_SPELLINGS, VERSION_SHAPE, isAllDigits, normalizeDigits, scanVersion, type PreLabel, type VersionParts } from './version-grammar.js';

export type { PreLabel, VersionParts } from './version-grammar.js';

// ---------------------------------------------------------------------------------------------
// Digit strings

/** Compares normalised digit strings as integers. */
export function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `digits + 1` for a normalised digit string. */
export function incrementDigits(digits: string): string {
  const units = digits.split('');
  let i = units.length - 1;
  while (i >= 0 && units[i] === '9') {
    units[i] = '0';
    i--;
  }
  if (i < 0) return '1' + units.join('');
  units[i] = String(Number(units[i]) + 1);
  return units.join('');
}

// ---------------------------------------------------------------------------------------------
// Parsing (the grammar is version-grammar.ts, shared with specifier clauses)

interface ParseOutcome {
  readonly parts: VersionParts | null;
  /** Where parsing stopped, for error messages. */
  readonly stoppedAt: number;
}

/** The whole text, less Python's surrounding whitespace, must be one version. */
function parseParts(text: string): ParseOutcome {
  let start = 0;
  let end = text.length;
  while (start < end && isPySpace(text.charCodeAt(start))) start++;
  while (end > start && isPySpace(text.charCodeAt(end - 1))) end--;
  const scan = scanVersion(text.slice(0, end), start, VERSION_SHAPE);
  return { parts: scan.end === end ? scan.parts : null, stoppedAt: scan.end };
}

// ---------------------------------------------------------------------------------------------
// Ordering

const PRE_RANK: Record<PreLabel, number> = { a: 0, b: 1, rc: 2 };

/** Release tuples compared with zero padding (`1.0.0` == `1`). */
export function compareReleases(a: readonly string[], b: readonly string[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const c = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * packaging's `_cmpkey` for the public version, after the epoch and release: dev-only releases
 * sort before alphas, finals after rcs. `postN` null stands for "above every post number" (the
 * afterPosts boundary points of ranges.ts).
 */
export interface SuffixKey {
  readonly preRank: number;
  readonly preN: string;
  readonly postRank: number;
  readonly postN: string | null;
  readonly devRank: number;
  readonly devN: string;
}

export function suffixKey(parts: VersionParts): SuffixKey {
  const devOnly = parts.pre === null && parts.post === null && parts.dev !== null;
  return {
    preRank: parts.pre === null ? (devOnly ? -1 : 3) : PRE_RANK[parts.pre[0]],
    preN: parts.pre === null ? '0' : parts.pre[1],
    postRank: parts.post === null ? 0 : 1,
    postN: parts.post ?? '0',
    devRank: parts.dev === null ? 1 : 0,
    devN: parts.dev ?? '0',
  };
}

/** Orders epoch, release and suffix keys: the one public-version order (ranges.ts uses it too). */
export function comparePublicKeys(a: { epoch: string; release: readonly string[]; suffix: SuffixKey }, b: { epoch: string; release: readonly string[]; suffix: SuffixKey }): number {
  const ka = a.suffix;
  const kb = b.suffix;
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareReleases(a.release, b.release) ||
    ka.preRank - kb.preRank ||
    compareDigits(ka.preN, kb.preN) ||
    ka.postRank - kb.postRank ||
    comparePostNumbers(ka.postN, kb.postN) ||
    ka.devRank - kb.devRank ||
    compareDigits(ka.devN, kb.devN)
  );
}

function comparePostNumbers(a: string | null, b: string | null): number {
  if (a === null || b === null) return (a === null ? 1 : 0) - (b === null ? 1 : 0);
  return compareDigits(a, b);
}

function comparePublicParts(a: VersionParts, b: VersionParts): number {
  return comparePublicKeys({ epoch: a.epoch, release: a.release, suffix: suffixKey(a) }, { epoch: b.epoch, release: b.release, suffix: suffixKey(b) });
}

function compareLocal(a: readonly string[] | null, b: readonly string[] | null): number {
  if (a === null || b === null) return (a === null ? 0 : 1) - (b === null ? 0 : 1);
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const xNumeric = isAllDigits(x);
    const yNumeric = isAllDigits(y);
    let c: number;
    if (xNumeric && yNumeric) c = compareDigits(x, y);
    else if (xNumeric !== yNumeric) c = xNumeric ? 1 : -1;
    else c = compareCodePoints(x, y);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------

export interface VersionInit {
  epoch?: number | bigint | null;
  release: readonly (number | bigint)[];
  /** The label may be any accepted spelling (`B`, `beta`, `c`, `preview`, ...). */
  pre?: readonly [string, number | bigint] | null;
  post?: number | bigint | null;
  dev?: number | bigint | null;
  local?: string | null;
}

function invalid(message: string): ParseError {
  return new ParseError('INVALID_VERSION', message);
}

function digitsOf(value: number | bigint, what: string): string {
  if (typeof value === 'number' && (!Number.isSafeInteger(value) || value < 0)) {
    throw invalid(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  if (typeof value === 'bigint' && value < 0n) {
    throw invalid(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  return String(value);
}

const LOCAL_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/i;

export class Version {
  readonly #parts: VersionParts;
  #text: string | undefined;

  private constructor(parts: VersionParts) {
    this.#parts = parts;
  }

  /** Throws ParseError `INVALID_VERSION`. */
  static parse(text: string): Version {
    const outcome = parseParts(text);
    if (outcome.parts === null) {
      throw invalid(`Invalid version: ${quoteExcerpt(text)} (not PEP 440 from column ${outcome.stoppedAt + 1})`);
    }
    return new Version(outcome.parts);
  }

  static tryParse(text: string): Version | null {
    const outcome = parseParts(text);
    return outcome.parts === null ? null : new Version(outcome.parts);
  }

  /** packaging's `Version.from_parts`. Throws ParseError `INVALID_VERSION` on bad parts. */
  static fromParts(init: VersionInit): Version {
    if (init.release.length === 0) throw invalid('release must have at least one number');
    let pre: [PreLabel, string] | null = null;
    if (init.pre !== undefined && init.pre !== null) {
      const label = init.pre[0].toLowerCase();
      const spelling = PRE_SPELLINGS.find(([word]) => word === label);
      if (spelling === undefined) throw invalid(`unknown pre-release label ${quoteExcerpt(init.pre[0])}`);
      pre = [spelling[1], digitsOf(init.pre[1], 'pre')];
    }
    let local: string[] | null = null;
    if (init.local !== undefined && init.local !== null) {
      if (!LOCAL_PATTERN.test(init.local)) throw invalid(`invalid local label ${quoteExcerpt(init.local)}`);
      local = init.local
        .toLowerCase()
        .split(/[._-]/)
        .map((segment) => (isAllDigits(segment) ? normalizeDigits(segment) : segment));
    }
    return new Version({
      epoch: init.epoch === undefined || init.epoch === null ? '0' : digitsOf(init.epoch, 'epoch'),
      release: init.release.map((n) => digitsOf(n, 'release')),
      pre,
      post: init.post === undefined || init.post === null ? null : digitsOf(init.post, 'post'),
      dev: init.dev === undefined || init.dev === null ? null : digitsOf(init.dev, 'dev'),
      local,
    });
  }

  /** Builds a version from already-normalised parts (used by specifier arithmetic). */
  static fromExact(parts: VersionParts): Version {
    const digits = [parts.epoch, ...parts.release, parts.pre?.[1], parts.post, parts.dev];
    for (const d of digits) {
      if (d !== undefined && d !== null && (!isAllDigits(d) || normalizeDigits(d) !== d)) {
        throw new Error(`Assertion failed: ${quoteExcerpt(d)} is not a normalised digit string`);
      }
    }
    if (parts.release.length === 0) throw new Error('Assertion failed: empty release');
    return new Version(parts);
  }

  get exact(): VersionParts {
    return this.#parts;
  }

  get epoch(): number {
    return Number(this.#parts.epoch);
  }

  get release(): readonly number[] {
    return this.#parts.release.map(Number);
  }

  get pre(): readonly [PreLabel, number] | null {
    const pre = this.#parts.pre;
    return pre === null ? null : [pre[0], Number(pre[1])];
  }

  get post(): number | null {
    return this.#parts.post === null ? null : Number(this.#parts.post);
  }

  get dev(): number | null {
    return this.#parts.dev === null ? null : Number(this.#parts.dev);
  }

  get local(): string | null {
    return this.#parts.local === null ? null : this.#parts.local.join('.');
  }

  get isPrerelease(): boolean {
    return this.#parts.pre !== null || this.#parts.dev !== null;
  }

  get isPostrelease(): boolean {
    return this.#parts.post !== null;
  }

  get isDevrelease(): boolean {
    return this.#parts.dev !== null;
  }

  get public(): string {
    const text = this.toString();
    const plus = text.indexOf('+');
    return plus < 0 ? text : text.slice(0, plus);
  }

  get baseVersion(): string {
    const release = this.#parts.release.join('.');
    return this.#parts.epoch === '0' ? release : `${this.#parts.epoch}!${release}`;
  }

  /** As JSON, a version is its normalized text (`--json` output, lock models). */
  toJSON(): string {
    return this.toString();
  }

  toString(): string {
    if (this.#text === undefined) {
      const p = this.#parts;
      let text = this.baseVersion;
      if (p.pre !== null) text += p.pre[0] + p.pre[1];
      if (p.post !== null) text += '.post' + p.post;
      if (p.dev !== null) text += '.dev' + p.dev;
      if (p.local !== null) text += '+' + p.local.join('.');
      this.#text = text;
    }
    return this.#text;
  }

  /** <0, 0, >0 in PEP 440 order. */
  compare(other: Version): number {
    const publicOrder = comparePublicParts(this.#parts, other.#parts);
    if (publicOrder !== 0) return sign(publicOrder);
    return sign(compareLocal(this.#parts.local, other.#parts.local));
  }

  /** Like `compare`, but ignoring the local labels of both sides. */
  comparePublic(other: Version): number {
    return sign(comparePublicParts(this.#parts, other.#parts));
  }

  equals(other: Version): boolean {
    return this.compare(other) === 0;
  }

  /** A copy with some parts replaced (packaging's `__replace__`); parts must be normalised. */
  with(changes: Partial<VersionParts>): Version {
    return Version.fromExact({ ...this.#parts, ...changes });
  }
}

export function compareVersions(a: Version, b: Version): number {
  return a.compare(b);
}

/**
 * packaging's `canonicalize_version`: the normalised form, by default without trailing zeros in
 * the release (`1.0.0` -> `1`); text that is not a version comes back unchanged.
 */
export function canonicalizeVersion(version: Version | string, stripTrailingZero = true): string {
  const parsed = typeof version === 'string' ? Version.tryParse(version) : version;
  if (parsed === null) return typeof version === 'string' ? version : version.toString();
  if (!stripTrailingZero) return parsed.toString();
  const release = [...parsed.exact.release];
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  return parsed.with({ release }).toString();
}
