// Tests run from compiled output (dist/test/...), sometimes from other out dirs while a module
// is being developed, so paths are found by walking up to package.json, never by counting `..`.
import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Assertion failed: no package.json above ' + start);
    dir = parent;
  }
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

/** `../shared/data` beside the project: present on developer machines and in CI, not in a user's clone. */
export const sharedDataDir = resolve(projectRoot, '..', 'shared', 'data');

/**
 * The folder under shared data, or undefined when it is absent (tests then skip with a notice).
 * Under CI (`CI` set) absence is an error: CI always has ../shared, so a skip there would be a
 * suite silently not run (a moved folder, a typo in `sub`).
 */
export function sharedData(sub: string): string | undefined {
  const path = join(sharedDataDir, sub);
  if (existsSync(path)) return path;
  if (process.env['CI']) throw new Error(`CI is set but ${path} is missing: the suites that need ../shared/data must run in CI`);
  return undefined;
}

/** Whether a path exists (any kind of entry). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
