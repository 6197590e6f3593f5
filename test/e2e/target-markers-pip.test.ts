// The markers a lock for several targets writes (src/lock/target-markers.ts), read by the
// packaging pip 23 vendors (`pip._vendor.packaging.markers`, this machine's pip; pip >= 26's in
// targets-pip26.test.ts): each parses, and is true on exactly the targets that chose its line,
// on random target lists and subsets. pip evaluates these lines, so its reading is the one that
// counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeMarkers, markerCases } from '../helpers/marker-judge.js';
import { pipAvailable } from '../helpers/pip.js';
import { python3 } from '../helpers/python.js';

const CASES = markerCases();

test('the marker generator gives pip enough to judge', () => {
  assert.ok(CASES.length > 150, `${CASES.length} markers`);
  // Some with several cubes, some with python_full_version: the shapes that could trip an old parser.
  assert.ok(CASES.some((c) => c.marker.includes(') or (')));
  assert.ok(CASES.some((c) => c.marker.includes('python_full_version')));
});

test("pip 23's packaging parses every marker and finds it true on exactly the chosen targets", async (t) => {
  if (!pipAvailable()) return t.skip('no pip');
  const { checked, wrong } = await judgeMarkers(python3, CASES);
  assert.equal(checked, CASES.length);
  assert.deepEqual(wrong, []);
});
