// Hostile indexes, part 5: ZIP layouts built to deceive, and range answers built to exhaust
// memory. Python's zipfile (what pip reads wheels with) trusts the central directory; a wheel
// whose local headers tell another story, or that names one member twice, is refused with exit 1
// naming the file. A range answer or a central directory far larger than what was asked is
// refused (or read another way) without holding it: the run's peak RSS stays under 200 MB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeZip, type ZipEntryInput } from '../helpers/archive.js';
import { metadataText } from '../helpers/dists.js';
import { buildUniverse, type Fault, type FaultRequest, type IndexProject } from '../helpers/index-server.js';
import { projectRoot } from '../helpers/paths.js';
import { assertFailureMessage, escapeRegExp, originPattern, pins } from './hostile-harness.js';
import { DEP_WHEEL, grepForSecretsThenCleanUp, lockAgainstHostileIndex, usePreviousLock, type HostileCase, type HostileRun } from './hostile-harness-index.js';

usePreviousLock();

const depFile = new RegExp(escapeRegExp(DEP_WHEEL));
const META = 'dep-1.0.dist-info/METADATA';
const honest = Buffer.from(metadataText({ name: 'dep', version: '1.0', requiresDist: ['colorama'] }));
const fake = Buffer.from(metadataText({ name: 'dep', version: '1.0' }));

/** app -> dep, dep's wheel replaced by `bytes`; colorama exists, for the honest METADATA. */
function graphWithDep(bytes: Buffer, metadata: Buffer | false = false): IndexProject[] {
  const projects = buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } },
    { name: 'colorama', versions: { '1.0': {} } },
  ]);
  projects.push({ name: 'dep', files: [{ filename: DEP_WHEEL, bytes, metadata }] });
  return projects;
}

function depWheel(members: ZipEntryInput[]): Buffer {
  return writeZip([
    { name: 'dep/__init__.py', data: Buffer.from('') },
    ...members,
    { name: 'dep-1.0.dist-info/WHEEL', data: Buffer.from('Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n') },
  ]);
}

/** Offsets of the central directory records and of the end record, walked as a reader would. */
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

/** `zip` with a local entry in front that no central directory record points at. */
function withHiddenEntry(zip: Buffer, name: string, data: Buffer): Buffer {
  const alone = writeZip([{ name, data, method: 'stored' }]);
  const hidden = alone.subarray(0, 30 + Buffer.byteLength(name) + data.length);
  const out = Buffer.concat([hidden, zip]);
  const { records, eocd } = centralRecords(zip);
  for (const p of records) out.writeUInt32LE(out.readUInt32LE(hidden.length + p + 42) + hidden.length, hidden.length + p + 42);
  out.writeUInt32LE(out.readUInt32LE(hidden.length + eocd + 16) + hidden.length, hidden.length + eocd + 16);
  return out;
}

/** Writes `value` (u32) at `field` of the local header of `member`. */
function patchLocalHeader(zip: Buffer, member: string, field: number, value: number): Buffer {
  const out = Buffer.from(zip);
  for (const p of centralRecords(zip).records) {
    if (out.subarray(p + 46, p + 46 + out.readUInt16LE(p + 28)).toString() === member) {
      out.writeUInt32LE(value, out.readUInt32LE(p + 42) + field);
      return out;
    }
  }
  throw new Error(`Assertion failed: no ${member}`);
}

test('a wheel whose first local header is a METADATA the central directory does not list, and a .metadata file that matches it: exit 1', async () => {
  const wheel = withHiddenEntry(depWheel([{ name: META, data: honest }]), META, fake);
  const { ws, server, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel, fake) });
  assertFailureMessage(result, 1, [depFile, originPattern(server.origin), /\.metadata file \(PEP 658\) disagrees/, /colorama/]);
  await ws.assertPreviousUntouched();
});

test('the same hidden METADATA without a .metadata file: the lock follows the central directory (colorama is in it)', async () => {
  const wheel = withHiddenEntry(depWheel([{ name: META, data: honest }]), META, fake);
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'colorama==1.0', 'dep==1.0']);
});

test('a wheel with two dep-1.0.dist-info/METADATA entries (zipfile reads the last): exit 1, names the file', async () => {
  const wheel = depWheel([
    { name: META, data: fake },
    { name: META, data: honest },
  ]);
  const { ws, server, result } = await lockAgainstHostileIndex({ projects: graphWithDep(wheel), server: { metadataFiles: false } });
  assertFailureMessage(result, 1, [depFile, originPattern(server.origin), /dep-1\.0\.dist-info\/METADATA.*more than once/]);
  await ws.assertPreviousUntouched();
});

test('a METADATA whose local header states other sizes than the central directory: exit 1', async () => {
  // Compressed size at offset 18: the local header says the member is one byte longer.
  const wheel = depWheel([{ name: META, data: honest, method: 'stored' }]);
  const patched = patchLocalHeader(wheel, META, 18, honest.length + 1);
  const { ws, result } = await lockAgainstHostileIndex({ projects: graphWithDep(patched), server: { metadataFiles: false } });
  assertFailureMessage(result, 1, [depFile, /local header of dep-1\.0\.dist-info\/METADATA disagrees with the central directory/]);
  await ws.assertPreviousUntouched();
});

// ---- memory bombs ---------------------------------------------------------------------------

const MB = 1024 * 1024;
const PEAK_RSS_LIMIT_KB = 200 * 1024;
const zeros = Buffer.alloc(256 * 1024);

/** One run with the CLI's peak RSS taken as it exits (test/helpers/peak-rss.ts). */
async function lockMeasured(spec: HostileCase): Promise<HostileRun & { peakKb: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-rss-'));
  try {
    const out = join(dir, 'peak');
    const probe = pathToFileURL(join(projectRoot, 'dist', 'test', 'helpers', 'peak-rss.js')).href;
    const run = await lockAgainstHostileIndex({ ...spec, env: { ...spec.env, NODE_OPTIONS: [process.env["NODE_OPTIONS"], `--import=${probe}`].filter(Boolean).join(" "), PIN_HASHES_TEST_PEAK_RSS: out } });
    const peakKb = Number(await readFile(out, 'utf8'));
    assert.ok(peakKb > 10 * 1024, `a plausible peak RSS was recorded (${peakKb} kB)`);
    return { ...run, peakKb };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A lazily made body of `length` bytes: zeros, with `tail` as its last bytes. */
function lazy(status: number, headers: Record<string, string>, length: number, tail = Buffer.alloc(0)): Fault {
  return {
    lazyBody: {
      status,
      headers,
      length,
      chunk: (offset, size) => {
        const tailStart = length - tail.length;
        if (offset + size <= tailStart) return zeros.subarray(0, size);
        const out = Buffer.alloc(size);
        tail.copy(out, Math.max(0, tailStart - offset), Math.max(0, offset - tailStart));
        return out;
      },
    },
  };
}

function rangeOf(req: FaultRequest, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!match) return undefined;
  if (match[1] === '') return { start: Math.max(0, size - Number(match[2])), end: size - 1 };
  return { start: Number(match[1]), end: match[2] === '' ? size - 1 : Math.min(size - 1, Number(match[2])) };
}

const plainWheel = depWheel([{ name: META, data: fake }]);

test('a 1.5 GB 206 answer to the tail probe: not held in memory (peak RSS under 200 MB), the file is read another way', async () => {
  const size = 1_500_000_000;
  const { peakKb, result, ws } = await lockMeasured({
    projects: graphWithDep(plainWheel),
    server: { metadataFiles: false },
    setup: (s) =>
      s.setFault((req) =>
        req.filename === DEP_WHEEL && req.kind === 'file' && req.headers.range !== undefined
          ? lazy(206, { 'content-range': `bytes 0-${size - 1}/${size}` }, size)
          : undefined,
      ),
  });
  assert.ok(peakKb < PEAK_RSS_LIMIT_KB, `peak RSS ${Math.round(peakKb / 1024)} MB`);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0']);
});

test('an end-of-central-directory record that claims a 500 MB central directory: exit 2 naming the file, peak RSS under 200 MB', async () => {
  const size = 600 * MB;
  const cdSize = 500 * MB;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(size - 22 - cdSize, 16);
  const { peakKb, result, ws } = await lockMeasured({
    projects: graphWithDep(plainWheel),
    server: { metadataFiles: false },
    setup: (s) =>
      s.setFault((req) => {
        if (req.filename !== DEP_WHEEL || req.kind !== 'file') return undefined;
        const range = rangeOf(req, size);
        if (!range) return undefined;
        const length = range.end - range.start + 1;
        const tail = range.end === size - 1 ? eocd.subarray(Math.max(0, 22 - length)) : Buffer.alloc(0);
        return lazy(206, { 'content-range': `bytes ${range.start}-${range.end}/${size}` }, length, tail);
      }),
  });
  assert.ok(peakKb < PEAK_RSS_LIMIT_KB, `peak RSS ${Math.round(peakKb / 1024)} MB`);
  assertFailureMessage(result, 2, [depFile, /central directory of 524288000 bytes/]);
  await ws.assertPreviousUntouched();
});

test('an sdist .zip with 40 top-level PKG-INFO members of 8 MB each (deflate bombs): peak RSS under 200 MB', async () => {
  const pkgInfo = Buffer.concat([Buffer.from('Metadata-Version: 2.2\nName: dep\nVersion: 1.0\n\n'), Buffer.alloc(8 * MB - 100, 0x20)]);
  const members = Array.from({ length: 40 }, (_, i) => ({ name: `${i === 0 ? 'dep-1.0' : `dep-1.0-copy${i}`}/PKG-INFO`, data: pkgInfo }));
  const sdist = writeZip(members);
  assert.ok(sdist.length < 2 * MB, 'small on the wire');
  const projects = buildUniverse([{ name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } }]);
  projects.push({ name: 'dep', files: [{ filename: 'dep-1.0.zip', bytes: sdist, metadata: false }] });
  const { peakKb, result, ws } = await lockMeasured({ projects, server: { metadataFiles: false } });
  assert.ok(peakKb < PEAK_RSS_LIMIT_KB, `peak RSS ${Math.round(peakKb / 1024)} MB`);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0']);
});

grepForSecretsThenCleanUp();
