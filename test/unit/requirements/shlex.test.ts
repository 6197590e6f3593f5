import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shlexSplit, ShlexError } from '../../../src/requirements/shlex.js';

// Expected values checked against Python 3.11 `shlex.split`.
describe('shlexSplit follows Python shlex.split', () => {
  const cases: [string, string, string[]][] = [
    ['empty text gives no words', '', []],
    ['runs of spaces and tabs separate words', ' a \t b  ', ['a', 'b']],
    ['double quotes group', 'a "b c" d', ['a', 'b c', 'd']],
    ['an empty quoted word is a word', "'' x", ['', 'x']],
    ['a backslash escapes a space outside quotes', 'a\\ b', ['a b']],
    ['inside double quotes a backslash escapes only a quote or a backslash', '"a\\"b\\x"', ['a"b\\x']],
    ['inside single quotes a backslash is literal', "'a\\b'", ['a\\b']],
    ['quotes inside a word join the parts', 'x"y"z', ['xyz']],
    ['= stays in the word', '--hash=sha256:ab', ['--hash=sha256:ab']],
  ];
  for (const [name, text, expected] of cases) it(name, () => assert.deepEqual(shlexSplit(text), expected));

  const errors: [string, string, string][] = [
    ['an unclosed quote fails', 'a "b', 'No closing quotation'],
    ['a trailing backslash fails', 'a\\', 'No escaped character'],
  ];
  for (const [name, text, message] of errors) {
    it(name, () => assert.throws(() => shlexSplit(text), (error: unknown) => error instanceof ShlexError && error.message === message));
  }
});
