/**
 * A resolution target: one CPython version on one platform, with the marker environment and the
 * ordered tag list an installer there would use.
 *
 * Traps:
 * - `--python-version 3.12` means 3.12.0, as pip reads it (python_full_version `3.12.0`).
 * - `implementation_version` spells release levels like `sys.implementation.version`
 *   (`3.13.0c1` for 3.13.0rc1) while `python_full_version` keeps `3.13.0rc1`.
 * - `platform_machine` is what Python reports there: `AMD64`/`ARM64`/`x86` on Windows,
 *   `arm64`/`x86_64` on macOS, the kernel's name on Linux (`x86_64`, `aarch64`, ...).
 * - `platform_release` and `platform_version` are unknowable for a remote target; like uv they
 *   are `''`, so markers on them compare as strings against the empty value.
 */
import { ParseError } from '../errors.js';
import { quoteExcerpt } from './pychars.js';
import type { MarkerEnvironment } from './markers.js';
import { cpythonTags, platformTags, type PlatformSpec } from './tags.js';
import { Version } from './version.js';

export interface Target {
  /** full X.Y.Z */
  readonly pythonVersion: Version;
  readonly platform: PlatformSpec;
  readonly markerEnvironment: MarkerEnvironment;
  /** ordered supported tags as 'interp-abi-plat' strings, index 0 most preferred (CPython) */
  readonly tags: readonly string[];
  /** map tag string -> priority index, for ranking files */
  readonly tagPriority: ReadonlyMap<string, number>;
}

function platformEnvironment(p: PlatformSpec): Pick<MarkerEnvironment, 'os_name' | 'sys_platform' | 'platform_system' | 'platform_machine'> {
  switch (p.os) {
    case 'linux':
      return { os_name: 'posix', sys_platform: 'linux', platform_system: 'Linux', platform_machine: p.arch };
    case 'macos':
      return { os_name: 'posix', sys_platform: 'darwin', platform_system: 'Darwin', platform_machine: p.arch };
    case 'windows':
      return {
        os_name: 'nt',
        sys_platform: 'win32',
        platform_system: 'Windows',
        platform_machine: p.arch === 'x86_64' ? 'AMD64' : p.arch === 'arm64' ? 'ARM64' : 'x86',
      };
  }
}

function invalidPythonVersion(text: string, why: string): ParseError {
  return new ParseError('INVALID_PYTHON_VERSION', `Invalid Python version ${quoteExcerpt(text)}: ${why}`, {
    hint: 'Give a CPython version like 3.12 or 3.12.4.',
  });
}

/** 'X.Y' is taken as X.Y.0, like pip's --python-version. Throws ParseError `INVALID_PYTHON_VERSION`. */
export function makeTarget(pythonVersion: string, platform: PlatformSpec): Target {
  const given = Version.tryParse(pythonVersion);
  if (given === null) throw invalidPythonVersion(pythonVersion, 'not a version');
  const parts = given.exact;
  if (parts.epoch !== '0' || parts.post !== null || parts.dev !== null || parts.local !== null) {
    throw invalidPythonVersion(pythonVersion, 'only X.Y, X.Y.Z or a pre-release like X.Y.Zrc1');
  }
  if (parts.release.length < 2 || parts.release.length > 3) {
    throw invalidPythonVersion(pythonVersion, 'needs major and minor (X.Y or X.Y.Z)');
  }
  const [majorText = '', minorText = '', microText = '0'] = parts.release;
  if (majorText.length > 3 || minorText.length > 3 || microText.length > 3) {
    throw invalidPythonVersion(pythonVersion, 'numbers out of range');
  }
  if (parts.pre !== null && parts.release.length !== 3) {
    throw invalidPythonVersion(pythonVersion, 'a pre-release needs X.Y.Z');
  }
  const major = Number(majorText);
  const minor = Number(minorText);
  const pre = parts.pre === null ? '' : `${parts.pre[0]}${parts.pre[1]}`;
  const implementationPre = parts.pre === null ? '' : `${parts.pre[0] === 'rc' ? 'c' : parts.pre[0]}${parts.pre[1]}`;
  const release = `${major}.${minor}.${Number(microText)}`;
  const full = Version.parse(release + pre);

  const markerEnvironment: MarkerEnvironment = {
    implementation_name: 'cpython',
    implementation_version: release + implementationPre,
    platform_python_implementation: 'CPython',
    python_full_version: full.toString(),
    python_version: `${major}.${minor}`,
    platform_release: '',
    platform_version: '',
    ...platformEnvironment(platform),
  };
  const tags = cpythonTags([major, minor], platformTags(platform));
  const tagPriority = new Map<string, number>();
  tags.forEach((tag, index) => {
    if (!tagPriority.has(tag)) tagPriority.set(tag, index);
  });
  return { pythonVersion: full, platform, markerEnvironment, tags, tagPriority };
}
