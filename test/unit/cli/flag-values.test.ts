// The CLI's check of flag values (cli/flag-values.ts): each kind of table row, valid and invalid
// values as yargs hands them over, and the message that names the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagProblems, flagValueProblem, missingValueProblems, type FlagShape } from '../../../src/cli/flag-values.js';
import { LOCK_FLAGS } from '../../../src/api/lock-flags.js';

const count: FlagShape = { name: 'concurrency', kind: 'number', range: [1, 64] };
const version: FlagShape = { name: 'python-version', kind: 'string', pattern: { regex: /^\d+\.\d+(\.\d+)?$/, message: 'expected X.Y' } };
const strategy: FlagShape = { name: 'index-strategy', kind: 'choice', choices: ['first-index', 'unsafe-best-match'], default: 'first-index' };
const optionalChoice: FlagShape = { name: 'format', kind: 'choice', choices: ['requirements-txt', 'pylock'] };
const toggle: FlagShape = { name: 'dry-run', kind: 'boolean' };
const list: FlagShape = { name: 'extra-index-url', kind: 'strings' };

const cases: [FlagShape, unknown, RegExp | undefined][] = [
  [count, 8, undefined],
  [count, 1, undefined],
  [count, 64, undefined],
  [count, 0, /^--concurrency must be a whole number from 1 to 64, not 0$/],
  [count, 65, /not 65/],
  [count, 1.5, /not 1\.5/],
  [count, Number.NaN, /not a number/],
  [count, '8', /not 8/],
  [version, undefined, undefined],
  [version, '3.12', undefined],
  [version, '3.12.1', undefined],
  [version, '3', /^--python-version 3: expected X\.Y$/],
  [version, ['3.11', '3.12'], /takes one text value/],
  [strategy, 'first-index', undefined],
  [strategy, 'best', /must be one of first-index, unsafe-best-match/],
  [strategy, undefined, /must be one of/],
  [optionalChoice, undefined, undefined],
  [optionalChoice, 'pylock', undefined],
  [toggle, true, undefined],
  [toggle, 'yes', /--dry-run takes no value/],
  [list, [], undefined],
  [list, ['https://a.example/simple/'], undefined],
  [list, [3], /takes text values/],
];

for (const [flag, value, expected] of cases) {
  test(`--${flag.name} ${JSON.stringify(value) ?? 'undefined'} -> ${expected ? 'refused' : 'accepted'}`, () => {
    const problem = flagValueProblem(flag, value);
    if (expected === undefined) assert.equal(problem, undefined);
    else assert.match(problem ?? '', expected);
  });
}

test("the lock table's defaults pass its own check", () => {
  const defaults = Object.fromEntries(
    LOCK_FLAGS.map((flag) => [flag.name, flag.kind === 'strings' ? [] : flag.kind === 'boolean' ? (flag.default ?? false) : flag.default]),
  );
  assert.deepEqual(flagProblems(LOCK_FLAGS, defaults), []);
});

test('every problem is reported, in table order', () => {
  assert.deepEqual(
    flagProblems([version, count], { 'python-version': 'x', concurrency: 0 }).map((p) => p.split(' ')[0]),
    ['--python-version', '--concurrency'],
  );
});

// A flag that takes a value with none after it: the run would otherwise go on with the default
// (`lock --targets` locking for the host alone).
const missing: [string[], string[]][] = [
  [['lock', '--targets'], ['--targets needs a value']],
  [['lock', '--concurrency', '--refresh'], ['--concurrency needs a value']],
  [['lock', 'req.in', '--format'], ['--format needs a value']],
  [['lock', '-o'], ['--output-file needs a value']],
  [['lock', '-P', '--', 'x'], ['--upgrade-package needs a value']],
  [['lock', '-o', '-', '--python-version', '3.12'], []],
  [['lock', '--targets', 'common', '--concurrency', '4', 'req.in'], []],
  [['lock', '--concurrency=4', '--format=pylock'], []],
  [['lock', '--dry-run', '--refresh'], []],
  [['lock', '--', '--targets'], []],
];
for (const [argv, problems] of missing) {
  test(`missing values: ${argv.join(' ')} -> ${problems.length === 0 ? 'none' : problems.join('; ')}`, () => {
    assert.deepEqual(missingValueProblems(LOCK_FLAGS, argv), problems);
  });
}
