// URLs that were taken for file paths come back resolved, their `//` collapsed or their `\\`
// percent-encoded: the redactor still finds the userinfo (an attacker pass found the token of
// `--trusted-root https://tok@host/...` and `-o http://u:tok@host/...` printed in full).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets } from '../../../src/http/redact.js';

const cases: [string, string][] = [
  ["ENOENT: open '/w/https:/tok123@127.0.0.1:1/root.json'", "ENOENT: open '/w/https:/***@127.0.0.1:1/root.json'"],
  ["open '/w/http:/u:tok123@127.0.0.1:1/.pin-hashes-tmp-out.txt'", "open '/w/http:/***@127.0.0.1:1/.pin-hashes-tmp-out.txt'"],
  ['file:///w/http:%5C%5Cu:tok123@127.0.0.1:1/r', 'file:///w/http:%5C%5C***@127.0.0.1:1/r'],
  ['file:///w/http:%2F%2Fu:tok123@h/r', 'file:///w/http:%2F%2F***@h/r'],
  // Left alone: no userinfo.
  ['C:/Users/me/file.txt', 'C:/Users/me/file.txt'],
  ['/w/https:/example.org/a.json', '/w/https:/example.org/a.json'],
  ['mailto:/me see y@z', 'mailto:/me see y@z'],
];

for (const [text, shown] of cases) {
  test(`redacts ${JSON.stringify(text)}`, () => {
    assert.equal(redactSecrets(text, []), shown);
  });
}

test('a long message of many words without @ is redacted in linear time', () => {
  const text = `${'word '.repeat(400_000)}http://u:tok@h/`;
  const started = Date.now();
  assert.ok(redactSecrets(text, []).endsWith('http://***@h/'));
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
});
