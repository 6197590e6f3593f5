/**
 * The production ResolverProvider, for one target: index pages -> files usable by the target ->
 * candidate versions; the metadata (metadata/service.ts) of the file pip would pick there. Each
 * project page is read once per run, whatever the number of targets (provider/project-pages.ts);
 * the resolver's questions are memoized by resolver/memo-provider.ts, one memo per target, and
 * speculative work is provider/read-ahead.ts's.
 */
import { PinHashesError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { redactUrl } from '../http/redact.js';
import type { DistributionMetadata } from '../metadata/ladder.js';
import type { MetadataService } from '../metadata/service.js';
import { linkToFile } from '../package-index/links.js';
import type { IndexedFile } from '../package-index/types.js';
import type { PackageName } from '../pep/names.js';
import { parseRequirement, type Requirement } from '../pep/requirement.js';
import { SpecifierSet } from '../pep/specifiers.js';
import type { Target } from '../pep/target.js';
import { pinLabel, type Pin } from '../pin.js';
import type { CandidatesResult, DistMetadata, ResolverProvider } from '../resolver/provider.js';
import { cooldownTime } from './cooldown.js';
import type { ProjectListing, ProjectPages } from './project-pages.js';
import type { BinaryPolicy } from './format-control.js';
import { bestFile, fileVersion, filesToLock, groupFiles, usableFor, type ProjectFiles, type VersionFiles } from './files.js';

export interface IndexProviderDeps {
  /** The session's page memo, shared by every target's provider. */
  pages: ProjectPages;
  http: HttpClient;
  metadata: MetadataService;
  target: Target;
  binary: BinaryPolicy;
  /** A project's files were sorted for this target (the read-ahead starts on its likely version). */
  onProject?: ((name: PackageName) => void) | undefined;
}

/**
 * One target's view of the indexes. A session has one per target, each with its own memo of
 * which files the target may install (keyed by name, for this target only); the pages under
 * them, the metadata of a file and its download are shared.
 */
export class IndexProvider implements ResolverProvider {
  readonly #deps: IndexProviderDeps;
  readonly #projects = new Map<PackageName, Promise<ProjectFiles | undefined>>();
  readonly #direct = new Map<string, VersionFiles>();

  constructor(deps: IndexProviderDeps) {
    this.#deps = deps;
  }

  async getCandidates(name: PackageName, url?: string): Promise<CandidatesResult> {
    if (url !== undefined) {
      const group = this.#directGroup(name, url);
      return { kind: 'found', candidates: [{ version: group.version, yanked: false }], excluded: [] };
    }
    const project = await this.#project(name);
    if (!project) return { kind: 'not-found' };
    const candidates = [];
    for (const group of project.versions.values()) {
      if (group.usable.length === 0) continue;
      const yanked = group.usable.every((f) => f.yanked !== false);
      const reason = yanked ? group.usable.map((f) => (f.yanked === false ? '' : f.yanked.reason)).find((r) => r !== '') : undefined;
      candidates.push({ version: group.version, yanked, yankedReason: reason });
    }
    return { kind: 'found', candidates, excluded: project.excluded };
  }

  /** Not memoized here: ask through a MemoizedProvider (the resolver and the read-ahead share one). */
  async getMetadata(pin: Pin): Promise<DistMetadata> {
    const group = pin.url !== null ? this.#directGroup(pin.name, pin.url) : (await this.#project(pin.name))?.versions.get(pin.version.toString());
    const file = group ? (pin.url !== null ? group.all[0] : bestFile(group, this.#deps.target)) : undefined;
    if (!file) throw new Error(`Assertion failed: metadata asked for ${pinLabel(pin)}, which has no usable file`);
    return parsedMetadata(pin, file, await this.#deps.metadata.read(file));
  }

  /** The files of a pinned version whose digests go into the lock: every file of the version pip could pick on any platform (files.ts filesToLock). */
  async lockFiles(pin: Pin, yanked: boolean): Promise<IndexedFile[]> {
    if (pin.url !== null) return this.#directGroup(pin.name, pin.url).all;
    return filesToLock(await this.#group(pin), this.#deps.target, this.#deps.binary, yanked);
  }

  /**
   * The files of a pinned version pip could pick on this target: its compatible wheels and the
   * sdist, as format control and Requires-Python allow; yanked files only for a yanked pin. A
   * direct reference is its one file, whatever it is (installableOn says whether it fits).
   */
  async installableFiles(pin: Pin, yanked: boolean): Promise<IndexedFile[]> {
    if (pin.url !== null) return this.#directGroup(pin.name, pin.url).all;
    return (await this.#group(pin)).usable.filter((file) => file.yanked === false || yanked);
  }

  /** Whether pip could install this file here (tags, Requires-Python, format control). */
  installableOn(file: IndexedFile): boolean {
    return usableFor(file, this.#deps.target, this.#deps.binary);
  }

  async #group(pin: Pin): Promise<VersionFiles> {
    const group = (await this.#project(pin.name))?.versions.get(pin.version.toString());
    if (!group) throw new Error(`Assertion failed: ${pinLabel(pin)} was pinned but has no files`);
    return group;
  }

  #project(name: PackageName): Promise<ProjectFiles | undefined> {
    let pending = this.#projects.get(name);
    if (!pending) {
      pending = this.#deps.pages.get(name).then((listing) => {
        if (listing === undefined) return undefined;
        const grouped = groupFiles(name, listing.files, this.#deps.target, this.#deps.binary);
        this.#deps.onProject?.(name);
        if (listing.left.length === 0) return grouped;
        return { ...grouped, excluded: [...grouped.excluded, ...cooledVersions(listing.left, grouped, listing.cutoff)] };
      });
      this.#projects.set(name, pending);
    }
    return pending;
  }

  #directGroup(name: PackageName, url: string): VersionFiles {
    const known = this.#direct.get(url);
    if (known) return known;
    const fetchUrl = this.#deps.http.registerUrl(url);
    const file = linkToFile({ url: fetchUrl }, name, 'a direct reference');
    const version = file ? fileVersion(file) : null;
    if (!file || !version) {
      throw new PinHashesError(
        'BAD_DIRECT_REFERENCE',
        `${name} @ ${redactUrl(url)}: the URL does not name a wheel or sdist of ${name}`,
        { exitCode: 2, hint: 'A direct reference must point at a .whl or .tar.gz file of that project.' },
      );
    }
    const group: VersionFiles = { version, all: [file], usable: [file] };
    this.#direct.set(url, group);
    return group;
  }
}

/** Versions the cooldown emptied, as exclusions the resolver can explain. */
function cooledVersions(left: ProjectListing['left'], grouped: ProjectFiles, cutoff: number | null): ProjectFiles['excluded'] {
  const byVersion = new Map<string, { unknown: boolean; source: string }>();
  for (const { file, unknown } of left) {
    const version = fileVersion(file)?.toString();
    if (version === undefined || grouped.versions.has(version)) continue;
    byVersion.set(version, { unknown: (byVersion.get(version)?.unknown ?? true) && unknown, source: file.source });
  }
  return [...byVersion].map(([version, { unknown, source }]) => ({
    version,
    reason: { kind: 'cooldown' as const, cutoff: cutoff === null ? '' : cooldownTime(cutoff), unknownUploadTime: unknown, source: unknown ? source : undefined },
  }));
}

/** The ladder's text fields parsed, as the resolver wants them. */
function parsedMetadata(pin: Pin, file: IndexedFile, metadata: DistributionMetadata): DistMetadata {
  const requiresDist: Requirement[] = [];
  for (const line of metadata.requiresDist) {
    try {
      requiresDist.push(parseRequirement(line));
    } catch (error) {
      throw new PinHashesError(
        'BAD_METADATA',
        `${file.filename} (from ${file.source}) declares an invalid dependency "${line}": ${error instanceof Error ? error.message : String(error)}`,
        { exitCode: 2, hint: `Exclude this version of ${pin.name} (e.g. "${pin.name}!=${pin.version.toString()}") or report it to its maintainers.` },
      );
    }
  }
  let requiresPython: SpecifierSet | null = null;
  if (metadata.requiresPython) {
    try {
      requiresPython = SpecifierSet.parse(metadata.requiresPython);
    } catch {
      // pip ignores an invalid Requires-Python (with a warning); so do we.
      requiresPython = null;
    }
  }
  return { requiresDist, requiresPython, providesExtra: metadata.providesExtra };
}
