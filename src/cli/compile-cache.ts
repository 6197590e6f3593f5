/**
 * V8's compile cache for the bundled CLI: a start-up then reads machine code instead of compiling
 * ~2 MB of JavaScript (~0.03 s of each run on Node 24; Node 22.1+ has it).
 *
 * It lives in pin-hashes' own cache folder, not in Node's default (os.tmpdir()/node-compile-cache):
 * on a shared machine another user can create that folder first, and V8 checks a cache entry's
 * source hash and checksum, not who wrote it, so a planted entry would run as our code. The
 * user's own NODE_COMPILE_CACHE is taken as given (and NODE_DISABLE_COMPILE_CACHE=1 is Node's
 * off switch). `--no-cache` writes no cache of any kind. --cache-dir is not read here (argv is
 * not parsed yet): the folder is the default one, or PIN_HASHES_CACHE_DIR.
 */
import module from 'node:module';
import { join } from 'node:path';
import { defaultCacheDir } from '../cache/location.js';

export function enableCompileCache(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  if (typeof module.enableCompileCache !== 'function' || argv.includes('--no-cache')) return;
  try {
    // Reports a folder it cannot use in its result instead of throwing; the catch is for a
    // home folder that cannot even be named.
    module.enableCompileCache(env['NODE_COMPILE_CACHE'] || join(defaultCacheDir(env), 'compile-cache'));
  } catch {
    // Without the cache a start-up only compiles again.
  }
}
