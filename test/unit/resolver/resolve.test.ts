import type { Pin } from '../../../src/pin.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PinHashesError } from '../../../src/errors.js';
import { Version } from '../../../src/pep/version.js';
import { NoSolutionError, resolve, type DistMetadata } from '../../../src/resolver/index.js';
import { MemoryProvider, type MemoryUniverse } from './memory-provider.js';
import { buildOptions, pins, PYTHON, run, type RunOptions } from './helpers.js';

interface Case {
  name: string;
  universe: MemoryUniverse;
  requirements: string[];
  options?: RunOptions;
  /** The complete resolution, or the NoSolutionError message pattern. */
  expect: Record<string, string> | RegExp;
  warnings?: RegExp[];
}

const cases: Case[] = [
  // --- shapes of graphs
  {
    name: 'follows a chain and picks the newest version of each link',
    universe: {
      a: { '1.0': { requires: ['b'] }, '2.0': { requires: ['b>=2'] } },
      b: { '1.0': {}, '2.0': { requires: ['c<3'] }, '2.1': { requires: ['c<3'] } },
      c: { '1.0': {}, '2.0': {}, '3.0': {} },
    },
    requirements: ['a'],
    expect: { a: '2.0', b: '2.1', c: '2.0' },
  },
  {
    name: 'resolves a diamond to the version both sides accept',
    universe: {
      a: { '1.0': { requires: ['b', 'c'] } },
      b: { '1.0': { requires: ['d>=1.1'] } },
      c: { '1.0': { requires: ['d<2'] } },
      d: { '1.0': {}, '1.1': {}, '1.5': {}, '2.0': {} },
    },
    requirements: ['a'],
    expect: { a: '1.0', b: '1.0', c: '1.0', d: '1.5' },
  },
  {
    name: 'backtracks when the newest version of a dependency conflicts with the root',
    universe: {
      a: { '1.0': { requires: ['c>=1'] }, '2.0': { requires: ['c==2.0'] } },
      c: { '1.0': {}, '2.0': {} },
    },
    requirements: ['a', 'c==1.0'],
    expect: { a: '1.0', c: '1.0' },
  },
  {
    name: 'backtracks past a version whose dependency does not exist (the packse example)',
    universe: {
      a: { '1.0.0': { requires: ['b>1.0.0'] } },
      b: { '1.0.0': {}, '2.0.0': {}, '3.0.0': { requires: ['c'] } },
    },
    requirements: ['a'],
    expect: { a: '1.0.0', b: '2.0.0' },
  },
  {
    name: 'backtracks on a transitive conflict two levels down',
    universe: {
      a: { '1.0': { requires: ['b'] }, '2.0': { requires: ['b>=2'] } },
      b: { '1.0': { requires: ['x==1'] }, '2.0': { requires: ['x==2'] } },
      d: { '1.0': { requires: ['x==1'] } },
      x: { '1.0': {}, '2.0': {} },
    },
    requirements: ['a', 'd'],
    expect: { a: '1.0', b: '1.0', d: '1.0', x: '1.0' },
  },
  {
    name: 'drops a package whose only parent was re-pinned to a version without it',
    universe: {
      a: { '1.0': {}, '2.0': { requires: ['gone'] } },
      b: { '1.0': { requires: ['a<2'] } },
      gone: { '1.0': {} },
    },
    requirements: ['a', 'b'],
    expect: { a: '1.0', b: '1.0' },
  },
  // --- extras
  {
    name: 'installs the dependencies of a requested extra',
    universe: {
      a: { '1.0': { requires: ['b'], extras: { x: ['c>=2'] } } },
      b: { '1.0': {} },
      c: { '1.0': {}, '2.0': {} },
    },
    requirements: ['a[x]'],
    expect: { a: '1.0', b: '1.0', c: '2.0' },
  },
  {
    name: 'leaves out the dependencies of an extra nobody asked for',
    universe: { a: { '1.0': { extras: { x: ['c'] } } }, c: { '1.0': {} } },
    requirements: ['a'],
    expect: { a: '1.0' },
  },
  {
    name: 'follows an extra that depends on another extra of the same package',
    universe: {
      a: { '1.0': { extras: { x: ['a[y]'], y: ['c'] } } },
      c: { '1.0': {} },
    },
    requirements: ['a[x]'],
    expect: { a: '1.0', c: '1.0' },
  },
  {
    name: 'keeps a package and its extra on one version',
    universe: {
      a: { '1.0': { extras: { x: ['c==1'] } }, '2.0': { extras: { x: ['c==2'] } } },
      c: { '1.0': {}, '2.0': {} },
    },
    requirements: ['a[x]', 'c<2'],
    expect: { a: '1.0', c: '1.0' },
  },
  {
    name: 'includes a dependency whose marker is true for the requested extra only',
    universe: {
      a: {
        '1.0': {
          requires: ['b; python_version < "3.8" or extra == "x"', 'old; python_version < "3.8"'],
          extras: { x: [] },
        },
      },
      b: { '1.0': {} },
      old: { '1.0': {} },
    },
    requirements: ['a[x]'],
    expect: { a: '1.0', b: '1.0' },
  },
  {
    name: 'leaves out a dependency whose marker needs an extra when none is requested',
    universe: {
      a: { '1.0': { requires: ['b; python_version < "3.8" or extra == "x"'], extras: { x: [] } } },
      b: { '1.0': {} },
    },
    requirements: ['a'],
    expect: { a: '1.0' },
  },
  {
    name: 'warns about an extra the distribution does not provide and resolves the rest',
    universe: { a: { '1.0': { requires: ['b'] } }, b: { '1.0': {} } },
    requirements: ['a[missing]'],
    expect: { a: '1.0', b: '1.0' },
    warnings: [/a 1\.0 does not provide the extra 'missing'/],
  },
  {
    name: 'skips a root requirement whose marker is false for the target',
    universe: { a: { '1.0': {} }, b: { '1.0': {} } },
    requirements: ['a', 'b; sys_platform == "win32"'],
    expect: { a: '1.0' },
  },
  // --- pre-releases
  {
    name: 'prefers the final release over a newer pre-release',
    universe: { a: { '1.0': {}, '2.0a1': {} } },
    requirements: ['a'],
    expect: { a: '1.0' },
  },
  {
    name: 'takes the newest pre-release with allowPrereleases',
    universe: { a: { '1.0': {}, '2.0a1': {} } },
    requirements: ['a'],
    options: { allowPrereleases: true },
    expect: { a: '2.0a1' },
  },
  {
    name: 'allows pre-releases when a clause names one',
    universe: { a: { '1.0': {}, '2.0a1': {} } },
    requirements: ['a>=1.0a1'],
    expect: { a: '2.0a1' },
  },
  {
    name: 'allows pre-releases for every requirement on a name once one clause names one',
    universe: { c: { '1.0.0': { extras: { extra: [] } }, '2.0.0a1': { extras: { extra: [] } } } },
    requirements: ['c[extra]>=1.0', 'c[extra]>=0.5a1'],
    expect: { c: '2.0.0a1' },
  },
  {
    name: 'falls back to a pre-release when no final release matches a non-empty specifier',
    universe: { a: { '1.0': {}, '2.0a1': {} } },
    requirements: ['a>=1.5'],
    expect: { a: '2.0a1' },
  },
  {
    name: 'uses a pre-release when only pre-releases exist',
    universe: { a: { '1.0a1': {}, '1.0b2': {} } },
    requirements: ['a'],
    expect: { a: '1.0b2' },
  },
  {
    name: 'does not fall back to a pre-release after the final release was rejected by backtracking',
    universe: {
      a: { '1.0.0': {}, '2.0.0': {} },
      c: { '1.0.0': { requires: ['d==2.0.0'] }, '1.5.0a1': {}, '2.0.0b1': { requires: ['a>=2.0.0'] } },
      d: { '2.0.0': { requires: ['a>=2.0.0b1'] } },
    },
    requirements: ['a==1.0.0', 'c>=1.0.0'],
    expect:
      /^Cannot install a==1\.0\.0 and d==2\.0\.0 because these package versions have conflicting dependencies: -r requirements\.in requires a==1\.0\.0; d 2\.0\.0 depends on a>=2\.0\.0b1\.$/,
  },
  {
    name: 'keeps a transitive pre-release named by a dependency clause',
    universe: { a: { '1.0.0': { requires: ['c>=1.0.0a1'] } }, c: { '1.0.0': {}, '2.0.0a1': {} } },
    requirements: ['a'],
    expect: { a: '1.0.0', c: '2.0.0a1' },
  },
  // --- yanked
  {
    name: 'skips a yanked version for a range',
    universe: { a: { '1.0': {}, '2.0': { yanked: 'broken' } } },
    requirements: ['a'],
    expect: { a: '1.0' },
  },
  {
    name: 'takes a yanked version pinned with == and warns',
    universe: { a: { '1.0': {}, '2.0': { yanked: 'broken' } } },
    requirements: ['a==2.0'],
    expect: { a: '2.0' },
    warnings: [/a 2\.0 is yanked \(reason: broken\)/],
  },
  {
    name: 'takes a yanked version pinned with ===',
    universe: { a: { '2.0': { yanked: true } } },
    requirements: ['a===2.0'],
    expect: { a: '2.0' },
    warnings: [/a 2\.0 is yanked; it was chosen because it is pinned/],
  },
  {
    name: 'refuses a yanked version matched by a range only',
    universe: { a: { '1.0': {}, '2.0': { yanked: true } } },
    requirements: ['a>=2.0'],
    expect: /No matching distribution found for a>=2\.0 \(required by -r requirements\.in\)\. Usable versions: 1\.0\. Ruled out: 2\.0 is yanked\./,
  },
  {
    name: 'refuses a yanked version matched by a wildcard == only',
    universe: { a: { '1.0': {}, '2.0': { yanked: true } } },
    requirements: ['a==2.*'],
    expect: /No matching distribution found for a==2\.\*/,
  },
  {
    name: 'takes a yanked version when the pin comes from the root and the range from a dependency',
    universe: {
      a: { '0.1.0': { requires: ['b>0.1'] } },
      b: { '0.1.0': {}, '1.0.0': { yanked: true } },
    },
    requirements: ['a', 'b==1.0.0'],
    expect: { a: '0.1.0', b: '1.0.0' },
    warnings: [/b 1\.0\.0 is yanked/],
  },
  // --- Requires-Python
  {
    name: 'checks Requires-Python of the chosen version metadata against the target',
    universe: {
      a: { '1.0': { requiresPython: '>=3.8' }, '2.0': { requiresPython: '>=3.13', fileRequiresPython: null } },
    },
    requirements: ['a'],
    expect: { a: '1.0' },
  },
  {
    name: 'checks Requires-Python upper bounds against the full target version',
    universe: {
      a: { '1.0': {}, '2.0': { requiresPython: '<3.12.1', fileRequiresPython: null } },
    },
    requirements: ['a'],
    expect: { a: '1.0' },
  },
  {
    name: 'explains a Requires-Python that excludes the target',
    universe: { a: { '2.0': { requiresPython: '>=3.13', fileRequiresPython: null } } },
    requirements: ['a'],
    expect: /^No solution: a 2\.0 requires Python >=3\.13, but the target is Python 3\.12\.1\.$/,
  },
  // --- constraints
  {
    name: 'narrows a version with a constraint',
    universe: { a: { '1.0': {}, '1.5': {}, '2.0': {} } },
    requirements: ['a'],
    options: { constraints: ['a<2'] },
    expect: { a: '1.5' },
  },
  {
    name: 'does not add a package that is only constrained',
    universe: { a: { '1.0': {} }, b: { '1.0': {} } },
    requirements: ['a'],
    options: { constraints: ['b==1.0'] },
    expect: { a: '1.0' },
  },
  {
    name: 'constrains a transitive dependency',
    universe: { a: { '1.0': { requires: ['b'] } }, b: { '1.0': {}, '2.0': {} } },
    requirements: ['a'],
    options: { constraints: ['b<2'] },
    expect: { a: '1.0', b: '1.0' },
  },
  {
    name: 'ignores a constraint whose marker is false for the target',
    universe: { a: { '1.0': {}, '2.0': {} } },
    requirements: ['a'],
    options: { constraints: ['a<2; sys_platform == "win32"'] },
    expect: { a: '2.0' },
  },
  {
    name: 'explains a requirement that contradicts a constraint',
    universe: { a: { '1.0': {}, '2.0': {} } },
    requirements: ['a>=2'],
    options: { constraints: ['a<2'] },
    expect: /-r requirements\.in requires a>=2; -c constraints\.txt constrains a<2/,
  },
  // --- preferences and upgrades
  {
    name: 'keeps a preferred version that still satisfies the requirements',
    universe: { a: { '1.0': {}, '2.0': {} } },
    requirements: ['a'],
    options: { preferences: { a: '1.0' } },
    expect: { a: '1.0' },
  },
  {
    name: 'moves off a preferred version that no longer satisfies the requirements',
    universe: { a: { '1.0': {}, '2.0': {}, '3.0': {} } },
    requirements: ['a>=2'],
    options: { preferences: { a: '1.0' } },
    expect: { a: '3.0' },
  },
  {
    name: 'ignores the preference of a package named for upgrade',
    universe: { a: { '1.0': {}, '2.0': {} }, b: { '1.0': {}, '2.0': {} } },
    requirements: ['a', 'b'],
    options: { preferences: { a: '1.0', b: '1.0' }, upgrade: ['a'] },
    expect: { a: '2.0', b: '1.0' },
  },
  {
    name: 'ignores every preference when upgrading all',
    universe: { a: { '1.0': {}, '2.0': {} }, b: { '1.0': {}, '2.0': {} } },
    requirements: ['a', 'b'],
    options: { preferences: { a: '1.0', b: '1.0' }, upgrade: 'all' },
    expect: { a: '2.0', b: '2.0' },
  },
  {
    name: 'does not keep a preferred version that was yanked since',
    universe: { a: { '1.0': {}, '1.1': { yanked: true }, '1.2': {} } },
    requirements: ['a'],
    options: { preferences: { a: '1.1' } },
    expect: { a: '1.2' },
  },
  {
    name: 'keeps a preferred transitive version while its parent moves',
    universe: {
      a: { '1.0': { requires: ['b'] }, '2.0': { requires: ['b'] } },
      b: { '1.0': {}, '2.0': {} },
    },
    requirements: ['a'],
    options: { preferences: { b: '1.0' } },
    expect: { a: '2.0', b: '1.0' },
  },
  // --- direct references
  {
    name: 'uses the one distribution at a direct URL',
    universe: { a: { '1.0': {}, '3.0': {} }, b: { '1.0': {} } },
    requirements: ['a @ https://files.example/a-2.0-py3-none-any.whl'],
    options: {
      urls: { 'https://files.example/a-2.0-py3-none-any.whl': { name: 'a', version: '2.0', metadata: { requires: ['b'] } } },
    },
    expect: { a: '2.0', b: '1.0' },
  },
  {
    name: 'satisfies a dependency on the name with the direct URL distribution',
    universe: { a: { '1.0': {}, '3.0': {} }, p: { '1.0': { requires: ['a>=2'] } } },
    requirements: ['p', 'a @ https://files.example/a-2.0.tar.gz'],
    options: { urls: { 'https://files.example/a-2.0.tar.gz': { name: 'a', version: '2.0' } } },
    expect: { a: '2.0', p: '1.0' },
  },
  {
    name: 'explains a dependency that the direct URL distribution does not satisfy',
    universe: { a: { '1.0': {}, '3.0': {} }, p: { '1.0': { requires: ['a>=3'] } } },
    requirements: ['p', 'a @ https://files.example/a-2.0.tar.gz'],
    options: { urls: { 'https://files.example/a-2.0.tar.gz': { name: 'a', version: '2.0' } } },
    expect: /conflicting dependencies: .*p 1\.0 depends on a>=3/,
  },
  // --- not found
  {
    name: 'explains a root requirement that no index has',
    universe: {},
    requirements: ['nowhere>=1'],
    expect: /^No matching distribution found for nowhere>=1 \(required by -r requirements\.in\): no index has a project named nowhere\.$/,
  },
  {
    name: 'explains a transitive requirement that no index has',
    universe: { a: { '1.0': { requires: ['nowhere'] } } },
    requirements: ['a'],
    expect: /^No matching distribution found for nowhere \(required by a 1\.0\): no index has a project named nowhere\.$/,
  },
  {
    name: 'explains which versions were ruled out and why',
    universe: {
      b: {
        '1.0': {},
        '2.0': { yanked: 'bad build' },
        '3.0': { requiresPython: '>=3.13' },
        '4.0': { excluded: { kind: 'no-compatible-file' } },
      },
    },
    requirements: ['b>=2'],
    expect:
      /^No matching distribution found for b>=2 \(required by -r requirements\.in\)\. Usable versions: 1\.0\. Ruled out: 2\.0 is yanked \(bad build\); 3\.0 requires Python >=3\.13 \(the target is 3\.12\.1\); 4\.0 has no file compatible with the target\.$/,
  },
  {
    name: 'explains two dependencies that cannot hold together',
    universe: {
      a: { '1.0': { requires: ['c==1.0'] } },
      b: { '1.0': { requires: ['c==2.0'] } },
      c: { '1.0': {}, '2.0': {} },
    },
    requirements: ['a', 'b'],
    expect:
      /^Cannot install a==1\.0 and b==1\.0 because these package versions have conflicting dependencies: a 1\.0 depends on c==1\.0; b 1\.0 depends on c==2\.0\.$/,
  },
];

describe('resolve', () => {
  for (const c of cases) {
    it(c.name, async () => {
      if (c.expect instanceof RegExp) {
        const pattern = c.expect;
        await assert.rejects(run(c.universe, c.requirements, c.options), (error: unknown) => {
          assert.ok(error instanceof NoSolutionError, `expected NoSolutionError, got ${String(error)}`);
          assert.equal(error.code, 'NO_SOLUTION');
          assert.equal(error.exitCode, 1);
          assert.match(error.message, pattern);
          return true;
        });
        return;
      }
      const { resolution, provider } = await run(c.universe, c.requirements, c.options);
      assert.deepEqual(pins(resolution), c.expect);
      assert.deepEqual(provider.repeatedCalls(), []);
      for (const warning of c.warnings ?? []) {
        assert.ok(
          resolution.warnings.some((w) => warning.test(w)),
          `no warning matches ${String(warning)} in ${JSON.stringify(resolution.warnings)}`,
        );
      }
      if (c.warnings === undefined) assert.deepEqual(resolution.warnings, []);
    });
  }
});

describe('resolve reports', () => {
  it('lists parents and root sources in via, sorted, with constraint sources', async () => {
    const { resolution } = await run(
      {
        a: { '1.0': { requires: ['c'] } },
        b: { '1.0': { requires: ['c'] } },
        c: { '1.0': {} },
      },
      ['b', 'a', 'c'],
      { constraints: ['c<2'] },
    );
    const c = resolution.packages.find((p) => p.name === 'c');
    assert.deepEqual(c?.via, ['-c constraints.txt', '-r requirements.in', 'a', 'b']);
    assert.deepEqual(
      resolution.packages.map((p) => p.name),
      ['a', 'b', 'c'],
    );
  });

  it('records the extras in use and the direct URL of a package', async () => {
    const url = 'https://files.example/a-2.0-py3-none-any.whl';
    const { resolution } = await run({ b: { '1.0': {} } }, [`a[x,y] @ ${url}`], {
      urls: { [url]: { name: 'a', version: '2.0', metadata: { extras: { x: ['b'], y: [] } } } },
    });
    const a = resolution.packages.find((p) => p.name === 'a');
    assert.equal(a?.url, url);
    assert.deepEqual(a?.extras, ['x', 'y']);
    assert.equal(a?.yanked, false);
    assert.deepEqual(resolution.packages.find((p) => p.name === 'b')?.via, ['a']);
  });

  it('marks a yanked pin with its reason', async () => {
    const { resolution } = await run({ a: { '2.0': { yanked: 'security issue' } } }, ['a==2.0']);
    const a = resolution.packages[0];
    assert.equal(a?.yanked, true);
    assert.equal(a?.yankedReason, 'security issue');
  });

  it('gives the explanation as data', async () => {
    await assert.rejects(run({ b: { '1.0': {}, '2.0': { yanked: true } } }, ['b>=2']), (error: unknown) => {
      assert.ok(error instanceof NoSolutionError);
      const explanation = error.explanation;
      assert.equal(explanation.kind, 'no-matching-distribution');
      assert.equal(explanation.pythonVersion, '3.12.1');
      assert.deepEqual(explanation.causes, [
        { requirement: 'b>=2', name: 'b', requiredBy: { kind: 'root', source: '-r requirements.in' } },
      ]);
      assert.deepEqual(explanation.projects, [
        { name: 'b', onIndex: true, versions: ['1.0'], ruledOut: [{ version: '2.0', reason: { kind: 'yanked' } }] },
      ]);
      return true;
    });
  });

  it('asks the provider each question once even while backtracking', async () => {
    const { provider } = await run(
      {
        a: { '1.0': { requires: ['b', 'c==1'] }, '2.0': { requires: ['b', 'c==2'] }, '3.0': { requires: ['b', 'c==3'] } },
        b: { '1.0': { requires: ['c'] }, '2.0': { requires: ['c'] } },
        c: { '1.0': {}, '2.0': {}, '3.0': {} },
      },
      ['a', 'c<2'],
    );
    assert.deepEqual(provider.repeatedCalls(), []);
  });
});

describe('resolve with a failing provider', () => {
  it('passes on an error of the provider for a version it pins', async () => {
    class BrokenMetadata extends MemoryProvider {
      override async getMetadata(pin: Pin): Promise<DistMetadata> {
        if (pin.name === 'b') throw new PinHashesError('METADATA_NEEDS_BUILD', 'b 1.0 only has an sdist with dynamic metadata');
        return super.getMetadata(pin);
      }
    }
    const provider = new BrokenMetadata({ a: { '1.0': { requires: ['b'] } }, b: { '1.0': {} } }, Version.parse(PYTHON));
    await assert.rejects(resolve(provider, buildOptions(['a'])), { code: 'METADATA_NEEDS_BUILD' });
  });
});
