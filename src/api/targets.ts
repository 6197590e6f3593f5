/**
 * The targets a run locks for, from the options: `--python-platform` and `--python-version`
 * (each may be repeated: every platform with every version), `--target PLATFORM@VERSION` (one
 * pair; `--target PLATFORM` takes the given versions like a platform), and `--targets PRESET`
 * (named platform lists, with the given versions). The host fills in whatever is not named.
 *
 * The order is fixed by the options: the platforms in the order given (presets after
 * --python-platform and --target PLATFORM), each with the versions in the order given, then the
 * explicit pairs; a target named twice counts once. Resolution runs in that order, and the header
 * writes the list out, so `check` resolves the same targets in the same order.
 */
import { PinHashesError } from '../errors.js';
import { quoteExcerpt } from '../pep/pychars.js';
import { formatPlatform, parsePythonPlatform } from '../pep/tags.js';
import { makeTarget, type Target } from '../pep/target.js';

/** Named platform lists for `--targets`. */
export const TARGET_PRESETS: Readonly<Record<string, readonly string[]>> = {
  // What a team developing on macOS, testing on Linux CI and shipping to Windows runs on.
  common: ['x86_64-manylinux_2_28', 'aarch64-manylinux_2_28', 'aarch64-apple-darwin', 'x86_64-apple-darwin', 'x86_64-pc-windows-msvc'],
};

export interface TargetOptions {
  readonly pythonVersion?: string | readonly string[] | undefined;
  readonly pythonPlatform?: string | readonly string[] | undefined;
  readonly targets?: readonly string[] | undefined;
  readonly targetPresets?: string | readonly string[] | undefined;
}

/** Where a value not given comes from (the machine: api/host.ts); asked only when needed. */
export interface TargetDefaults {
  pythonVersion(): string;
  platform(): string;
}

function list(value: string | readonly string[] | undefined): string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
}

function usage(message: string, hint: string): PinHashesError {
  return new PinHashesError('USAGE', message, { exitCode: 2, hint });
}

/** `PLATFORM@VERSION` or `PLATFORM`. */
function splitTarget(text: string): { platform: string; version: string | undefined } {
  const at = text.lastIndexOf('@');
  if (at < 0) return { platform: text, version: undefined };
  const platform = text.slice(0, at);
  const version = text.slice(at + 1);
  if (platform === '' || version === '') {
    throw usage(`--target ${quoteExcerpt(text)}: expected PLATFORM@VERSION, e.g. x86_64-manylinux_2_28@3.12`, 'Name a platform and a Python version: --target aarch64-apple-darwin@3.12.');
  }
  return { platform, version };
}

/** What the options name, before the host fills in the rest. */
interface Requested {
  platforms: string[];
  pairs: { platform: string; version: string }[];
  versions: string[];
}

function requested(options: TargetOptions): Requested {
  const platforms = list(options.pythonPlatform);
  const pairs: { platform: string; version: string }[] = [];
  for (const text of options.targets ?? []) {
    const { platform, version } = splitTarget(text);
    if (version === undefined) platforms.push(platform);
    else pairs.push({ platform, version });
  }
  for (const name of list(options.targetPresets)) {
    const preset = TARGET_PRESETS[name];
    if (preset === undefined) throw usage(`--targets ${quoteExcerpt(name)} is not a preset`, `Presets: ${Object.keys(TARGET_PRESETS).join(', ')}.`);
    platforms.push(...preset);
  }
  const versions = list(options.pythonVersion);
  if (pairs.length > 0 && platforms.length === 0 && versions.length > 0) {
    throw usage(
      `--python-version ${versions.join(', ')} applies to no platform: --target PLATFORM@VERSION already names its version`,
      `Write each target as --target PLATFORM@VERSION, or add --python-platform for the versions.`,
    );
  }
  return { platforms, pairs, versions };
}

/** Platforms without a version: they take the given versions, or the host's. */
function crossesVersions({ platforms, pairs }: Requested): boolean {
  return platforms.length > 0 || pairs.length === 0;
}

/** Whether targetsOf will ask the host for its Python version (the options name none where one is needed). */
export function needsHostPythonVersion(options: TargetOptions): boolean {
  const named = requested(options);
  return crossesVersions(named) && named.versions.length === 0;
}

export function targetsOf(options: TargetOptions, defaults: TargetDefaults): Target[] {
  const named = requested(options);
  const { platforms, pairs, versions } = named;
  const crossed: { platform: string; version: string }[] = [];
  if (crossesVersions(named)) {
    const givenVersions = versions.length > 0 ? versions : [defaults.pythonVersion()];
    for (const platform of platforms.length > 0 ? platforms : [defaults.platform()]) {
      for (const version of givenVersions) crossed.push({ platform, version });
    }
  }
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const { platform, version } of [...crossed, ...pairs]) {
    const target = makeTarget(version, parsePythonPlatform(platform));
    const key = targetKey(target);
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push(target);
  }
  return targets;
}

/** A target as `--target` writes it: `x86_64-manylinux_2_28@3.12.0`. */
export function targetKey(target: Target): string {
  return `${formatPlatform(target.platform)}@${target.pythonVersion.toString()}`;
}

/** As people read it: `CPython 3.12.0 on x86_64-manylinux_2_28`. */
export function targetDescription(target: Target): string {
  return `CPython ${target.pythonVersion.toString()} on ${formatPlatform(target.platform)}`;
}
