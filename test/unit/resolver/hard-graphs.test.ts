// Graphs that make a backtracking resolver work hard: they must end quickly, with a reason, and
// without asking the provider the same question twice.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Version } from '../../../src/pep/version.js';
import { NoSolutionError, resolve } from '../../../src/resolver/index.js';
import { MemoryProvider, type MemoryUniverse } from './memory-provider.js';
import { buildOptions, pins, PYTHON, run } from './helpers.js';

const name = (i: number): string => `p${String(i).padStart(2, '0')}`;

/** 20 packages of 20 versions; every version of package i needs leaf==i, so any two conflict. */
function mutuallyIncompatible(): { universe: MemoryUniverse; requirements: string[] } {
  const universe: MemoryUniverse = { leaf: {} };
  const requirements: string[] = [];
  for (let i = 0; i < 20; i++) {
    const versions: MemoryUniverse[string] = {};
    for (let v = 1; v <= 20; v++) versions[`${v}.0`] = { requires: [`leaf==${i}`] };
    universe[name(i)] = versions;
    (universe.leaf ??= {})[`${i}`] = {};
    requirements.push(name(i));
  }
  return { universe, requirements };
}

/** A chain of 20 packages of 20 versions whose last link always needs x==2 while the root pins x==1. */
function doomedChain(): MemoryUniverse {
  const universe: MemoryUniverse = { x: { '1': {}, '2': {} } };
  for (let i = 0; i < 20; i++) {
    const versions: MemoryUniverse[string] = {};
    for (let v = 1; v <= 20; v++) versions[`${v}.0`] = { requires: [i < 19 ? name(i + 1) : 'x==2'] };
    universe[name(i)] = versions;
  }
  return universe;
}

async function rejection(promise: Promise<unknown>): Promise<NoSolutionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NoSolutionError) return error;
    throw error;
  }
  throw new Error('Assertion failed: expected no solution');
}

describe('hard graphs', () => {
  it('gives up quickly on 20 packages x 20 versions that all conflict at the last level', async () => {
    const { universe, requirements } = mutuallyIncompatible();
    const started = Date.now();
    const provider = new MemoryProvider(universe, Version.parse(PYTHON));
    const error = await rejection(resolve(provider, buildOptions(requirements)));
    assert.ok(Date.now() - started < 10_000, 'took more than 10 s');
    assert.match(error.message, /conflicting dependencies: p00 1\.0 depends on leaf==0; p01 .* depend on leaf==1\.$/);
    assert.deepEqual(provider.repeatedCalls(), []);
    assert.ok(provider.calls.length > 0);
  });

  it('proves a chain whose every path ends in the same conflict unsatisfiable instead of trying each path', async () => {
    const provider = new MemoryProvider(doomedChain(), Version.parse(PYTHON));
    const started = Date.now();
    const error = await rejection(resolve(provider, buildOptions(['p00', 'x==1'])));
    assert.ok(Date.now() - started < 10_000, 'took more than 10 s');
    assert.equal(error.explanation.kind, 'dependency-chain');
    assert.equal(error.explanation.steps.length, 21);
    assert.equal(error.explanation.steps[0], 'every version of p00 depends on p01');
    assert.equal(error.explanation.steps[20], 'no version of x matches both x==2 and x==1 (-r requirements.in)');
    assert.match(
      error.message,
      /^No solution: p00 \(required by -r requirements\.in\) cannot be installed: every version of p00 depends on p01; .* every version of p19 depends on x==2; no version of x matches both x==2 and x==1 \(-r requirements\.in\)\.$/,
    );
    assert.deepEqual(provider.repeatedCalls(), []);
  });

  it('keeps searching when the proof finds nothing, and finds the solution after many backjumps', async () => {
    // Each version k >= 2 of `a` needs its own package c<k>, which needs d==1 while the root pins
    // d==2: 119 backjumps (the proof is tried at the 100th and finds a possible version) before a 1.
    const universe: MemoryUniverse = { a: { '1': {} }, d: { '1': {}, '2': {} } };
    for (let k = 2; k <= 120; k++) {
      (universe.a ??= {})[`${k}`] = { requires: [`c${k}`] };
      universe[`c${k}`] = { '1.0': { requires: ['d==1'] } };
    }
    const { resolution, provider } = await run(universe, ['a', 'd==2']);
    assert.deepEqual(pins(resolution), { a: '1', d: '2' });
    assert.deepEqual(provider.repeatedCalls(), []);
  });
});
