// An in-memory package universe behind the resolver's provider interface, shaped like a packse
// scenario: per version its requirements, extras, Requires-Python and yanked flag. It records
// every call, so tests can prove the resolver never asks the same question twice.
import type { Pin } from '../../../src/pin.js';
import { normalizeName, type PackageName } from '../../../src/pep/names.js';
import { Version } from '../../../src/pep/version.js';
import { SpecifierSet } from '../../../src/pep/specifiers.js';
import { parseRequirement, type Requirement } from '../../../src/pep/requirement.js';
import type {
  CandidateVersion,
  CandidatesResult,
  DistMetadata,
  ExclusionReason,
  ResolverProvider,
} from '../../../src/resolver/provider.js';

export interface MemoryVersion {
  requires?: string[];
  /** extra name -> requirements; they become `Requires-Dist: <req>; extra == "<name>"`. */
  extras?: Record<string, string[]>;
  /** Requires-Python of the metadata; also the files' `data-requires-python` unless `fileRequiresPython` says otherwise. */
  requiresPython?: string | null;
  /** What the index page says; null: the index gives no `data-requires-python`. */
  fileRequiresPython?: string | null;
  yanked?: boolean | string;
  /** A version the index lists but the target cannot use for another reason. */
  excluded?: ExclusionReason;
}

export type MemoryUniverse = Record<string, Record<string, MemoryVersion>>;

/** A distribution at a direct URL. */
export interface MemoryUrlDistribution {
  name: string;
  version: string;
  metadata?: MemoryVersion;
}

function combineMarker(requirement: string, extra: string): string {
  const [spec, marker] = requirement.split(';', 2);
  const extraClause = `extra == "${extra}"`;
  if (marker === undefined || marker.trim() === '') return `${spec ?? requirement}; ${extraClause}`;
  return `${spec ?? ''}; (${marker.trim()}) and ${extraClause}`;
}

function toMetadata(data: MemoryVersion): DistMetadata {
  return buildMetadata(data.requires, data.extras, data.requiresPython ?? null);
}

/** Metadata from plain requirement strings and extras (`extra -> requirements`), as both test providers describe versions. */
export function buildMetadata(
  requires: readonly string[] | undefined,
  extras: Readonly<Record<string, readonly string[]>> | undefined,
  requiresPython: string | null,
): DistMetadata {
  const requiresDist: Requirement[] = (requires ?? []).map((r) => parseRequirement(r));
  for (const [extra, requirements] of Object.entries(extras ?? {})) {
    for (const requirement of requirements) requiresDist.push(parseRequirement(combineMarker(requirement, extra)));
  }
  return {
    requiresDist,
    requiresPython: requiresPython === null ? null : SpecifierSet.parse(requiresPython),
    providesExtra: Object.keys(extras ?? {}).map((e) => normalizeName(e)),
  };
}

export class MemoryProvider implements ResolverProvider {
  readonly calls: string[] = [];
  private readonly projects = new Map<PackageName, Map<string, MemoryVersion>>();

  constructor(
    universe: MemoryUniverse,
    private readonly pythonVersion: Version,
    private readonly urls: Record<string, MemoryUrlDistribution> = {},
  ) {
    for (const [name, versions] of Object.entries(universe)) {
      this.projects.set(normalizeName(name), new Map(Object.entries(versions)));
    }
  }

  /** Calls made more than once, for "never asked twice" assertions. */
  repeatedCalls(): string[] {
    const seen = new Set<string>();
    const repeated = new Set<string>();
    for (const call of this.calls) {
      if (seen.has(call)) repeated.add(call);
      seen.add(call);
    }
    return [...repeated];
  }

  async getCandidates(name: PackageName, url?: string): Promise<CandidatesResult> {
    this.calls.push(`candidates ${name}${url === undefined ? '' : ` @ ${url}`}`);
    await Promise.resolve();
    if (url !== undefined) {
      const distribution = this.urls[url];
      if (distribution === undefined || normalizeName(distribution.name) !== name) return { kind: 'not-found' };
      return { kind: 'found', candidates: [{ version: Version.parse(distribution.version), yanked: false }], excluded: [] };
    }
    const versions = this.projects.get(name);
    if (versions === undefined) return { kind: 'not-found' };
    const candidates: CandidateVersion[] = [];
    const excluded: { version: string; reason: ExclusionReason }[] = [];
    for (const [text, data] of versions) {
      if (data.excluded !== undefined) {
        excluded.push({ version: text, reason: data.excluded });
        continue;
      }
      const fileRequiresPython = data.fileRequiresPython === undefined ? (data.requiresPython ?? null) : data.fileRequiresPython;
      if (fileRequiresPython !== null && !SpecifierSet.parse(fileRequiresPython).contains(this.pythonVersion, { prereleases: true })) {
        excluded.push({ version: text, reason: { kind: 'requires-python', requiresPython: fileRequiresPython } });
        continue;
      }
      const candidate: CandidateVersion = { version: Version.parse(text), yanked: data.yanked !== undefined && data.yanked !== false };
      if (typeof data.yanked === 'string') candidate.yankedReason = data.yanked;
      candidates.push(candidate);
    }
    return { kind: 'found', candidates, excluded };
  }

  async getMetadata({ name, version, url }: Pin): Promise<DistMetadata> {
    this.calls.push(`metadata ${name} ${version.toString()}${url === null ? '' : ` @ ${url}`}`);
    await Promise.resolve();
    if (url !== null) {
      const distribution = this.urls[url];
      if (distribution === undefined) throw new Error(`Assertion failed: metadata asked for unknown URL ${url}`);
      return toMetadata(distribution.metadata ?? {});
    }
    const versions = this.projects.get(name);
    for (const [text, data] of versions ?? []) {
      if (Version.parse(text).equals(version)) return toMetadata(data);
    }
    throw new Error(`Assertion failed: metadata asked for ${name} ${version.toString()}, which was never offered`);
  }
}
