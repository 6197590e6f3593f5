// The targets a run locks for, from its options (src/api/targets.ts): platforms times versions,
// --target pairs, presets, the host for what is not named, in a fixed order, each once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TARGET_PRESETS, needsHostPythonVersion, targetKey, targetsOf, type TargetOptions } from '../../../src/api/targets.js';
import { PinHashesError } from '../../../src/errors.js';

const host = { pythonVersion: () => '3.11.4', platform: () => 'x86_64-manylinux_2_35' };
const noHost = {
  pythonVersion: () => assert.fail('the host Python was asked for'),
  platform: () => assert.fail('the host platform was asked for'),
};

const cases: { name: string; options: TargetOptions; defaults?: typeof host; targets: string[] }[] = [
  { name: 'nothing named: the host', options: {}, defaults: host, targets: ['x86_64-manylinux_2_35@3.11.4'] },
  { name: 'a version: on the host platform', options: { pythonVersion: '3.12' }, defaults: { ...host, pythonVersion: noHost.pythonVersion }, targets: ['x86_64-manylinux_2_35@3.12.0'] },
  { name: 'one of each, as strings (the library API)', options: { pythonVersion: '3.12', pythonPlatform: 'windows' }, defaults: noHost, targets: ['x86_64-pc-windows-msvc@3.12.0'] },
  {
    name: 'platforms times versions, platforms first',
    options: { pythonVersion: ['3.12', '3.11'], pythonPlatform: ['linux', 'macos'] },
    defaults: noHost,
    targets: ['x86_64-manylinux_2_28@3.12.0', 'x86_64-manylinux_2_28@3.11.0', 'arm64-macosx_13_0@3.12.0', 'arm64-macosx_13_0@3.11.0'],
  },
  {
    name: 'explicit pairs, after the crossed ones',
    options: { targets: ['aarch64-apple-darwin@3.13', 'x86_64-pc-windows-msvc@3.12.4'], pythonPlatform: ['linux'], pythonVersion: ['3.12'] },
    defaults: noHost,
    targets: ['x86_64-manylinux_2_28@3.12.0', 'arm64-macosx_13_0@3.13.0', 'x86_64-pc-windows-msvc@3.12.4'],
  },
  { name: 'explicit pairs alone need no host', options: { targets: ['linux@3.12', 'windows@3.12'] }, defaults: noHost, targets: ['x86_64-manylinux_2_28@3.12.0', 'x86_64-pc-windows-msvc@3.12.0'] },
  { name: 'a bare --target is a platform, with the given versions', options: { targets: ['windows'], pythonVersion: ['3.10', '3.12'] }, defaults: noHost, targets: ['x86_64-pc-windows-msvc@3.10.0', 'x86_64-pc-windows-msvc@3.12.0'] },
  {
    name: 'the common preset, for each version',
    options: { targetPresets: 'common', pythonVersion: ['3.12'] },
    defaults: noHost,
    targets: ['x86_64-manylinux_2_28@3.12.0', 'aarch64-manylinux_2_28@3.12.0', 'arm64-macosx_13_0@3.12.0', 'x86_64-macosx_13_0@3.12.0', 'x86_64-pc-windows-msvc@3.12.0'],
  },
  {
    name: 'a target named twice (two spellings) counts once, where it came first',
    options: { pythonPlatform: ['linux', 'x86_64-manylinux_2_28'], targets: ['x86_64-unknown-linux-gnu@3.12'], pythonVersion: ['3.12'] },
    defaults: noHost,
    targets: ['x86_64-manylinux_2_28@3.12.0'],
  },
];

describe('the targets of a run', () => {
  for (const { name, options, defaults, targets } of cases) {
    test(name, () => assert.deepEqual(targetsOf(options, defaults ?? host).map(targetKey), targets));
  }

  // The CLI starts python3 early on this answer (api/host.ts): it must be what targetsOf does.
  for (const { name, options } of cases) {
    test(`asks for the host Python exactly when targetsOf does: ${name}`, () => {
      let asked = false;
      targetsOf(options, { ...host, pythonVersion: () => ((asked = true), '3.11.4') });
      assert.equal(needsHostPythonVersion(options), asked);
    });
  }

  test('the common preset is the five platforms the issue names', () => {
    assert.equal(TARGET_PRESETS['common']?.length, 5);
  });

  const refused: { name: string; options: TargetOptions; message: RegExp }[] = [
    { name: 'a --target without a platform', options: { targets: ['@3.12'] }, message: /expected PLATFORM@VERSION/ },
    { name: 'a --target without a version after @', options: { targets: ['linux@'] }, message: /expected PLATFORM@VERSION/ },
    { name: 'versions no platform takes', options: { targets: ['linux@3.12'], pythonVersion: ['3.11'] }, message: /--python-version 3\.11 applies to no platform/ },
    { name: 'an unknown preset', options: { targetPresets: 'everything' }, message: /is not a preset/ },
  ];
  for (const { name, options, message } of refused) {
    test(`refused: ${name}`, () => {
      assert.throws(() => targetsOf(options, host), (error: unknown) => error instanceof PinHashesError && error.code === 'USAGE' && message.test(error.message));
    });
  }

  test('a bad platform or version in a pair is the parser’s error', () => {
    assert.throws(() => targetsOf({ targets: ['plan9@3.12'] }, host), (e: unknown) => e instanceof PinHashesError && e.code === 'INVALID_PLATFORM');
    assert.throws(() => targetsOf({ targets: ['linux@3'] }, host), (e: unknown) => e instanceof PinHashesError && e.code === 'INVALID_PYTHON_VERSION');
  });
});
