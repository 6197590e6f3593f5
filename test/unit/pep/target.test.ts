import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../src/errors.js';
import { Marker, makeTarget, parsePythonPlatform, type MarkerEnvironment } from '../../../src/pep/index.js';

const cases: { platform: string; python: string; env: Partial<MarkerEnvironment> }[] = [
  {
    platform: 'linux',
    python: '3.12',
    env: {
      os_name: 'posix',
      sys_platform: 'linux',
      platform_system: 'Linux',
      platform_machine: 'x86_64',
      python_version: '3.12',
      python_full_version: '3.12.0',
      implementation_version: '3.12.0',
    },
  },
  {
    platform: 'aarch64-unknown-linux-musl',
    python: '3.11.9',
    env: { os_name: 'posix', sys_platform: 'linux', platform_system: 'Linux', platform_machine: 'aarch64', python_full_version: '3.11.9' },
  },
  {
    platform: 'aarch64-apple-darwin',
    python: '3.13',
    env: { os_name: 'posix', sys_platform: 'darwin', platform_system: 'Darwin', platform_machine: 'arm64' },
  },
  {
    platform: 'x86_64-apple-darwin',
    python: '3.13',
    env: { sys_platform: 'darwin', platform_system: 'Darwin', platform_machine: 'x86_64' },
  },
  {
    platform: 'windows',
    python: '3.10',
    env: { os_name: 'nt', sys_platform: 'win32', platform_system: 'Windows', platform_machine: 'AMD64', python_version: '3.10' },
  },
  {
    platform: 'aarch64-pc-windows-msvc',
    python: '3.12',
    env: { os_name: 'nt', sys_platform: 'win32', platform_system: 'Windows', platform_machine: 'ARM64' },
  },
  {
    platform: 'i686-pc-windows-msvc',
    python: '3.12',
    env: { os_name: 'nt', sys_platform: 'win32', platform_machine: 'x86' },
  },
  {
    platform: 'linux',
    python: '3.13.0rc1',
    env: { python_version: '3.13', python_full_version: '3.13.0rc1', implementation_version: '3.13.0c1' },
  },
];

for (const { platform, python, env } of cases) {
  test(`the marker environment of CPython ${python} on ${platform} is what that interpreter reports`, () => {
    const target = makeTarget(python, parsePythonPlatform(platform));
    const reported = Object.fromEntries(Object.entries(target.markerEnvironment).filter(([key]) => key in env));
    assert.deepEqual(reported, env);
    assert.equal(target.markerEnvironment.implementation_name, 'cpython');
    assert.equal(target.markerEnvironment.platform_python_implementation, 'CPython');
    assert.equal(target.markerEnvironment.platform_release, '');
    assert.equal(target.markerEnvironment.platform_version, '');
  });
}

test('a X.Y Python version is read as X.Y.0, as pip does', () => {
  const target = makeTarget('3.12', parsePythonPlatform('linux'));
  assert.equal(target.pythonVersion.toString(), '3.12.0');
  assert.ok(Marker.parse('python_full_version >= "3.12.0"').evaluate(target.markerEnvironment));
  assert.ok(!Marker.parse('python_full_version >= "3.12.1"').evaluate(target.markerEnvironment));
});

test('markers of real packages evaluate as on the target', () => {
  const windows = makeTarget('3.11', parsePythonPlatform('windows')).markerEnvironment;
  const linux = makeTarget('3.11', parsePythonPlatform('linux')).markerEnvironment;
  const colorama = Marker.parse('platform_system == "Windows"');
  assert.equal(colorama.evaluate(windows), true);
  assert.equal(colorama.evaluate(linux), false);
  const uvloop = Marker.parse("sys_platform != 'win32' and implementation_name == 'cpython'");
  assert.equal(uvloop.evaluate(linux), true);
  assert.equal(uvloop.evaluate(windows), false);
});

test('tag priority gives each tag its first index in the ordered list', () => {
  const target = makeTarget('3.12', parsePythonPlatform('x86_64-manylinux_2_28'));
  assert.equal(target.tagPriority.size, target.tags.length);
  target.tags.forEach((tag, index) => assert.equal(target.tagPriority.get(tag), index));
  const best = target.tagPriority.get('cp312-cp312-manylinux_2_17_x86_64') ?? Infinity;
  const pure = target.tagPriority.get('py3-none-any') ?? -1;
  assert.ok(best < pure, 'a binary wheel for the target beats a pure one');
  assert.equal(target.tagPriority.get('cp312-cp312-manylinux_2_29_x86_64'), undefined, 'newer glibc is not installable');
});

for (const bad of ['3', 'three', '3.12.1.4', '1!3.12', '3.12.post1', '3.12+local', '3.12.dev1', '3.13rc1', '3.1000']) {
  test(`makeTarget refuses the Python version ${JSON.stringify(bad)}`, () => {
    assert.throws(
      () => makeTarget(bad, parsePythonPlatform('linux')),
      (e: unknown) => e instanceof ParseError && e.code === 'INVALID_PYTHON_VERSION',
    );
  });
}
