import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MEDIA_HTML_V1,
  MEDIA_JSON,
  MEDIA_TEXT_HTML,
  escapeHtml,
  negotiate,
  relativePath,
  versionFromFilename,
} from '../../helpers/index-pages.js';

const PIP_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

const negotiation: { accept: string | undefined; expected: string | undefined; why: string }[] = [
  { accept: PIP_ACCEPT, expected: MEDIA_JSON, why: "pip's header prefers JSON" },
  { accept: undefined, expected: MEDIA_TEXT_HTML, why: 'no Accept header means text/html, like PyPI' },
  { accept: '*/*', expected: MEDIA_TEXT_HTML, why: 'a wildcard ties, and ties go to text/html' },
  { accept: 'text/html', expected: MEDIA_TEXT_HTML, why: 'plain PEP 503 clients get text/html' },
  { accept: 'application/vnd.pypi.simple.v1+html', expected: MEDIA_HTML_V1, why: 'the versioned HTML type is honoured' },
  { accept: 'application/vnd.pypi.simple.latest+json', expected: MEDIA_JSON, why: 'latest is an alias of v1' },
  { accept: 'application/*;q=0.5, text/html;q=0.4', expected: MEDIA_HTML_V1, why: 'type wildcards count, first offer wins a tie' },
  { accept: 'application/vnd.pypi.simple.v1+json;q=0, */*', expected: MEDIA_TEXT_HTML, why: 'q=0 on the specific range refuses JSON' },
  { accept: 'application/vnd.pypi.simple.v1+json, */*;q=0.1', expected: MEDIA_JSON, why: 'the most specific range sets the q, not the last one' },
  { accept: 'image/png', expected: undefined, why: 'nothing acceptable' },
];

for (const { accept, expected, why } of negotiation) {
  test(`negotiation picks ${expected ?? 'nothing'} for ${JSON.stringify(accept)}: ${why}`, () => {
    assert.equal(negotiate(accept), expected);
  });
}

test('relative paths climb out of the page directory', () => {
  assert.equal(relativePath('/simple/foo/', '/files/foo-1.0.tar.gz'), '../../files/foo-1.0.tar.gz');
  assert.equal(relativePath('/simple/foo/', '/simple/foo/foo-1.0.tar.gz'), 'foo-1.0.tar.gz');
  assert.equal(relativePath('/simple/', '/simple/foo/'), 'foo');
});

test('HTML escaping covers the five characters PyPI escapes', () => {
  assert.equal(escapeHtml(`<>=3.8 & "a" 'b'`), '&lt;&gt;=3.8 &amp; &quot;a&quot; &#39;b&#39;');
});

test('versions come from wheel and sdist filenames', () => {
  assert.equal(versionFromFilename('foo_bar-1.0.post1-py3-none-any.whl'), '1.0.post1');
  assert.equal(versionFromFilename('python-dateutil-2.8.2.tar.gz'), '2.8.2');
  assert.equal(versionFromFilename('foo.exe'), undefined);
});
