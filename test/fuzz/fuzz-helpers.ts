// Shared by the fuzz tests: fixed seeds and run counts (CI is deterministic and quick), input
// generators that mix the tokens each grammar cares about with arbitrary text, and the one
// property every parser must have: a result or our own typed error, never anything else, in
// bounded time.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PinHashesError } from '../../src/errors.js';

/** FUZZ_SEED / FUZZ_RUNS override these to explore locally; CI uses the fixed ones. */
export const SEED = Number(process.env['FUZZ_SEED'] ?? 20_260_705);
export const RUNS = Number(process.env['FUZZ_RUNS'] ?? 2000);

/** Longest a single input may take: generous, so only runaway (quadratic, backtracking) fails. */
export const MAX_MS_PER_INPUT = 2000;

export function fuzzParams(runs = RUNS): { seed: number; numRuns: number; endOnFailure: boolean } {
  return { seed: SEED, numRuns: runs, endOnFailure: true };
}

/** Text made of grammar pieces and arbitrary characters, so inputs are near-valid and weird. */
export function piecesText(pieces: readonly string[], maxPieces = 24): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...pieces) },
    { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '\t', ' ', '\u0000', '\u00a0', '\u2028', '\ufeff', '\ud800', '\udc00', '\u{1f600}') },
  );
  return fc.array(piece, { maxLength: maxPieces }).map((parts) => parts.join(''));
}

/**
 * Every kind of input at once: valid inputs from `valid` (when given), the same mutated by a few
 * random edits (the near-misses parsers get wrong), grammar pieces in random order, fully
 * arbitrary text, and long repetitions (for runaway time).
 */
export function fuzzText(pieces: readonly string[], valid?: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const shapes: { weight: number; arbitrary: fc.Arbitrary<string> }[] = [
    { weight: 4, arbitrary: piecesText(pieces) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...pieces), fc.integer({ min: 100, max: 3000 })).map(([p, n]) => p.repeat(n)) },
  ];
  if (valid) {
    shapes.push({ weight: 4, arbitrary: valid });
    shapes.push({ weight: 6, arbitrary: mutated(valid, pieces) });
  }
  return fc.oneof(...shapes);
}

type Edit = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'duplicate'; at: number; length: number };

/** `base` with 1-3 random edits: a piece or a character inserted, a range deleted or doubled. */
export function mutated(base: fc.Arbitrary<string>, pieces: readonly string[]): fc.Arbitrary<string> {
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'binary', maxLength: 2 })) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  );
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) => {
    let out = text;
    for (const e of edits) {
      const at = out.length === 0 ? 0 : e.at % (out.length + 1);
      if (e.kind === 'insert') out = out.slice(0, at) + e.text + out.slice(at);
      else if (e.kind === 'delete') out = out.slice(0, at) + out.slice(at + e.length);
      else out = out.slice(0, at + e.length) + out.slice(at, at + e.length) + out.slice(at + e.length);
    }
    return out;
  });
}

/** Optional blanks where a grammar allows them (and sometimes where it does not). */
export const blanks: fc.Arbitrary<string> = fc.constantFrom('', '', '', ' ', '  ', '\t');

export const versionText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '', '', '1!', 'v'),
    fc.array(fc.nat(30), { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', '', 'a1', 'b2', 'rc3', 'c', '.alpha', '-beta.4', 'pre'),
    fc.constantFrom('', '', '.post1', '-1', '_post', 'r2'),
    fc.constantFrom('', '', '.dev0', 'dev', '-dev3'),
    fc.constantFrom('', '', '', '+local', '+abc.7', '+a_b-c'),
    fc.constantFrom('', '', '', '', '.*'),
  )
  .map(([epoch, release, pre, post, dev, local, wildcard]) => `${epoch}${release.join('.')}${pre}${post}${dev}${local}${wildcard}`);

export const specifierText: fc.Arbitrary<string> = fc
  .array(fc.tuple(blanks, fc.constantFrom('==', '!=', '<=', '>=', '<', '>', '~=', '==='), blanks, versionText, blanks), { minLength: 0, maxLength: 4 })
  .map((clauses) => clauses.map(([a, op, b, v, c]) => `${a}${op}${b}${v}${c}`).join(','));

const markerVariable = fc.constantFrom(
  'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_machine', 'platform_release', 'platform_system',
  'platform_version', 'implementation_name', 'implementation_version', 'platform_python_implementation', 'extra', 'extras',
  'dependency_groups', 'os.name', 'sys.platform', 'python_implementation',
);
const markerValue = fc
  .tuple(fc.constantFrom('"', "'"), fc.oneof(versionText, fc.constantFrom('posix', 'nt', 'linux', 'win32', 'x86_64', 'CPython', 'x', 'test-group', ''), fc.string({ maxLength: 5 })))
  .map(([q, v]) => `${q}${v.replace(/["']/g, '')}${q}`);
const markerOp = fc.constantFrom('==', '!=', '<=', '>=', '<', '>', '~=', '===', 'in', 'not in');

export const markerText: fc.Arbitrary<string> = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    { weight: 4, arbitrary: fc.tuple(markerVariable, blanks, markerOp, blanks, markerValue).map(([v, a, op, b, val]) => `${v}${a || ' '}${op}${b || ' '}${val}`) },
    { weight: 2, arbitrary: fc.tuple(markerValue, markerOp, markerVariable).map(([val, op, v]) => `${val} ${op} ${v}`) },
    { weight: 1, arbitrary: tie('expr').map((e) => `(${e})`) },
  ),
  expr: fc.oneof(
    { weight: 3, arbitrary: tie('atom') },
    { weight: 1, arbitrary: fc.tuple(tie('atom'), fc.constantFrom(' and ', ' or ', ' and  ', '\tor '), tie('expr')).map(([a, j, b]) => `${a}${j}${b}`) },
  ),
})).expr;

export const nameText: fc.Arbitrary<string> = fc.constantFrom('requests', 'Foo_Bar.baz', 'a', 'x-y', 'zope.interface', 'A1', 'name9_');

export const requirementText: fc.Arbitrary<string> = fc
  .tuple(
    nameText,
    fc.constantFrom('', '', '[security]', '[a,b]', '[ a , B_c ]', '[]'),
    fc.oneof(specifierText, specifierText.map((s) => `(${s})`), fc.constantFrom(' @ https://h/x-1.0-py3-none-any.whl', ' @ file:///tmp/x.tar.gz')),
    fc.option(markerText, { nil: undefined }),
  )
  .map(([name, extras, spec, marker]) => `${name}${extras}${spec}${marker === undefined ? '' : ` ; ${marker}`}`);

/**
 * Runs `parse`; a thrown error must be one of ours (a PinHashesError, or `allowed`), and the call
 * must end within MAX_MS_PER_INPUT. Returns the result, or undefined after a typed error.
 */
/** How many inputs parsed and how many were refused: a fuzz test must see both, or it tests nothing. */
export class Outcomes {
  ok = 0;
  refused = 0;
  assertBoth(what: string): void {
    assert.ok(this.ok > 0 && this.refused > 0, `${what}: ${this.ok} inputs parsed, ${this.refused} refused; the generators miss a side`);
  }
}

export function total<T>(
  what: string,
  input: unknown,
  parse: () => T,
  allowed: readonly (new (...args: never[]) => Error)[] = [],
  outcomes?: Outcomes,
): T | undefined {
  const started = performance.now();
  try {
    const result = parse();
    if (outcomes) outcomes.ok++;
    return result;
  } catch (error) {
    if (outcomes) outcomes.refused++;
    const ours = error instanceof PinHashesError || allowed.some((cls) => error instanceof cls);
    assert.ok(ours, `${what}(${JSON.stringify(input)?.slice(0, 300)}) threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    if (error instanceof Error) assert.doesNotMatch(error.message, /^Assertion failed/, `${what}: a broken invariant, not a user error`);
    return undefined;
  } finally {
    const elapsed = performance.now() - started;
    assert.ok(elapsed < MAX_MS_PER_INPUT, `${what} took ${elapsed.toFixed(0)} ms on ${JSON.stringify(input)?.slice(0, 200)}`);
  }
}

export async function totalAsync<T>(what: string, input: unknown, parse: () => Promise<T>, outcomes?: Outcomes): Promise<T | undefined> {
  const started = performance.now();
  try {
    const result = await parse();
    if (outcomes) outcomes.ok++;
    return result;
  } catch (error) {
    if (outcomes) outcomes.refused++;
    assert.ok(error instanceof PinHashesError, `${what}(${JSON.stringify(input)?.slice(0, 300)}) threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return undefined;
  } finally {
    const elapsed = performance.now() - started;
    assert.ok(elapsed < MAX_MS_PER_INPUT, `${what} took ${elapsed.toFixed(0)} ms`);
  }
}
