// Where a page's provenance URL may point: http(s) from any page; file: only from a local page (a
// remote index must not make pin-hashes read local files, learning from the outcome whether they exist).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHtmlPage, parseJsonPage } from '../../../src/package-index/pages.js';

const json = (provenance: unknown): string =>
  JSON.stringify({ meta: { 'api-version': '1.3' }, files: [{ filename: 'dep-1.0-py3-none-any.whl', url: 'dep-1.0-py3-none-any.whl', hashes: {}, provenance }] });
const html = (provenance: string): string => `<a href="dep-1.0-py3-none-any.whl" data-provenance="${provenance}">dep-1.0-py3-none-any.whl</a>`;

const cases: [string, string, string | null][] = [
  ['https://idx.example/simple/dep/', 'https://idx.example/integrity/dep/p', 'https://idx.example/integrity/dep/p'],
  ['https://idx.example/simple/dep/', '../../integrity/p', 'https://idx.example/integrity/p'],
  ['https://idx.example/simple/dep/', 'file:///etc/passwd', null],
  ['https://idx.example/simple/dep/', 'data:application/json,{}', null],
  ['https://idx.example/simple/dep/', 'ftp://idx.example/p', null],
  ['file:///srv/index/simple/dep/index.html', 'file:///srv/index/p.json', 'file:///srv/index/p.json'],
  ['https://idx.example/simple/dep/', 'http://[bad', null],
];
for (const [page, provenance, expected] of cases) {
  test(`${provenance} on ${page}: ${expected ?? 'no provenance'}`, () => {
    assert.equal(parseJsonPage(json(provenance), page)[0]?.provenance, expected);
    assert.equal(parseHtmlPage(html(provenance), page)[0]?.provenance, expected);
  });
}

test('JSON null and an absent attribute are no provenance', () => {
  assert.equal(parseJsonPage(json(null), 'https://idx.example/simple/dep/')[0]?.provenance, null);
  assert.equal(parseHtmlPage('<a href="dep-1.0-py3-none-any.whl">dep</a>', 'https://idx.example/simple/dep/')[0]?.provenance, null);
});
