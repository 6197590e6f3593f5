// The real interpreter behind `python3`, resolved once. Under pyenv, `python3` is a shim that
// may rehash on each call; two shims at once can race ("pyenv: cannot rehash") and fail a run
// that has nothing wrong with it, so tests spawn the interpreter itself.
import { spawnSync } from 'node:child_process';

function resolvePython(): string {
  const probe = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  const path = probe.status === 0 ? probe.stdout.trim() : '';
  return path === '' ? 'python3' : path;
}

export const python3 = resolvePython();
