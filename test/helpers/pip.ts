// Real pip as the judge. This machine's pip is configured with local mirrors (PIP_FIND_LINKS,
// pip.conf); without isolation pip would silently pull other files, so every call isolates it.
import { spawnSync, spawn } from 'node:child_process';
import { python3 } from './python.js';

export interface PipResult {
  code: number | null;
  output: string;
}

let available: boolean | undefined;

export function pipAvailable(): boolean {
  available ??= spawnSync(python3, ['-m', 'pip', '--version'], { encoding: 'utf8' }).status === 0;
  return available;
}

export function hostPythonVersion(): string {
  const out = spawnSync(python3, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' });
  return out.stdout.trim();
}

export function isolatedPipEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('PIP_') && key !== 'PIP_CONFIG_FILE' && key !== 'PIP_DISABLE_PIP_VERSION_CHECK') delete env[key];
  }
  return env;
}

/**
 * `pip install --require-hashes -r lock --target dir` from one index, no deps flag (so a missing pin fails).
 * `env`: variables the lock's `${VAR}`s expand from (pip expands them in requirements files).
 */
export function pipInstall(args: string[], env: Record<string, string> = {}): Promise<PipResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      python3,
      ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--disable-pip-version-check', '--no-input', ...args],
      { env: { ...isolatedPipEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** A command (a venv's python, pip) with pip's isolation environment; output is stdout and stderr together. */
export function runIsolated(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: isolatedPipEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
