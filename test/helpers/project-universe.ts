import type { UniversePackage } from './universe.js';

/** A project's dependencies, an extra's and two groups' (one included by the other): the pyproject tests' index. */
export const PROJECT_PACKAGES: readonly UniversePackage[] = [
  { name: 'app-core', versions: { '1.0': { requiresDist: ['helper-lib'] } } },
  { name: 'helper-lib', versions: { '2.0': {} } },
  { name: 'docs-tool', versions: { '3.0': {} } },
  { name: 'test-runner', versions: { '4.0': {} } },
  { name: 'lint-tool', versions: { '5.0': {} } },
];

/** A project's input and one more tool: what the hook, Action and bot tests lock. */
export const HOOK_PACKAGES: readonly UniversePackage[] = [
  { name: 'app-core', versions: { '1.0': { requiresDist: ['helper-lib'] } } },
  { name: 'helper-lib', versions: { '2.0': {} } },
  { name: 'extra-tool', versions: { '3.0': {} } },
];
