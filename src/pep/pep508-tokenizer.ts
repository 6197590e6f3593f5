/**
 * The context-sensitive tokenizer behind PEP 508 requirements and markers, after
 * pypa/packaging's `_tokenizer.py`: the parser asks "is token X next?" and the tokenizer answers
 * from the current position. Every rule is a hand-written matcher (no regex backtracking), and
 * `\b` is Python's Unicode word boundary.
 *
 * Traps:
 * - The end of input is the exact end: a trailing `\n` or `\r` is an error, unlike Python's `$`.
 * - `IDENTIFIER` backs off to the last word boundary (`foo-` reads `foo`).
 * - The specifier rule is the version-clause grammar itself, including `===` text that runs up
 *   to whitespace, `;` or `)` (commas included).
 */
import { isAsciiAlnum, isPyWordBoundary } from './pychars.js';
import { matchSpecifierClause } from './specifiers.js';

export type TokenName =
  | 'LEFT_PARENTHESIS'
  | 'RIGHT_PARENTHESIS'
  | 'LEFT_BRACKET'
  | 'RIGHT_BRACKET'
  | 'SEMICOLON'
  | 'COMMA'
  | 'QUOTED_STRING'
  | 'OP'
  | 'BOOLOP'
  | 'IN'
  | 'NOT'
  | 'VARIABLE'
  | 'SPECIFIER'
  | 'AT'
  | 'URL'
  | 'IDENTIFIER'
  | 'VERSION_PREFIX_TRAIL'
  | 'VERSION_LOCAL_LABEL_TRAIL'
  | 'WS'
  | 'END';

export interface Token {
  readonly name: TokenName;
  readonly text: string;
  readonly position: number;
}

const RENDER_WIDTH = 120;

/** A syntax error with packaging's rendering: message, source, and a `~~~^` span marker. */
export class SyntaxErrorAt extends Error {
  constructor(
    readonly reason: string,
    readonly source: string,
    readonly span: readonly [number, number],
  ) {
    super(reason);
    this.name = 'SyntaxErrorAt';
  }

  /**
   * packaging's `ParserSyntaxError.__str__`; a source longer than a screen line is shown as a
   * window around the error (an input line may be megabytes long, or not the user's text at all).
   */
  render(): string {
    let [start, end] = this.span;
    let source = this.source;
    if (source.length > RENDER_WIDTH) {
      const from = Math.max(0, Math.min(start - 40, source.length - RENDER_WIDTH));
      const to = Math.min(source.length, from + RENDER_WIDTH);
      const lead = from > 0 ? '...' : '';
      source = `${lead}${source.slice(from, to)}${to < source.length ? '...' : ''}`;
      start = start - from + lead.length;
      end = Math.min(end - from + lead.length, lead.length + (to - from));
    }
    const marker = ' '.repeat(start) + '~'.repeat(Math.max(0, end - start)) + '^';
    return `${this.reason}\n    ${source}\n    ${marker}`;
  }
}

type Rule = (source: string, pos: number) => number; // length of the match, or -1

function literal(text: string): Rule {
  return (source, pos) => (source.startsWith(text, pos) ? text.length : -1);
}

function firstLiteral(options: readonly string[]): Rule {
  return (source, pos) => {
    const found = options.find((o) => source.startsWith(o, pos));
    return found === undefined ? -1 : found.length;
  };
}

/** `\b(word|word...)\b`, alternatives tried in order. */
function boundedWords(options: readonly string[]): Rule {
  return (source, pos) => {
    if (!isPyWordBoundary(source, pos)) return -1;
    for (const option of options) {
      if (source.startsWith(option, pos) && isPyWordBoundary(source, pos + option.length)) return option.length;
    }
    return -1;
  };
}

function quotedString(source: string, pos: number): number {
  const quote = source.charAt(pos);
  if (quote !== "'" && quote !== '"') return -1;
  const close = source.indexOf(quote, pos + 1);
  return close < 0 ? -1 : close - pos + 1;
}

const VARIABLE_SPELLINGS: readonly string[] = [
  'python_version',
  'python_full_version',
  'os_name',
  'os.name',
  'sys_platform',
  'sys.platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform.version',
  'platform_machine',
  'platform.machine',
  'platform_python_implementation',
  'platform.python_implementation',
  'python_implementation',
  'implementation_name',
  'implementation_version',
  'extras',
  'extra',
  'dependency_groups',
];

function specifier(source: string, pos: number): number {
  const end = matchSpecifierClause(source, pos);
  return end < 0 ? -1 : end - pos;
}

function url(source: string, pos: number): number {
  let end = pos;
  while (end < source.length && source[end] !== ' ' && source[end] !== '\t') end++;
  return end > pos ? end - pos : -1;
}

function isIdentifierUnit(unit: number): boolean {
  return isAsciiAlnum(unit) || unit === 0x2e || unit === 0x5f || unit === 0x2d;
}

/** `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b` */
function identifier(source: string, pos: number): number {
  if (!isAsciiAlnum(source.charCodeAt(pos)) || !isPyWordBoundary(source, pos)) return -1;
  let end = pos + 1;
  while (end < source.length && isIdentifierUnit(source.charCodeAt(end))) end++;
  while (end > pos) {
    if (isPyWordBoundary(source, end)) return end - pos;
    end--;
  }
  return -1;
}

/** `\+[a-z0-9]+...` — only whether it starts here matters. */
function localLabelTrail(source: string, pos: number): number {
  if (source.charAt(pos) !== '+') return -1;
  const unit = source.charCodeAt(pos + 1);
  return (unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x7a) ? 2 : -1;
}

function whitespace(source: string, pos: number): number {
  let end = pos;
  while (end < source.length && (source[end] === ' ' || source[end] === '\t')) end++;
  return end > pos ? end - pos : -1;
}

const RULES: Record<TokenName, Rule> = {
  LEFT_PARENTHESIS: literal('('),
  RIGHT_PARENTHESIS: literal(')'),
  LEFT_BRACKET: literal('['),
  RIGHT_BRACKET: literal(']'),
  SEMICOLON: literal(';'),
  COMMA: literal(','),
  QUOTED_STRING: quotedString,
  OP: firstLiteral(['===', '==', '~=', '!=', '<=', '>=', '<', '>']),
  BOOLOP: boundedWords(['or', 'and']),
  IN: boundedWords(['in']),
  NOT: boundedWords(['not']),
  VARIABLE: boundedWords(VARIABLE_SPELLINGS),
  SPECIFIER: specifier,
  AT: literal('@'),
  URL: url,
  IDENTIFIER: identifier,
  VERSION_PREFIX_TRAIL: literal('.*'),
  VERSION_LOCAL_LABEL_TRAIL: localLabelTrail,
  WS: whitespace,
  END: (source, pos) => (pos === source.length ? 0 : -1),
};

export class Tokenizer {
  readonly source: string;
  position = 0;
  #next: Token | null = null;

  constructor(source: string) {
    this.source = source;
  }

  /** Is `name` next? Unless `peek`, a positive answer loads the token, which must be read next. */
  check(name: TokenName, peek = false): boolean {
    if (this.#next !== null) throw new Error(`Assertion failed: cannot check ${name} with ${this.#next.name} pending`);
    const length = RULES[name](this.source, this.position);
    if (length < 0) return false;
    if (!peek) this.#next = { name, text: this.source.slice(this.position, this.position + length), position: this.position };
    return true;
  }

  consume(name: TokenName): void {
    if (this.check(name)) this.read();
  }

  expect(name: TokenName, expected: string): Token {
    if (!this.check(name)) this.fail(`Expected ${expected}`);
    return this.read();
  }

  read(): Token {
    const token = this.#next;
    if (token === null) throw new Error('Assertion failed: read() without a checked token');
    this.position += token.text.length;
    this.#next = null;
    return token;
  }

  fail(message: string, spanStart?: number, spanEnd?: number): never {
    throw new SyntaxErrorAt(message, this.source, [spanStart ?? this.position, spanEnd ?? this.position]);
  }

  /** `open ... close` around `body`, when `open` is next; a missing `close` is an error. */
  enclosing<T>(open: TokenName, close: TokenName, around: string, body: () => T): T {
    let openPosition: number | null = null;
    if (this.check(open)) {
      openPosition = this.position;
      this.read();
    }
    const result = body();
    if (openPosition !== null) {
      if (!this.check(close)) {
        this.fail(`Expected matching ${close} for ${open}, after ${around}`, openPosition);
      }
      this.read();
    }
    return result;
  }
}
