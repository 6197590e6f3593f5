// pip runs on Python strings: `str.splitlines`, `str.strip` and the regex class `\s` all use
// Python's idea of whitespace and line breaks, which differs from JavaScript's (`\s` in JS has no
// \x1c-\x1f or \x85 but has \ufeff). A file that reads the same in pip and here needs these.

/** Every character for which Python's `str.isspace()` is true (also what `\s` matches in `re`). */
const PY_WHITESPACE_CHARS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Regex source for one Python whitespace character, to build other patterns with. */
export const PY_WHITESPACE = `[${PY_WHITESPACE_CHARS}]`;

/** Python `str.strip()` with no argument: one implementation, the PEP parsers' own. */
export { pyStrip } from '../pep/pychars.js';

/** Python `str.strip(chars)` for one character: removes every leading and trailing `char`. */
export function pyStripChar(text: string, char: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === char) start++;
  while (end > start && text[end - 1] === char) end--;
  return text.slice(start, end);
}

/** The separators of Python `str.splitlines()`; `\r\n` counts as one. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python `str.splitlines()`: a trailing line break does not make an empty last line. */
export function pySplitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(LINE_BREAK);
  // split() leaves one empty piece after a final separator; splitlines() does not.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
