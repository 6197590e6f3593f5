/**
 * The marker of one line of a lock made for several targets: true on exactly the targets that
 * chose that line (name and version), false on every other locked target, and as short as such a
 * marker can be. A line every target chose gets none.
 *
 * The marker is built from the targets' own marker environments (pep/target.ts), so each CPU is
 * spelled as Python reports it there (`AMD64` on Windows, `arm64` on macOS, `aarch64` on Linux):
 * `platform_machine == "arm64"` alone can be the marker of macOS on Apple silicon when the other
 * targets are Linux aarch64 and Windows. It is exact on the locked targets only; a target nobody
 * locked for is not promised anything (pylock.toml's `environments` says which ones were).
 *
 * The search, exhaustively over the few variables that tell CPython targets apart:
 * - options per variable: `==`/`!=` each value a target has; for versions also `>=`, `<` and a
 *   range `>= a and < b`. Options true on every target or on none are dropped, and of options
 *   true on the same targets only the cheapest is kept;
 * - cubes: at most one option per variable, ANDed; only those false on every target outside the
 *   chosen set are kept (again one per set of targets, the cheapest);
 * - the cubes whose union is the chosen set, ORed, with the fewest comparisons, then the fewest
 *   `!=`, then the fewest cubes.
 * Cost ties break on a fixed preference (sys_platform before platform_machine before the
 * Python version; `==` before `!=` for names; ranges first for versions), then on the text, so
 * the same targets always give the same bytes.
 */
import { Marker, type MarkerEnvironment } from '../pep/markers.js';
import { Version } from '../pep/version.js';

/** What tells the targets apart, most readable first; `platform_system` and `os_name` follow sys_platform. */
const VARIABLES = ['sys_platform', 'platform_machine', 'python_version', 'python_full_version', 'implementation_name'] as const;
type Variable = (typeof VARIABLES)[number];
const VERSION_VARIABLES: ReadonlySet<Variable> = new Set(['python_version', 'python_full_version']);

/** Exact-cover steps before the search settles for the best cover found so far. */
const SEARCH_BUDGET = 200_000;

export type TargetMarker =
  /** Every target chose the line. */
  | { readonly kind: 'all' }
  | { readonly kind: 'marker'; readonly text: string }
  /**
   * Two targets, one that chose the line and one that did not, agree on every marker variable
   * (e.g. two glibc versions of one Linux): no marker can tell them apart.
   */
  | { readonly kind: 'indistinguishable'; readonly chosen: number; readonly other: number };

interface Option {
  /** The comparisons, already rendered. */
  readonly atoms: readonly string[];
  /** How many of them are `!=`. */
  readonly negations: number;
  readonly mask: bigint;
  /** Lower is preferred on equal cost. */
  readonly rank: number;
}

type Cube = Option;

/**
 * `chosen`: indexes into `environments` (the locked targets, in lock order).
 * Throws on an empty `chosen` (a line no target chose is a bug of the caller).
 */
export function targetMarker(environments: readonly MarkerEnvironment[], chosen: Iterable<number>): TargetMarker {
  const all = (1n << BigInt(environments.length)) - 1n;
  let want = 0n;
  for (const index of chosen) {
    if (!Number.isInteger(index) || index < 0 || index >= environments.length) throw new Error(`Assertion failed: target ${index} of ${environments.length}`);
    want |= 1n << BigInt(index);
  }
  if (want === 0n) throw new Error('Assertion failed: a lock line that no target chose');
  if (want === all) return { kind: 'all' };
  const twin = indistinguishablePair(environments, want);
  if (twin) return { kind: 'indistinguishable', ...twin };
  const cubes = candidateCubes(environments, want, all);
  const cover = minimalCover(cubes, want);
  const text = render(cover, environments);
  // The marker as pip will read it is checked on every target here, not trusted.
  const marker = Marker.parse(text);
  environments.forEach((env, i) => {
    if (marker.evaluate(env) !== ((want >> BigInt(i)) & 1n) > 0n) throw new Error(`Assertion failed: marker ${text} is wrong on target ${i}`);
  });
  return { kind: 'marker', text: marker.toString() };
}

function indistinguishablePair(environments: readonly MarkerEnvironment[], want: bigint): { chosen: number; other: number } | undefined {
  const signature = (env: MarkerEnvironment): string => JSON.stringify(VARIABLES.map((v) => env[v]));
  for (let i = 0; i < environments.length; i++) {
    if (((want >> BigInt(i)) & 1n) === 0n) continue;
    for (let j = 0; j < environments.length; j++) {
      if (((want >> BigInt(j)) & 1n) === 1n) continue;
      if (signature(environments[i]!) === signature(environments[j]!)) return { chosen: i, other: j };
    }
  }
  return undefined;
}

/** The options of one variable that tell some targets from others, one per set of targets. */
function optionsOf(variable: Variable, variableRank: number, environments: readonly MarkerEnvironment[], all: bigint): Option[] {
  const values = [...new Set(environments.map((env) => env[variable]))];
  if (VERSION_VARIABLES.has(variable)) values.sort((a, b) => Version.parse(a).compare(Version.parse(b)));
  else values.sort();
  const raw: { atoms: string[]; opRank: number }[] = [];
  const atom = (op: string, value: string): string => `${variable} ${op} ${JSON.stringify(value)}`;
  if (VERSION_VARIABLES.has(variable)) {
    for (const [i, a] of values.entries()) {
      raw.push({ atoms: [atom('>=', a)], opRank: 0 }, { atoms: [atom('<', a)], opRank: 1 });
      for (const b of values.slice(i + 1)) raw.push({ atoms: [atom('>=', a), atom('<', b)], opRank: 2 });
      raw.push({ atoms: [atom('==', a)], opRank: 3 }, { atoms: [atom('!=', a)], opRank: 4 });
    }
  } else {
    for (const value of values) raw.push({ atoms: [atom('==', value)], opRank: 0 }, { atoms: [atom('!=', value)], opRank: 1 });
  }
  const byMask = new Map<bigint, Option>();
  for (const { atoms, opRank } of raw) {
    const mask = maskOf(Marker.parse(atoms.join(' and ')), environments);
    if (mask === 0n || mask === all) continue;
    if (VERSION_VARIABLES.has(variable) && !sameForOldPackaging(variable, atoms, environments, mask)) continue;
    const option = { atoms, negations: atoms.filter((a) => a.includes(' != ')).length, mask, rank: variableRank * 10 + opRank };
    const kept = byMask.get(mask);
    if (kept === undefined || cheaper(option, kept)) byMask.set(mask, option);
  }
  return [...byMask.values()];
}

/**
 * packaging before 22 (pip 23 vendors 21.3) compares a marker's version with pre-releases
 * excluded unless the specifier names one: on a pre-release interpreter (3.14.0rc1),
 * `python_full_version >= "3.12"` and `!= "3.12.0"` are false there, true for packaging 22+ and
 * for us. An option is kept only where both readings agree on every target, so pip 23 and pip 26
 * install the same lines. (`== "3.14.0rc1"` names the pre-release and agrees.)
 */
function sameForOldPackaging(variable: Variable, atoms: readonly string[], environments: readonly MarkerEnvironment[], mask: bigint): boolean {
  const rhs = atoms.map((text) => Version.parse(JSON.parse(text.slice(text.indexOf('"'))) as string));
  return environments.every((env, i) => {
    const ours = ((mask >> BigInt(i)) & 1n) === 1n;
    const theirs = ours && !(Version.parse(env[variable]).isPrerelease && rhs.some((version) => !version.isPrerelease));
    return ours === theirs;
  });
}

function maskOf(marker: Marker, environments: readonly MarkerEnvironment[]): bigint {
  let mask = 0n;
  environments.forEach((env, i) => {
    if (marker.evaluate(env)) mask |= 1n << BigInt(i);
  });
  return mask;
}

function cheaper(a: Option, b: Option): boolean {
  if (a.atoms.length !== b.atoms.length) return a.atoms.length < b.atoms.length;
  if (a.negations !== b.negations) return a.negations < b.negations;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.atoms.join(' and ') < b.atoms.join(' and ');
}

/** Every conjunction (one option per variable at most) false outside `want`, the cheapest per set of targets, undominated. */
function candidateCubes(environments: readonly MarkerEnvironment[], want: bigint, all: bigint): Cube[] {
  const perVariable = VARIABLES.map((variable, i) => optionsOf(variable, i, environments, all));
  const byMask = new Map<bigint, Cube>();
  const walk = (depth: number, cube: Cube): void => {
    if (cube.mask === 0n) return;
    if (depth === perVariable.length) {
      if (cube.atoms.length === 0 || (cube.mask & ~want) !== 0n) return;
      const kept = byMask.get(cube.mask);
      if (kept === undefined || cheaper(cube, kept)) byMask.set(cube.mask, cube);
      return;
    }
    walk(depth + 1, cube);
    for (const option of perVariable[depth]!) {
      walk(depth + 1, { atoms: [...cube.atoms, ...option.atoms], negations: cube.negations + option.negations, mask: cube.mask & option.mask, rank: cube.rank + option.rank });
    }
  };
  walk(0, { atoms: [], negations: 0, mask: all, rank: 0 });
  const cubes = [...byMask.values()];
  // A cube true on a subset of another's targets, and no cheaper, is never needed.
  return cubes.filter((cube) => !cubes.some((other) => other !== cube && (cube.mask & other.mask) === cube.mask && !cheaper(cube, other)));
}

interface Cover {
  readonly cubes: readonly Cube[];
  readonly atoms: number;
  readonly negations: number;
  readonly rank: number;
}

function better(a: Cover, b: Cover | undefined): boolean {
  if (b === undefined) return true;
  if (a.atoms !== b.atoms) return a.atoms < b.atoms;
  if (a.negations !== b.negations) return a.negations < b.negations;
  if (a.cubes.length !== b.cubes.length) return a.cubes.length < b.cubes.length;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return coverText(a) < coverText(b);
}

function coverText(cover: Cover): string {
  return cover.cubes.map((cube) => cube.atoms.join(' and ')).join(' or ');
}

/** The cheapest cubes whose union is `want`: branch on the lowest target not yet covered, bound by the comparisons. */
function minimalCover(cubes: readonly Cube[], want: bigint): Cover {
  let best: Cover | undefined;
  let steps = 0;
  const sorted = [...cubes].sort((a, b) => (cheaper(a, b) ? -1 : cheaper(b, a) ? 1 : 0));
  const search = (uncovered: bigint, taken: Cube[], atoms: number, negations: number, rank: number): void => {
    if (uncovered === 0n) {
      const cover = { cubes: [...taken], atoms, negations, rank };
      if (better(cover, best)) best = cover;
      return;
    }
    // Another cube adds a comparison at least.
    if (best !== undefined && atoms + 1 > best.atoms) return;
    if (++steps > SEARCH_BUDGET && best !== undefined) return;
    const lowest = uncovered & -uncovered;
    for (const cube of sorted) {
      if ((cube.mask & lowest) === 0n) continue;
      taken.push(cube);
      search(uncovered & ~cube.mask, taken, atoms + cube.atoms.length, negations + cube.negations, rank + cube.rank);
      taken.pop();
    }
  };
  search(want, [], 0, 0, 0);
  // Each chosen target is a cube of its own (the environments differ from every other one), so a cover exists.
  if (best === undefined) throw new Error('Assertion failed: no cover of the chosen targets');
  return best;
}

/** Cubes in the order of the first target each covers; a cube of several comparisons in parentheses when ORed. */
function render(cover: Cover, environments: readonly MarkerEnvironment[]): string {
  const first = (cube: Cube): number => {
    for (let i = 0; i < environments.length; i++) if (((cube.mask >> BigInt(i)) & 1n) === 1n) return i;
    return environments.length;
  };
  const cubes = [...cover.cubes].sort((a, b) => first(a) - first(b));
  const parts = cubes.map((cube) => (cubes.length > 1 && cube.atoms.length > 1 ? `(${cube.atoms.join(' and ')})` : cube.atoms.join(' and ')));
  return parts.join(' or ');
}
