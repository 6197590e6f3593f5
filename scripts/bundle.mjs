// `npm run build`, second step: the compiled CLI (dist/src/cli/main.js) and its dependencies as a
// few ESM files in dist/cli/, which bin/pin-hashes.js loads. Why: resolving and reading ~300
// small module files (ours, yargs', got's, zod's, sigstore's) is most of a start-up; one file per
// lazily loaded part is read and compiled at once, and V8's compile cache keeps it compiled.
// Split at our dynamic imports, so `--version` loads yargs and the flag table only, and a
// recalled lock never loads the resolver, got or sigstore.
import { build } from 'esbuild';
import { builtinModules, createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// Node's own modules are taken with require(), not import: an ESM import of a built-in builds its
// ESM facade by reading every export, and that runs lazy getters. `import 'node:http'` costs
// ~22 ms on Node 24 (its facade loads undici for the fetch globals), require ~2 ms; crypto 4 ms
// against 0.1. The bundle's named imports of a built-in then go through esbuild's CommonJS
// interop, which reads only the names used.
const builtins = new Set(builtinModules);
const requireHere = createRequire(import.meta.url);

/**
 * An ES module over require('node:NAME'), one per built-in, shared by every importer: its named
 * exports are the module's plain data properties, read once (`export const readFile = m.readFile`).
 * A CommonJS stand-in would have esbuild copy every property into a getter for each importing
 * module (~4 ms of start-up over fs, crypto, http and the rest). Accessors are left out, so a
 * lazy getter of Node's (http's undici-backed ones) is never run at start-up; code that reads one
 * through the default export still gets it.
 */
// Accessors that dependencies import by name, read when the stand-in loads: each only loads its
// module's promise API. Any other accessor imported by name fails the build ("No matching
// export"), so a dependency that starts doing so is looked at, not silently made slow.
const ACCESSORS_READ_AT_LOAD = { dns: ['promises'], fs: ['promises'], stream: ['promises'], timers: ['promises'] };

function builtinStandIn(name) {
  const real = requireHere(`node:${name}`);
  const isData = (key) => 'value' in (Object.getOwnPropertyDescriptor(real, key) ?? {});
  const allowed = new Set(ACCESSORS_READ_AT_LOAD[name] ?? []);
  const names = Object.keys(real).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default' && (isData(key) || allowed.has(key)));
  return [`const m = require('node:${name}');`, 'export default m;', ...names.map((key) => `export const ${key} = m.${key};`)].join('\n') + '\n';
}
const requireBuiltins = {
  name: 'require-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (!builtins.has(bare) || args.namespace === 'builtin') return undefined;
      // CommonJS code require()s a built-in and may call it, extend it or read its accessors
      // (http2-wrapper: `class Agent extends require('events')`): it gets the module itself,
      // from the banner's real require().
      if (args.kind === 'require-call') return { path: `node:${bare}`, external: true };
      return { path: bare, namespace: 'builtin' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: builtinStandIn(args.path), loader: 'js' }));
  },
};

// Modules whose import costs start-up time and whose exports are used only later, if at all:
// each is evaluated on first use instead of at start-up, behind a stand-in of the same shape.
// - string-width (yargs' help layout, three copies) builds an Intl.Segmenter when imported,
//   which loads ICU's data: ~17 ms of every run, for text only --help lays out. A function.
// - http2-wrapper (got's HTTP/2, which we never turn on) loads node:http2 and its socket
//   wrappers: ~7 ms before the first request. An object got reads only for HTTP/2 requests.
// - cacheable-request and cacheable-lookup (got's response cache and DNS cache, both off: we
//   keep our own records) with their dependencies: classes got constructs only when those
//   options are set; got also asks `error instanceof CacheError` of every failed request, which
//   the stand-in answers without loading anything (nothing can be an instance before a load).
const LAZY_MODULES = new Map([
  ['string-width', { default: 'function' }],
  ['http2-wrapper', { default: 'object' }],
  ['cacheable-request', { default: 'class', named: ['CacheError'] }],
  ['cacheable-lookup', { default: 'class' }],
]);

function lazyStandIn(path, shape) {
  // require() of a module makes esbuild wrap it in an initializer run on the first call.
  const lines = [`let real;`, `const load = () => (real ??= require(${JSON.stringify(path)}));`];
  const pick = (name) => (name === 'default' ? `((m) => m.default ?? m)` : `((m) => m[${JSON.stringify(name)}])`);
  const make = (kind, name) => {
    if (kind === 'function') return `function (...args) { return ${pick(name)}(load())(...args); }`;
    if (kind === 'object') return `new Proxy({}, { get: (_t, key) => ${pick(name)}(load())[key], has: (_t, key) => key in ${pick(name)}(load()) })`;
    return `lazyClass(${pick(name)})`;
  };
  if (shape.default === 'class' || shape.named) {
    lines.push(
      `function lazyClass(pick) {`,
      `  function standIn(...args) { return Reflect.construct(pick(load()), args); }`,
      `  Object.defineProperty(standIn, Symbol.hasInstance, { value: (value) => real !== undefined && value instanceof pick(real) });`,
      `  return standIn;`,
      `}`,
    );
  }
  lines.push(`export default ${make(shape.default, 'default')};`);
  for (const name of shape.named ?? []) lines.push(`export const ${name} = ${make('class', name)};`);
  return lines.join('\n') + '\n';
}

const lazyModules = {
  name: 'lazy-modules',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[a-z@][a-z0-9@/._-]*$/ }, async (args) => {
      if (!LAZY_MODULES.has(args.path) || args.namespace === 'lazy' || args.pluginData?.real) return undefined;
      // The copy the importer would get (there are several versions in node_modules).
      const real = await pluginBuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy', pluginData: { shape: LAZY_MODULES.get(args.path) } };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: lazyStandIn(args.path, args.pluginData.shape),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

// Source edits of dependencies, each asserting the text it replaces (an update that changes it
// fails the build instead of silently keeping the cost).
// - @sindresorhus/is (got's type checks) builds two Intl.ListFormat objects when imported, for
//   its error messages: the first loads ICU's list data, ~11 ms before every first request.
//   They are built on first use instead.
const SOURCE_EDITS = [
  {
    file: /node_modules\/@sindresorhus\/is\/distribution\/index\.js$/,
    replace: [
      [
        "const andFormatter = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });",
        "const andFormatter = { format: (list) => (andFormatter.real ??= new Intl.ListFormat('en', { style: 'long', type: 'conjunction' })).format(list) };",
      ],
      [
        "const orFormatter = new Intl.ListFormat('en', { style: 'long', type: 'disjunction' });",
        "const orFormatter = { format: (list) => (orFormatter.real ??= new Intl.ListFormat('en', { style: 'long', type: 'disjunction' })).format(list) };",
      ],
    ],
  },
];

const sourceEdits = {
  name: 'source-edits',
  setup(pluginBuild) {
    for (const edit of SOURCE_EDITS) {
      pluginBuild.onLoad({ filter: edit.file }, async (args) => {
        let contents = await readFile(args.path, 'utf8');
        for (const [from, to] of edit.replace) {
          if (!contents.includes(from)) throw new Error(`${args.path} no longer contains ${JSON.stringify(from)}: review the edit in scripts/bundle.mjs`);
          contents = contents.replace(from, to);
        }
        return { contents, loader: 'js' };
      });
    }
  },
};

/** The options every bundle of ours is built with (the CLI below, and the stand-ins' test). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // CommonJS dependencies (sigstore's) call require() for Node's modules; ESM output has none.
  banner: { js: "import { createRequire as __pinHashesRequire } from 'node:module'; const require = __pinHashesRequire(import.meta.url);" },
  plugins: [requireBuiltins, lazyModules, sourceEdits],
  legalComments: 'none',
  logLevel: 'warning',
};

const root = fileURLToPath(new URL('..', import.meta.url));

// Run as a script (npm run build), not when a test imports the options.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outdir = `${root}dist/cli`;
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: { main: `${root}dist/src/cli/main.js`, 'compile-cache': `${root}dist/src/cli/compile-cache.js` },
    outdir,
    splitting: true,
    chunkNames: 'chunk-[hash]',
  });
  // A warning here is a bundle that may not run as built (an import with no matching export is
  // undefined at run time): fail, as for an error.
  if (result.warnings.length > 0) {
    console.error(`${result.warnings.length} bundle warning(s): fix them, or the CLI may fail at run time`);
    process.exit(1);
  }
}
