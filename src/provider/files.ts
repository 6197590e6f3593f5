/**
 * Which files of a project the target may install, grouped by version; which one pip would pick
 * for a version (its metadata drives resolution); which ones go into the lock.
 */
import type { IndexedFile } from '../package-index/types.js';
import { fileVersion } from '../package-index/links.js';
import type { PackageName } from '../pep/names.js';
import { parseWheelFilename, tagToString } from '../pep/filenames.js';
import { formatPlatform } from '../pep/tags.js';
import { SpecifierSet } from '../pep/specifiers.js';
import type { Target } from '../pep/target.js';
import { Version } from '../pep/version.js';
import type { ExclusionReason } from '../resolver/provider.js';
import { allowedFormats, type BinaryPolicy } from './format-control.js';

export interface VersionFiles {
  version: Version;
  /** Every wheel and sdist listed for this version. */
  all: IndexedFile[];
  /** The files the target could install (tags, Requires-Python, format control). */
  usable: IndexedFile[];
}

export interface ProjectFiles {
  versions: Map<string, VersionFiles>;
  excluded: { version: string; reason: ExclusionReason }[];
}

/** Requires-Python of a file admits the target; an unparseable value is ignored, as pip does. */
export function requiresPythonAdmits(requiresPython: string | undefined | null, target: Target): boolean {
  if (!requiresPython) return true;
  let spec: SpecifierSet;
  try {
    spec = SpecifierSet.parse(requiresPython);
  } catch {
    return true;
  }
  return spec.contains(target.pythonVersion, { prereleases: true });
}

export { fileVersion };

/** Lowest tag index of a wheel for the target (lower is preferred), or undefined if incompatible. */
export function wheelPriority(file: IndexedFile, target: Target): number | undefined {
  let best: number | undefined;
  let tags;
  try {
    tags = parseWheelFilename(file.filename).tags;
  } catch {
    return undefined;
  }
  for (const tag of tags) {
    const priority = target.tagPriority.get(tagToString(tag));
    if (priority !== undefined && (best === undefined || priority < best)) best = priority;
  }
  return best;
}

export function groupFiles(
  project: PackageName,
  files: readonly IndexedFile[],
  target: Target,
  policy: BinaryPolicy,
): ProjectFiles {
  const versions = new Map<string, VersionFiles>();
  const invalid = new Set<string>();
  for (const file of files) {
    const version = fileVersion(file);
    if (!version) {
      invalid.add(file.filename);
      continue;
    }
    const key = version.toString();
    let group = versions.get(key);
    if (!group) {
      group = { version, all: [], usable: [] };
      versions.set(key, group);
    }
    group.all.push(file);
  }
  const excluded: ProjectFiles['excluded'] = [];
  for (const [key, group] of versions) {
    const formats = allowedFormats(policy, project);
    let sawPythonExclusion: string | undefined;
    let sawWheelOnlyBlock = false;
    let sawSdistOnlyBlock = false;
    const incompatibleWheelTags: string[] = [];
    for (const file of group.all) {
      if (!requiresPythonAdmits(file.requiresPython, target)) {
        sawPythonExclusion = file.requiresPython;
        continue;
      }
      if (file.kind === 'wheel') {
        if (!formats.wheel) {
          sawSdistOnlyBlock = true;
          continue;
        }
        if (wheelPriority(file, target) === undefined) {
          incompatibleWheelTags.push(wheelTagText(file.filename));
          continue;
        }
      } else if (!formats.sdist) {
        sawWheelOnlyBlock = true;
        continue;
      }
      group.usable.push(file);
    }
    if (group.usable.length === 0) {
      // The first reason a person can act on: the Python version, then the format flags, then platforms.
      let reason: ExclusionReason;
      if (sawPythonExclusion !== undefined) reason = { kind: 'requires-python', requiresPython: sawPythonExclusion };
      else if (sawWheelOnlyBlock) reason = { kind: 'only-binary-no-wheel' };
      else if (sawSdistOnlyBlock && incompatibleWheelTags.length === 0) reason = { kind: 'no-binary-no-sdist' };
      else {
        reason = {
          kind: 'no-compatible-file',
          wheelTags: [...new Set(incompatibleWheelTags)].sort(),
          target: `CPython ${target.pythonVersion.toString()} on ${formatPlatform(target.platform)}`,
        };
      }
      excluded.push({ version: key, reason });
    }
  }
  for (const filename of invalid) excluded.push({ version: filename, reason: { kind: 'invalid-version', text: filename } });
  return { versions, excluded };
}

/** `py3-none-any` of `a-1.0-py3-none-any.whl` (the compressed tag set as written). */
function wheelTagText(filename: string): string {
  return filename.replace(/\.whl$/i, '').split('-').slice(-3).join('-');
}

/** Whether pip could install this file on the target: Requires-Python, format control, and a wheel's tags. */
export function usableFor(file: IndexedFile, target: Target, policy: BinaryPolicy): boolean {
  if (!requiresPythonAdmits(file.requiresPython, target)) return false;
  const formats = allowedFormats(policy, file.project);
  return file.kind === 'wheel' ? formats.wheel && wheelPriority(file, target) !== undefined : formats.sdist;
}

/** The file pip would install for this version: not yanked first, then best wheel tag, then build tag; sdist last. */
export function bestFile(group: VersionFiles, target: Target): IndexedFile | undefined {
  let best: { file: IndexedFile; key: [number, number, number, string] } | undefined;
  for (const file of group.usable) {
    const notYanked = file.yanked === false ? 1 : 0;
    let tagScore = -Infinity;
    let build: [number, string] = [-1, ''];
    if (file.kind === 'wheel') {
      tagScore = -(wheelPriority(file, target) ?? Infinity);
      try {
        build = [...(parseWheelFilename(file.filename).build ?? [-1, ''])];
      } catch {
        // unreachable for usable files
      }
    } else {
      tagScore = -target.tags.length;
    }
    const key: [number, number, number, string] = [notYanked, tagScore, build[0], build[1]];
    if (!best || compareKeys(key, best.key) > 0) best = { file, key };
  }
  return best?.file;
}

function compareKeys(a: [number, number, number, string], b: [number, number, number, string]): number {
  for (let i = 0; i < 3; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x - y;
  }
  return a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0;
}

/**
 * The files whose digests go into the lock for a pinned version: every wheel (any platform, so the
 * lock stays portable) and the sdist, minus what the target can never install (Requires-Python),
 * format control, and yanked files unless the pinned version itself is yanked.
 */
export function filesToLock(group: VersionFiles, target: Target, policy: BinaryPolicy, versionYanked: boolean): IndexedFile[] {
  const first = group.all[0];
  if (!first) return [];
  const formats = allowedFormats(policy, first.project);
  return group.all.filter((file) => {
    if (file.yanked !== false && !versionYanked) return false;
    if (!requiresPythonAdmits(file.requiresPython, target)) return false;
    return file.kind === 'wheel' ? formats.wheel : formats.sdist;
  });
}
