// npm's `prepare` script: the build (`npm run build`), after making sure the build's tools are there.
//
// Why not just `npm run build`: a global install from git (`npm install -g git+URL`, which is how
// pre-commit installs a `language: node` hook) prepares the clone with a nested `npm install` that
// inherits the outer command's `npm_config_global=true`, so it installs the clone into the global
// folder instead of installing its devDependencies into the clone (npm/cli#8440), and `tsc` is
// not found. (That nested install writing into the global folder beside its parent can also
// collide with it; nothing here can stop that.) When TypeScript or esbuild is missing here, this
// installs the locked devDependencies into this folder first: `npm ci`, forced local
// (--global=false, --prefix here), with lifecycle scripts off so it does not run this script again.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = process.cwd();
const npmCli = process.env.npm_execpath;

function run(args, env) {
  const npm = npmCli ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  const result = spawnSync(npm[0], npm[1], { cwd: root, stdio: 'inherit', env, shell: !npmCli && process.platform === 'win32' });
  if (result.error) console.error(`pin-hashes prepare: could not run npm ${args[0]}: ${result.error.message}`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The inherited global mode and prefix (every spelling npm reads) must not apply to what runs here.
const env = { ...process.env };
for (const key of Object.keys(env)) if (/^npm_config_(global|prefix|location)$/i.test(key)) delete env[key];

const buildTools = ['typescript', 'esbuild'];
const missing = buildTools.filter((name) => !existsSync(resolve(root, 'node_modules', name, 'package.json')));
if (missing.length > 0) {
  console.error(`pin-hashes prepare: ${missing.join(' and ')} not installed here; installing the locked devDependencies (npm ci) to build`);
  run(['ci', '--global=false', `--prefix=${root}`, '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'], env);
}
run(['run', 'build'], env);
