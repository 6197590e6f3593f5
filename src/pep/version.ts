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
import { compareCodePoints, digitsEnd, isAsciiAlnum, isAsciiDigit, isPySpace, matchWord, quoteExcerpt } from './pychars.js';

export type PreLabel = 'a' | 'b' | 'rc';

/** The parts of a version as normalised digit strings (no leading zeros, `0` for zero). */
export interface VersionParts {
  readonly epoch: string;
  readonly release: readonly string[];
  readonly pre: readonly [PreLabel, string] | null;
  readonly post: string | null;
  readonly dev: string | null;
  /** Local segments, lowercased; all-digit segments are normalised digit strings. */
  readonly local: readonly string[] | null;
}

// ---------------------------------------------------------------------------------------------
// Digit strings

export function normalizeDigits(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 0x30) i++;
  return digits.slice(i);
}

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

function isAllDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isAsciiDigit(text.charCodeAt(i))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Parsing (a hand-written equivalent of packaging's possessive VERSION_PATTERN)

const PRE_SPELLINGS: readonly (readonly [string, PreLabel])[] = [
  ['alpha', 'a'],
  ['a', 'a'],
  ['beta', 'b'],
  ['b', 'b'],
  ['preview', 'rc'],
  ['pre', 'rc'],
  ['c', 'rc'],
  ['rc', 'rc'],
];
const POST_SPELLINGS: readonly string[] = ['post', 'rev', 'r'];

function isSeparator(unit: number): boolean {
  return unit === 0x2e || unit === 0x2d || unit === 0x5f; // . - _
}



interface ParseOutcome {
  readonly parts: VersionParts | null;
  /** Where parsing stopped, for error messages. */
  readonly stoppedAt: number;
}

function parseParts(text: string): ParseOutcome {
  let start = 0;
  let end = text.length;
  while (start < end && isPySpace(text.charCodeAt(start))) start++;
  while (end > start && isPySpace(text.charCodeAt(end - 1))) end--;
  const s = text.slice(0, end);
  let pos = start;
  const fail = (): ParseOutcome => ({ parts: null, stoppedAt: pos });

  if (pos < end && (s.charCodeAt(pos) | 0x20) === 0x76) pos++; // v / V

  let epoch = '0';
  const epochDigitsEnd = digitsEnd(s, pos);
  if (epochDigitsEnd > pos && s.charCodeAt(epochDigitsEnd) === 0x21) {
    epoch = normalizeDigits(s.slice(pos, epochDigitsEnd));
    pos = epochDigitsEnd + 1;
  }

  const release: string[] = [];
  let numberEnd = digitsEnd(s, pos);
  if (numberEnd === pos) return fail();
  release.push(normalizeDigits(s.slice(pos, numberEnd)));
  pos = numberEnd;
  while (s.charCodeAt(pos) === 0x2e) {
    numberEnd = digitsEnd(s, pos + 1);
    if (numberEnd === pos + 1) break;
    release.push(normalizeDigits(s.slice(pos + 1, numberEnd)));
    pos = numberEnd;
  }

  // Pre-release: [._-]?+ letters [._-]?+ digits? — atomic as a whole.
  let pre: [PreLabel, string] | null = null;
  {
    let p = pos;
    if (p < end && isSeparator(s.charCodeAt(p))) p++;
    const spelling = PRE_SPELLINGS.find(([word]) => matchWord(s, p, word));
    if (spelling !== undefined) {
      p += spelling[0].length;
      if (p < end && isSeparator(s.charCodeAt(p))) p++;
      const n = digitsEnd(s, p);
      pre = [spelling[1], n > p ? normalizeDigits(s.slice(p, n)) : '0'];
      pos = n;
    }
  }

  // Post-release: -N, or [._-]? (post|rev|r) [._-]? digits?
  let post: string | null = null;
  if (s.charCodeAt(pos) === 0x2d && digitsEnd(s, pos + 1) > pos + 1) {
    const n = digitsEnd(s, pos + 1);
    post = normalizeDigits(s.slice(pos + 1, n));
    pos = n;
  } else {
    let p = pos;
    if (p < end && isSeparator(s.charCodeAt(p))) p++;
    const word = POST_SPELLINGS.find((w) => matchWord(s, p, w));
    if (word !== undefined) {
      p += word.length;
      if (p < end && isSeparator(s.charCodeAt(p))) p++;
      const n = digitsEnd(s, p);
      post = n > p ? normalizeDigits(s.slice(p, n)) : '0';
      pos = n;
    }
  }

  // Development release: [._-]?+ dev [._-]?+ digits?
  let dev: string | null = null;
  {
    let p = pos;
    if (p < end && isSeparator(s.charCodeAt(p))) p++;
    if (matchWord(s, p, 'dev')) {
      p += 3;
      if (p < end && isSeparator(s.charCodeAt(p))) p++;
      const n = digitsEnd(s, p);
      dev = n > p ? normalizeDigits(s.slice(p, n)) : '0';
      pos = n;
    }
  }

  // Local label: + alnum+ ([._-] alnum+)*
  let local: string[] | null = null;
  if (s.charCodeAt(pos) === 0x2b && pos + 1 < end && isAsciiAlnum(s.charCodeAt(pos + 1))) {
    const segments: string[] = [];
    let p = pos + 1;
    for (;;) {
      const segmentStart = p;
      while (p < end && isAsciiAlnum(s.charCodeAt(p))) p++;
      const segment = s.slice(segmentStart, p).toLowerCase();
      segments.push(isAllDigits(segment) ? normalizeDigits(segment) : segment);
      if (p + 1 < end && isSeparator(s.charCodeAt(p)) && isAsciiAlnum(s.charCodeAt(p + 1))) {
        p++;
        continue;
      }
      break;
    }
    local = segments;
    pos = p;
  }

  if (pos !== end) return fail();
  return { parts: { epoch, release, pre, post, dev, local }, stoppedAt: pos };
}

// ---------------------------------------------------------------------------------------------
// Ordering

const PRE_RANK: Record<PreLabel, number> = { a: 0, b: 1, rc: 2 };

function compareRelease(a: readonly string[], b: readonly string[]): number {
  // Trailing zeros do not count: 1.0.0 == 1.
  let aLength = a.length;
  while (aLength > 0 && a[aLength - 1] === '0') aLength--;
  let bLength = b.length;
  while (bLength > 0 && b[bLength - 1] === '0') bLength--;
  const shared = Math.min(aLength, bLength);
  for (let i = 0; i < shared; i++) {
    const c = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (c !== 0) return c;
  }
  return aLength - bLength;
}

interface SuffixKey {
  readonly preRank: number;
  readonly preN: string;
  readonly postRank: number;
  readonly postN: string;
  readonly devRank: number;
  readonly devN: string;
}

/** packaging's `_cmpkey` suffix: dev-only releases sort before alphas, finals after rcs. */
function suffixKey(parts: VersionParts): SuffixKey {
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

function comparePublicParts(a: VersionParts, b: VersionParts): number {
  const epoch = compareDigits(a.epoch, b.epoch);
  if (epoch !== 0) return epoch;
  const release = compareRelease(a.release, b.release);
  if (release !== 0) return release;
  const ka = suffixKey(a);
  const kb = suffixKey(b);
  return (
    ka.preRank - kb.preRank ||
    compareDigits(ka.preN, kb.preN) ||
    ka.postRank - kb.postRank ||
    compareDigits(ka.postN, kb.postN) ||
    ka.devRank - kb.devRank ||
    compareDigits(ka.devN, kb.devN)
  );
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
