// Serves a packse scenario (shared/data/scenarios, FORMAT.md) to the resolver the way pip saw it
// when pip-expected.json was made: every version one wheel per `wheel_tags` entry (default
// py3-none-any) plus an sdist, `Requires-Python` (default ">=3.12") on the index page and in the
// metadata, yanked versions flagged. A version is usable when one of its files is: a wheel whose
// tags fit CPython on x86_64 Linux (glibc 2.36, or manylinux2014 with `python_platform`), or the
// sdist unless only binaries are allowed.
import type { Pin } from '../../../src/pin.js';
import type { Scenario, ScenarioVersion } from '../../helpers/scenario-index.js';
import { normalizeName, type PackageName } from '../../../src/pep/names.js';
import { SpecifierSet } from '../../../src/pep/specifiers.js';
import { Version } from '../../../src/pep/version.js';
import { buildMetadata } from './memory-provider.js';
import type {
  CandidateVersion,
  CandidatesResult,
  DistMetadata,
  ExclusionReason,
  ResolverProvider,
} from '../../../src/resolver/provider.js';

// The scenario file schema is shared with the loopback harness (test/helpers/scenario-index.ts).
export { scenarioSchema } from '../../helpers/scenario-index.js';
export type { Scenario, ScenarioVersion } from '../../helpers/scenario-index.js';

export interface ScenarioTarget {
  /** Full version checked against Requires-Python. */
  pythonVersion: Version;
  /** Version of the interpreter pip ran on: its markers are the ones pip evaluates. */
  interpreterVersion: string;
  /** Only wheels, for every package (pip demands it with --python-version / --platform). */
  onlyBinaryAll: boolean;
  platformTags: readonly string[];
}

const DEFAULT_REQUIRES_PYTHON = '>=3.12';
/** The interpreters that produced pip-expected.json (README). */
const INTERPRETERS: Record<string, string> = {
  '3.9': '3.9.18',
  '3.10': '3.10.13',
  '3.11': '3.11.7',
  '3.12': '3.12.1',
  '3.13': '3.13.0',
};

function linuxPlatforms(glibcMinor: number): string[] {
  const platforms: string[] = [];
  for (let minor = glibcMinor; minor >= 5; minor--) {
    platforms.push(`manylinux_2_${minor}_x86_64`);
    if (minor === 17) platforms.push('manylinux2014_x86_64');
    if (minor === 12) platforms.push('manylinux2010_x86_64');
    if (minor === 5) platforms.push('manylinux1_x86_64');
  }
  return platforms;
}

export function scenarioTarget(scenario: Scenario, envPython: string): ScenarioTarget {
  const options = scenario.resolver_options ?? {};
  const override = options.python;
  const interpreter = override === undefined ? (INTERPRETERS[envPython] ?? envPython) : '3.12.1';
  const pythonText = override === undefined ? interpreter : override.split('.').length === 2 ? `${override}.0` : override;
  const platformTags =
    options.python_platform === 'x86_64-manylinux2014'
      ? linuxPlatforms(17)
      : [...linuxPlatforms(36), 'linux_x86_64'];
  return {
    pythonVersion: Version.parse(pythonText),
    interpreterVersion: interpreter,
    onlyBinaryAll: override !== undefined || options.python_platform !== undefined,
    platformTags,
  };
}

/** packaging's CPython tag order, as a set: enough to tell compatible from not. */
function supportedTags(python: Version, platforms: readonly string[]): Set<string> {
  const minor = Number(python.release[1] ?? 0);
  const tags = new Set<string>();
  const cp = `cp3${minor}`;
  for (const platform of platforms) {
    for (const abi of [cp, 'abi3', 'none']) tags.add(`${cp}-${abi}-${platform}`);
    for (let older = minor - 1; older >= 2; older--) tags.add(`cp3${older}-abi3-${platform}`);
    tags.add(`py3${minor}-none-${platform}`);
    tags.add(`py3-none-${platform}`);
    for (let older = minor - 1; older >= 0; older--) tags.add(`py3${older}-none-${platform}`);
  }
  tags.add(`${cp}-none-any`);
  tags.add(`py3${minor}-none-any`);
  tags.add('py3-none-any');
  for (let older = minor - 1; older >= 0; older--) tags.add(`py3${older}-none-any`);
  return tags;
}

function expandTag(tag: string): string[] {
  const [interpreters, abis, platforms] = tag.split('-');
  if (interpreters === undefined || abis === undefined || platforms === undefined) return [];
  const out: string[] = [];
  for (const i of interpreters.split('.')) {
    for (const a of abis.split('.')) for (const p of platforms.split('.')) out.push(`${i}-${a}-${p}`.toLowerCase());
  }
  return out;
}


export class ScenarioProvider implements ResolverProvider {
  readonly calls: string[] = [];
  private readonly tags: Set<string>;
  private readonly packages = new Map<PackageName, Map<string, ScenarioVersion>>();

  constructor(
    scenario: Scenario,
    private readonly target: ScenarioTarget,
  ) {
    this.tags = supportedTags(target.pythonVersion, target.platformTags);
    for (const [name, data] of Object.entries(scenario.packages)) {
      this.packages.set(normalizeName(name), new Map(Object.entries(data.versions)));
    }
    const options = scenario.resolver_options ?? {};
    this.onlyBinary = new Set((options.no_build ?? []).map((n) => normalizeName(n)));
    this.noBinary = new Set((options.no_binary ?? []).map((n) => normalizeName(n)));
  }

  private readonly onlyBinary: Set<PackageName>;
  private readonly noBinary: Set<PackageName>;

  private exclusion(name: PackageName, data: ScenarioVersion): ExclusionReason | null {
    const requiresPython = data.requires_python ?? DEFAULT_REQUIRES_PYTHON;
    if (requiresPython !== '' && !SpecifierSet.parse(requiresPython).contains(this.target.pythonVersion, { prereleases: true })) {
      return { kind: 'requires-python', requiresPython };
    }
    const binaryAllowed = !this.noBinary.has(name);
    const sourceAllowed = !this.target.onlyBinaryAll && !this.onlyBinary.has(name);
    const wheelTags = data.wheel === false ? [] : data.wheel_tags === undefined || data.wheel_tags.length === 0 ? ['py3-none-any'] : data.wheel_tags;
    const wheelUsable = binaryAllowed && wheelTags.some((tag) => expandTag(tag).some((t) => this.tags.has(t)));
    const sdistUsable = sourceAllowed && data.sdist !== false;
    if (wheelUsable || sdistUsable) return null;
    return !sourceAllowed && data.sdist !== false ? { kind: 'only-binary-no-wheel' } : { kind: 'no-compatible-file' };
  }

  async getCandidates(name: PackageName, url?: string): Promise<CandidatesResult> {
    this.calls.push(`candidates ${name}${url ?? ''}`);
    await Promise.resolve();
    const versions = this.packages.get(name);
    if (versions === undefined || url !== undefined) return { kind: 'not-found' };
    const candidates: CandidateVersion[] = [];
    const excluded: { version: string; reason: ExclusionReason }[] = [];
    for (const [text, data] of versions) {
      const reason = this.exclusion(name, data);
      if (reason === null) candidates.push({ version: Version.parse(text), yanked: data.yanked === true });
      else excluded.push({ version: text, reason });
    }
    return { kind: 'found', candidates, excluded };
  }

  async getMetadata({ name, version }: Pin): Promise<DistMetadata> {
    this.calls.push(`metadata ${name} ${version.toString()}`);
    await Promise.resolve();
    for (const [text, data] of this.packages.get(name) ?? []) {
      if (!Version.parse(text).equals(version)) continue;
      const requiresPython = data.requires_python ?? DEFAULT_REQUIRES_PYTHON;
      return buildMetadata(data.requires, data.extras, requiresPython === '' ? null : requiresPython);
    }
    throw new Error(`Assertion failed: metadata asked for ${name} ${version.toString()}, never offered`);
  }
}
