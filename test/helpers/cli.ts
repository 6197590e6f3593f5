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
 * Each run gets a fresh, empty digest cache unless the test names one (PIN_HASHES_CACHE_DIR in
 * `env`): runs must not see each other's records, nor the user's real cache.
 */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const ownCache = options.env?.['PIN_HASHES_CACHE_DIR'] === undefined ? mkdtempSync(join(tmpdir(), 'pin-hashes-cache-')) : undefined;
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? projectRoot,
      env: { ...process.env, ...(ownCache ? { PIN_HASHES_CACHE_DIR: ownCache } : {}), ...options.env },
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
  });
}
