// Shared fixtures for the resolver tests: a CPython 3.12.1 Linux target and short-hands to run a
// resolution over an in-memory universe.
import type { MarkerEnvironment } from '../../../src/pep/markers.js';
import { normalizeName, type PackageName } from '../../../src/pep/names.js';
import { parseRequirement } from '../../../src/pep/requirement.js';
import { Version } from '../../../src/pep/version.js';
import { resolve, type Resolution, type ResolveOptions, type RootRequirement } from '../../../src/resolver/index.js';
import { MemoryProvider, type MemoryUniverse, type MemoryUrlDistribution } from './memory-provider.js';

export function linuxEnvironment(pythonFullVersion: string): MarkerEnvironment {
  const [major, minor] = pythonFullVersion.split('.');
  return {
    implementation_name: 'cpython',
    implementation_version: pythonFullVersion,
    os_name: 'posix',
    platform_machine: 'x86_64',
    platform_python_implementation: 'CPython',
    platform_release: '6.1.0-18-amd64',
    platform_system: 'Linux',
    platform_version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)',
    python_full_version: pythonFullVersion,
    python_version: `${major ?? '3'}.${minor ?? '12'}`,
    sys_platform: 'linux',
  };
}

export const PYTHON = '3.12.1';

export function roots(lines: readonly string[], source = '-r requirements.in'): RootRequirement[] {
  return lines.map((line) => ({ requirement: parseRequirement(line), source }));
}

export interface RunOptions {
  constraints?: string[];
  allowPrereleases?: boolean;
  python?: string;
  preferences?: Record<string, string>;
  upgrade?: string[] | 'all';
  urls?: Record<string, MemoryUrlDistribution>;
}

export function buildOptions(requirements: readonly string[], options: RunOptions = {}): ResolveOptions {
  const python = options.python ?? PYTHON;
  const preferences = new Map<PackageName, Version>();
  for (const [name, version] of Object.entries(options.preferences ?? {})) {
    preferences.set(normalizeName(name), Version.parse(version));
  }
  const upgrade = options.upgrade;
  return {
    requirements: roots(requirements),
    constraints: roots(options.constraints ?? [], '-c constraints.txt'),
    environment: linuxEnvironment(python),
    pythonVersion: Version.parse(python),
    allowPrereleases: options.allowPrereleases ?? false,
    preferences,
    upgrade: upgrade === undefined ? new Set() : upgrade === 'all' ? 'all' : new Set(upgrade.map((n) => normalizeName(n))),
  };
}

export async function run(
  universe: MemoryUniverse,
  requirements: readonly string[],
  options: RunOptions = {},
): Promise<{ resolution: Resolution; provider: MemoryProvider }> {
  const provider = new MemoryProvider(universe, Version.parse(options.python ?? PYTHON), options.urls ?? {});
  const resolution = await resolve(provider, buildOptions(requirements, options));
  return { resolution, provider };
}

/** `{ name: version }` of a resolution, for compact assertions. */
export function pins(resolution: Resolution): Record<string, string> {
  return Object.fromEntries(resolution.packages.map((p) => [p.name, p.version.toString()]));
}
