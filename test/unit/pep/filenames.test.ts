import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../src/errors.js';
import {
  Version,
  distKind,
  isIgnoredDistribution,
  normalizeName,
  parseSdistFilename,
  parseSdistFilenameFor,
  parseWheelFilename,
  tagToString,
} from '../../../src/pep/index.js';

const legacy: { file: string; project: string; version: string | null; normalized?: string; qualifier?: string }[] = [
  { file: 'python-dateutil-2.8.2.tar.gz', project: 'python-dateutil', version: '2.8.2' },
  { file: 'Django-1.0.zip', project: 'django', version: '1.0' },
  { file: 'foo-1.0-1.tar.gz', project: 'foo', version: '1.0-1', normalized: '1.0.post1' },
  { file: 'zope.interface-5.0.tar.gz', project: 'zope-interface', version: '5.0' },
  { file: 'foo__bar-1.0.tgz', project: 'foo-bar', version: '1.0' },
  { file: 'foo-bar-1.0.tar.bz2', project: 'foo-bar', version: '1.0' },
  { file: 'foo-1.0.tbz', project: 'foo', version: '1.0' },
  { file: 'foo-1.0.tar.xz', project: 'foo', version: '1.0' },
  { file: 'foo-1.0.txz', project: 'foo', version: '1.0' },
  { file: 'foo-1.0.tlz', project: 'foo', version: '1.0' },
  { file: 'foo-1.0.tar.lz', project: 'foo', version: '1.0' },
  { file: 'foo-1.0.tar.lzma', project: 'foo', version: '1.0' },
  { file: 'foo-1.0.tar', project: 'foo', version: '1.0' },
  { file: 'Foo-1.0.TAR.gz', project: 'foo', version: null },
  { file: 'foo-2.0-py2.7.tar.gz', project: 'foo', version: '2.0', qualifier: '2.7' },
  { file: 'foo-2.0-py3.tar.gz', project: 'foo', version: '2.0', qualifier: '3' },
  { file: 'foobar-1.0.tar.gz', project: 'foo', version: null },
  { file: 'foo-bar-1.0.tar.gz', project: 'foo', version: 'bar-1.0' },
  { file: 'foo-.tar.gz', project: 'foo', version: null },
  { file: 'foo-1.0.whl', project: 'foo', version: null },
  { file: 'foo-1.0-py2.7.egg', project: 'foo', version: null },
  { file: 'foo-1.0.macosx10.zip', project: 'foo', version: null },
  { file: 'foo-1.0.exe', project: 'foo', version: null },
];

for (const { file, project, version, normalized, qualifier } of legacy) {
  test(`pip's lenient reading of ${file} for ${project} gives ${version ?? 'nothing'}`, () => {
    const got = parseSdistFilenameFor(file, normalizeName(project));
    if (version === null) {
      assert.equal(got, null);
      return;
    }
    assert.ok(got !== null);
    assert.equal(got.version, version);
    assert.equal(got.pythonQualifier, qualifier ?? null);
    if (normalized !== undefined) assert.equal(Version.parse(got.version).toString(), normalized);
  });
}

test('the name-version split scans in linear time even for long names', () => {
  const stem = 'a-'.repeat(100_000);
  const started = Date.now();
  assert.equal(parseSdistFilenameFor(`${stem}1.0.tar.gz`, normalizeName('b')), null);
  assert.deepEqual(parseSdistFilenameFor(`${stem}1.0.tar.gz`, normalizeName('a')), { version: `${stem.slice(2)}1.0`, pythonQualifier: null });
  assert.ok(Date.now() - started < 2000);
});

const kinds: [string, string][] = [
  ['foo-1.0-py3-none-any.whl', 'wheel'],
  ['foo-1.0.tar.gz', 'sdist'],
  ['foo-1.0.zip', 'sdist'],
  ['foo-1.0.tar.bz2', 'sdist'],
  ['foo-1.0-py2.7.egg', 'other'],
  ['foo-1.0.win32.exe', 'other'],
  ['foo-1.0.msi', 'other'],
  ['foo-1.0.WHL', 'other'],
  ['README', 'other'],
];
for (const [file, kind] of kinds) {
  test(`${file} is a ${kind} file`, () => assert.equal(distKind(file), kind));
}

test('eggs and installers are recognised as formats pip never installs', () => {
  assert.ok(isIgnoredDistribution('foo-1.0-py2.7.egg'));
  assert.ok(isIgnoredDistribution('foo-1.0.win-amd64.exe'));
  assert.ok(!isIgnoredDistribution('foo-1.0.tar.gz'));
});

test('a wheel name expands compressed tags in order and keeps the build tag', () => {
  const wheel = parseWheelFilename('Foo_Bar-2.0-12b-cp312.cp313-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
  assert.equal(wheel.name, 'foo-bar');
  assert.equal(wheel.version.toString(), '2.0');
  assert.deepEqual(wheel.build, [12, 'b']);
  assert.deepEqual(wheel.tags.map(tagToString), [
    'cp312-abi3-manylinux_2_17_x86_64',
    'cp312-abi3-manylinux2014_x86_64',
    'cp313-abi3-manylinux_2_17_x86_64',
    'cp313-abi3-manylinux2014_x86_64',
  ]);
});

test('wheel tags are lowercased and a local version survives', () => {
  const wheel = parseWheelFilename('torch-2.1.0+cpu-cp311-cp311-Linux_X86_64.whl');
  assert.equal(wheel.version.toString(), '2.1.0+cpu');
  assert.deepEqual(wheel.tags.map(tagToString), ['cp311-cp311-linux_x86_64']);
});

for (const bad of ['foo-1.0-py3-none-any.tar.gz', 'foo-1.0-py3-none.whl', 'foo-1.0-x-py3-none-any.whl', 'foo-bar-1.0-1-2-py3-none-any.whl']) {
  test(`${bad} is not a valid wheel name`, () => {
    assert.throws(() => parseWheelFilename(bad), (e: unknown) => e instanceof ParseError && e.code === 'INVALID_FILENAME');
  });
}

test('a strict sdist name splits at the last dash', () => {
  const sdist = parseSdistFilename('zope_interface-5.0.tar.gz');
  assert.equal(sdist.name, 'zope-interface');
  assert.equal(sdist.version.toString(), '5.0');
  assert.throws(() => parseSdistFilename('python-dateutil-2.8.2.tgz'), ParseError);
});
