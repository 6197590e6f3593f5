import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionalHeaders, freshnessOf, worthStoring } from '../../../src/http/freshness.js';

describe('freshness of a stored index page', () => {
  const cases: { name: string; headers: Record<string, string>; storable: boolean; freshForMs: number; worth: boolean }[] = [
    { name: "PyPI's simple pages: fresh for ten minutes", headers: { 'cache-control': 'max-age=600, public', etag: '"a"' }, storable: true, freshForMs: 600_000, worth: true },
    { name: 'Age counts against max-age', headers: { 'cache-control': 'max-age=600', age: '590' }, storable: true, freshForMs: 10_000, worth: true },
    { name: 'an Age beyond max-age leaves nothing fresh', headers: { 'cache-control': 'max-age=60', age: '900', etag: '"a"' }, storable: true, freshForMs: 0, worth: true },
    { name: 'no-cache: kept, but asked again every time', headers: { 'cache-control': 'no-cache, max-age=600', etag: '"a"' }, storable: true, freshForMs: 0, worth: true },
    { name: 'no-store: never kept', headers: { 'cache-control': 'no-store, max-age=600', etag: '"a"' }, storable: false, freshForMs: 0, worth: false },
    { name: 'no Cache-Control: no heuristic freshness', headers: { 'last-modified': 'Tue, 24 Nov 2026 10:00:00 GMT' }, storable: true, freshForMs: 0, worth: true },
    { name: 'neither freshness nor a validator: not worth keeping', headers: {}, storable: true, freshForMs: 0, worth: false },
    { name: 'directive names are case-insensitive and values may be quoted', headers: { 'cache-control': 'Max-Age="30"' }, storable: true, freshForMs: 30_000, worth: true },
    { name: 'an unreadable max-age counts as none', headers: { 'cache-control': 'max-age=soon', etag: '"a"' }, storable: true, freshForMs: 0, worth: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const freshness = freshnessOf(c.headers);
      assert.equal(freshness.storable, c.storable);
      assert.equal(freshness.freshForMs, c.freshForMs);
      assert.equal(worthStoring(freshness), c.worth);
    });
  }

  test('a revalidation sends the validators the page came with', () => {
    assert.deepEqual(conditionalHeaders({ etag: '"v1"', lastModified: 'Tue, 24 Nov 2026 10:00:00 GMT' }), {
      'if-none-match': '"v1"',
      'if-modified-since': 'Tue, 24 Nov 2026 10:00:00 GMT',
    });
    assert.deepEqual(conditionalHeaders({}), {});
  });
});
