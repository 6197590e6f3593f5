// Several targets' resolutions merged into lock lines (src/api/merge.ts): a line per name and
// version with the targets that chose it, its marker, `via` and extras the union of theirs; two
// targets no marker tells apart that resolve a name differently fail, naming both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeResolutions } from '../../../src/api/merge.js';
import { PinHashesError } from '../../../src/errors.js';
import { normalizeName } from '../../../src/pep/names.js';
import { parsePythonPlatform } from '../../../src/pep/tags.js';
import { makeTarget } from '../../../src/pep/target.js';
import { Version } from '../../../src/pep/version.js';
import type { Resolution } from '../../../src/resolver/index.js';

const linux = makeTarget('3.12', parsePythonPlatform('x86_64-manylinux_2_28'));
const linux17 = makeTarget('3.12', parsePythonPlatform('x86_64-manylinux_2_17'));
const windows = makeTarget('3.12', parsePythonPlatform('windows'));

function resolution(...pins: [string, string, string[]?][]): Resolution {
  return {
    packages: pins.map(([name, version, via = ['-r requirements.in']]) => ({ name: normalizeName(name), version: Version.parse(version), url: null, extras: [], via, yanked: false })),
    warnings: [],
  };
}

test('a line per name and version: no marker where every target chose it, the targets that did, via merged', () => {
  const merged = mergeResolutions(
    [linux, windows],
    [resolution(['app', '1.0'], ['native', '2.0', ['app']]), resolution(['app', '1.0', ['-r requirements.in', 'other']], ['native', '1.0', ['app']], ['pywin', '3.0', ['app']])],
  );
  assert.deepEqual(
    merged.map((m) => [m.name, m.version.toString(), m.targets, m.marker ?? null, m.via]),
    [
      ['app', '1.0', [0, 1], null, ['-r requirements.in', 'other']],
      ['native', '2.0', [0], 'sys_platform == "linux"', ['app']],
      ['native', '1.0', [1], 'sys_platform == "win32"', ['app']],
      ['pywin', '3.0', [1], 'sys_platform == "win32"', ['app']],
    ],
  );
});

test('two targets no marker tells apart, resolving a name differently: exit 1 naming both targets and the versions', () => {
  assert.throws(
    () => mergeResolutions([linux, linux17], [resolution(['native', '2.0']), resolution(['native', '1.0'])]),
    (error: unknown) =>
      error instanceof PinHashesError &&
      error.code === 'TARGETS_INDISTINGUISHABLE' &&
      error.exitCode === 1 &&
      /CPython 3\.12\.0 on x86_64-manylinux_2_28 and CPython 3\.12\.0 on x86_64-manylinux_2_17 need different native \(2\.0 and 1\.0\)/.test(error.message),
  );
  // Alike, they need no telling apart.
  assert.equal(mergeResolutions([linux, linux17], [resolution(['native', '2.0']), resolution(['native', '2.0'])])[0]?.marker, undefined);
});
