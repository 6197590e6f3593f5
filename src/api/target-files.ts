/**
 * Which files of a lock line get their digests into the lock, per target that chose the line.
 *
 * - One target (every lock before several targets existed, unchanged): every file of the version
 *   pip could pick on any platform, so the lock stays portable (provider/files.ts filesToLock).
 * - Several targets: the files pip could pick on one of the targets that chose the line, its
 *   compatible wheels and the sdist (format control and Requires-Python apply); with
 *   `--all-files`, every file, as for one target.
 *
 * The inputs' `--hash` options then narrow each target's files by the lines whose markers hold
 * there (pip drops the others first), and the line keeps what any of its targets kept. With
 * several targets, a target left with nothing it can install fails the lock, naming the target
 * and the package: pip would fail there.
 */
import { PinHashesError } from '../errors.js';
import type { LockedFile } from '../lock/model.js';
import type { IndexedFile } from '../package-index/types.js';
import { pinLabel, type Pin } from '../pin.js';
import type { InputRequirement } from '../requirements/read-files.js';
import { allowedHashesOf, filterByInputHashes, type AllowedHashes } from './input-hashes.js';
import type { MergedPackage } from './merge.js';
import type { TargetLane } from './session.js';
import { targetDescription } from './targets.js';

/** The files of one line, per target that chose it. */
export interface FilePlan {
  /** Every file to download and hash, each once. */
  readonly files: readonly IndexedFile[];
  readonly perTarget: readonly { readonly lane: TargetLane; readonly urls: ReadonlySet<string> }[];
}

/** `targets`: the indexes of the lanes that chose the line; `yanked`: the pinned version is, so its yanked files count. */
export async function planFiles(pin: Pin, targets: readonly number[], yanked: boolean, lanes: readonly TargetLane[], allFiles: boolean): Promise<FilePlan> {
  const chosen = targets.map((index) => lanes[index]!);
  const single = lanes.length === 1;
  const lists = await Promise.all(chosen.map((lane) => (single || allFiles ? lane.provider.lockFiles(pin, yanked) : lane.provider.installableFiles(pin, yanked))));
  const files = new Map<string, IndexedFile>();
  for (const list of lists) for (const file of list) if (!files.has(file.url)) files.set(file.url, file);
  return { files: [...files.values()], perTarget: chosen.map((lane, i) => ({ lane, urls: new Set(lists[i]!.map((file) => file.url)) })) };
}

/** The inputs' --hash options of each target (by its marker environment). */
export function inputHashesPerTarget(inputs: readonly InputRequirement[], lanes: readonly TargetLane[]): ReadonlyMap<TargetLane, ReadonlyMap<string, AllowedHashes>> {
  return new Map(lanes.map((lane) => [lane, allowedHashesOf(inputs, lane.target.markerEnvironment)]));
}

/**
 * The locked files of a line: what each of its targets keeps (its files, narrowed by its --hash
 * options), in the order of `locked`. `urls` null: the files were taken as the old lock lists
 * them (check), each counting for every target.
 */
export function keptFiles<T extends LockedFile>(
  pkg: MergedPackage,
  locked: readonly T[],
  plan: FilePlan | null,
  lanes: readonly TargetLane[],
  allowedOf: ReadonlyMap<TargetLane, ReadonlyMap<string, AllowedHashes>>,
  warnings: string[],
): T[] {
  const pin = pinLabel(pkg);
  const perTarget = plan?.perTarget ?? pkg.targets.map((index) => ({ lane: lanes[index]!, urls: null }));
  const kept = new Set<T>();
  for (const { lane, urls } of perTarget) {
    const mine = urls === null ? [...locked] : locked.filter((file) => urls.has(file.url));
    const allowed = allowedOf.get(lane)?.get(pkg.name);
    const narrowed = allowed ? filterByInputHashes(pin, mine, allowed, warnings) : mine;
    if (lanes.length > 1 && plan !== null) assertInstallable(pkg, lane, narrowed, plan);
    for (const file of narrowed) kept.add(file);
  }
  return locked.filter((file) => kept.has(file));
}

function assertInstallable(pkg: MergedPackage, lane: TargetLane, kept: readonly LockedFile[], plan: FilePlan): void {
  const byUrl = new Map(plan.files.map((file) => [file.url, file]));
  if (kept.some((file) => { const listed = byUrl.get(file.url); return listed !== undefined && lane.provider.installableOn(listed); })) return;
  const names = kept.length > 0 ? kept.map((file) => file.filename).join(', ') : plan.files.map((file) => file.filename).join(', ');
  throw new PinHashesError('NO_SOLUTION', `${pinLabel(pkg)} has no file that ${targetDescription(lane.target)} can install (neither a compatible wheel nor an sdist; the lock has ${names || 'no file'})`, {
    exitCode: 1,
    hint: 'Drop that target, require another version or source of the package there (a marker on its requirement), or allow what it lacks (its sdist, --hash options for its wheel).',
  });
}
