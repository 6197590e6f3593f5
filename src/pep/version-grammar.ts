/**
 * The PEP 440 version grammar, scanned once for both of its uses: `Version.parse` (the whole text
 * must be a version; version.ts) and specifier clauses inside PEP 508 requirements (a version at
 * a position, maybe `1.*`, maybe without a local label; specifiers.ts). A hand-written equivalent
 * of packaging's possessive VERSION_PATTERN and of its `_specifier_regex_str`:
 *
 *   v? (N!)? N(.N)* ( .*  |  ([._-]? pre [._-]? N?)? (-N | [._-]? post [._-]? N?)? ([._-]? dev [._-]? N?)? (+local)? )
 *
 * where `.*` (wildcard shapes only) ends the version.
 *
 * Each optional part is atomic: when its word is missing nothing of it is consumed, and once its
 * word matched it may swallow a trailing separator (`1.0a.` is `1.0a0`). Numbers are kept as
 * digit strings without leading zeros, so any length is exact.
 */
import { digitsEnd, isAsciiAlnum, isAsciiDigit, matchWord } from './pychars.js';

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

/** Every accepted spelling of a pre-release label, a longer one before its prefix. */
export const PRE_SPELLINGS: readonly (readonly [string, PreLabel])[] = [
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

/** What may follow the release numbers where the version is scanned. */
export interface VersionShape {
  /** `==1.2.*` and `!=1.2.*`: a `.*` may end the release (and nothing follows it). */
  readonly wildcard: boolean;
  readonly local: boolean;
  /** `~=` needs two release numbers. */
  readonly minReleaseNumbers: number;
}

/** A whole version, as Version.parse reads it. */
export const VERSION_SHAPE: VersionShape = { wildcard: false, local: true, minReleaseNumbers: 1 };

export interface VersionScan {
  /** Where scanning stopped: the end of the version, or where it failed. */
  readonly end: number;
  /** Null when no version starts at the position (`end` is then where that became clear). */
  readonly parts: VersionParts | null;
}

export function normalizeDigits(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 0x30) i++;
  return digits.slice(i);
}

export function isAllDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isAsciiDigit(text.charCodeAt(i))) return false;
  return true;
}

function isSeparator(unit: number): boolean {
  return unit === 0x2e || unit === 0x2d || unit === 0x5f; // . - _
}

/** The longest version of `shape` that starts at `pos` in `s` (the text ends where `s` ends). */
export function scanVersion(s: string, pos: number, shape: VersionShape): VersionScan {
  let p = pos;
  if ((s.charCodeAt(p) | 0x20) === 0x76) p++; // v / V
  let epoch = '0';
  const epochEnd = digitsEnd(s, p);
  if (epochEnd > p && s.charCodeAt(epochEnd) === 0x21) {
    epoch = normalizeDigits(s.slice(p, epochEnd));
    p = epochEnd + 1;
  }
  const release = scanRelease(s, p);
  if (release.numbers.length === 0 || release.numbers.length < shape.minReleaseNumbers) return { end: p, parts: null };
  p = release.end;
  const base = { epoch, release: release.numbers };
  if (shape.wildcard && s.charCodeAt(p) === 0x2e && s.charCodeAt(p + 1) === 0x2a) {
    return { end: p + 2, parts: { ...base, pre: null, post: null, dev: null, local: null } };
  }
  const pre = scanLabelled(s, p, PRE_SPELLINGS);
  if (pre) p = pre.end;
  const post = scanPost(s, p);
  if (post) p = post.end;
  const dev = scanLabelled(s, p, DEV_SPELLING);
  if (dev) p = dev.end;
  const local = shape.local ? scanLocal(s, p) : undefined;
  if (local) p = local.end;
  return {
    end: p,
    parts: { ...base, pre: pre ? [pre.label, pre.number] : null, post: post?.number ?? null, dev: dev?.number ?? null, local: local?.segments ?? null },
  };
}

function scanRelease(s: string, pos: number): { numbers: string[]; end: number } {
  const numbers: string[] = [];
  let end = digitsEnd(s, pos);
  if (end === pos) return { numbers, end: pos };
  numbers.push(normalizeDigits(s.slice(pos, end)));
  while (s.charCodeAt(end) === 0x2e && isAsciiDigit(s.charCodeAt(end + 1))) {
    const next = digitsEnd(s, end + 1);
    numbers.push(normalizeDigits(s.slice(end + 1, next)));
    end = next;
  }
  return { numbers, end };
}

const DEV_SPELLING: readonly (readonly [string, 'dev'])[] = [['dev', 'dev']];

/** `[._-]? word [._-]? digits?`, atomic; a missing number is 0. */
function scanLabelled<L extends string>(s: string, pos: number, spellings: readonly (readonly [string, L])[]): { label: L; number: string; end: number } | undefined {
  let p = isSeparator(s.charCodeAt(pos)) ? pos + 1 : pos;
  const spelling = spellings.find(([word]) => matchWord(s, p, word));
  if (spelling === undefined) return undefined;
  p += spelling[0].length;
  if (isSeparator(s.charCodeAt(p))) p++;
  const end = digitsEnd(s, p);
  return { label: spelling[1], number: end > p ? normalizeDigits(s.slice(p, end)) : '0', end };
}

/** `-N` (the implicit post-release), or a labelled `post`/`rev`/`r`. */
function scanPost(s: string, pos: number): { number: string; end: number } | undefined {
  if (s.charCodeAt(pos) === 0x2d && isAsciiDigit(s.charCodeAt(pos + 1))) {
    const end = digitsEnd(s, pos + 1);
    return { number: normalizeDigits(s.slice(pos + 1, end)), end };
  }
  return scanLabelled(s, pos, POST_LABELS);
}

const POST_LABELS: readonly (readonly [string, 'post'])[] = POST_SPELLINGS.map((word) => [word, 'post'] as const);

/** `+ alnum+ ([._-] alnum+)*`, lowercased. */
function scanLocal(s: string, pos: number): { segments: string[]; end: number } | undefined {
  if (s.charCodeAt(pos) !== 0x2b || !isAsciiAlnum(s.charCodeAt(pos + 1))) return undefined;
  const segments: string[] = [];
  let p = pos + 1;
  for (;;) {
    const start = p;
    while (isAsciiAlnum(s.charCodeAt(p))) p++;
    const segment = s.slice(start, p).toLowerCase();
    segments.push(isAllDigits(segment) ? normalizeDigits(segment) : segment);
    if (!isSeparator(s.charCodeAt(p)) || !isAsciiAlnum(s.charCodeAt(p + 1))) break;
    p++;
  }
  return { segments, end: p };
}
