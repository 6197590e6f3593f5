// The made-up projects of `npm run demo` (examples/demo/requirements.in locks against them):
// yanked releases, a pre-release, extras, Requires-Python and platform wheels in a small graph.
// Shared with the tests that check what the demo shows.
import { buildUniverse, type IndexProject } from './index-server.js';

export function demoUniverse(): IndexProject[] {
  return buildUniverse([
  {
    name: 'demo-web',
    versions: {
      '1.0': { requiresDist: ['demo-http>=2'], sdist: true },
      '1.1': { requiresDist: ['demo-http>=2.1', 'demo-json'], sdist: true },
      '1.2': { requiresDist: ['demo-http>=3'], yanked: 'broke the login page' },
    },
  },
  {
    name: 'demo-http',
    versions: {
      '2.0': { sdist: true },
      '2.1': { sdist: true, wheelTags: ['py3-none-any'] },
      '3.0a1': {},
    },
  },
  { name: 'demo-json', versions: { '1.0': { sdist: true, requiresPython: '>=3.8' } } },
  {
    name: 'demo-cli',
    versions: {
      '0.9': { requiresDist: ['demo-colors>=1,<2; extra == "color"'], providesExtra: ['color'] },
      '1.0': { requiresDist: ['demo-colors>=2; extra == "color"'], providesExtra: ['color'] },
    },
  },
  {
    name: 'demo-colors',
    versions: {
      '1.0': { wheelTags: ['py3-none-any', 'py3-none-win_amd64'], sdist: true },
      '2.0': {},
    },
  },
]);
}
