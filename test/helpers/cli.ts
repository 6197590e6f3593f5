// Runs the built CLI as a user would: a child process, real argv, real exit code.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const cliPath = join(projectRoot, 'bin', 'pin-hashes.js');

/**
 * What the CLI under test inherits: the machine's environment without anything that would change
 * what pin-hashes does (PIP_* settings, this machine's netrc, cache or config folders, an earlier
 * PIN_HASHES_* setting). A developer's own pip configuration must not make a test pass or fail.
 */
export function cleanEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^(PIP_|PIN_HASHES_)/.test(key) || ['NETRC', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'HOME', 'CUSTOM_COMPILE_COMMAND'].includes(key)) continue;
    clean[key] = value;
  }
  // Every run has its own empty cache folder, where the CLI would keep V8's compile cache too:
  // one folder for all the suite's runs instead, so each does not compile the bundle anew.
  // (usage.test.ts checks where the CLI puts it by itself.)
  clean['NODE_COMPILE_CACHE'] = TEST_COMPILE_CACHE;
  return clean;
}

/**
 * Outside every test's TMPDIR and cache folder, which tests check for leftovers; in the project's
 * own build folder, not a predictable shared path another user could plant entries in.
 */
const TEST_COMPILE_CACHE = join(projectRoot, 'dist', 'compile-cache-of-tests');

/**
 * Each run gets a fresh, empty HOME and digest cache unless the test names them (HOME or
 * PIN_HASHES_CACHE_DIR in `env`): runs must not see each other's records, nor the user's real
 * cache or ~/.netrc. `env` values that are undefined remove a variable.
 */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const given = options.env ?? {};
  const ownCache = 'PIN_HASHES_CACHE_DIR' in given ? undefined : mkdtempSync(join(tmpdir(), 'pin-hashes-cache-'));
  const ownHome = 'HOME' in given ? undefined : mkdtempSync(join(tmpdir(), 'pin-hashes-home-'));
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? projectRoot,
      env: { ...cleanEnvironment(), ...(ownCache ? { PIN_HASHES_CACHE_DIR: ownCache } : {}), ...(ownHome ? { HOME: ownHome } : {}), ...given },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  }).finally(() => {
    if (ownCache) rmSync(ownCache, { recursive: true, force: true });
    if (ownHome) rmSync(ownHome, { recursive: true, force: true });
  });
}
