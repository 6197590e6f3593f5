/**
 * Specifiers as sorted lists of version ranges (after pypa/packaging's `_ranges.py`): how a
 * clause matches versions, and how a specifier set is found to match nothing at all.
 *
 * Traps:
 * - Some bounds are not versions but points between versions: just after every local build of
 *   V (the top of `==V`/`<=V`), or just after every post-release of V (the bottom of `>V`).
 *   Such a point compares with a real version by "family": it sits above V's family and below
 *   everything else above V.
 * - A boundary point is never equal to a real version, even when their versions are equal, and
 *   two boundaries order by "V with an infinite post number" for afterPosts, so
 *   `afterPosts(1.0)` lies above `afterLocals(1.0.post5)` (`>1.0,<=1.0.post5` is empty).
 * - Gaps: nothing lies between `afterLocals(V)` and `V.post(N+1).dev0` (or `V.dev(N+1)`), nor
 *   between the post-releases of `1.0a1` and `1.0a2.dev0` (`>1.0a1,<1.0a2.dev0` is empty), nor
 *   below `0.dev0`. Above a final release's posts there is always room (`1.0.0.0.1`).
 * - `<V` on a final V ends at `V.dev0` (pre-releases of V excluded); `<0.dev0` is empty.
 * - With pre-releases refused, a range holding only pre-releases counts as empty
 *   (`>=1.0a1,<1.0`).
 * - `===` is modelled as the full range; its string check is separate.
 */
import type { Operator } from './specifiers.js';
import { Version, comparePublicKeys, compareReleases, incrementDigits, suffixKey } from './version.js';

type BoundaryKind = 'afterLocals' | 'afterPosts';

interface Boundary {
  readonly kind: BoundaryKind;
  readonly version: Version;
}

type Point = Version | Boundary;

/** `point === null` is -infinity for a lower bound, +infinity for an upper one. */
interface Bound {
  readonly point: Point | null;
  readonly inclusive: boolean;
}

export interface VersionRange {
  readonly lower: Bound;
  readonly upper: Bound;
}

const MIN_VERSION = Version.parse('0.dev0');
const NEG_INF: Bound = { point: null, inclusive: false };
const POS_INF: Bound = { point: null, inclusive: false };
export const FULL_RANGE: readonly VersionRange[] = [{ lower: NEG_INF, upper: POS_INF }];

function releasesEqual(a: readonly string[], b: readonly string[]): boolean {
  return compareReleases(a, b) === 0;
}

/** Is `x` one of the versions the boundary sits above (besides those below V)? */
function inFamily(boundary: Boundary, x: Version): boolean {
  const v = boundary.version.exact;
  const c = x.exact;
  if (c.epoch !== v.epoch || !releasesEqual(c.release, v.release)) return false;
  if ((c.pre === null) !== (v.pre === null)) return false;
  if (c.pre !== null && v.pre !== null && (c.pre[0] !== v.pre[0] || c.pre[1] !== v.pre[1])) return false;
  if (boundary.kind === 'afterLocals') return c.post === v.post && c.dev === v.dev;
  return c.dev === v.dev || c.post !== null;
}

/**
 * Order of two boundary points (packaging's `BoundaryVersion._order_key`). Comparing their
 * versions is not enough: `afterPosts(1.0)` sits above `afterLocals(1.0.post5)`. An afterPosts
 * point is keyed as its version with an infinite post number; both kinds sit after every local
 * label of their version.
 */
function compareBoundaries(a: Boundary, b: Boundary): number {
  const key = (x: Boundary) => {
    const v = x.version.exact;
    const suffix = suffixKey(v);
    return { epoch: v.epoch, release: v.release, suffix: x.kind === 'afterPosts' ? { ...suffix, postRank: 1, postN: null, devRank: 1, devN: '0' } : suffix };
  };
  return comparePublicKeys(key(a), key(b));
}

function pointLess(a: Point, b: Point): boolean {
  if (a instanceof Version) {
    if (b instanceof Version) return a.compare(b) < 0;
    return b.version.compare(a) >= 0 || inFamily(b, a); // b > a
  }
  if (b instanceof Version) return a.version.compare(b) < 0 && !inFamily(a, b);
  return compareBoundaries(a, b) < 0;
}

function pointEqual(a: Point, b: Point): boolean {
  if (a instanceof Version) return b instanceof Version && a.compare(b) === 0;
  return !(b instanceof Version) && a.kind === b.kind && a.version.compare(b.version) === 0;
}

function lowerLess(a: Bound, b: Bound): boolean {
  if (a.point === null) return b.point !== null;
  if (b.point === null) return false;
  if (!pointEqual(a.point, b.point)) return pointLess(a.point, b.point);
  return a.inclusive && !b.inclusive;
}

function upperLess(a: Bound, b: Bound): boolean {
  if (a.point === null) return false;
  if (b.point === null) return true;
  if (!pointEqual(a.point, b.point)) return pointLess(a.point, b.point);
  return !a.inclusive && b.inclusive;
}

function boundsEqual(a: Bound, b: Bound): boolean {
  if (a.point === null || b.point === null) return a.point === b.point && a.inclusive === b.inclusive;
  return pointEqual(a.point, b.point) && a.inclusive === b.inclusive;
}

/** The smallest real version above `afterLocals(V)`: V.dev(N+1), or V.post(N+1).dev0. */
function afterLocalsSuccessor(version: Version): Version {
  const { post, dev } = version.exact;
  if (dev !== null) return version.with({ dev: incrementDigits(dev), local: null });
  return version.with({ post: post === null ? '0' : incrementDigits(post), dev: '0', local: null });
}

/**
 * The smallest real version above `afterPosts(V)` when one exists: for a pre-release V (say
 * 1.0a1) it is the next pre-release's first dev build (1.0a2.dev0). Above a final V the release
 * can always grow (1.0.0.0.1 ...), so there is no smallest one and plain ordering is exact.
 */
function afterPostsSuccessor(version: Version): Version | null {
  const pre = version.exact.pre;
  if (pre === null) return null;
  return version.with({ pre: [pre[0], incrementDigits(pre[1])], post: null, dev: '0', local: null });
}

function isEmptyRange(lower: Bound, upper: Bound): boolean {
  // Nothing lies below 0.dev0.
  if (upper.point instanceof Version && !upper.inclusive && upper.point.compare(MIN_VERSION) <= 0) return true;
  if (lower.point === null || upper.point === null) return false;
  if (!(lower.point instanceof Version) && upper.point instanceof Version) {
    const successor =
      lower.point.kind === 'afterLocals' ? afterLocalsSuccessor(lower.point.version) : afterPostsSuccessor(lower.point.version);
    if (successor !== null) {
      if (upper.point.compare(successor) === 0) return !upper.inclusive;
      return upper.point.compare(successor) < 0;
    }
  }
  if (pointEqual(lower.point, upper.point)) return !(lower.inclusive && upper.inclusive);
  return pointLess(upper.point, lower.point);
}

export function intersectRanges(left: readonly VersionRange[], right: readonly VersionRange[]): VersionRange[] {
  const result: VersionRange[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const a = left[i];
    const b = right[j];
    if (a === undefined || b === undefined) break;
    // Python's max()/min() keep the first argument on ties.
    const lower = !lowerLess(b.lower, a.lower) && !boundsEqual(b.lower, a.lower) ? b.lower : a.lower;
    const upper = upperLess(b.upper, a.upper) ? b.upper : a.upper;
    if (!isEmptyRange(lower, upper)) result.push({ lower, upper });
    if (upperLess(a.upper, b.upper)) i++;
    else j++;
  }
  return result;
}

function lowestOf(version: Version, release: readonly string[]): Version {
  return Version.fromExact({ epoch: version.exact.epoch, release, pre: null, post: null, dev: '0', local: null });
}

function nextPrefixDev0(version: Version, release: readonly string[]): Version {
  const last = release[release.length - 1];
  if (last === undefined) throw new Error('Assertion failed: empty release prefix');
  return lowestOf(version, [...release.slice(0, -1), incrementDigits(last)]);
}

const range = (lower: Bound, upper: Bound): VersionRange => ({ lower, upper });
const incl = (point: Point): Bound => ({ point, inclusive: true });
const excl = (point: Point): Bound => ({ point, inclusive: false });

/** The ranges of one clause (for `===`, the full range), with empty pieces dropped. */
export function specifierRanges(operator: Operator, versionText: string): VersionRange[] {
  return rawSpecifierRanges(operator, versionText)
    .map(({ lower, upper }) => {
      // An inclusive lower bound at the very bottom is no bound at all.
      const bottom = lower.point instanceof Version && lower.inclusive && lower.point.compare(MIN_VERSION) <= 0;
      return bottom ? range(NEG_INF, upper) : range(lower, upper);
    })
    .filter(({ lower, upper }) => !isEmptyRange(lower, upper));
}

function rawSpecifierRanges(operator: Operator, versionText: string): VersionRange[] {
  if (operator === '===') return [...FULL_RANGE];
  if (versionText.endsWith('.*')) {
    const base = Version.parse(versionText.slice(0, -2));
    const lower = lowestOf(base, base.exact.release);
    const upper = nextPrefixDev0(base, base.exact.release);
    return operator === '==' ? [range(incl(lower), excl(upper))] : [range(NEG_INF, excl(lower)), range(incl(upper), POS_INF)];
  }
  const v = Version.parse(versionText);
  const exact = v.exact;
  switch (operator) {
    case '>=':
      return [range(incl(v), POS_INF)];
    case '<=':
      return [range(NEG_INF, incl({ kind: 'afterLocals', version: v }))];
    case '>':
      // A post or dev V has no post-releases of its own to skip: only its local builds go.
      if (exact.dev !== null || exact.post !== null) return [range(excl({ kind: 'afterLocals', version: v }), POS_INF)];
      return [range(excl({ kind: 'afterPosts', version: v }), POS_INF)];
    case '<': {
      const bound = v.isPrerelease ? v : v.with({ dev: '0', local: null });
      return bound.compare(MIN_VERSION) <= 0 ? [] : [range(NEG_INF, excl(bound))];
    }
    case '==':
    case '!=': {
      const upper: Point = exact.local !== null ? v : { kind: 'afterLocals', version: v };
      return operator === '=='
        ? [range(incl(v), incl(upper))]
        : [range(NEG_INF, excl(v)), range(excl(upper), POS_INF)];
    }
    case '~=':
      return [range(incl(v), excl(nextPrefixDev0(v, exact.release.slice(0, -1))))];
  }
}

/** The smallest non-pre-release at or above a pre-release: `1.0a1.post2` -> `1.0`, `1.0.post0.dev0` -> `1.0.post0`. */
function nearestNonPrerelease(version: Version): Version {
  if (version.exact.pre !== null) return version.with({ pre: null, post: null, dev: null, local: null });
  return version.with({ dev: null, local: null });
}

/** A lower estimate of the smallest final or post release at or above a lower bound. */
function lowestReleaseAtOrAbove(point: Point | null): Version {
  if (point === null) return Version.parse('0');
  if (!(point instanceof Version)) {
    const inner = point.version;
    if (inner.isPrerelease) return nearestNonPrerelease(inner);
    // Undershoots for afterPosts(final), which is harmless: longer releases lie above it anyway.
    const post = inner.exact.post;
    return inner.with({ post: post === null ? '0' : incrementDigits(post), local: null });
  }
  return point.isPrerelease ? nearestNonPrerelease(point) : point;
}

/** True when every range holds only pre-releases (empty once pre-releases are refused). */
export function rangesArePrereleaseOnly(ranges: readonly VersionRange[]): boolean {
  for (const { lower, upper } of ranges) {
    const nearest = lowestReleaseAtOrAbove(lower.point);
    if (upper.point === null || pointLess(nearest, upper.point)) return false;
    if (pointEqual(nearest, upper.point) && upper.inclusive) return false;
  }
  return true;
}

/** Does the version fall inside one of the ranges? */
export function rangesContain(ranges: readonly VersionRange[], version: Version): boolean {
  return ranges.some(({ lower, upper }) => {
    const aboveLower =
      lower.point === null ||
      (lower.inclusive ? !pointLess(version, lower.point) : pointLess(lower.point, version));
    const belowUpper =
      upper.point === null ||
      (upper.inclusive ? !pointLess(upper.point, version) : pointLess(version, upper.point));
    return aboveLower && belowUpper;
  });
}
