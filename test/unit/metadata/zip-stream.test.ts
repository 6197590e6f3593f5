import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ZipMemberScanner } from '../../../src/metadata/zip-stream.js';
import { writeZip } from '../../helpers/archive.js';

const METADATA = Buffer.from('Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n');
const wanted = (name: string) => name === 'demo-1.0.dist-info/METADATA';

function wheel(method: 'stored' | 'deflate'): Buffer {
  return writeZip([
    { name: 'demo/__init__.py', data: Buffer.alloc(100_000, 7), method: 'deflate' },
    { name: 'demo/_pad.bin', data: Buffer.alloc(50_000, 1), method: 'stored' },
    { name: 'demo-1.0.dist-info/METADATA', data: METADATA, method },
    { name: 'demo-1.0.dist-info/RECORD', data: Buffer.from('x'), method },
  ]);
}

function scan(bytes: Buffer, chunkSize: number, max = 1 << 20) {
  const scanner = new ZipMemberScanner(wanted, max);
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize));
  return scanner.result();
}

describe('picking a member out of a streaming ZIP', () => {
  for (const method of ['stored', 'deflate'] as const) {
    for (const chunk of [1, 7, 4096, 1 << 20]) {
      test(`${method} member, chunks of ${chunk} bytes`, () => {
        const result = scan(wheel(method), chunk);
        assert.equal(result.kind, 'found');
        assert.ok(result.kind === 'found' && result.data.equals(METADATA));
      });
    }
  }

  test('an entry with a data descriptor ends the scan as unknown', () => {
    const bytes = Buffer.from(wheel('deflate'));
    bytes.writeUInt16LE(bytes.readUInt16LE(6) | 0x08, 6); // the first local header
    assert.deepEqual(scan(bytes, 4096).kind, 'unknown');
  });

  test('no such member: unknown once the central directory is reached', () => {
    const bytes = writeZip([{ name: 'other.txt', data: Buffer.from('x') }]);
    const result = scan(bytes, 4096);
    assert.equal(result.kind, 'unknown');
  });

  test('a member larger than the limit is not captured', () => {
    const big = writeZip([{ name: 'demo-1.0.dist-info/METADATA', data: Buffer.alloc(10_000, 65), method: 'stored' }]);
    assert.equal(scan(big, 4096, 1000).kind, 'unknown');
  });

  test('bytes that are not a ZIP', () => {
    assert.equal(scan(Buffer.from('<html>not a wheel</html>'.repeat(10)), 16).kind, 'unknown');
  });
});
