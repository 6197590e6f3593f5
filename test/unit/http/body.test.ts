import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { readBody, type BodyLimit } from '../../../src/http/body.js';

const limit = (extra: Partial<BodyLimit>): BodyLimit => ({
  tooLarge: (n) => new Error(`too large: ${n}`),
  tooShort: (n) => new Error(`too short: ${n}`),
  ...extra,
});

const cases: Array<{ name: string; chunks: Array<Buffer | Uint8Array>; limit: Partial<BodyLimit>; body?: string; error?: RegExp }> = [
  { name: 'max, under it', chunks: [Buffer.from('ab'), Buffer.from('cd')], limit: { max: 4 }, body: 'abcd' },
  { name: 'max, one byte over', chunks: [Buffer.from('ab'), Buffer.from('cde')], limit: { max: 4 }, error: /too large: 4/ },
  { name: 'exact, equal', chunks: [Buffer.from('ab'), new Uint8Array([99, 100])], limit: { exact: 4 }, body: 'abcd' },
  { name: 'exact, short', chunks: [Buffer.from('abc')], limit: { exact: 4 }, error: /too short: 3/ },
  { name: 'exact, long', chunks: [Buffer.from('abc'), Buffer.from('de')], limit: { exact: 4 }, error: /too large: 4/ },
  { name: 'empty body, no limit', chunks: [], limit: {}, body: '' },
];

for (const c of cases) {
  test(`readBody: ${c.name}`, async () => {
    const stream = Readable.from(c.chunks, { objectMode: true });
    const read = readBody(stream, limit(c.limit));
    if (c.body !== undefined) assert.equal((await read).toString(), c.body);
    else {
      await assert.rejects(read, c.error!);
      assert.ok(stream.destroyed, 'a body past its limit is not read further');
    }
  });
}
