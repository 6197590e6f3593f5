// The ZIP reader against hostile bytes: real small wheels mutated field by field (and shifted,
// cut, spliced), plus random bytes. Ours either reads or refuses with our own error, in bounded
// time, never asking its source for more than the caps allow; the streaming scanner never
// reports a METADATA the archive reader would not read. And a differential against Python's
// zipfile with pip's own dist-info rule, in one Python process:
//
//   Python side: zipfile.ZipFile(bytes) -> namelist(); pip's wheel_dist_info_dir(zf, "dep");
//   zf.read(f"{dir}/METADATA"). It refuses when any of the three raises (any exception).
//   Our side: readZipEntries -> names; wheelMetadataEntry(entries, "dep"); readZipMember. It
//   refuses when any of the three throws a PinHashesError, or the layout is not ok.
//
// Both read: the names (in order) and the METADATA bytes must be equal. Python refuses: we must
// refuse. We refuse where Python reads: allowed, because we are deliberately stricter where an
// archive could be read two ways (src/metadata/zip.ts): a name listed twice (zipfile keeps the
// last), a local header that disagrees with the central directory, bytes before the archive or
// between its records, overlapping members, ZIP64 records zipfile would skip, a comment that does
// not end the file, counts that disagree, stored members with two sizes, a deflate stream that
// does not end or inflates to another size, methods other than stored/deflate, `\` names that
// make another dist-info directory on Windows. Never the reverse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { PinHashesError } from '../../src/errors.js';
import { MAX_METADATA_BYTES } from '../../src/metadata/ladder.js';
import { wheelMetadataEntry } from '../../src/metadata/wheel-layout.js';
import { MAX_CENTRAL_DIRECTORY_BYTES, ZIP_TAIL_BYTES, readZipEntries, readZipMember, type RandomAccess } from '../../src/metadata/zip.js';
import { createMetadataLedger } from '../../src/metadata/index.js';
import type { IndexedFile } from '../../src/package-index/types.js';
import { normalizeName } from '../../src/pep/names.js';
import { writeZip, type ZipEntryInput } from '../helpers/archive.js';
import { buildWheel, metadataText } from '../helpers/dists.js';
import { python3 } from '../helpers/python.js';
import { MAX_MS_PER_INPUT, SEED, fuzzParams } from './fuzz-helpers.js';

const dep = normalizeName('dep');
const META = 'dep-1.0.dist-info/METADATA';
const honest = Buffer.from(metadataText({ name: 'dep', version: '1.0', requiresDist: ['colorama'] }));
const fake = Buffer.from(metadataText({ name: 'dep', version: '1.0' }));
const WHEEL = { name: 'dep-1.0.dist-info/WHEEL', data: Buffer.from('Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n') };

/** Largest read the reader may ask of its source: the tail, a central directory, or one member. */
const MAX_READ = Math.max(ZIP_TAIL_BYTES, MAX_CENTRAL_DIRECTORY_BYTES, 30 + 2 * 65_535 + MAX_METADATA_BYTES * 2);

function centralRecords(zip: Buffer): { records: number[]; eocd: number } {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const records: number[] = [];
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    records.push(p);
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return { records, eocd };
}

/** A local entry in front that the central directory does not list (offsets shifted to match). */
function withHiddenEntry(zip: Buffer, name: string, data: Buffer): Buffer {
  const alone = writeZip([{ name, data, method: 'stored' }]);
  const hidden = alone.subarray(0, 30 + Buffer.byteLength(name) + data.length);
  const out = Buffer.concat([hidden, zip]);
  const { records, eocd } = centralRecords(zip);
  for (const p of records) out.writeUInt32LE(out.readUInt32LE(hidden.length + p + 42) + hidden.length, hidden.length + p + 42);
  out.writeUInt32LE(out.readUInt32LE(hidden.length + eocd + 16) + hidden.length, hidden.length + eocd + 16);
  return out;
}

/** The same archive ended by ZIP64 records (and the classic record's fields saturated). */
function withZip64End(zip: Buffer): Buffer {
  const { eocd } = centralRecords(zip);
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(cdSize), 40);
  record.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(eocd), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.from(zip.subarray(eocd));
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([zip.subarray(0, eocd), record, locator, end]);
}

function depWheel(members: ZipEntryInput[]): Buffer {
  return writeZip([{ name: 'dep/__init__.py', data: Buffer.from('x = 1\n') }, ...members, WHEEL]);
}

const SAMPLES: readonly Buffer[] = [
  buildWheel({ name: 'dep', version: '1.0', requiresDist: ['colorama'] }).bytes,
  buildWheel({ name: 'dep', version: '1.0' }, { deflate: false }).bytes,
  depWheel([{ name: META, data: honest, method: 'stored' }]),
  withHiddenEntry(depWheel([{ name: META, data: honest }]), META, fake),
  depWheel([{ name: META, data: fake }, { name: META, data: honest }]),
  depWheel([{ name: META, data: honest }, { name: 'other-2.0.dist-info/METADATA', data: fake }]),
  withZip64End(depWheel([{ name: META, data: honest, method: 'stored' }])),
  writeZip([{ name: META, data: honest, method: 'stored' }]),
  writeZip([{ name: META, data: honest, method: 'deflate' }]),
];

/** Where the structures are: mutations land there more often than anywhere else. */
function fieldOffsets(zip: Buffer): number[] {
  const out: number[] = [];
  for (let p = zip.indexOf('PK'); p >= 0; p = zip.indexOf('PK', p + 1)) for (let i = 0; i < 46 && p + i < zip.length; i++) out.push(p + i);
  return out.length > 0 ? out : [0];
}

const INTERESTING_U32 = [0, 1, 2, 22, 30, 46, 0x7f, 0x80, 0xff, 0x800, 0xffff, 0x10000, 0x7fffffff, 0xfffffff0, 0xffffffff];

type Mutation =
  | { kind: 'byte'; at: number; value: number; field: boolean }
  | { kind: 'u16' | 'u32'; at: number; value: number; field: boolean }
  | { kind: 'delete' | 'duplicate'; at: number; length: number }
  | { kind: 'cut'; at: number }
  | { kind: 'prepend' | 'append'; bytes: Uint8Array }
  | { kind: 'flags'; at: number; bit: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), field: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('u16' as const, 'u32' as const), at: fc.nat(), value: fc.constantFrom(...INTERESTING_U32), field: fc.constant(true) }),
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom('prepend' as const, 'append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('flags' as const), at: fc.nat(), bit: fc.constantFrom(0, 3, 5, 6, 11) }),
);

function mutate(base: Buffer, edits: readonly Mutation[]): Buffer {
  let out = Buffer.from(base);
  for (const m of edits) {
    const fields = fieldOffsets(out);
    const pick = (at: number, field: boolean): number => (field ? (fields[at % fields.length] ?? 0) : at % Math.max(1, out.length));
    if (m.kind === 'byte') {
      const at = pick(m.at, m.field);
      if (at < out.length) out[at] = m.value;
    } else if (m.kind === 'u16' || m.kind === 'u32') {
      const at = pick(m.at, true);
      const width = m.kind === 'u16' ? 2 : 4;
      if (at + width <= out.length) {
        if (width === 2) out.writeUInt16LE(m.value & 0xffff, at);
        else out.writeUInt32LE(m.value >>> 0, at);
      }
    } else if (m.kind === 'delete' || m.kind === 'duplicate') {
      const at = m.at % (out.length + 1);
      const piece = out.subarray(at, at + m.length);
      out = m.kind === 'delete' ? Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]) : Buffer.concat([out.subarray(0, at + piece.length), piece, out.subarray(at + piece.length)]);
    } else if (m.kind === 'cut') {
      out = out.subarray(0, m.at % (out.length + 1));
    } else if (m.kind === 'prepend') {
      out = Buffer.concat([Buffer.from(m.bytes), out]);
    } else if (m.kind === 'append') {
      out = Buffer.concat([out, Buffer.from(m.bytes)]);
    } else if (m.kind === 'flags') {
      // A flag word: 6 bytes into a local header, 8 into a central record.
      const headers = [...out.toString('latin1').matchAll(/PK\x03\x04|PK\x01\x02/g)].map((x) => (x[0] === 'PK\x03\x04' ? x.index + 6 : x.index + 8));
      const at = headers[m.at % Math.max(1, headers.length)];
      if (at !== undefined && at + 2 <= out.length) out.writeUInt16LE(out.readUInt16LE(at) ^ (1 << m.bit), at);
    }
  }
  return out;
}

const archive: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...SAMPLES) },
  { weight: 12, arbitrary: fc.tuple(fc.constantFrom(...SAMPLES), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([base, edits]) => mutate(base, edits)) },
  // Two archives spliced: the end of one after the members of the other.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SAMPLES), fc.constantFrom(...SAMPLES), fc.nat()).map(([a, b, at]) => Buffer.concat([a.subarray(0, at % a.length), b.subarray(at % b.length)])) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)) },
);

/** A source that records the largest read asked of it. */
function memorySource(bytes: Buffer): RandomAccess & { largest: number } {
  const source = {
    size: bytes.length,
    largest: 0,
    async read(start: number, length: number) {
      source.largest = Math.max(source.largest, length);
      return bytes.subarray(start, start + length);
    },
  };
  return source;
}

type Ours = { names?: string[]; metadata?: Buffer; refused?: string };

/** Our reading of `bytes`; throws anything that is not our own error. */
async function readOurs(bytes: Buffer): Promise<Ours> {
  const source = memorySource(bytes);
  const started = performance.now();
  try {
    let entries;
    try {
      entries = await readZipEntries(source, 'fuzz.whl');
    } catch (error) {
      if (error instanceof PinHashesError) return { refused: error.message };
      throw error;
    }
    const names = entries.map((e) => e.name);
    const layout = wheelMetadataEntry(entries, dep);
    if (!layout.ok) return { names, refused: layout.problem };
    try {
      return { names, metadata: await readZipMember(source, layout.entry, 'fuzz.whl', MAX_METADATA_BYTES) };
    } catch (error) {
      if (error instanceof PinHashesError) return { names, refused: error.message };
      throw error;
    }
  } finally {
    assert.ok(source.largest <= MAX_READ, `a read of ${source.largest} bytes, over the caps`);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < MAX_MS_PER_INPUT, `reading took ${elapsed.toFixed(0)} ms`);
  }
}

const fileStub: IndexedFile = {
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

/** The store's streaming scan (the ledger's own scanner), fed in chunks of `chunk` bytes. */
function scan(bytes: Buffer, chunk: number) {
  const scanner = createMetadataLedger().scanner(fileStub);
  for (let i = 0; i < bytes.length; i += chunk) scanner.push(bytes.subarray(i, i + chunk));
  return scanner.result();
}

test('the ZIP reader and the streaming scanner: a reading or our own error, within the caps; the scanner never reports what the reader would not read', async () => {
  let read = 0;
  let refused = 0;
  let scanned = 0;
  await fc.assert(
    fc.asyncProperty(archive, fc.constantFrom(1, 13, 4096, 1 << 20), async (bytes, chunk) => {
      const ours = await readOurs(bytes);
      if (ours.metadata) read++;
      else refused++;
      const streamed = scan(bytes, chunk);
      if (streamed.kind === 'found') {
        scanned++;
        assert.ok(ours.metadata, `the scanner found METADATA where the reader refuses (${ours.refused ?? ''})`);
        assert.ok(streamed.data.equals(ours.metadata), 'the scanner and the reader read different METADATA');
      }
    }),
    fuzzParams(1500),
  );
  assert.ok(read > 50 && refused > 50 && scanned > 20, `read ${read}, refused ${refused}, scanned ${scanned}: the generators miss a side`);
});

// pip's own rule; its import fails only where pip is missing (the test is skipped then).
const PYTHON_SIDE = String.raw`
import base64, io, json, sys, zipfile
from pip._internal.utils.wheel import wheel_dist_info_dir
for line in sys.stdin:
    data = base64.b64decode(line)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except Exception as e:
        print(json.dumps({"refused": "open: " + repr(e)[:200]}))
        continue
    try:
        info_dir = wheel_dist_info_dir(zf, "dep")
        meta = zf.read(info_dir + "/METADATA")
    except Exception as e:
        print(json.dumps({"names": names, "refused": repr(e)[:200]}))
        continue
    print(json.dumps({"names": names, "metadata": base64.b64encode(meta).decode()}))
`;

const pipImportable = spawnSync(python3, ['-c', 'import pip._internal.utils.wheel'], { encoding: 'utf8' }).status === 0;

test('differential: Python zipfile + pip read what we read, or we refuse (never the reverse)', { skip: pipImportable ? false : 'python3 with pip is not available' }, async (t) => {
  const inputs = fc.sample(archive, { seed: SEED, numRuns: 400 });
  const child = spawnSync(python3, ['-c', PYTHON_SIDE], { input: inputs.map((b) => b.toString('base64')).join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(child.status, 0, child.stderr);
  const answers = child.stdout.trim().split('\n').map((l) => JSON.parse(l) as { names?: string[]; metadata?: string; refused?: string });
  assert.equal(answers.length, inputs.length);
  const tally = { bothRead: 0, bothRefused: 0, weAreStricter: 0 };
  const stricter = new Map<string, number>();
  for (const [i, bytes] of inputs.entries()) {
    const py = answers[i];
    assert.ok(py);
    const ours = await readOurs(bytes);
    const where = `input ${i} (${bytes.toString('base64').slice(0, 120)}...)`;
    if (ours.names && py.names) assert.deepEqual(ours.names, py.names, `names differ on ${where}`);
    if (py.metadata === undefined) {
      assert.equal(ours.metadata, undefined, `we read METADATA where Python refuses (${py.refused ?? ''}) on ${where}`);
      tally.bothRefused++;
    } else if (ours.metadata) {
      assert.equal(ours.metadata.toString('base64'), py.metadata, `METADATA differs on ${where}`);
      tally.bothRead++;
    } else {
      tally.weAreStricter++;
      const kind = (ours.refused ?? '').replace(/^fuzz\.whl: /, '').replace(/\d+/g, 'N').replace(/\(.*$/, '').slice(0, 60);
      stricter.set(kind, (stricter.get(kind) ?? 0) + 1);
    }
  }
  t.diagnostic(`both read ${tally.bothRead}, both refused ${tally.bothRefused}, we alone refused ${tally.weAreStricter}`);
  for (const [kind, n] of [...stricter].sort((a, b) => b[1] - a[1])) t.diagnostic(`  stricter x${n}: ${kind}`);
  assert.ok(tally.bothRead > 20 && tally.bothRefused > 20, 'the differential saw both outcomes');
});
