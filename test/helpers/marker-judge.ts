// Markers a lock for several targets writes (src/lock/target-markers.ts) on random target lists
// and subsets, and a judge that reads them with the packaging a pip vendors
// (`pip._vendor.packaging.markers`) and says where its reading differs from the targets chosen.
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { targetMarker } from '../../src/lock/target-markers.js';
import { parsePythonPlatform } from '../../src/pep/tags.js';
import { makeTarget, type Target } from '../../src/pep/target.js';
import { isolatedPipEnv } from './pip.js';
import { SEED } from '../fuzz/fuzz-helpers.js';

const PLATFORMS = ['x86_64-manylinux_2_28', 'aarch64-manylinux_2_28', 'aarch64-apple-darwin', 'x86_64-apple-darwin', 'x86_64-pc-windows-msvc', 'aarch64-pc-windows-msvc', 'i686-pc-windows-msvc', 'aarch64-unknown-linux-musl'];
const PYTHONS = ['3.9', '3.10.4', '3.12.0', '3.12.7', '3.13', '3.14.0rc1'];
const ALL: Target[] = PLATFORMS.flatMap((platform) => PYTHONS.map((python) => makeTarget(python, parsePythonPlatform(platform))));

export interface MarkerCase {
  marker: string;
  environments: Target['markerEnvironment'][];
  expected: boolean[];
}

export function markerCases(): MarkerCase[] {
  const out: MarkerCase[] = [];
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

function run(python: string, input: MarkerCase[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

/** What `python`'s pip's packaging makes of the markers: how many it read, and those it finds true elsewhere than chosen. */
export async function judgeMarkers(python: string, cases: MarkerCase[]): Promise<{ checked: number; wrong: unknown[] }> {
  const result = await run(python, cases);
  if (result.code !== 0) throw new Error(`Assertion failed: the marker judge did not run: ${result.stderr}`);
  return JSON.parse(result.stdout) as { checked: number; wrong: unknown[] };
}
