// Where the CLI keeps V8's compile cache (cli/compile-cache.ts), read from raw argv before any parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCacheFolder } from '../../../src/cli/compile-cache.js';

test('the compile cache folder follows --no-cache and --cache-dir in every spelling', () => {
  const env = { PIN_HASHES_CACHE_DIR: '/c' };
  const cases: [string[], NodeJS.ProcessEnv, string | undefined][] = [
    [['lock'], env, '/c/compile-cache'],
    [['lock', '--no-cache'], env, undefined],
    [['lock', '--no-cache=true'], env, undefined],
    [['lock', '--no-cache=false'], env, '/c/compile-cache'],
    [['lock', '--cache-dir', '/d'], env, '/d/compile-cache'],
    [['lock', '--cache-dir=/e'], env, '/e/compile-cache'],
    [['lock', '--cache-dir', '/d'], { ...env, NODE_COMPILE_CACHE: '/n' }, '/n'],
    [['lock', '--', '--no-cache'], env, '/c/compile-cache'],
  ];
  for (const [argv, given, folder] of cases) assert.equal(compileCacheFolder(argv, given), folder, argv.join(' '));
});
