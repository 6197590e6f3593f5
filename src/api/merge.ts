/**
 * Several targets' resolutions -> the lines of one lock. A line is one distribution (name and
 * version, or direct URL) with the targets that chose it: none of a marker when every target did,
 * else the marker true on exactly those (lock/target-markers.ts). One target choosing a version
 * is one target's line, so lines of one name never overlap on a locked target.
 */
import { PinHashesError } from '../errors.js';
import { targetMarker } from '../lock/target-markers.js';
import type { PackageName } from '../pep/names.js';
import type { Target } from '../pep/target.js';
import type { Resolution, ResolvedPackage } from '../resolver/index.js';
import { targetDescription } from './targets.js';

export interface MergedPackage extends ResolvedPackage {
  /** Indexes into the run's targets, ascending. */
  readonly targets: readonly number[];
  /** Absent when every target chose this line. */
  readonly marker: string | undefined;
}

function distributionKey(pkg: ResolvedPackage): string {
  return `${pkg.name}\u0000${pkg.url ?? pkg.version.toString()}`;
}

/** Sorted by name, then by the first target that chose the line. Throws when two targets no marker tells apart chose differently. */
export function mergeResolutions(targets: readonly Target[], resolutions: readonly Resolution[]): MergedPackage[] {
  if (resolutions.length !== targets.length) throw new Error('Assertion failed: one resolution per target');
  const lines = new Map<string, { first: ResolvedPackage; targets: number[]; via: Set<string>; extras: Set<string> }>();
  resolutions.forEach((resolution, index) => {
    for (const pkg of resolution.packages) {
      const key = distributionKey(pkg);
      const line = lines.get(key) ?? { first: pkg, targets: [], via: new Set<string>(), extras: new Set<string>() };
      line.targets.push(index);
      for (const v of pkg.via) line.via.add(v);
      for (const e of pkg.extras) line.extras.add(e);
      lines.set(key, line);
    }
  });
  const environments = targets.map((t) => t.markerEnvironment);
  const merged: MergedPackage[] = [];
  for (const line of lines.values()) {
    const found = targetMarker(environments, line.targets);
    if (found.kind === 'indistinguishable') throw indistinguishable(targets, resolutions, line.first.name, found.chosen, found.other);
    merged.push({
      ...line.first,
      via: [...line.via].sort(),
      extras: [...line.extras].sort(),
      targets: line.targets,
      marker: found.kind === 'marker' ? found.text : undefined,
    });
  }
  return merged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.targets[0] ?? 0) - (b.targets[0] ?? 0)));
}

function chosenBy(resolution: Resolution | undefined, name: PackageName): string {
  const pkg = resolution?.packages.find((p) => p.name === name);
  return pkg === undefined ? 'nothing' : (pkg.url ?? pkg.version.toString());
}

function indistinguishable(targets: readonly Target[], resolutions: readonly Resolution[], name: PackageName, chosen: number, other: number): PinHashesError {
  const a = targets[chosen]!;
  const b = targets[other]!;
  return new PinHashesError(
    'TARGETS_INDISTINGUISHABLE',
    `${targetDescription(a)} and ${targetDescription(b)} need different ${name} (${chosenBy(resolutions[chosen], name)} and ${chosenBy(resolutions[other], name)}), but no marker tells them apart: they have the same sys_platform, platform_machine and Python version`,
    { exitCode: 1, hint: 'Lock them into separate files, or keep one of them (the older glibc or macOS release also installs on the newer one).' },
  );
}
