// Runs node's test runner on the compiled test files. Node 20 and 22 read `node --test` path
// arguments differently (directories vs globs), so we hand it an explicit file list.
//
//   node scripts/run-tests.mjs            the quick suite (`npm test`): everything but SLOW
//   node scripts/run-tests.mjs --all      everything (`npm run test:all`, what CI runs)
//   node scripts/run-tests.mjs lock pep   only files whose path contains one of these
//
// Every test process, and every CLI a test starts, loads test/helpers/loopback-only.js: a
// connection to anything but loopback fails at once.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

/** Long runs that prove agreement with pip at scale; the quick suite keeps one of each kind of check. */
const SLOW = [
  'dist/test/e2e/differential.test.js', // ~440 pip processes on seeded random universes
  'dist/test/e2e/scenarios.test.js', // every packse scenario through the CLI, judged by pip
  'dist/test/e2e/pylock-pip.test.js', // pip 26 and packaging in a virtual environment made for it
  'dist/test/e2e/integrations.test.js', // pre-commit and the Action's install step, each building pin-hashes from a git copy
  'dist/test/e2e/targets-pip26.test.js', // the same environment, for the lock of several targets
];

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const args = process.argv.slice(2);
const all = args.includes('--all');
const filter = args.filter((a) => a !== '--all');
const files = findTests('dist/test')
  .filter((f) => (filter.length === 0 ? all || !SLOW.includes(f) : filter.some((part) => f.includes(part))))
  .sort();
if (files.length === 0) {
  console.error('no test files found under dist/test (did the build run?)');
  process.exit(1);
}
const guard = pathToFileURL(resolve('dist/test/helpers/loopback-only.js')).href;
const nodeOptions = [process.env.NODE_OPTIONS, `--import=${guard}`].filter(Boolean).join(' ');
// Three files at once for the quick suite: most e2e time is waiting on sockets, timeouts and
// child processes, and 3 measured 112 s against 130 s for 2 on this 2-core machine (Node 24).
// The whole suite keeps 2: its pip differential starts ~440 pip processes and is CPU-bound.
const concurrency = all ? 2 : 3;
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: nodeOptions },
});
process.exit(result.status ?? 1);
