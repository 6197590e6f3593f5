// The real `pre-commit` tool for the hook tests: the one on PATH, else a virtual environment made
// once in the temp folder from whatever package index this machine's pip is configured with (as
// pip26.ts does). Where neither can be had, the tests that need it skip with a notice.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { python3 } from './python.js';

let cached: { preCommit: string; version: string } | { skip: string } | undefined;

export function preCommit(): { preCommit: string; version: string } | { skip: string } {
  cached ??= find();
  return cached;
}

function version(executable: string): string | undefined {
  const probe = spawnSync(executable, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function find(): { preCommit: string; version: string } | { skip: string } {
  const onPath = version('pre-commit');
  if (onPath) return { preCommit: 'pre-commit', version: onPath };
  const py = spawnSync(python3, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
  const dir = join(tmpdir(), `pin-hashes-pre-commit-py${py}`);
  const executable = join(dir, 'bin', 'pre-commit');
  const made = existsSync(executable) ? version(executable) : undefined;
  if (made) return { preCommit: executable, version: made };
  const venv = spawnSync(python3, ['-m', 'venv', '--clear', dir], { encoding: 'utf8' });
  if (venv.status !== 0) return { skip: `no pre-commit on PATH and no venv: ${venv.stderr.trim().split('\n').pop() ?? ''}` };
  // The machine's own pip configuration on purpose: it names where packages come from here.
  const install = spawnSync(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--timeout', '10', 'pre-commit'], { encoding: 'utf8' });
  const installed = install.status === 0 ? version(executable) : undefined;
  if (!installed) return { skip: `no pre-commit on PATH, and it could not be installed from the configured index (${install.stderr.trim().split('\n').pop() ?? ''})` };
  return { preCommit: executable, version: installed };
}
