/**
 * How a lock names where a root requirement came from, in `# via` and in messages: `-r
 * requirements.in`, `-c constraints.txt`, or pip-compile's `myproj (pyproject.toml)` for a
 * project's own requirements. Paths relative to the lock's folder, so `check --offline` can match
 * a lock's reasons against the inputs as they are now.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import type { InputRequirement } from '../requirements/index.js';
import { displayPath } from './command.js';
import type { PreparedRun } from './prepare.js';

/** `constraint`: it is in the run's constraints (a `-r` inside a constraints file is read as requirements, as pip reads it). */
export function rootSourceLabel(run: PreparedRun, r: InputRequirement, constraint: boolean): string {
  const base = run.outputPath === null ? run.cwd : dirname(run.outputPath);
  const path = displayPath(base, resolvePath(run.cwd, r.location.file));
  if (r.project !== undefined) return `${r.project === '' ? '' : `${r.project} `}(${path})`;
  return `${constraint ? '-c' : '-r'} ${path}`;
}
