/**
 * Character classes as Python's `re` and `str` see them, because the reference parsers
 * (pypa/packaging) are Python regexes over `str`:
 * - `\s` and `str.strip()` use Python's whitespace set, which differs from JavaScript's
 *   (Python has U+001C..U+001F and U+0085; JavaScript has U+FEFF).
 * - `\w` and `\b` are Unicode-aware in Python (letters and numbers of any script), but ASCII-only
 *   in JavaScript regexes, so word boundaries are computed here by hand.
 * - `sorted()` on strings orders by code point; JavaScript's default sort orders by UTF-16 unit.
 */

const PY_WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001,
  0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000,
]);

/** Python `str.isspace()` for one UTF-16 unit (all Python whitespace is in the BMP). */
export function isPySpace(unit: number): boolean {
  return PY_WHITESPACE.has(unit);
}

/** Python `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPySpace(text.charCodeAt(start))) start++;
  while (end > start && isPySpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;

/** Python's Unicode `\w` for one code point. */
export function isPyWordCodePoint(codePoint: number): boolean {
  return WORD_CHAR.test(String.fromCodePoint(codePoint));
}

/** The code point that ends just before `index`, or -1 at the start. */
function codePointBefore(text: string, index: number): number {
  if (index <= 0) return -1;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return low;
}

function codePointAtIndex(text: string, index: number): number {
  if (index >= text.length) return -1;
  return text.codePointAt(index) ?? -1;
}

/** Python's `\b` at `index`: a word character on exactly one side. */
export function isPyWordBoundary(text: string, index: number): boolean {
  const before = codePointBefore(text, index);
  const after = codePointAtIndex(text, index);
  const wordBefore = before >= 0 && isPyWordCodePoint(before);
  const wordAfter = after >= 0 && isPyWordCodePoint(after);
  return wordBefore !== wordAfter;
}

/** Python string ordering (by code point), for `sorted()` on strings. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800..0xDFFF) stands for a code point above 0xFFFF, so it sorts after
    // every other BMP unit even though 0xE000..0xFFFF are numerically larger.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

export function isAsciiDigit(unit: number): boolean {
  return unit >= 0x30 && unit <= 0x39;
}

export function isAsciiAlnum(unit: number): boolean {
  return (
    (unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a)
  );
}

/** `JSON.stringify(text)` for error messages, shortened in the middle when very long. */
export function quoteExcerpt(text: string, max = 120): string {
  if (text.length <= max) return JSON.stringify(text);
  const half = Math.floor(max / 2);
  return `${JSON.stringify(text.slice(0, half))}…${JSON.stringify(text.slice(-half))} (${text.length} characters)`;
}

/** Case-insensitive ASCII match of the lowercase `word` at `pos`. */
export function matchWord(text: string, pos: number, word: string): boolean {
  if (pos + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    let unit = text.charCodeAt(pos + i);
    if (unit >= 0x41 && unit <= 0x5a) unit += 0x20;
    if (unit !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** The index after the run of ASCII digits starting at `pos`. */
export function digitsEnd(text: string, pos: number): number {
  let end = pos;
  while (end < text.length && isAsciiDigit(text.charCodeAt(end))) end++;
  return end;
}
