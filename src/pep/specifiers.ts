/**
 * PEP 440 version specifiers with current pypa/packaging semantics (its range-based matching).
 *
 * Traps:
 * - `==V` ignores candidates' local labels unless V has one; `==1.1` matches `1.1.0` and
 *   `1.1+local`; `!=` is the exact negation.
 * - `==V.*` / `!=V.*` is a prefix match with zero padding (`==1.1.*` matches `1.1.0.5`, `1.1a1`
 *   and `1.1.post1`); the wildcard is only allowed after a plain release (`==1.0a1.*`,
 *   `==1.0.post1.*`, `==1.0+x.*` and `>=1.0.*` are invalid).
 * - `~=V.N` means `>=V.N, ==V.*`; it needs two release numbers (`~=1` is invalid) and the
 *   pre/post/dev parts only move the lower bound (`~=1.4.5a4` is `>=1.4.5a4, <1.5.dev0`).
 * - `<V` excludes the pre-releases of V unless V is a pre-release itself (`<2.0` rejects
 *   `2.0a1` and `2.0.dev0` even when pre-releases are allowed; `<1.0.post1` rejects
 *   `1.0.post1.dev0`).
 * - `>V` excludes V's post-releases and local versions unless V is a post-release (`>1.7`
 *   rejects `1.7.post1` and `1.7+local`); `>V.devN` starts at `V.dev(N+1)`.
 * - `<=`, `>=`, `<`, `>` and `~=` take no local label; ordered comparisons pad with zeros.
 * - `===` is a plain, ASCII-case-insensitive string comparison of the text as given: a string
 *   candidate is compared as written (`===1.01` does not match `1.1`), a Version as its
 *   normalised form. No padding, no local handling.
 * - Pre-release policy (not part of matching): a clause "names" a pre-release when its
 *   operator is not `!=`, it is not a wildcard, and its version is a pre-release; then the
 *   whole set accepts pre-releases. Otherwise `contains` accepts a pre-release unless told
 *   not to, and `filter` keeps pre-releases only when no final release matches.
 * - Comma-separated clauses are ANDed; empty clauses (`>=1,,<2,`) are skipped.
 */
import { ParseError } from '../errors.js';
import { compareCodePoints, isPySpace, pyStrip, quoteExcerpt } from './pychars.js';
import { intersectRanges, rangesArePrereleaseOnly, rangesContain, specifierRanges, type VersionRange } from './ranges.js';
import { Version, canonicalizeVersion } from './version.js';
import { scanVersion, type VersionShape } from './version-grammar.js';

export type Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

/** Longest spelling first, so `===` wins over `==` and `<=` over `<`. */
const OPERATORS: readonly Operator[] = ['===', '~=', '==', '!=', '<=', '>=', '<', '>'];

// ---------------------------------------------------------------------------------------------
// The clause grammar (packaging's `_specifier_regex_str`), matched greedily at a position.

function skipPySpace(text: string, pos: number): number {
  while (pos < text.length && isPySpace(text.charCodeAt(pos))) pos++;
  return pos;
}

/** End of the version part of a clause at `pos`, or -1. */
function matchClauseVersion(text: string, pos: number, shape: VersionShape): number {
  const scan = scanVersion(text, pos, shape);
  return scan.parts === null ? -1 : scan.end;
}

const EQUALITY_SHAPE: VersionShape = { wildcard: true, local: true, minReleaseNumbers: 1 };
const COMPATIBLE_SHAPE: VersionShape = { wildcard: false, local: false, minReleaseNumbers: 2 };
const ORDERED_SHAPE: VersionShape = { wildcard: false, local: false, minReleaseNumbers: 1 };

/**
 * Matches one clause (operator and version, no surrounding whitespace) at `pos`, like
 * packaging's specifier regex does in the PEP 508 tokenizer. Returns the end, or -1.
 */
export function matchSpecifierClause(text: string, pos: number): number {
  if (text.startsWith('===', pos)) {
    let p = skipPySpace(text, pos + 3);
    while (p < text.length) {
      const unit = text.charCodeAt(p);
      if (isPySpace(unit) || unit === 0x3b || unit === 0x29) break; // ; )
      p++;
    }
    return p;
  }
  const two = text.slice(pos, pos + 2);
  if (two === '==' || two === '!=') {
    return matchClauseVersion(text, skipPySpace(text, pos + 2), EQUALITY_SHAPE);
  }
  if (two === '~=') return matchClauseVersion(text, skipPySpace(text, pos + 2), COMPATIBLE_SHAPE);
  if (two === '<=' || two === '>=') {
    return matchClauseVersion(text, skipPySpace(text, pos + 2), ORDERED_SHAPE);
  }
  const one = text.charAt(pos);
  if (one === '<' || one === '>') return matchClauseVersion(text, skipPySpace(text, pos + 1), ORDERED_SHAPE);
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Matching and the pre-release policy shared by Specifier and SpecifierSet. A clause matches the
// versions in its ranges (ranges.ts), the same model isUnsatisfiable works on.

type Matcher = (candidate: Version) => boolean;

type Candidate = Version | string;

function asVersion(candidate: Candidate): Version | null {
  return typeof candidate === 'string' ? Version.tryParse(candidate) : candidate;
}

/**
 * packaging's `_apply_prereleases_filter` on already-matched items: `undefined` keeps
 * pre-releases only when nothing final is present; text that is not a version always stays.
 */
function applyPrereleasePolicy<T extends Candidate>(matches: readonly T[], prereleases: boolean | undefined): T[] {
  if (prereleases === true) return [...matches];
  const parsed = matches.map(asVersion);
  if (prereleases === false || parsed.some((v) => v !== null && !v.isPrerelease)) {
    return matches.filter((_, i) => {
      const v = parsed[i];
      return v === null || v === undefined || !v.isPrerelease;
    });
  }
  return [...matches];
}

/** packaging's `filter_by_ranges`: text that is not a version never matches. */
function filterByMatcher<T extends Candidate>(
  items: readonly T[],
  matches: Matcher,
  prereleases: boolean | undefined,
): T[] {
  const matched: T[] = [];
  const finals: T[] = [];
  for (const item of items) {
    const version = asVersion(item);
    if (version === null || !matches(version)) continue;
    if (version.isPrerelease && prereleases === false) continue;
    matched.push(item);
    if (!version.isPrerelease) finals.push(item);
  }
  if (prereleases === undefined && finals.length > 0) return finals;
  return matched;
}

/** Python's `str.lower()`, which `===` uses on both sides. */
function pyLower(text: string): string {
  return text.toLowerCase();
}

// ---------------------------------------------------------------------------------------------

export class Specifier {
  readonly operator: Operator;
  /** The version text as written after the operator (trimmed). */
  readonly version: string;
  readonly #explicitPrereleases: boolean | undefined;
  readonly #matcher: Matcher | null;
  /** The clause's own version when it parses (always, except for some `===`). */
  readonly #ownVersion: Version | null;

  private constructor(operator: Operator, version: string, prereleases: boolean | undefined) {
    this.operator = operator;
    this.version = version;
    this.#explicitPrereleases = prereleases;
    if (operator === '===') {
      this.#matcher = null;
      this.#ownVersion = Version.tryParse(version);
    } else {
      const ranges = specifierRanges(operator, version);
      this.#matcher = (candidate) => rangesContain(ranges, candidate);
      this.#ownVersion = version.endsWith('.*') ? null : Version.parse(version);
    }
  }

  /** One clause; throws ParseError `INVALID_SPECIFIER`. */
  static parse(text: string, prereleases?: boolean): Specifier {
    const start = skipPySpace(text, 0);
    const end = matchSpecifierClause(text, start);
    if (end < 0 || skipPySpace(text, end) !== text.length) {
      throw new ParseError('INVALID_SPECIFIER', `Invalid specifier: ${quoteExcerpt(text)}${describeProblem(text, start, end)}`);
    }
    const clause = pyStrip(text);
    const operator = OPERATORS.find((op) => clause.startsWith(op));
    if (operator === undefined) throw new Error(`Assertion failed: no operator in ${quoteExcerpt(clause)}`);
    return new Specifier(operator, pyStrip(clause.slice(operator.length)), prereleases);
  }

  static tryParse(text: string, prereleases?: boolean): Specifier | null {
    try {
      return Specifier.parse(text, prereleases);
    } catch (error) {
      if (error instanceof ParseError) return null;
      throw error;
    }
  }

  /** The same clause with another explicit pre-release setting (packaging's setter). */
  withPrereleases(prereleases: boolean | undefined): Specifier {
    return new Specifier(this.operator, this.version, prereleases);
  }

  /** True when the clause itself names a pre-release (packaging's default `prereleases`). */
  get namesPrerelease(): boolean {
    return this.#impliedPrereleases() === true;
  }

  /** The explicit setting, else what the clause implies (`undefined` for unparsable `===`). */
  get prereleases(): boolean | undefined {
    return this.#explicitPrereleases ?? this.#impliedPrereleases();
  }

  #impliedPrereleases(): boolean | undefined {
    if (this.operator === '!=') return false;
    if (this.operator === '==' && this.version.endsWith('.*')) return false;
    if (this.#ownVersion === null) return undefined;
    return this.#ownVersion.isPrerelease;
  }

  #resolvePrereleases(prereleases: boolean | undefined): boolean | undefined {
    if (prereleases !== undefined) return prereleases;
    if (this.#explicitPrereleases !== undefined) return this.#explicitPrereleases;
    return this.#impliedPrereleases() === true ? true : undefined;
  }

  /** Pure matching, without any pre-release policy. Text that is not a version matches only `===`. */
  matches(candidate: Version | string): boolean {
    if (this.#matcher === null) {
      const text = typeof candidate === 'string' ? candidate : candidate.toString();
      return pyLower(text) === pyLower(this.version);
    }
    const version = asVersion(candidate);
    return version !== null && this.#matcher(version);
  }

  /** packaging semantics: pre-releases excluded unless `prereleases` true or the clause names one. */
  contains(version: Version | string, prereleases?: boolean): boolean {
    return this.filter([version], { prereleases }).length > 0;
  }

  filter<T extends Version | string>(versions: readonly T[], options: { prereleases?: boolean | undefined } = {}): T[] {
    const prereleases = this.#resolvePrereleases(options.prereleases);
    if (this.#matcher === null) {
      return applyPrereleasePolicy(
        versions.filter((v) => this.matches(v)),
        prereleases,
      );
    }
    return filterByMatcher(versions, this.#matcher, prereleases);
  }

  /** Identity used for equality and de-duplication (packaging's `_canonical_spec`). */
  get canonicalKey(): string {
    if (this.operator === '===' || this.version.endsWith('.*')) return `${this.operator}${this.version}`;
    return this.operator + canonicalizeVersion(this.version, this.operator !== '~=');
  }

  equals(other: Specifier): boolean {
    return this.canonicalKey === other.canonicalKey;
  }

  toString(): string {
    return this.operator + this.version;
  }
}

function describeProblem(text: string, start: number, end: number): string {
  if (start >= text.length) return ' (empty)';
  if (end < 0) {
    const clause = pyStrip(text);
    if (/^[0-9vV]/.test(clause)) return ' (missing operator: use one of ==, !=, <=, >=, <, >, ~=, ===)';
    if (/^(?:~=|<=|>=|<|>)/.test(clause) && clause.includes('*')) {
      return ' (a .* wildcard is only allowed with == and !=)';
    }
    if (/^(?:~=|<=|>=|<|>)/.test(clause) && clause.includes('+')) {
      return ' (a local version label is only allowed with == and !=)';
    }
    if (clause.startsWith('~=')) return ' (~= needs a version with at least two numbers, like ~=1.4)';
    return ` (no valid clause at column ${start + 1})`;
  }
  return ` (unexpected ${quoteExcerpt(text.slice(end, end + 10))} at column ${end + 1})`;
}

export class SpecifierSet {
  /** The clauses in the order written. */
  readonly specifiers: readonly Specifier[];
  readonly #explicitPrereleases: boolean | undefined;
  readonly #hasArbitrary: boolean;

  private constructor(specifiers: readonly Specifier[], prereleases: boolean | undefined) {
    this.specifiers = specifiers;
    this.#explicitPrereleases = prereleases;
    this.#hasArbitrary = specifiers.some((s) => s.operator === '===');
  }

  static readonly EMPTY: SpecifierSet = new SpecifierSet([], undefined);

  /** `''` gives the empty set; clauses are comma separated. Throws ParseError `INVALID_SPECIFIER`. */
  static parse(text: string, prereleases?: boolean): SpecifierSet {
    const specifiers: Specifier[] = [];
    for (const part of text.split(',')) {
      if (pyStrip(part) === '') continue;
      specifiers.push(Specifier.parse(pyStrip(part)));
    }
    return new SpecifierSet(specifiers, prereleases);
  }

  static tryParse(text: string, prereleases?: boolean): SpecifierSet | null {
    try {
      return SpecifierSet.parse(text, prereleases);
    } catch (error) {
      if (error instanceof ParseError) return null;
      throw error;
    }
  }

  static of(specifiers: readonly Specifier[], prereleases?: boolean): SpecifierSet {
    return new SpecifierSet([...specifiers], prereleases);
  }

  /** The same clauses with another explicit pre-release setting (packaging's setter). */
  withPrereleases(prereleases: boolean | undefined): SpecifierSet {
    return new SpecifierSet(this.specifiers, prereleases);
  }

  get isEmpty(): boolean {
    return this.specifiers.length === 0;
  }

  /** explicit value, else true when any clause names a pre-release, else undefined */
  get prereleases(): boolean | undefined {
    if (this.#explicitPrereleases !== undefined) return this.#explicitPrereleases;
    if (this.specifiers.some((s) => s.prereleases === true)) return true;
    return undefined;
  }

  contains(version: Version | string, options: { prereleases?: boolean | undefined; installed?: boolean | undefined } = {}): boolean {
    const parsed = asVersion(version);
    let prereleases = options.prereleases;
    if (parsed !== null && options.installed === true && parsed.isPrerelease) prereleases = true;
    // With `===` a string candidate must keep its spelling; otherwise work on the parsed form.
    const candidate: Version | string =
      parsed === null || (this.#hasArbitrary && typeof version === 'string') ? version : parsed;
    if (candidate === parsed && parsed !== null && !this.#hasArbitrary) {
      // filter() of this one version, without its arrays: the resolver asks this for every
      // criterion in every round (profiled: ~100 MB of garbage in a 300-project lock).
      if (parsed.isPrerelease && (prereleases ?? this.prereleases) === false) return false;
      return this.specifiers.every((s) => s.matches(parsed));
    }
    return this.filter([candidate], { prereleases }).length > 0;
  }

  /** packaging.SpecifierSet.filter: keeps pre-releases when allowed, or when nothing else matches */
  filter<T extends Version | string>(versions: readonly T[], options: { prereleases?: boolean | undefined } = {}): T[] {
    const prereleases = options.prereleases ?? this.prereleases;
    if (this.specifiers.length === 0) return applyPrereleasePolicy(versions, prereleases);
    if (this.#hasArbitrary) {
      const matched = versions.filter((v) => this.specifiers.every((s) => s.contains(v, true)));
      return applyPrereleasePolicy(matched, prereleases);
    }
    return filterByMatcher(versions, (v) => this.specifiers.every((s) => s.matches(v)), prereleases);
  }

  /** AND of both; explicit pre-release settings must agree (or one be unset). */
  intersect(other: SpecifierSet): SpecifierSet {
    const mine = this.#explicitPrereleases;
    const theirs = other.#explicitPrereleases;
    let prereleases: boolean | undefined;
    if (mine === undefined || mine === theirs) prereleases = theirs;
    else if (theirs === undefined) prereleases = mine;
    else {
      throw new ParseError(
        'INVALID_SPECIFIER',
        `Cannot combine ${quoteExcerpt(this.toString())} and ${quoteExcerpt(other.toString())}: one allows pre-releases explicitly and the other forbids them`,
      );
    }
    return new SpecifierSet([...this.specifiers, ...other.specifiers], prereleases);
  }

  /**
   * True when no version can satisfy every clause (packaging's `is_unsatisfiable`, 26.1+):
   * disjoint ranges, `===` strings that disagree or fail the other clauses, or, with
   * pre-releases explicitly refused, ranges that hold nothing but pre-releases.
   */
  isUnsatisfiable(): boolean {
    if (this.specifiers.length === 0) return false;
    let ranges: readonly VersionRange[] | null = null;
    for (const s of this.specifiers) {
      const own = specifierRanges(s.operator, s.version);
      ranges = ranges === null ? own : intersectRanges(ranges, own);
      if (ranges.length === 0) return true;
    }
    if (this.#arbitraryUnsatisfiable()) return true;
    return this.prereleases === false && rangesArePrereleaseOnly(ranges ?? []);
  }

  /** `===V` can only match the string V: check the clauses agree on it and accept it. */
  #arbitraryUnsatisfiable(): boolean {
    const arbitrary = this.specifiers.filter((s) => s.operator === '===');
    const first = arbitrary[0];
    if (first === undefined) return false;
    if (arbitrary.some((s) => pyLower(s.version) !== pyLower(first.version))) return true;
    const candidate = Version.tryParse(first.version);
    if (this.prereleases === false && candidate !== null && candidate.isPrerelease) return true;
    const standard = this.specifiers.filter((s) => s.operator !== '===');
    if (standard.length === 0) return false;
    if (candidate === null) return true;
    return !standard.every((s) => s.contains(candidate));
  }

  /** Clauses sorted by their text, duplicates (by canonical form) removed. */
  get canonicalSpecifiers(): readonly Specifier[] {
    const sorted = [...this.specifiers].sort((a, b) => compareCodePoints(a.toString(), b.toString()));
    const seen = new Set<string>();
    return sorted.filter((s) => {
      if (seen.has(s.canonicalKey)) return false;
      seen.add(s.canonicalKey);
      return true;
    });
  }

  equals(other: SpecifierSet): boolean {
    const a = this.canonicalSpecifiers;
    const b = other.canonicalSpecifiers;
    return a.length === b.length && a.every((s, i) => {
      const t = b[i];
      return t !== undefined && s.equals(t);
    });
  }

  /** clauses sorted by str, joined with ',' */
  toString(): string {
    return this.canonicalSpecifiers.map(String).join(',');
  }
}
