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
