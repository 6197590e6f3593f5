/**
 * PEP 508 environment markers, parsed, rendered and evaluated like current pypa/packaging.
 *
 * Traps:
 * - Version semantics only for the version-typed variables (`python_version`,
 *   `python_full_version`, `implementation_version`, `platform_release`), and only when
 *   `op + literal` is a valid specifier; then `contains(env, prereleases=True)` decides, so
 *   `python_full_version >= '3.8'` holds on `3.13.0rc1`. Everything else compares as strings:
 *   `==`/`!=` exactly (case-sensitive), `in`/`not in` as substring tests, `<=`/`>=` as `==`,
 *   `<`/`>` as false, and `~=`/`===` are undefined (an error at evaluation).
 * - `extra` is normalised (PEP 685) on both sides: the literal at parse time, the requested
 *   extra at evaluation; `''` evaluates base dependencies. Deviation from packaging 26.2: the
 *   literal is normalised inside parentheses too (packaging only does it at the top level).
 * - `and` binds tighter than `or`; every comparison is evaluated (no short-circuit), so an
 *   undefined comparison fails even behind a false `and`.
 * - Legacy spellings are accepted and rendered modern: `os.name`, `sys.platform`,
 *   `platform.version`, `platform.machine`, `platform.python_implementation`,
 *   `python_implementation` (-> `platform_python_implementation`).
 * - Literals are Python string literals: escapes such as `\t` or `\x41` are decoded like
 *   `ast.literal_eval` does, and a malformed one (`"C:\"`) is an "Invalid quoted string".
 *   `\N{...}` names are not supported (no Unicode name table here) and are rejected.
 * - Rendering follows packaging (`python_version < "3.9" and ...`, double quotes unless the
 *   value holds one), except that a doubly parenthesised group keeps its parentheses
 *   (packaging 26.2 drops them and changes the meaning).
 * - `extras` and `dependency_groups` (PEP 751 lock files) are sets: they may only be the
 *   right-hand side of `in`/`not in`, and must be supplied to evaluate.
 */
import { ParseError, type ErrorCode } from '../errors.js';
import { normalizeExtra, normalizeName } from './names.js';
import { SyntaxErrorAt, Tokenizer } from './pep508-tokenizer.js';
import { Specifier } from './specifiers.js';

export interface MarkerEnvironment {
  implementation_name: string;
  implementation_version: string;
  os_name: string;
  platform_machine: string;
  platform_python_implementation: string;
  platform_release: string;
  platform_system: string;
  platform_version: string;
  python_full_version: string;
  python_version: string;
  sys_platform: string;
}

export type MarkerVariable =
  | keyof MarkerEnvironment
  | 'extra'
  | 'extras'
  | 'dependency_groups';

export type MarkerOperator = '===' | '==' | '~=' | '!=' | '<=' | '>=' | '<' | '>' | 'in' | 'not in';

export type MarkerOperand =
  | { readonly kind: 'variable'; readonly name: MarkerVariable }
  | { readonly kind: 'value'; readonly value: string };

export interface MarkerComparison {
  readonly kind: 'comparison';
  readonly lhs: MarkerOperand;
  readonly op: MarkerOperator;
  readonly rhs: MarkerOperand;
}

/** `terms[0] joins[0] terms[1] ...`; a parenthesised group is a nested expression. */
export interface MarkerExpression {
  readonly kind: 'expression';
  readonly terms: readonly MarkerNode[];
  readonly joins: readonly ('and' | 'or')[];
}

export type MarkerNode = MarkerComparison | MarkerExpression;

/** Sets only lock files (PEP 751) provide. */
export interface MarkerSets {
  readonly extras?: Iterable<string> | undefined;
  readonly dependencyGroups?: Iterable<string> | undefined;
}

const VERSION_VARIABLES = new Set<string>([
  'implementation_version',
  'platform_release',
  'python_full_version',
  'python_version',
]);

// ---------------------------------------------------------------------------------------------
// Python string literals

function hexValue(text: string, from: number, count: number): number {
  const digits = text.slice(from, from + count);
  return digits.length === count && /^[0-9a-fA-F]+$/.test(digits) ? parseInt(digits, 16) : -1;
}

/** `ast.literal_eval` of a one-line `'...'`/`"..."` token; null when Python would reject it. */
export function decodePythonStringLiteral(token: string): string | null {
  const body = token.slice(1, -1);
  let out = '';
  let i = 0;
  while (i < body.length) {
    const ch = body[i] ?? '';
    if (ch === '\n' || ch === '\r' || ch === '\0') return null;
    if (ch !== '\\') {
      out += ch;
      i++;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) return null; // the backslash escaped the closing quote
    i += 2;
    switch (next) {
      case '\n':
        break;
      case '\r':
        if (body[i] === '\n') i++;
        break;
      case '\\':
      case "'":
      case '"':
        out += next;
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
      case 'u':
      case 'U': {
        const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const value = hexValue(body, i, width);
        if (value < 0 || value > 0x10ffff) return null;
        out += String.fromCodePoint(value);
        i += width;
        break;
      }
      case 'N':
        return null;
      default:
        if (next >= '0' && next <= '7') {
          let digits = next;
          while (digits.length < 3 && (body[i] ?? '') >= '0' && (body[i] ?? '') <= '7') {
            digits += body[i];
            i++;
          }
          out += String.fromCodePoint(parseInt(digits, 8));
        } else {
          out += '\\' + next; // unknown escapes stay as written
        }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing (grammar of packaging's `_parser.py`)

function variableName(text: string): MarkerVariable {
  const name = text.replace('.', '_');
  switch (name) {
    case 'python_implementation':
    case 'platform_python_implementation':
      return 'platform_python_implementation';
    case 'python_version':
    case 'python_full_version':
    case 'os_name':
    case 'sys_platform':
    case 'platform_release':
    case 'platform_system':
    case 'platform_version':
    case 'platform_machine':
    case 'implementation_name':
    case 'implementation_version':
    case 'extra':
    case 'extras':
    case 'dependency_groups':
      return name;
    default:
      throw new Error(`Assertion failed: tokenizer produced unknown variable ${JSON.stringify(text)}`);
  }
}

function parseMarkerVar(tokenizer: Tokenizer): MarkerOperand {
  if (tokenizer.check('VARIABLE')) return { kind: 'variable', name: variableName(tokenizer.read().text) };
  if (tokenizer.check('QUOTED_STRING')) {
    const token = tokenizer.read();
    const value = decodePythonStringLiteral(token.text);
    if (value === null) tokenizer.fail('Invalid quoted string', token.position, tokenizer.position);
    return { kind: 'value', value };
  }
  return tokenizer.fail('Expected a marker variable or quoted string');
}

function parseMarkerOp(tokenizer: Tokenizer): MarkerOperator {
  if (tokenizer.check('IN')) {
    tokenizer.read();
    return 'in';
  }
  if (tokenizer.check('NOT')) {
    tokenizer.read();
    tokenizer.expect('WS', "whitespace after 'not'");
    tokenizer.expect('IN', "'in' after 'not'");
    return 'not in';
  }
  if (tokenizer.check('OP')) {
    const text = tokenizer.read().text;
    switch (text) {
      case '===':
      case '==':
      case '~=':
      case '!=':
      case '<=':
      case '>=':
      case '<':
      case '>':
        return text;
    }
  }
  return tokenizer.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
}

function parseMarkerItem(tokenizer: Tokenizer): MarkerComparison {
  tokenizer.consume('WS');
  const lhs = parseMarkerVar(tokenizer);
  tokenizer.consume('WS');
  const op = parseMarkerOp(tokenizer);
  tokenizer.consume('WS');
  const rhs = parseMarkerVar(tokenizer);
  tokenizer.consume('WS');
  return normalizeExtraComparison({ kind: 'comparison', lhs, op, rhs });
}

/** Deeper nesting is refused rather than risking the JavaScript stack. */
const MAX_NESTING = 100;

function parseMarkerAtom(tokenizer: Tokenizer, depth: number): MarkerNode {
  tokenizer.consume('WS');
  let node: MarkerNode;
  if (tokenizer.check('LEFT_PARENTHESIS', true)) {
    if (depth >= MAX_NESTING) tokenizer.fail(`Parentheses nested deeper than ${MAX_NESTING} levels`);
    node = tokenizer.enclosing('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'marker expression', () => {
      tokenizer.consume('WS');
      const inner = parseMarkerExpression(tokenizer, depth + 1);
      tokenizer.consume('WS');
      return inner;
    });
  } else {
    node = parseMarkerItem(tokenizer);
  }
  tokenizer.consume('WS');
  return node;
}

/** `marker_atom (BOOLOP marker_atom)*`, leaving the tokenizer after it. */
export function parseMarkerExpression(tokenizer: Tokenizer, depth = 0): MarkerExpression {
  const terms: MarkerNode[] = [parseMarkerAtom(tokenizer, depth)];
  const joins: ('and' | 'or')[] = [];
  while (tokenizer.check('BOOLOP')) {
    joins.push(tokenizer.read().text === 'and' ? 'and' : 'or');
    terms.push(parseMarkerAtom(tokenizer, depth));
  }
  return { kind: 'expression', terms, joins };
}

/** PEP 685: the literal compared with `extra` is normalised once, at parse time. */
function normalizeExtraComparison(item: MarkerComparison): MarkerComparison {
  const literalOf = (operand: MarkerOperand): string => (operand.kind === 'value' ? operand.value : operand.name);
  if (item.lhs.kind === 'variable' && item.lhs.name === 'extra') {
    return { ...item, rhs: { kind: 'value', value: normalizeExtra(literalOf(item.rhs)) } };
  }
  if (item.rhs.kind === 'variable' && item.rhs.name === 'extra') {
    return { ...item, lhs: { kind: 'value', value: normalizeExtra(literalOf(item.lhs)) } };
  }
  return item;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderOperand(operand: MarkerOperand): string {
  if (operand.kind === 'variable') return operand.name;
  return operand.value.includes('"') ? `'${operand.value}'` : `"${operand.value}"`;
}

function renderNode(node: MarkerNode, topLevel: boolean): string {
  let current = node;
  while (current.kind === 'expression' && current.terms.length === 1 && current.terms[0] !== undefined) {
    current = current.terms[0];
  }
  if (current.kind === 'comparison') {
    return `${renderOperand(current.lhs)} ${current.op} ${renderOperand(current.rhs)}`;
  }
  const expression = current;
  const parts: string[] = [];
  expression.terms.forEach((term, i) => {
    if (i > 0) parts.push(expression.joins[i - 1] ?? 'and');
    parts.push(renderNode(term, false));
  });
  const inner = parts.join(' ');
  return topLevel ? inner : `(${inner})`;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type EnvValue = string | ReadonlySet<string>;

function undefinedComparison(message: string): ParseError {
  return new ParseError('UNDEFINED_MARKER_COMPARISON', message, {
    hint: 'The marker compares values that have no defined ordering; fix the package metadata or skip it.',
  });
}

function compareOp(lhs: string, op: MarkerOperator, rhs: EnvValue, key: string): boolean {
  if (VERSION_VARIABLES.has(key) && typeof rhs === 'string') {
    const specifier = Specifier.tryParse(`${op}${rhs}`);
    if (specifier !== null) return specifier.contains(lhs, true);
  }
  const equal = typeof rhs === 'string' ? lhs === rhs : false;
  switch (op) {
    case 'in':
      return typeof rhs === 'string' ? rhs.includes(lhs) : rhs.has(lhs);
    case 'not in':
      return typeof rhs === 'string' ? !rhs.includes(lhs) : !rhs.has(lhs);
    case '<':
    case '>':
      return false;
    case '<=':
    case '==':
    case '>=':
      return equal;
    case '!=':
      return !equal;
    case '~=':
    case '===':
      throw undefinedComparison(`Undefined ${op} on ${JSON.stringify(lhs)} and ${JSON.stringify(rhs)}.`);
  }
}

function evaluateComparison(item: MarkerComparison, env: ReadonlyMap<string, EnvValue>): boolean {
  let key: string;
  let lhs: EnvValue;
  let rhs: EnvValue;
  const lookup = (name: string): EnvValue => {
    const value = env.get(name);
    if (value === undefined) {
      throw new ParseError('UNDEFINED_MARKER_VARIABLE', `The marker variable ${JSON.stringify(name)} is not defined here`, {
        hint: '`extras` and `dependency_groups` only exist in lock files (PEP 751).',
      });
    }
    return value;
  };
  if (item.lhs.kind === 'variable') {
    key = item.lhs.name;
    lhs = lookup(key);
    rhs = item.rhs.kind === 'value' ? item.rhs.value : item.rhs.name;
  } else {
    lhs = item.lhs.value;
    key = item.rhs.kind === 'value' ? item.rhs.value : item.rhs.name;
    rhs = lookup(key);
  }
  if (typeof lhs !== 'string') {
    throw undefinedComparison(`Undefined ${item.op} with the set ${JSON.stringify(key)} on the left.`);
  }
  if (key === 'extras' || key === 'dependency_groups') {
    lhs = normalizeName(lhs);
    rhs = typeof rhs === 'string' ? normalizeName(rhs) : new Set([...rhs].map((v) => normalizeName(v)));
  }
  return compareOp(lhs, item.op, rhs, key);
}

function evaluateExpression(expression: MarkerExpression, env: ReadonlyMap<string, EnvValue>): boolean {
  const groups: boolean[][] = [[]];
  expression.terms.forEach((term, i) => {
    if (i > 0 && expression.joins[i - 1] === 'or') groups.push([]);
    const value = term.kind === 'comparison' ? evaluateComparison(term, env) : evaluateExpression(term, env);
    groups[groups.length - 1]?.push(value);
  });
  return groups.some((group) => group.every(Boolean));
}

function mentions(node: MarkerNode, name: MarkerVariable): boolean {
  if (node.kind === 'comparison') {
    return [node.lhs, node.rhs].some((o) => o.kind === 'variable' && o.name === name);
  }
  return node.terms.some((term) => mentions(term, name));
}

// ---------------------------------------------------------------------------------------------

function toParseError(error: unknown, code: ErrorCode): unknown {
  return error instanceof SyntaxErrorAt ? new ParseError(code, error.render()) : error;
}

export class Marker {
  readonly tree: MarkerExpression;

  private constructor(tree: MarkerExpression) {
    this.tree = tree;
  }

  /** Throws ParseError `INVALID_MARKER` (message as packaging renders it, with a `~~^` span). */
  static parse(text: string): Marker {
    try {
      const tokenizer = new Tokenizer(text);
      const tree = parseMarkerExpression(tokenizer);
      tokenizer.expect('END', 'end of marker expression');
      return new Marker(tree);
    } catch (error) {
      throw toParseError(error, 'INVALID_MARKER');
    }
  }

  static tryParse(text: string): Marker | null {
    try {
      return Marker.parse(text);
    } catch (error) {
      if (error instanceof ParseError) return null;
      throw error;
    }
  }

  /** A marker from a tree parsed elsewhere (the requirement parser). */
  static fromTree(tree: MarkerExpression): Marker {
    return new Marker(tree);
  }

  and(other: Marker): Marker {
    return new Marker({ kind: 'expression', terms: [this.tree, other.tree], joins: ['and'] });
  }

  or(other: Marker): Marker {
    return new Marker({ kind: 'expression', terms: [this.tree, other.tree], joins: ['or'] });
  }

  /**
   * `extra` is compared after PEP 685 normalisation on both sides; '' when evaluating base deps.
   * Throws ParseError `UNDEFINED_MARKER_COMPARISON` / `UNDEFINED_MARKER_VARIABLE` where
   * packaging raises UndefinedComparison / UndefinedEnvironmentName.
   */
  evaluate(env: MarkerEnvironment, extra = '', sets: MarkerSets = {}): boolean {
    const values = new Map<string, EnvValue>(Object.entries(env));
    const full = env.python_full_version;
    // packaging's repair for interpreters built from an untagged checkout ("3.13.0+").
    if (full.endsWith('+')) values.set('python_full_version', `${full}local`);
    values.set('extra', extra === '' ? '' : normalizeExtra(extra));
    if (sets.extras !== undefined) values.set('extras', new Set(sets.extras));
    if (sets.dependencyGroups !== undefined) values.set('dependency_groups', new Set(sets.dependencyGroups));
    return evaluateExpression(this.tree, values);
  }

  /** true when the marker mentions the `extra` variable anywhere */
  get mentionsExtra(): boolean {
    return mentions(this.tree, 'extra');
  }

  /** packaging's canonical rendering: `python_version < "3.9" and ...` */
  toString(): string {
    return renderNode(this.tree, true);
  }
}
