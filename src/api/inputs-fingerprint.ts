/**
 * The fingerprint of a lock's inputs, as `check --offline` can recompute it on any machine with no
 * network: the requirements and constraints as parsed (normalized names, specifier clauses sorted,
 * markers as packaging writes them; URLs with their `${VAR}`s as written, never what they expand
 * to, which differs between a laptop and CI), where each came from (relative to the lock's
 * folder), their `--hash` options, and the option lines of the files that shape a lock (indexes,
 * find-links, `--pre`, binary choices). Comments, blank lines, spelling (`Foo_Bar>=1,<2` is
 * `foo-bar<2,>=1`) and a pyproject's other tables do not count: they cannot change the lock. The
 * order of the requirements does (pip's resolver takes them in order).
 *
 * The command line's options are not in it: they are the header's command, which the lock's
 * own digest covers (lock/lock-digest.ts).
 */
import { createHash } from 'node:crypto';
import { dirname, resolve as resolvePath } from 'node:path';
import type { InputRequirement } from '../requirements/index.js';
import { displayPath } from './command.js';
import type { PreparedRun } from './prepare.js';

/** Bumped when what goes into the fingerprint changes: every lock then reads as made from other inputs. */
const FINGERPRINT_VERSION = 1;

export function inputsFingerprint(run: PreparedRun): string {
  const base = run.outputPath === null ? run.cwd : dirname(run.outputPath);
  const where = (file: string): string => displayPath(base, resolvePath(run.cwd, file));
  const { input } = run;
  const entry = (r: InputRequirement): unknown[] => [where(r.location.file), r.project ?? null, normalizedRequirement(r), [...r.hashes].map((h) => h.toLowerCase()).sort()];
  const content = {
    version: FINGERPRINT_VERSION,
    requirements: input.requirements.map(entry),
    constraints: input.constraints.map(entry),
    indexUrl: input.indexUrl?.url ?? null,
    extraIndexUrls: input.extraIndexUrls.map((u) => u.url),
    findLinks: input.findLinks.map((f) => f.written),
    noIndex: input.noIndex,
    pre: input.pre,
    preferBinary: input.preferBinary,
    noBinary: [...input.formatControl.noBinary].sort(),
    onlyBinary: [...input.formatControl.onlyBinary].sort(),
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** The requirement in one spelling per meaning; a URL or anything with `${` is kept as written (its expansion is machine-specific). */
function normalizedRequirement(r: InputRequirement): string {
  const req = r.requirement;
  if (req.url !== null || r.text.includes('${')) return r.text.trim();
  const extras = req.extras.length > 0 ? `[${[...req.extras].sort().join(',')}]` : '';
  return `${req.name}${extras}${req.specifier.toString()}${req.marker === null ? '' : `; ${req.marker.toString()}`}`;
}
