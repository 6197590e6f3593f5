// Redaction must not depend on the URL parsing (issue 10, case 12): a credential written so that
// no URL parser accepts it (an `@`, `/`, `?` or `#` in the password, a port out of range, no
// scheme, backslashes, whitespace) is hidden all the same, in a URL and in free text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactSecrets, redactUrl, secretsOfUrl, stripCredentials } from '../../../src/http/redact.js';

/** [input, what redactUrl shows, what it must never show] */
const HOSTILE: [string, string, string[]][] = [
  ['http://user:SECRET@pw@host:99999/', 'http://***@host:99999/', ['SECRET', 'pw@', 'user']],
  ['http://user:SECRET@pw@host:99999', 'http://***@host:99999', ['SECRET', 'pw@']],
  ['http://user:S@CR@T!@host/simple/', 'http://***@host/simple/', ['S@CR', 'CR@T', 'T!']],
  ['http://us:er:SECRET@host/', 'http://***@host/', ['SECRET', 'er:']],
  ['http://:SECRET@host/', 'http://***@host/', ['SECRET']],
  ['https://TOKEN123@host/simple/', 'https://***@host/simple/', ['TOKEN123']],
  ['HTTPS://U:SECRET@HOST/', 'HTTPS://***@HOST/', ['SECRET']],
  // A delimiter in the password: the authority as a parser sees it ends early.
  ['http://user:SE/CRET@host/simple/', 'http://***@host/simple/', ['SE/', 'CRET']],
  ['http://user:12/SECRET@host/simple/', 'http://***@host/simple/', ['12/', 'SECRET']],
  ['http://user:SE?CRET@host/', 'http://***@host/', ['SE?', 'CRET']],
  ['http://user:SE#CRET@host/', 'http://***@host/', ['SE#', 'CRET']],
  ['http://user:SE@CR/ET@host/', 'http://***@host/', ['SE@', 'CR/', 'ET@']],
  ['http://user:SE\\CRET@host/', 'http://***@host/', ['CRET']],
  // Spellings WHATWG parsers accept for special schemes.
  ['http:\\\\user:SECRET@host\\simple\\', 'http:\\\\***@host\\simple\\', ['SECRET']],
  ['http:user:SECRET@host/', '***@host/', ['SECRET']],
  ['http:/user:SECRET@host/', '***@host/', ['SECRET']],
  // No scheme, or a relative `//`.
  ['user:SECRET@host/simple/', '***@host/simple/', ['SECRET']],
  ['//user:SECRET@host/simple/', '//***@host/simple/', ['SECRET']],
  // Percent-encoding and whitespace.
  ['http://user:p%40SECRET@host/', 'http://***@host/', ['SECRET', '%40']],
  ['http://user%3ASECRET@host/', 'http://***@host/', ['SECRET']],
  ['  http://user:SECRET@host/  ', '  http://***@host/  ', ['SECRET']],
  ['http://user:SEC RET@host/', 'http://***@host/', ['SEC', 'RET@']],
  ['http://us\ter:SEC\nRET@host/', 'http://***@host/', ['SEC', 'RET@']],
  // IPv6 literals: their colons are not a password's.
  ['http://user:SECRET@[::1]:8080/simple/', 'http://***@[::1]:8080/simple/', ['SECRET']],
  ['http://[::1]:8080/simple/', 'http://[::1]:8080/simple/', []],
  ['http://user:SECRET@/simple/', 'http://***@/simple/', ['SECRET']],
  // Queries: every value, and a query that is a bare token.
  ['https://host/simple/?sig=SECRET&x=1#sha256=ab', 'https://host/simple/?sig=***&x=***#sha256=ab', ['SECRET']],
  ['https://host/f.whl?SECRETTOKEN', 'https://host/f.whl?***', ['SECRETTOKEN']],
  ['https://user:pw@host/f.whl?a=SECRET', 'https://***@host/f.whl?a=***', ['SECRET', 'pw']],
  // Not credentials: left as written.
  ['https://host/@scope/pkg/', 'https://host/@scope/pkg/', []],
  ['https://host/simple/%40x/', 'https://host/simple/%40x/', []],
  ['https://idx.example/${TEAM}/simple/', 'https://idx.example/${TEAM}/simple/', []],
  ['file:///srv/wheels', 'file:///srv/wheels', []],
  ['http://host:abc/', 'http://host:abc/', []],
  ['not a url //a:SECRET@c', 'not a url //***@c', ['SECRET']],
];

for (const [input, shown, hidden] of HOSTILE) {
  test(`redactUrl(${JSON.stringify(input)})`, () => {
    const out = redactUrl(input);
    assert.equal(out, shown);
    for (const secret of hidden) assert.ok(!out.includes(secret), `${out} shows ${secret}`);
  });
}

/** [input, stripCredentials]: exact, as the lock header and the command line record it. */
const STRIPPED: [string, string][] = [
  ['http://user:SECRET@pw@host:99999/', 'http://host:99999/'],
  ['https://${USER}:${TOKEN}@idx.example/${TEAM}/simple/', 'https://idx.example/${TEAM}/simple/'],
  ['http://user:SECRET@[::1]:8080/simple/', 'http://[::1]:8080/simple/'],
  ['https://host/@scope/pkg/', 'https://host/@scope/pkg/'],
  ['//user:SECRET@host/simple/', '//host/simple/'],
];

for (const [input, expected] of STRIPPED) {
  test(`stripCredentials(${JSON.stringify(input)})`, () => assert.equal(stripCredentials(input), expected));
}

test('the userinfo of an unparseable URL is a known secret: free text quoting it is redacted', () => {
  const url = 'http://user:SECRET@pw@host:99999/';
  assert.ok(secretsOfUrl(url).includes('SECRET@pw'), JSON.stringify(secretsOfUrl(url)));
  const text = redactSecrets('Invalid URL user:SECRET@pw@host:99999 (password SECRET@pw)', secretsOfUrl(url));
  assert.ok(!text.includes('SECRET') && !text.includes('pw@'), text);
});

test('free text: a URL with an @ in its password loses all of it', () => {
  const cases: [string, string][] = [
    ['connect to http://user:SECRET@pw@host:99999/x failed', 'connect to http://***@host:99999/x failed'],
    ["fetch 'https://u:SE@CRET@h/' refused", "fetch 'https://***@h/' refused"],
    ['GET http://u:SE/CRET@h/simple/ -> 401', 'GET http://***@h/simple/ -> 401'],
  ];
  for (const [input, expected] of cases) assert.equal(redactSecrets(input, []), expected, input);
});

test('property: whatever a password holds, redactUrl of user:password@host shows none of it', () => {
  const passwordChar = fc.constantFrom(...'abcXYZ0129@:/?#%\\ \t'.split(''));
  fc.assert(
    fc.property(fc.array(passwordChar, { minLength: 1, maxLength: 12 }), fc.constantFrom('http://', 'https://', '//', 'http:\\\\', ''), (chars, prefix) => {
      const password = `PW${chars.join('')}ZQ`;
      const out = redactUrl(`${prefix}someone:${password}@index.example:8443/simple/`);
      assert.ok(!out.includes('PW') && !out.includes('ZQ@'), `${JSON.stringify(password)} -> ${out}`);
      assert.ok(!out.includes('someone'), out);
    }),
    { seed: 10_12, numRuns: 2000 },
  );
});

test('linear: a URL of 200,000 @ and // is redacted at once', () => {
  const start = performance.now();
  redactUrl('http://' + 'a@//'.repeat(50_000));
  redactSecrets('x //' + 'a:b@//'.repeat(50_000), []);
  assert.ok(performance.now() - start < 2000);
});
