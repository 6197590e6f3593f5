import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayCarrySecrets, redactText, redactUrl, stripCredentials } from '../../../src/http/redact.js';

const cases: [string, string, string][] = [
  ['https://user:s3cret@idx.example/simple/', 'https://***@idx.example/simple/', 'https://idx.example/simple/'],
  ['https://tok3n@idx.example/simple/', 'https://***@idx.example/simple/', 'https://idx.example/simple/'],
  ['https://idx.example/simple/', 'https://idx.example/simple/', 'https://idx.example/simple/'],
  ['not a url //a:b@c', 'not a url //***@c', 'not a url //c'],
];

for (const [input, redacted, stripped] of cases) {
  test(`redacts ${input}`, () => {
    assert.equal(redactUrl(input), redacted);
    assert.equal(stripCredentials(input), stripped);
  });
}

test('secrets from known URLs are removed from free text, decoded or not', () => {
  const text = redactText('failed: connect to user:p%40ss@h and also p@ss', ['https://user:p%40ss@h/simple/']);
  assert.ok(!text.includes('p%40ss') && !text.includes('p@ss'), text);
});

test('stripCredentials keeps everything but the userinfo as written, ${VAR} placeholders included', () => {
  const cases: [string, string][] = [
    ['https://${USER}:${TOKEN}@idx.example/${TEAM}/simple/', 'https://idx.example/${TEAM}/simple/'],
    ['https://u:p@ss@idx.example:8443/simple/?a=b#c', 'https://idx.example:8443/simple/?a=b#c'],
    ['http://idx.example/simple', 'http://idx.example/simple'],
    ['file:///srv/wheels', 'file:///srv/wheels'],
  ];
  for (const [input, expected] of cases) assert.equal(stripCredentials(input), expected, input);
});

test('URLs that may carry a credential are recognised (never written to the cache)', () => {
  const cases: [string, boolean][] = [
    ['https://files.example/a-1.0-py3-none-any.whl', false],
    ['https://files.example/a-1.0-py3-none-any.whl#sha256=00', false],
    ['https://tok3n@files.example/a-1.0-py3-none-any.whl', true],
    ['https://user:pw@files.example/a-1.0-py3-none-any.whl', true],
    ['https://cdn.example/a-1.0-py3-none-any.whl?X-Amz-Signature=abc', true],
    ['not a url', true],
  ];
  for (const [url, expected] of cases) assert.equal(mayCarrySecrets(url), expected, url);
});

// Issue #10 case 12: before, an unparseable URL kept the tail of a password that holds an `@`
// (`http://***@pw@host:99999/`). Redaction must not depend on the URL parsing.
test('userinfo of URLs that do not parse is hidden whole, whatever the password holds', () => {
  const cases: [string, string][] = [
    ['http://user:SECRET@pw@host:99999/', 'SECRET'],
    ['http://user:SECRET@pw@host:99999/', 'pw@host:99999'.slice(0, 2)],
    ['https://u:S3CR@T:x@idx example/simple/', 'S3CR'],
    ['http://tok3nSECRET@@host:bad/', 'tok3nSECRET'],
    ['see http://user:SECRET@pw@[::1:99999/simple and more', 'SECRET'],
    ['//user:SECRET@pw@host:0x/', 'SECRET'],
    ['http://user:SEC RET@host/', 'RET@'],
  ];
  for (const [input, secret] of cases) {
    for (const shown of [redactUrl(input), redactText(`failed: ${input}`, [input])]) {
      assert.ok(!shown.includes(secret), `${JSON.stringify(shown)} shows ${secret}`);
    }
  }
  assert.equal(redactUrl('http://user:SECRET@pw@host:99999/'), 'http://***@host:99999/');
});
