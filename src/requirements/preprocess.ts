// pip 23.2's `preprocess` (req_file.py), step by step and with its quirks kept, because a file
// must mean here what it means to pip: split lines, join `\` continuations, strip comments,
// expand `${VAR}`. Line numbers are those of the first physical line of a joined block.
import { PY_WHITESPACE, pyStrip, pyStripChar, pySplitLines } from './python-text.js';

export interface LogicalLine {
  /** 1-based number of the first physical line of the block. */
  readonly line: number;
  /** After comment stripping, before `${VAR}` expansion: what the user wrote. */
  readonly written: string;
  /** After `${VAR}` expansion: what pip parses. */
  readonly text: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** pip's COMMENT_RE `(^|\s+)#.*$`; the `s` flag stands in for Python's `.`, which only stops at \n. */
const COMMENT = new RegExp(`(^|${PY_WHITESPACE}+)#.*$`, 's');
/** `COMMENT_RE.match(line)`: the comment starts the line (after optional whitespace). */
const COMMENT_LINE = new RegExp(`^${PY_WHITESPACE}*#`);
const ENV_VAR = /\$\{([A-Z0-9_]+)\}/g;

/**
 * pip's `join_lines`. A line ending in `\` is joined to the next with the backslashes stripped
 * from both of its ends (Python `str.strip('\\')`); whitespace after the `\` means the line does
 * not end in `\`. A comment line ends the block being joined (it is appended, then stripped as a
 * comment), so a comment between continuation lines cuts the requirement there.
 */
export function joinContinuations(physicalLines: readonly string[]): { line: number; text: string }[] {
  const joined: { line: number; text: string }[] = [];
  let blockStart = 0;
  let parts: string[] = [];
  physicalLines.forEach((text, index) => {
    const lineNumber = index + 1;
    const isComment = COMMENT_LINE.test(text);
    if (!text.endsWith('\\') || isComment) {
      // The leading space makes COMMENT match the comment once it is glued to a block.
      const piece = isComment ? ' ' + text : text;
      if (parts.length > 0) {
        parts.push(piece);
        joined.push({ line: blockStart, text: parts.join('') });
        parts = [];
      } else {
        joined.push({ line: lineNumber, text: piece });
      }
    } else {
      if (parts.length === 0) blockStart = lineNumber;
      parts.push(pyStripChar(text, '\\'));
    }
  });
  if (parts.length > 0) joined.push({ line: blockStart, text: parts.join('') });
  return joined;
}

/** pip's `ignore_comments` for one line: '' when nothing is left. */
export function stripComment(text: string): string {
  return pyStrip(text.replace(COMMENT, ''));
}

/**
 * pip's `expand_env_variables`: only `${NAME}` with NAME in [A-Z0-9_]; an unset or empty variable
 * leaves the text as written. Matches are found on the original line, then each is replaced
 * everywhere in turn, as pip does.
 */
export function expandEnvVars(text: string, env: Environment): string {
  let result = text;
  for (const match of text.matchAll(ENV_VAR)) {
    const [reference, name] = match;
    if (name === undefined) continue;
    const value = env[name];
    if (value === undefined || value === '') continue;
    result = result.split(reference).join(value);
  }
  return result;
}

/** Decoded file text -> the logical lines pip parses, empty ones dropped. */
export function preprocess(text: string, env: Environment): LogicalLine[] {
  const logical: LogicalLine[] = [];
  for (const { line, text: joined } of joinContinuations(pySplitLines(text))) {
    const written = stripComment(joined);
    if (written === '') continue;
    logical.push({ line, written, text: expandEnvVars(written, env) });
  }
  return logical;
}
