// Real pip as a resolver: `pip install --dry-run --report`, isolated from this machine's pip
// configuration (which adds local mirrors), with a time limit.
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { normalizeName } from './dists.js';
import { isolatedPipEnv } from './pip.js';
import { python3 } from './python.js';

const reportSchema = z.object({
  install: z.array(z.object({ metadata: z.object({ name: z.string(), version: z.string() }) })),
});

export type PipResolution =
  | { kind: 'resolved'; pins: Record<string, string> }
  | { kind: 'no-solution'; output: string }
  | { kind: 'failed'; output: string };

/**
 * The interpreter whose pip judges: `python3` (the machine's), or PIN_HASHES_PIP_PYTHON, e.g. a
 * venv with a newer pip for a cross-check during development.
 */
export const pipPython = process.env['PIN_HASHES_PIP_PYTHON'] ?? python3;

export interface PipInfo {
  /** e.g. `23.2.1` */
  pip: string;
  /** The resolvelib pip vendors, e.g. `1.0.1`: its search decides what pip finds. */
  resolvelib: string;
  /** The interpreter's full version: the target pin-hashes must be given to match pip. */
  python: string;
}

let info: PipInfo | null | undefined;

/** pip's and its interpreter's versions, or null when `<python> -m pip` does not run. */
export function pipInfo(): PipInfo | null {
  if (info === undefined) {
    const out = spawnSync(
      pipPython,
      [
        '-c',
        'import platform, pip; from pip._vendor import resolvelib; print(pip.__version__, resolvelib.__version__, platform.python_version())',
      ],
      { encoding: 'utf8', env: isolatedPipEnv() },
    );
    const [pip, resolvelib, python] = out.status === 0 ? out.stdout.trim().split(' ') : [];
    info = pip !== undefined && resolvelib !== undefined && python !== undefined ? { pip, resolvelib, python } : null;
  }
  return info;
}

function runPip(args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      pipPython,
      ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--disable-pip-version-check', '--no-input', ...args],
      { cwd, env: isolatedPipEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// pip's words for "there is no solution", as opposed to a crash or a network failure.
const NO_SOLUTION = /ResolutionImpossible|No matching distribution found|conflicting dependencies|requires a different Python/;

/**
 * What pip would install for `args` (requirement options such as `-r req.in --index-url URL`):
 * a dry run with `--ignore-installed`, so the host's packages play no part.
 */
export async function pipResolve(args: string[], cwd: string, reportPath: string, timeoutMs = 120_000): Promise<PipResolution> {
  const { code, output } = await runPip(['--dry-run', '--ignore-installed', '--quiet', '--report', reportPath, ...args], cwd, timeoutMs);
  if (code !== 0) return NO_SOLUTION.test(output) ? { kind: 'no-solution', output } : { kind: 'failed', output };
  const report = reportSchema.parse(JSON.parse(await readFile(reportPath, 'utf8')));
  const pins: Record<string, string> = {};
  for (const item of report.install) pins[normalizeName(item.metadata.name)] = item.metadata.version;
  return { kind: 'resolved', pins };
}
