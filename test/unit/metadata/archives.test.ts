import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { readZipEntries, readZipMember, ZipError, type RandomAccess } from '../../../src/metadata/zip.js';
import { readTarMembers } from '../../../src/metadata/tar.js';
import { PinHashesError } from '../../../src/errors.js';
import { writeTar, writeZip } from '../../helpers/archive.js';

/** A source that counts the bytes it was asked for, as a range-reading server would. */
function memorySource(bytes: Buffer): RandomAccess & { requested: number } {
  const source = {
    size: bytes.length,
    requested: 0,
    async read(start: number, length: number) {
      source.requested += length;
      return bytes.subarray(start, start + length);
    },
  };
  return source;
}

describe('the ZIP reader', () => {
  test('reads stored and deflated members by name', async () => {
    const zip = writeZip([
      { name: 'a/one.txt', data: Buffer.from('one'), method: 'stored' },
      { name: 'a/two.txt', data: Buffer.from('two'.repeat(1000)), method: 'deflate' },
    ]);
    const source = memorySource(zip);
    const entries = await readZipEntries(source, 'x.zip');
    assert.deepEqual(entries.map((e) => e.name), ['a/one.txt', 'a/two.txt']);
    const two = entries[1];
    assert.ok(two);
    assert.equal((await readZipMember(source, two, 'x.zip', 1 << 20)).toString(), 'two'.repeat(1000));
  });

  test('reads one member of a large archive without reading the rest', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 7);
    const zip = writeZip([
      { name: 'payload.bin', data: big, method: 'stored' },
      { name: 'x.dist-info/METADATA', data: Buffer.from('Name: x\n') },
    ]);
    const source = memorySource(zip);
    const entries = await readZipEntries(source, 'x.whl');
    const meta = entries.find((e) => e.name.endsWith('METADATA'));
    assert.ok(meta);
    assert.equal((await readZipMember(source, meta, 'x.whl', 1 << 20)).toString(), 'Name: x\n');
    assert.ok(source.requested < 200_000, `read ${source.requested} bytes of ${zip.length}`);
  });

  test('refuses a member that inflates past the limit (decompression bomb)', async () => {
    const zip = writeZip([{ name: 'bomb', data: Buffer.alloc(4 * 1024 * 1024), method: 'deflate' }]);
    const source = memorySource(zip);
    const [entry] = await readZipEntries(source, 'bomb.whl');
    assert.ok(entry);
    await assert.rejects(readZipMember(source, entry, 'bomb.whl', 1024 * 1024), ZipError);
    // A lying central directory (small declared size) is stopped by the inflate limit too.
    await assert.rejects(readZipMember(source, { ...entry, uncompressedSize: 10 }, 'bomb.whl', 1024 * 1024), ZipError);
    assert.ok(deflateRawSync(Buffer.alloc(10)).length > 0);
  });

  test('a file that is not a ZIP is a typed error', async () => {
    await assert.rejects(readZipEntries(memorySource(Buffer.from('not a zip at all, just text')), 'x.whl'), ZipError);
    await assert.rejects(readZipEntries(memorySource(Buffer.alloc(0)), 'x.whl'), ZipError);
  });
});

describe('the tar reader', () => {
  test('finds wanted members, including long (pax) names, and stops early', async () => {
    const long = 'p/' + 'd'.repeat(120) + '/PKG-INFO';
    const tar = writeTar([
      { name: 'p/', type: 'directory' },
      { name: 'p/PKG-INFO', data: Buffer.from('Metadata-Version: 2.2\n') },
      { name: long, data: Buffer.from('deep') },
      { name: 'p/pyproject.toml', data: Buffer.from('[project]\n') },
    ]);
    const found = await readTarMembers(
      Readable.from([tar]),
      (name) => name.endsWith('PKG-INFO') || name.endsWith('pyproject.toml'),
      (f) => f.size >= 3,
      'p.tar',
      1 << 20,
    );
    assert.equal(found.get('p/PKG-INFO')?.toString(), 'Metadata-Version: 2.2\n');
    assert.equal(found.get(long)?.toString(), 'deep');
    assert.equal(found.get('p/pyproject.toml')?.toString(), '[project]\n');
  });

  test('works when the stream arrives in tiny chunks', async () => {
    const tar = writeTar([{ name: 'p/PKG-INFO', data: Buffer.from('x'.repeat(700)) }]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < tar.length; i += 7) chunks.push(tar.subarray(i, i + 7));
    const found = await readTarMembers(Readable.from(chunks), () => true, () => false, 'p.tar', 1 << 20);
    assert.equal(found.get('p/PKG-INFO')?.length, 700);
  });

  test('garbage is a typed error; an oversized member is refused', async () => {
    await assert.rejects(readTarMembers(Readable.from([Buffer.alloc(1024, 65)]), () => true, () => false, 'x.tar', 100), PinHashesError);
    const tar = writeTar([{ name: 'p/PKG-INFO', data: Buffer.alloc(5000) }]);
    await assert.rejects(readTarMembers(Readable.from([tar]), () => true, () => false, 'x.tar', 100), PinHashesError);
  });
});
