// The markers a lock for several targets writes (src/lock/target-markers.ts), read by the
// packaging pip itself vendors (pip 23's and pip >= 26's `pip._vendor.packaging.markers`): each
// parses, and is true on exactly the targets that chose its line, on random target lists and
// subsets. pip evaluates these lines, so its reading is the one that counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { targetMarker } from '../../src/lock/target-markers.js';
import { parsePythonPlatform } from '../../src/pep/tags.js';
import { makeTarget, type Target } from '../../src/pep/target.js';
import { isolatedPipEnv, pipAvailable } from '../helpers/pip.js';
import { pip26 } from '../helpers/pip26.js';
import { python3 } from '../helpers/python.js';
import { SEED } from '../fuzz/fuzz-helpers.js';

const PLATFORMS = ['x86_64-manylinux_2_28', 'aarch64-manylinux_2_28', 'aarch64-apple-darwin', 'x86_64-apple-darwin', 'x86_64-pc-windows-msvc', 'aarch64-pc-windows-msvc', 'i686-pc-windows-msvc', 'aarch64-unknown-linux-musl'];
const PYTHONS = ['3.9', '3.10.4', '3.12.0', '3.12.7', '3.13', '3.14.0rc1'];
const ALL: Target[] = PLATFORMS.flatMap((platform) => PYTHONS.map((python) => makeTarget(python, parsePythonPlatform(platform))));

interface Case {
  marker: string;
  environments: Target['markerEnvironment'][];
  expected: boolean[];
}

function cases(): Case[] {
  const out: Case[] = [];
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: ALL.length - 1 }), { minLength: 2, maxLength: 14 }).chain((picked) =>
        fc.tuple(fc.constant(picked), fc.uniqueArray(fc.integer({ min: 0, max: picked.length - 1 }), { minLength: 1, maxLength: picked.length - 1 })),
      ),
      ([picked, chosen]) => {
        const environments = picked.map((i) => ALL[i]!.markerEnvironment);
        const found = targetMarker(environments, chosen);
        if (found.kind !== 'marker') return;
        out.push({ marker: found.text, environments, expected: environments.map((_, i) => chosen.includes(i)) });
      },
    ),
    { seed: SEED, numRuns: 250 },
  );
  return out;
}

const JUDGE = [
  'import json, sys',
  'from pip._vendor.packaging.markers import Marker',
  'cases = json.load(sys.stdin)',
  'wrong = []',
  'for case in cases:',
  '    marker = Marker(case["marker"])',
  '    got = [marker.evaluate(env) for env in case["environments"]]',
  '    if got != case["expected"]: wrong.append({"marker": case["marker"], "got": got, "expected": case["expected"]})',
  'print(json.dumps({"checked": len(cases), "wrong": wrong}))',
].join('\n');

function judge(python: string, input: Case[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', JUDGE], { env: isolatedPipEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(JSON.stringify(input));
  });
}

const CASES = cases();

test('the marker generator gives pip enough to judge', () => {
  assert.ok(CASES.length > 150, `${CASES.length} markers`);
  // Some with several cubes, some with python_full_version: the shapes that could trip an old parser.
  assert.ok(CASES.some((c) => c.marker.includes(') or (')));
  assert.ok(CASES.some((c) => c.marker.includes('python_full_version')));
});

for (const [label, python] of [
  ['pip 23 (this machine)', () => (pipAvailable() ? python3 : undefined)],
  ['pip >= 26', () => { const venv = pip26(); return 'skip' in venv ? undefined : venv.python; }],
] as const) {
  test(`${label}'s packaging parses every marker and finds it true on exactly the chosen targets`, async (t) => {
    const interpreter = python();
    if (interpreter === undefined) return t.skip(`${label} is not available`);
    const result = await judge(interpreter, CASES);
    assert.equal(result.code, 0, result.stderr);
    const { checked, wrong } = JSON.parse(result.stdout) as { checked: number; wrong: unknown[] };
    assert.equal(checked, CASES.length);
    assert.deepEqual(wrong, []);
  });
}
