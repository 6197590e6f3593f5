/**
 * `npm run demo`: the quick start that works offline on a fresh machine. Builds a small package
 * index of made-up projects with the test builder, serves it on 127.0.0.1, locks
 * examples/demo/requirements.in with the real CLI, prints the lock, and (when python3 with pip is
 * present) installs it with `pip install --require-hashes` into a temp folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer } from '../test/helpers/index-server.js';
import { projectRoot } from '../test/helpers/paths.js';

const universe = buildUniverse([
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
      '0.9': { requiresDist: ['demo-colors>=1; extra == "color"'], providesExtra: ['color'] },
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

const server = await startIndexServer({ projects: universe });
const work = mkdtempSync(join(tmpdir(), 'pin-hashes-demo-'));
const lockPath = join(work, 'requirements.txt');
try {
  console.log(`Serving a demo index at ${server.url}\n`);
  const cli = join(projectRoot, 'bin', 'pin-hashes.js');
  const input = join(projectRoot, 'examples', 'demo', 'requirements.in');
  const lockArgs = [cli, 'lock', input, '--index-url', server.url, '-o', lockPath];
  console.log(`$ pin-hashes lock examples/demo/requirements.in --index-url ${server.url} -o requirements.txt`);
  const locked = spawnSync(process.execPath, lockArgs, { stdio: 'inherit' });
  if (locked.status !== 0) process.exit(locked.status ?? 1);
  console.log(`\n--- requirements.txt ---\n${readFileSync(lockPath, 'utf8')}------------------------\n`);

  const python = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });
  if (python.status !== 0) {
    console.log('python3 with pip is not available here: skipping the install step.');
  } else {
    const target = join(work, 'site-packages');
    console.log(`$ pip install --require-hashes --target ${target} -r requirements.txt --index-url ${server.url}`);
    const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    delete env['PIP_FIND_LINKS'];
    const pipArgs = ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--disable-pip-version-check'];
    pipArgs.push('--require-hashes', '--target', target, '--index-url', server.url, '-r', lockPath);
    const installed = spawnSync('python3', pipArgs, { stdio: 'inherit', env });
    if (installed.status !== 0) process.exit(installed.status ?? 1);
    console.log('\npip installed every pinned file in hash-checking mode.');
  }
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
