import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bestFile, filesToLock, groupFiles } from '../../../src/provider/files.js';
import { FormatControl } from '../../../src/requirements/format-control.js';
import type { IndexedFile } from '../../../src/package-index/types.js';
import { normalizeName } from '../../../src/pep/names.js';
import { parsePythonPlatform } from '../../../src/pep/tags.js';
import { makeTarget } from '../../../src/pep/target.js';

const demo = normalizeName('demo');
const linux311 = makeTarget('3.11.4', parsePythonPlatform('x86_64-manylinux_2_28'));

function f(filename: string, extra: Partial<IndexedFile> = {}): IndexedFile {
  return {
    project: demo,
    filename,
    url: `https://h/${filename}`,
    kind: filename.endsWith('.whl') ? 'wheel' : 'sdist',
    hashes: {},
    size: undefined,
    requiresPython: undefined,
    yanked: false,
    coreMetadata: undefined,
    provenance: null,
    uploadTime: null,
    source: 'idx',
    ...extra,
  };
}

const files = [
  f('demo-1.0-py3-none-any.whl'),
  f('demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'),
  f('demo-1.0-cp311-cp311-win_amd64.whl'),
  f('demo-1.0.tar.gz'),
  f('demo-2.0-cp312-cp312-manylinux_2_17_x86_64.whl'),
  f('demo-3.0-py3-none-any.whl', { requiresPython: '>=3.12' }),
  f('demo-3.0.tar.gz', { requiresPython: '>=3.12' }),
  f('demo-4.0-py3-none-any.whl', { yanked: { reason: 'oops' } }),
  f('demo-5.0.tar.gz'),
  f('demo-1.0-2-py3-none-any.whl'),
];

describe('which files a target can use', () => {
  const grouped = groupFiles(demo, files, linux311, new FormatControl());

  test('versions with no usable file are excluded with the reason', () => {
    const reasons = Object.fromEntries(grouped.excluded.map((e) => [e.version, e.reason.kind]));
    assert.deepEqual(reasons, { '2.0': 'no-compatible-file', '3.0': 'requires-python' });
  });

  test('pip would install the best-tagged wheel, the build tag breaking ties', () => {
    const v1 = grouped.versions.get('1.0');
    assert.ok(v1);
    assert.equal(bestFile(v1, linux311)?.filename, 'demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
    const onlyGeneric = { ...v1, usable: v1.usable.filter((x) => x.filename.includes('py3-none-any')) };
    assert.equal(bestFile(onlyGeneric, linux311)?.filename, 'demo-1.0-2-py3-none-any.whl');
    const v5 = grouped.versions.get('5.0');
    assert.ok(v5);
    assert.equal(bestFile(v5, linux311)?.filename, 'demo-5.0.tar.gz');
  });

  test('the lock takes every wheel of every platform and the sdist', () => {
    const v1 = grouped.versions.get('1.0');
    assert.ok(v1);
    assert.deepEqual(
      filesToLock(v1, linux311, new FormatControl(), false).map((x) => x.filename).sort(),
      [
        'demo-1.0-2-py3-none-any.whl',
        'demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
        'demo-1.0-cp311-cp311-win_amd64.whl',
        'demo-1.0-py3-none-any.whl',
        'demo-1.0.tar.gz',
      ],
    );
  });

  test('--only-binary drops the sdist, --no-binary the wheels', () => {
    const only = new FormatControl();
    only.addOnlyBinary(':all:');
    const none = new FormatControl();
    none.addNoBinary('demo');
    const v1 = groupFiles(demo, files, linux311, only).versions.get('1.0');
    assert.ok(v1);
    assert.ok(filesToLock(v1, linux311, only, false).every((x) => x.kind === 'wheel'));
    assert.deepEqual(filesToLock(v1, linux311, none, false).map((x) => x.filename), ['demo-1.0.tar.gz']);
    const g = groupFiles(demo, files, linux311, only);
    assert.equal(g.excluded.find((e) => e.version === '5.0')?.reason.kind, 'only-binary-no-wheel');
  });

  test('yanked files are locked only when the pinned version itself is yanked', () => {
    const v4 = grouped.versions.get('4.0');
    assert.ok(v4);
    assert.deepEqual(filesToLock(v4, linux311, new FormatControl(), false), []);
    assert.equal(filesToLock(v4, linux311, new FormatControl(), true).length, 1);
  });
});
