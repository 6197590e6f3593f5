// `npm run build`, second step: the compiled CLI (dist/src/cli/main.js) and its dependencies as a
// few ESM files in dist/cli/, which bin/pin-hashes.js loads. Why: resolving and reading ~300
// small module files (ours, yargs', got's, zod's, sigstore's) is most of a start-up; one file per
// lazily loaded part is read and compiled at once, and V8's compile cache keeps it compiled.
// Split at our dynamic imports, so `--version` loads yargs and the flag table only, and a
// recalled lock never loads the resolver, got or sigstore.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
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

// Modules whose import costs start-up time and whose only export is a function called later:
// each is evaluated on its first call instead. string-width (yargs' help layout, three copies)
// builds an Intl.Segmenter when imported, which loads ICU's data: ~17 ms of every start, for
// text that only --help lays out.
const LAZY_FUNCTION_MODULES = new Set(['string-width']);
const lazyFunctionModules = {
  name: 'lazy-function-modules',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[a-z@][a-z0-9@/._-]*$/ }, async (args) => {
      if (!LAZY_FUNCTION_MODULES.has(args.path) || args.namespace === 'lazy' || args.pluginData === 'real') return undefined;
      // The copy the importer would get (there are several versions in node_modules).
      const real = await pluginBuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy' };
    });
    // require() of an ES module makes esbuild wrap it in an initializer run on first use.
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `let real;\nexport default function lazy(...args) {\n  real ??= require(${JSON.stringify(args.path)});\n  return real.default(...args);\n}\n`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
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
  plugins: [requireBuiltins, lazyFunctionModules],
  legalComments: 'none',
  logLevel: 'warning',
});
