// Layouts that tools read differently, through both readers: the random-access reader (zip.ts,
// with pip's dist-info rule) and the streaming scanner the store uses while it hashes. The
// central directory is the truth; what could be read two ways is refused (exit 1), and the
// scanner reports only what the reader reads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PinHashesError } from '../../../src/errors.js';
import { createMetadataLedger } from '../../../src/metadata/index.js';
import { wheelMetadataEntry } from '../../../src/metadata/wheel-layout.js';
import { readZipEntries, readZipMember, type RandomAccess } from '../../../src/metadata/zip.js';
import type { IndexedFile } from '../../../src/package-index/types.js';
import { normalizeName } from '../../../src/pep/names.js';
import { writeZip, type ZipEntryInput } from '../../helpers/archive.js';

const META = 'dep-1.0.dist-info/METADATA';
const honest = Buffer.from('Metadata-Version: 2.1\nName: dep\nVersion: 1.0\nRequires-Dist: colorama\n');
const fake = Buffer.from('Metadata-Version: 2.1\nName: dep\nVersion: 1.0\n');
const dep = normalizeName('dep');

function wheel(members: ZipEntryInput[] = [{ name: META, data: honest }]): Buffer {
  return writeZip([{ name: 'dep/__init__.py', data: Buffer.from('x = 1\n') }, ...members, { name: 'dep-1.0.dist-info/WHEEL', data: Buffer.from('Wheel-Version: 1.0\n') }]);
}

function records(zip: Buffer): { central: number[]; eocd: number } {
  const eocd = zip.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  const central: number[] = [];
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    central.push(p);
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return { central, eocd };
}

function centralOf(zip: Buffer, name: string): number {
  const at = records(zip).central.find((p) => zip.subarray(p + 46, p + 46 + zip.readUInt16LE(p + 28)).toString('latin1') === name);
  assert.ok(at !== undefined, name);
  return at;
}

function shiftOffsets(zip: Buffer, delta: number): Buffer {
  const out = Buffer.from(zip);
  const { central, eocd } = records(zip);
  for (const p of central) out.writeUInt32LE(out.readUInt32LE(p + 42) + delta, p + 42);
  out.writeUInt32LE(out.readUInt32LE(eocd + 16) + delta, eocd + 16);
  return out;
}

function hiddenFirst(): Buffer {
  const alone = writeZip([{ name: META, data: fake, method: 'stored' }]);
  const local = alone.subarray(0, 30 + META.length + fake.length);
  return Buffer.concat([local, shiftOffsets(wheel(), local.length)]);
}

/** The name `é` written as cp437 byte 0x82 without the UTF-8 flag. */
function cp437Name(): Buffer {
  const out = wheel([{ name: META, data: honest }, { name: 'dep/x~.py', data: Buffer.from('') }]);
  for (let p = out.indexOf('dep/x~.py'); p >= 0; p = out.indexOf('dep/x~.py', p + 1)) out[p + 5] = 0x82;
  for (const p of records(out).central) out.writeUInt16LE(out.readUInt16LE(p + 8) & ~0x800, p + 8);
  for (let p = out.indexOf('PK\x03\x04', 0, 'latin1'); p >= 0; p = out.indexOf('PK\x03\x04', p + 1, 'latin1')) out.writeUInt16LE(out.readUInt16LE(p + 6) & ~0x800, p + 6);
  return out;
}

/** A Unicode path field (Python 3.13 renames the member after it) naming `dep/renamed.py`. */
function unicodePathField(): Buffer {
  const zip = wheel([{ name: META, data: honest }, { name: 'dep/a.py', data: Buffer.from('') }]);
  const at = centralOf(zip, 'dep/a.py');
  const unicode = Buffer.from('dep/renamed.py');
  const field = Buffer.alloc(4 + 5 + unicode.length);
  field.writeUInt16LE(0x7075, 0);
  field.writeUInt16LE(5 + unicode.length, 2);
  field[4] = 1;
  field.writeUInt32LE(zlibCrc(Buffer.from('dep/a.py')), 5);
  unicode.copy(field, 9);
  const head = Buffer.from(zip.subarray(0, at + 46 + 8));
  head.writeUInt16LE(field.length, at + 30);
  const out = Buffer.concat([head, field, zip.subarray(at + 46 + 8)]);
  const eocd = records(zip).eocd + field.length;
  out.writeUInt32LE(out.readUInt32LE(eocd + 12) + field.length, eocd + 12);
  return out;
}

function zlibCrc(b: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of b) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function source(bytes: Buffer): RandomAccess & { largest: number } {
  const s = {
    size: bytes.length,
    largest: 0,
    async read(start: number, length: number) {
      s.largest = Math.max(s.largest, length);
      return bytes.subarray(start, start + length);
    },
  };
  return s;
}

async function readMetadataBytes(bytes: Buffer): Promise<Buffer> {
  const src = source(bytes);
  const layout = wheelMetadataEntry(await readZipEntries(src, 'dep.whl'), dep);
  assert.ok(layout.ok, layout.ok ? '' : layout.problem);
  return readZipMember(src, layout.entry, 'dep.whl', 1 << 20);
}

const file: IndexedFile = {
  project: dep,
  filename: 'dep-1.0-py3-none-any.whl',
  url: 'https://idx.example/dep-1.0-py3-none-any.whl',
  kind: 'wheel',
  hashes: {},
  size: undefined,
  requiresPython: undefined,
  yanked: false,
  coreMetadata: undefined,
      provenance: null,
      uploadTime: null,
  source: 'https://idx.example/simple/',
};

function scanned(bytes: Buffer, chunk: number) {
  const scanner = createMetadataLedger().scanner(file);
  for (let i = 0; i < bytes.length; i += chunk) scanner.push(bytes.subarray(i, i + chunk));
  return scanner.result();
}

describe('ZIP layouts: the central directory is the truth', () => {
  const reads: [string, () => Buffer][] = [
    ['a plain wheel', () => wheel()],
    ['a hidden local METADATA before the listed one', hiddenFirst],
    ['a name in cp437 (no UTF-8 flag)', cp437Name],
  ];
  for (const [name, build] of reads) {
    for (const chunk of [1, 100, 1 << 20]) {
      test(`${name}: the reader and the scanner (chunks of ${chunk}) read the listed METADATA`, async () => {
        const bytes = build();
        assert.ok((await readMetadataBytes(bytes)).equals(honest));
        const result = scanned(bytes, chunk);
        assert.equal(result.kind, 'found', result.kind === 'unknown' ? result.reason : '');
        assert.ok(result.kind === 'found' && result.data.equals(honest));
      });
    }
  }

  test('names without the UTF-8 flag are decoded as cp437, as zipfile does', async () => {
    const names = (await readZipEntries(source(cp437Name()), 'dep.whl')).map((e) => e.name);
    assert.ok(names.includes('dep/xé.py'), names.join(', '));
  });

  const refused: [string, () => Buffer, RegExp][] = [
    ['one name listed twice', () => wheel([{ name: META, data: fake }, { name: META, data: honest }]), /lists dep-1\.0\.dist-info\/METADATA more than once/],
    ['bytes before the archive', () => Buffer.concat([Buffer.from('#!/bin/sh\n'), wheel()]), /not where the end record says/],
    [
      'a local header naming another member',
      () => {
        const zip = wheel();
        const at = zip.readUInt32LE(centralOf(zip, META) + 42);
        zip.write('X', at + 30 + META.length - 1, 'latin1');
        return zip;
      },
      /local header of dep-1\.0\.dist-info\/METADATA disagrees with the central directory \(it names/,
    ],
    [
      'a local header with another method',
      () => {
        const zip = wheel([{ name: META, data: honest, method: 'stored' }]);
        zip.writeUInt16LE(8, zip.readUInt32LE(centralOf(zip, META) + 42) + 8);
        return zip;
      },
      /compression method 8, not 0/,
    ],
    [
      'a member whose data runs into the next one',
      () => {
        const zip = wheel([{ name: META, data: honest, method: 'stored' }]);
        const at = centralOf(zip, META);
        zip.writeUInt32LE(honest.length + 40, at + 20);
        zip.writeUInt32LE(honest.length + 40, at + 24);
        return zip;
      },
      /overlaps the next member/,
    ],
    ['a Unicode path field naming another member', unicodePathField, /carries another name in a Unicode path field/],
  ];
  for (const [name, build, message] of refused) {
    test(`${name}: refused by the reader, not reported by the scanner`, async () => {
      const bytes = build();
      await assert.rejects(readMetadataBytes(bytes), (error: unknown) => {
        assert.ok(error instanceof PinHashesError);
        assert.match(error.message, message);
        assert.equal(error.exitCode, 1, 'a layout built to deceive: the user must act');
        return true;
      });
      assert.equal(scanned(bytes, 4096).kind, 'unknown');
    });
  }

  test('a central directory claimed larger than the cap is refused before it is read', async () => {
    const zip = wheel();
    const { eocd } = records(zip);
    const claimed = 500 * 1024 * 1024;
    // Only the end record is real; the source serves zeros elsewhere, made on demand.
    const end = Buffer.from(zip.subarray(eocd, eocd + 22));
    end.writeUInt32LE(claimed, 12);
    end.writeUInt32LE(0, 16);
    const lazy = {
      size: claimed + 22,
      largest: 0,
      async read(start: number, length: number) {
        lazy.largest = Math.max(lazy.largest, length);
        const out = Buffer.alloc(length);
        if (start + length === claimed + 22) end.copy(out, length - 22);
        return out;
      },
    };
    await assert.rejects(readZipEntries(lazy, 'dep.whl'), /claims a central directory of 524288000 bytes, more than the 16777216/);
    assert.ok(lazy.largest < 100_000, `read ${lazy.largest} bytes at once`);
  });
});
