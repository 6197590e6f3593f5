/**
 * `npm run demo`: the quick start that works offline on a fresh machine. Builds a small package
 * index of made-up projects with the test builder, serves it on 127.0.0.1, locks
 * examples/demo/requirements.in with the real CLI, prints the lock, and (when python3 with pip is
 * present) installs it with `pip install --require-hashes` into a temp folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIndexServer } from '../test/helpers/index-server.js';
import { demoUniverse } from '../test/helpers/demo-universe.js';
import { projectRoot } from '../test/helpers/paths.js';


/** Runs a command with inherited stdio without blocking the event loop (the index is served from this process). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env, cwd });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** The header, the top-level keys and the first [[packages]] entry of a pylock.toml. */
function firstPackage(text: string): string {
  const blocks = text.split('\n[[packages]]\n');
  const first = blocks[1]?.split('\n\n[packages.tool.pin-hashes]')[0] ?? '';
  return `${blocks[0]}\n[[packages]]\n${first}\n`;
}

const server = await startIndexServer({ projects: demoUniverse() });
const work = mkdtempSync(join(tmpdir(), 'pin-hashes-demo-'));
const lockPath = join(work, 'requirements.txt');
try {
  console.log(`Serving a demo index at ${server.url}\n`);
  const cli = join(projectRoot, 'bin', 'pin-hashes.js');
  // Work on a copy in a temp folder, as a user would in their project folder.
  copyFileSync(join(projectRoot, 'examples', 'demo', 'requirements.in'), join(work, 'requirements.in'));
  console.log(`$ cd ${work}`);
  console.log(`$ pin-hashes lock requirements.in --index-url ${server.url}`);
  // A cache of its own, so the demo leaves nothing in the user's cache folder.
  const cliEnv = { ...process.env, PIN_HASHES_CACHE_DIR: join(work, 'cache') };
  const locked = await run(process.execPath, [cli, 'lock', 'requirements.in', '--index-url', server.url], cliEnv, work);
  if (locked !== 0) process.exitCode = locked;
  if (locked === 0) console.log(`\n--- requirements.txt ---\n${readFileSync(lockPath, 'utf8')}------------------------\n`);
  if (locked === 0) {
    // The same lock in PEP 751's format (pip >= 26.1, uv and PDM install it): every file by name, URL, size and sha256.
    console.log(`$ pin-hashes lock requirements.in --index-url ${server.url} -o pylock.toml`);
    const pylock = await run(process.execPath, [cli, 'lock', 'requirements.in', '--index-url', server.url, '-o', 'pylock.toml'], cliEnv, work);
    if (pylock !== 0) process.exitCode = pylock;
    else console.log(`\n--- pylock.toml (first package) ---\n${firstPackage(readFileSync(join(work, 'pylock.toml'), 'utf8'))}-----------------------------------\n`);
  }

  const python = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });
  if (locked !== 0) {
    console.log('The lock failed; see the error above.');
  } else if (python.status !== 0) {
    console.log('python3 with pip is not available here: skipping the install step.');
  } else {
    const target = join(work, 'site-packages');
    console.log(`$ pip install --require-hashes --target site-packages -r requirements.txt --index-url ${server.url}`);
    const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    delete env['PIP_FIND_LINKS'];
    const pipArgs = ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--disable-pip-version-check'];
    pipArgs.push('--require-hashes', '--target', target, '--index-url', server.url, '-r', lockPath);
    const installed = await run('python3', pipArgs, env);
    if (installed !== 0) process.exitCode = installed;
    else console.log('\npip installed every pinned file in hash-checking mode.');
  }
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
