import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../src/errors.js';
import {
  cpythonTags,
  formatPlatform,
  makeTarget,
  parsePythonPlatform,
  platformTags,
  type PlatformSpec,
} from '../../../src/pep/index.js';

test('cp311 on x86_64-manylinux_2_36 yields the 914 tags of PROTOCOLS §4.8 in packaging order', () => {
  const tags = makeTarget('3.11', parsePythonPlatform('x86_64-manylinux_2_36')).tags;
  assert.equal(tags.length, 914);
  assert.equal(new Set(tags).size, 914, 'no tag appears twice');
  // 36 platforms per group: manylinux_2_36 .. manylinux_2_5 with three legacy aliases, then linux.
  const expectedAt: [number, string][] = [
    [0, 'cp311-cp311-manylinux_2_36_x86_64'],
    [19, 'cp311-cp311-manylinux_2_17_x86_64'],
    [20, 'cp311-cp311-manylinux2014_x86_64'],
    [25, 'cp311-cp311-manylinux_2_12_x86_64'],
    [26, 'cp311-cp311-manylinux2010_x86_64'],
    [33, 'cp311-cp311-manylinux_2_5_x86_64'],
    [34, 'cp311-cp311-manylinux1_x86_64'],
    [35, 'cp311-cp311-linux_x86_64'],
    [36, 'cp311-abi3-manylinux_2_36_x86_64'],
    [72, 'cp311-none-manylinux_2_36_x86_64'],
    [108, 'cp310-abi3-manylinux_2_36_x86_64'],
    [431, 'cp32-abi3-linux_x86_64'],
    [432, 'py311-none-manylinux_2_36_x86_64'],
    [468, 'py3-none-manylinux_2_36_x86_64'],
    [504, 'py310-none-manylinux_2_36_x86_64'],
    [899, 'py30-none-linux_x86_64'],
    [900, 'cp311-none-any'],
    [901, 'py311-none-any'],
    [902, 'py3-none-any'],
    [903, 'py310-none-any'],
    [913, 'py30-none-any'],
  ];
  for (const [index, tag] of expectedAt) assert.equal(tags[index], tag, `tag #${index}`);
});

test('the Windows example of PROTOCOLS §4.8 comes out in order', () => {
  const tags = makeTarget('3.12', parsePythonPlatform('windows')).tags;
  const abi3 = Array.from({ length: 10 }, (_, i) => `cp3${11 - i}-abi3-win_amd64`);
  const pys = ['py312', 'py3', ...Array.from({ length: 12 }, (_, i) => `py3${11 - i}`)];
  assert.deepEqual(tags, [
    'cp312-cp312-win_amd64',
    'cp312-abi3-win_amd64',
    'cp312-none-win_amd64',
    ...abi3,
    ...pys.map((py) => `${py}-none-win_amd64`),
    'cp312-none-any',
    ...pys.map((py) => `${py}-none-any`),
  ]);
});

const platformCases: { name: string; platform: PlatformSpec; expected: string[] }[] = [
  {
    name: 'aarch64 glibc 2.28 stops at 2.17 and has only the manylinux2014 alias',
    platform: { os: 'linux', arch: 'aarch64', libc: 'glibc', glibc: [2, 28] },
    expected: [
      ...Array.from({ length: 11 }, (_, i) => `manylinux_2_${28 - i}_aarch64`),
      'manylinux_2_17_aarch64',
      'manylinux2014_aarch64',
      'linux_aarch64',
    ],
  },
  {
    name: 'musl 1.2 counts minors down to 0 and never yields manylinux',
    platform: { os: 'linux', arch: 'x86_64', libc: 'musl', musl: [1, 2] },
    expected: ['musllinux_1_2_x86_64', 'musllinux_1_1_x86_64', 'musllinux_1_0_x86_64', 'linux_x86_64'],
  },
  {
    name: 'macOS 14 on arm64 follows the PROTOCOLS §4.6 example',
    platform: { os: 'macos', arch: 'arm64', macos: [14, 0] },
    expected: [
      'macosx_14_0_arm64',
      'macosx_14_0_universal2',
      'macosx_13_0_arm64',
      'macosx_13_0_universal2',
      'macosx_12_0_arm64',
      'macosx_12_0_universal2',
      'macosx_11_0_arm64',
      'macosx_11_0_universal2',
      ...Array.from({ length: 13 }, (_, i) => `macosx_10_${16 - i}_universal2`),
    ],
  },
  {
    name: 'macOS 10.5 on x86_64 counts the minor down and drops releases before 10.4',
    platform: { os: 'macos', arch: 'x86_64', macos: [10, 5] },
    expected: ['5', '4'].flatMap((minor) =>
      ['x86_64', 'intel', 'fat64', 'fat3', 'universal2', 'universal'].map((f) => `macosx_10_${minor}_${f}`),
    ),
  },
  { name: '32-bit Windows is win32', platform: { os: 'windows', arch: 'x86' }, expected: ['win32'] },
  { name: 'ARM Windows is win_arm64', platform: { os: 'windows', arch: 'arm64' }, expected: ['win_arm64'] },
];

for (const { name, platform, expected } of platformCases) {
  test(`platform tags: ${name}`, () => {
    assert.deepEqual(platformTags(platform), expected);
  });
}

test('macOS 12 on x86_64 accepts every 10.x fat format down to 10.4', () => {
  const tags = platformTags({ os: 'macos', arch: 'x86_64', macos: [12, 0] });
  assert.equal(tags.length, 2 * 6 + 13 * 6);
  assert.equal(tags[0], 'macosx_12_0_x86_64');
  assert.equal(tags[tags.length - 1], 'macosx_10_4_universal');
  assert.ok(tags.includes('macosx_10_9_intel'));
});

test('CPython before 3.8 uses the pymalloc ABI flag', () => {
  const tags = cpythonTags([3, 7], ['win_amd64']);
  assert.equal(tags[0], 'cp37-cp37m-win_amd64');
  assert.equal(tags[1], 'cp37-abi3-win_amd64');
});

const parseCases: [string, PlatformSpec, string][] = [
  ['linux', { os: 'linux', arch: 'x86_64', libc: 'glibc', glibc: [2, 28] }, 'x86_64-manylinux_2_28'],
  ['macos', { os: 'macos', arch: 'arm64', macos: [13, 0] }, 'arm64-macosx_13_0'],
  ['windows', { os: 'windows', arch: 'x86_64' }, 'x86_64-pc-windows-msvc'],
  ['x86_64-manylinux_2_28', { os: 'linux', arch: 'x86_64', libc: 'glibc', glibc: [2, 28] }, 'x86_64-manylinux_2_28'],
  ['aarch64-manylinux2014', { os: 'linux', arch: 'aarch64', libc: 'glibc', glibc: [2, 17] }, 'aarch64-manylinux_2_17'],
  ['x86_64-unknown-linux-gnu', { os: 'linux', arch: 'x86_64', libc: 'glibc', glibc: [2, 28] }, 'x86_64-manylinux_2_28'],
  ['aarch64-unknown-linux-musl', { os: 'linux', arch: 'aarch64', libc: 'musl', musl: [1, 2] }, 'aarch64-musllinux_1_2'],
  ['aarch64-apple-darwin', { os: 'macos', arch: 'arm64', macos: [13, 0] }, 'arm64-macosx_13_0'],
  ['x86_64-apple-darwin', { os: 'macos', arch: 'x86_64', macos: [13, 0] }, 'x86_64-macosx_13_0'],
  ['x86_64-pc-windows-msvc', { os: 'windows', arch: 'x86_64' }, 'x86_64-pc-windows-msvc'],
  ['i686-pc-windows-msvc', { os: 'windows', arch: 'x86' }, 'i686-pc-windows-msvc'],
  ['aarch64-pc-windows-msvc', { os: 'windows', arch: 'arm64' }, 'aarch64-pc-windows-msvc'],
  ['manylinux_2_17_x86_64', { os: 'linux', arch: 'x86_64', libc: 'glibc', glibc: [2, 17] }, 'x86_64-manylinux_2_17'],
  ['manylinux1_i686', { os: 'linux', arch: 'i686', libc: 'glibc', glibc: [2, 5] }, 'i686-manylinux_2_5'],
  ['musllinux_1_1_x86_64', { os: 'linux', arch: 'x86_64', libc: 'musl', musl: [1, 1] }, 'x86_64-musllinux_1_1'],
  ['macosx_14_0_arm64', { os: 'macos', arch: 'arm64', macos: [14, 0] }, 'arm64-macosx_14_0'],
  ['win32', { os: 'windows', arch: 'x86' }, 'i686-pc-windows-msvc'],
  ['armv7-unknown-linux-gnueabihf', { os: 'linux', arch: 'armv7l', libc: 'glibc', glibc: [2, 28] }, 'armv7l-manylinux_2_28'],
];

for (const [text, spec, canonical] of parseCases) {
  test(`parsePythonPlatform reads ${text} and formats it as ${canonical}`, () => {
    assert.deepEqual(parsePythonPlatform(text), spec);
    assert.equal(formatPlatform(spec), canonical);
    assert.deepEqual(parsePythonPlatform(canonical), spec, 'the canonical form parses back');
  });
}

for (const text of ['', 'solaris', 'x86_64-manylinux_3_1', 'aarch64-manylinux_2_12', 'sparc-unknown-linux-gnu', 'mips-apple-darwin', 'x86_64-manylinux_99999_1']) {
  test(`parsePythonPlatform refuses ${JSON.stringify(text)}`, () => {
    assert.throws(() => parsePythonPlatform(text), (e: unknown) => e instanceof ParseError && e.code === 'INVALID_PLATFORM');
  });
}
