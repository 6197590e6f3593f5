// A virtual environment with pip >= 26.1 (it installs pylock.toml) and packaging >= 25 (its
// pylock module validates one), installed from whatever package index this machine's pip is
// configured with; made once and kept in the temp folder. Where that cannot be had (no index,
// no venv module), the tests that need it skip with a notice.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { python3 } from './python.js';

let cached: { python: string } | { skip: string } | undefined;

export function pip26(): { python: string } | { skip: string } {
  cached ??= make();
  return cached;
}

function works(python: string): boolean {
  const probe = spawnSync(python, ['-c', 'import sys, pip, packaging.pylock; v=tuple(int(x) for x in pip.__version__.split(".")[:2]); sys.exit(0 if v >= (26, 1) else 1)'], { encoding: 'utf8' });
  return probe.status === 0;
}

function make(): { python: string } | { skip: string } {
  const version = spawnSync(python3, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
  const dir = join(tmpdir(), `pin-hashes-pip26-py${version}`);
  const python = join(dir, 'bin', 'python');
  if (existsSync(python) && works(python)) return { python };
  const venv = spawnSync(python3, ['-m', 'venv', '--clear', dir], { encoding: 'utf8' });
  if (venv.status !== 0) return { skip: `no venv: ${venv.stderr.trim().split('\n').pop() ?? ''}` };
  // The machine's own pip configuration on purpose: it names where packages come from here.
  const install = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--timeout', '10', 'pip>=26.1', 'packaging>=25'], { encoding: 'utf8' });
  if (install.status !== 0 || !works(python)) return { skip: `pip>=26.1 and packaging>=25 could not be installed from the configured index (${install.stderr.trim().split('\n').pop() ?? ''})` };
  return { python };
}
