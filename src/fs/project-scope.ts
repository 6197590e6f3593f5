/**
 * Where files named by a file of the repository may be: inside the repository. A lock's header
 * (read by `check`, often on a pull request) and pyproject.toml's `[tool.pin-hashes]` list (read
 * by `--all`) are written by whoever wrote the commit; a path in them that leaves the repository
 * (`../../home/me/.netrc`, `/etc/passwd`, a symlinked folder) would make pin-hashes read a file
 * of the machine, and quote its lines in an error, or write a lock over one.
 *
 * The repository is the nearest folder up from the start that holds `.git`; without one, the
 * start folder itself.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export function projectRoot(start: string): string {
  let folder = resolve(start);
  for (;;) {
    if (existsSync(join(folder, '.git'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return resolve(start);
    folder = parent;
  }
}

/**
 * Why `written` (relative to `base`) is not a path inside `root`, or undefined when it is. The
 * deepest existing folder of the path is resolved through symlinks, so a link out of the
 * repository counts as out.
 */
export function outsideRoot(written: string, base: string, root: string): string | undefined {
  if (isAbsolute(written) || /^[A-Za-z]:/.test(written) || /^[\\/]{2}/.test(written)) return 'it is absolute';
  const path = resolve(base, written);
  const realRoot = realpathOr(root);
  let existing = path;
  let rest = '';
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    rest = rest === '' ? relative(parent, existing) : join(relative(parent, existing), rest);
    existing = parent;
  }
  const real = join(realpathOr(existing), rest);
  const inside = relative(realRoot, real);
  if (inside === '' || (!inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside))) return undefined;
  return `it leads out of ${root}`;
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
