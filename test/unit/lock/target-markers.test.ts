// The marker of a lock line for several targets (src/lock/target-markers.ts): true on exactly the
// targets that chose the line, none when all did, and as short as it can be. Table-driven over
// the `common` targets (Linux x86_64 and aarch64, macOS arm64 and x86_64, Windows amd64) and a
// few Python versions; then a property over random target lists and subsets.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { targetMarker } from '../../../src/lock/target-markers.js';
import { Marker } from '../../../src/pep/markers.js';
import { parsePythonPlatform } from '../../../src/pep/tags.js';
import { makeTarget, type Target } from '../../../src/pep/target.js';
import { SEED } from '../../fuzz/fuzz-helpers.js';

const PLATFORMS = {
  lx: 'x86_64-manylinux_2_28',
  la: 'aarch64-manylinux_2_28',
  ma: 'aarch64-apple-darwin',
  mx: 'x86_64-apple-darwin',
  w: 'x86_64-pc-windows-msvc',
  wa: 'aarch64-pc-windows-msvc',
  lx17: 'x86_64-manylinux_2_17',
} as const;

type Label = keyof typeof PLATFORMS;

/** `lx@3.12` -> the target; a bare label is Python 3.12. */
function target(spec: string): Target {
  const [label, version = '3.12'] = spec.split('@') as [Label, string?];
  return makeTarget(version, parsePythonPlatform(PLATFORMS[label]));
}

const COMMON = ['lx', 'la', 'ma', 'mx', 'w'];
const COMMON_TWO_PYTHONS = [...COMMON.map((t) => `${t}@3.11`), ...COMMON.map((t) => `${t}@3.12`)];

const cases: { name: string; targets: string[]; chosen: string[]; marker: string | null }[] = [
  { name: 'every target: no marker', targets: COMMON, chosen: COMMON, marker: null },
  { name: 'both Linux', targets: COMMON, chosen: ['lx', 'la'], marker: 'sys_platform == "linux"' },
  { name: 'Windows only', targets: COMMON, chosen: ['w'], marker: 'sys_platform == "win32"' },
  { name: 'all but Windows', targets: COMMON, chosen: ['lx', 'la', 'ma', 'mx'], marker: 'sys_platform != "win32"' },
  // macOS says arm64 where Linux says aarch64: the machine alone names Apple silicon here.
  { name: 'macOS arm64 only', targets: COMMON, chosen: ['ma'], marker: 'platform_machine == "arm64"' },
  // Windows says AMD64: x86_64 is Linux and macOS.
  { name: 'x86_64 Linux and macOS', targets: COMMON, chosen: ['lx', 'mx'], marker: 'platform_machine == "x86_64"' },
  { name: 'the two ARM spellings', targets: COMMON, chosen: ['la', 'ma'], marker: 'platform_machine == "aarch64" or platform_machine == "arm64"' },
  { name: 'macOS x86_64 only', targets: COMMON, chosen: ['mx'], marker: 'sys_platform == "darwin" and platform_machine == "x86_64"' },
  { name: 'Windows amd64 beside Windows arm64', targets: ['w', 'wa', 'lx'], chosen: ['w'], marker: 'platform_machine == "AMD64"' },
  { name: 'one Python of two, everywhere', targets: COMMON_TWO_PYTHONS, chosen: COMMON.map((t) => `${t}@3.12`), marker: 'python_version >= "3.12"' },
  { name: 'the older Python', targets: COMMON_TWO_PYTHONS, chosen: COMMON.map((t) => `${t}@3.11`), marker: 'python_version < "3.12"' },
  { name: 'Linux on the newer Python', targets: COMMON_TWO_PYTHONS, chosen: ['lx@3.12', 'la@3.12'], marker: 'sys_platform == "linux" and python_version >= "3.12"' },
  { name: 'a middle Python: a range', targets: ['lx@3.10', 'lx@3.11', 'lx@3.12', 'lx@3.13'], chosen: ['lx@3.11', 'lx@3.12'], marker: 'python_version >= "3.11" and python_version < "3.13"' },
  { name: 'all Pythons but one in the middle', targets: ['lx@3.10', 'lx@3.11', 'lx@3.12'], chosen: ['lx@3.10', 'lx@3.12'], marker: 'python_version != "3.11"' },
  // Patch levels matter only where two targets share X.Y.
  { name: 'a patch level', targets: ['lx@3.12.0', 'lx@3.12.4', 'lx@3.13'], chosen: ['lx@3.12.4', 'lx@3.13'], marker: 'python_full_version >= "3.12.4"' },
  { name: 'a patch level, one X.Y', targets: ['lx@3.12.0', 'lx@3.12.4', 'w@3.12.0'], chosen: ['lx@3.12.0'], marker: 'sys_platform == "linux" and python_full_version < "3.12.4"' },
  // pip 23's packaging reads `< "3.14.0"` as false on 3.14.0rc1 (pre-releases excluded): only `==` names it for both.
  { name: 'a pre-release interpreter', targets: ['lx@3.14.0', 'lx@3.14.0rc1'], chosen: ['lx@3.14.0rc1'], marker: 'python_full_version == "3.14.0rc1"' },
  { name: 'beside a pre-release interpreter', targets: ['lx@3.14.0', 'lx@3.14.0rc1'], chosen: ['lx@3.14.0'], marker: 'python_full_version >= "3.14.0"' },
  {
    name: 'two cubes',
    targets: COMMON_TWO_PYTHONS,
    chosen: ['ma@3.12', 'w@3.11'],
    marker: '(sys_platform == "win32" and python_version < "3.12") or (platform_machine == "arm64" and python_version >= "3.12")',
  },
];

describe('the marker of a line chosen by some of the targets', () => {
  for (const { name, targets, chosen, marker } of cases) {
    test(name, () => {
      const list = targets.map(target);
      const indexes = chosen.map((c) => targets.indexOf(c));
      assert.ok(indexes.every((i) => i >= 0), 'chosen targets are among the targets');
      const found = targetMarker(list.map((t) => t.markerEnvironment), indexes);
      if (marker === null) {
        assert.deepEqual(found, { kind: 'all' });
        return;
      }
      assert.deepEqual(found, { kind: 'marker', text: marker });
      const parsed = Marker.parse(marker);
      list.forEach((t, i) => assert.equal(parsed.evaluate(t.markerEnvironment), indexes.includes(i), `${targets[i]}`));
    });
  }

  test('two targets no marker tells apart (two glibc versions of one Linux), chosen differently: indistinguishable, naming both', () => {
    const list = ['lx', 'lx17', 'w'].map(target);
    assert.deepEqual(targetMarker(list.map((t) => t.markerEnvironment), [0]), { kind: 'indistinguishable', chosen: 0, other: 1 });
    // Chosen alike, they need no telling apart.
    assert.deepEqual(targetMarker(list.map((t) => t.markerEnvironment), [0, 1]), { kind: 'marker', text: 'sys_platform == "linux"' });
  });

  test('a line no target chose, or a target that does not exist, is a bug of the caller', () => {
    const envs = COMMON.map((t) => target(t).markerEnvironment);
    assert.throws(() => targetMarker(envs, []), /Assertion failed/);
    assert.throws(() => targetMarker(envs, [5]), /Assertion failed/);
  });
});

const ALL_TARGETS = Object.keys(PLATFORMS)
  .filter((label) => label !== 'lx17')
  .flatMap((label) => ['3.10', '3.12.0', '3.12.3', '3.13', '3.14.0rc1'].map((python) => `${label}@${python}`));

test('on random targets and random subsets, the marker is true on exactly the chosen targets (and names no variable it need not)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.constantFrom(...ALL_TARGETS), { minLength: 1, maxLength: 12 }).chain((targets) =>
        fc.tuple(fc.constant(targets), fc.uniqueArray(fc.integer({ min: 0, max: targets.length - 1 }), { minLength: 1, maxLength: targets.length })),
      ),
      ([targets, chosen]) => {
        const envs = targets.map((t) => target(t).markerEnvironment);
        const found = targetMarker(envs, chosen);
        if (chosen.length === targets.length) return assert.deepEqual(found, { kind: 'all' });
        assert.equal(found.kind, 'marker');
        if (found.kind !== 'marker') return;
        const marker = Marker.parse(found.text);
        envs.forEach((env, i) => assert.equal(marker.evaluate(env), chosen.includes(i), `${found.text} on ${targets[i]}`));
        // Patch levels are named only when two targets share an X.Y with different patches.
        const sharedMinor = new Set(envs.map((e) => e.python_version)).size < new Set(envs.map((e) => e.python_full_version)).size;
        if (!sharedMinor) assert.doesNotMatch(found.text, /python_full_version/);
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
});
