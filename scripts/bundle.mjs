// `npm run build`, second step: the compiled CLI (dist/src/cli/main.js) and its dependencies as a
// few ESM files in dist/cli/, which bin/pin-hashes.js loads. Why: resolving and reading ~300
// small module files (ours, yargs', got's, zod's, sigstore's) is most of a start-up; one file per
// lazily loaded part is read and compiled at once, and V8's compile cache keeps it compiled.
// Split at our dynamic imports, so `--version` loads yargs and the flag table only, and a
// recalled lock never loads the resolver, got or sigstore.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Node's own modules are taken with require(), not import: an ESM import of a built-in builds its
// ESM facade by reading every export, and that runs lazy getters. `import 'node:http'` costs
// ~22 ms on Node 24 (its facade loads undici for the fetch globals), require ~2 ms; crypto 4 ms
// against 0.1. The bundle's named imports of a built-in then go through esbuild's CommonJS
// interop, which reads only the names used.
const builtins = new Set(builtinModules);
const requireBuiltins = {
  name: 'require-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (!builtins.has(bare) || args.namespace === 'builtin') return undefined;
      return { path: bare, namespace: 'builtin' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require('node:${args.path}');`, loader: 'js' }));
  },
};

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: `${root}dist/src/cli/main.js`, 'compile-cache': `${root}dist/src/cli/compile-cache.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunk-[hash]',
  // CommonJS dependencies (sigstore's) call require() for Node's modules; ESM output has none.
  banner: { js: "import { createRequire as __pinHashesRequire } from 'node:module'; const require = __pinHashesRequire(import.meta.url);" },
  plugins: [requireBuiltins],
  legalComments: 'none',
  logLevel: 'warning',
});
