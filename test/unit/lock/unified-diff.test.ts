import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unifiedDiff } from '../../../src/lock/unified-diff.js';

const lines = (n: number, change?: [number, string]) =>
  Array.from({ length: n }, (_, i) => (change && change[0] === i ? change[1] : `line ${i}`)).join('\n') + '\n';

const cases: { name: string; a: string; b: string; expected: string }[] = [
  { name: 'equal texts give no diff', a: 'x\ny\n', b: 'x\ny\n', expected: '' },
  {
    name: 'one changed line in the middle, three lines of context',
    a: lines(10),
    b: lines(10, [5, 'changed']),
    expected: ['--- a', '+++ b', '@@ -3,7 +3,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '+changed', ' line 6', ' line 7', ' line 8', ''].join('\n'),
  },
  { name: 'an added last line', a: 'x\n', b: 'x\ny\n', expected: ['--- a', '+++ b', '@@ -1,1 +1,2 @@', ' x', '+y', ''].join('\n') },
  { name: 'from empty', a: '', b: 'x\n', expected: ['--- a', '+++ b', '@@ -0,0 +1,1 @@', '+x', ''].join('\n') },
  {
    name: 'two distant changes make two hunks',
    a: lines(20),
    b: lines(20, [1, 'one']).replace('line 18', 'eighteen'),
    expected: [
      '--- a', '+++ b', '@@ -1,5 +1,5 @@', ' line 0', '-line 1', '+one', ' line 2', ' line 3', ' line 4',
      '@@ -16,5 +16,5 @@', ' line 15', ' line 16', ' line 17', '-line 18', '+eighteen', ' line 19', '',
    ].join('\n'),
  },
];

for (const c of cases) {
  test(c.name, () => assert.equal(unifiedDiff(c.a, c.b, 'a', 'b'), c.expected));
}
