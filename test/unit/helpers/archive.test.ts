import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, crc32Table, listZip, readTar, readZip, writeTar, writeZip } from '../../helpers/archive.js';

test('the table CRC-32 gives the standard check value and agrees with zlib', () => {
  assert.equal(crc32Table(Buffer.from('123456789')), 0xcbf43926);
  for (const input of ['', 'a', 'The quick brown fox jumps over the lazy dog', '\u00e9\u4e2d']) {
    const bytes = Buffer.from(input);
    assert.equal(crc32Table(bytes), crc32(bytes), `input ${JSON.stringify(input)}`);
  }
});

test('a ZIP with stored and deflated entries reads back byte for byte', () => {
  const entries = [
    { name: 'pkg/__init__.py', data: Buffer.from('x = 1\n'.repeat(100)), method: 'deflate' as const },
    { name: 'pkg/blob.bin', data: Buffer.from([0, 1, 2, 255, 254]), method: 'stored' as const },
    { name: 'pkg/empty.txt', data: Buffer.alloc(0) },
  ];
  const zip = writeZip(entries);
  const listed = listZip(zip);
  assert.deepEqual(
    listed.map((e) => [e.name, e.method]),
    [['pkg/__init__.py', 8], ['pkg/blob.bin', 0], ['pkg/empty.txt', 8]],
  );
  const back = readZip(zip);
  for (const e of entries) assert.deepEqual(back.get(e.name), e.data);
});

test('the same entries always produce the same ZIP bytes', () => {
  const entries = [{ name: 'a.txt', data: Buffer.from('hello') }];
  assert.deepEqual(writeZip(entries), writeZip(entries));
});

test('a tar with a path longer than 100 bytes keeps the full path through a pax header', () => {
  const longPath = `top/${'d'.repeat(150)}/file.txt`;
  const tar = writeTar([
    { name: 'top', type: 'directory' },
    { name: 'top/short.txt', data: Buffer.from('short') },
    { name: longPath, data: Buffer.from('long') },
  ]);
  assert.equal(tar.length % 512, 0);
  const files = readTar(tar);
  assert.deepEqual([...files.keys()], ['top/short.txt', longPath]);
  assert.equal(files.get(longPath)?.toString(), 'long');
});
