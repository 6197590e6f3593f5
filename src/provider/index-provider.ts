/**
 * The production ResolverProvider: index pages -> files usable by the target -> candidate
 * versions; the metadata ladder for the file pip would pick. Every page and every metadata read
 * happens at most once per run (memoised promises), whatever the resolver asks.
 */
import { PinHashesError } from '../errors.js';
import type { ArtifactStore } from '../download/artifact-store.js';
import { cacheKeyFor } from '../download/cache-key.js';
import { hasCheckedClaim } from '../download/hashing.js';
import type { RecordCache } from '../cache/record-cache.js';
import type { HttpClient } from '../http/client.js';
import { redactUrl } from '../http/redact.js';
import type { RetryPolicy } from '../http/retry.js';
import { readMetadata, type DistributionMetadata } from '../metadata/ladder.js';
import type { MetadataLedger } from '../metadata/cross-check.js';
import type { IndexClient } from '../package-index/client.js';
import { linkToFile } from '../package-index/links.js';
import type { IndexedFile } from '../package-index/types.js';
import type { PackageName } from '../pep/names.js';
import { parseRequirement, type Requirement } from '../pep/requirement.js';
import { SpecifierSet } from '../pep/specifiers.js';
import type { Target } from '../pep/target.js';
import type { Version } from '../pep/version.js';
import type { CandidatesResult, DistMetadata, ResolverProvider } from '../resolver/provider.js';
import type { BinaryPolicy } from './format-control.js';
import { bestFile, fileVersion, filesToLock, groupFiles, type ProjectFiles, type VersionFiles } from './files.js';

export interface IndexProviderDeps {
  index: IndexClient;
  http: HttpClient;
  store: ArtifactStore;
  retry: RetryPolicy;
  target: Target;
  binary: BinaryPolicy;
  /** Called once per project page, with the indexes that also had the project (for --verbose). */
  onProject?: (name: PackageName, sources: string[], shadowed: string[]) => void;
  onMetadata?: (name: PackageName, version: Version, file: IndexedFile, metadata: DistributionMetadata) => void;
  /** Records of metadata read in earlier runs; absent with --no-cache. */
  cache?: RecordCache | undefined;
  /** Cross-checks metadata read from other bytes than the hashed ones (metadata/cross-check.ts). */
  ledger?: MetadataLedger | undefined;
  /**
   * Read ahead of the resolver: when a project page arrives, fetch the metadata of the version
   * the resolver will most likely pin (`preferredVersion`, else the newest final, non-yanked one),
   * and when that arrives, the pages of its dependencies. Pages and metadata come in parallel
   * waves instead of one resolver round at a time; each is still asked for once per run.
   */
  readAhead?: boolean | undefined;
  preferredVersion?: ((name: PackageName) => Version | undefined) | undefined;
  /** The resolver asked for this version's metadata and it arrived: the version is about to be pinned (or tried). */
  onMetadataRequested?: ((name: PackageName, version: Version, url: string | undefined) => void) | undefined;
}

export class IndexProvider implements ResolverProvider {
  readonly #deps: IndexProviderDeps;
  readonly #projects = new Map<PackageName, Promise<ProjectFiles | undefined>>();
  readonly #direct = new Map<string, VersionFiles>();
  readonly #metadata = new Map<string, Promise<DistMetadata>>();
  #unclaimedMetadata = false;

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

  getMetadata(name: PackageName, version: Version, url?: string): Promise<DistMetadata> {
    const pending = this.#metadataOf(name, version, url);
    // After the metadata is in: a download for hashing started earlier would race the metadata
    // ladder's own whole-file download (servers without ranges) and fetch the file twice.
    pending.then(() => this.#deps.onMetadataRequested?.(name, version, url), () => undefined);
    return pending;
  }

  #metadataOf(name: PackageName, version: Version, url?: string): Promise<DistMetadata> {
    const key = `${name}==${version.toString()}${url === undefined ? '' : ' @ ' + url}`;
    let pending = this.#metadata.get(key);
    if (!pending) {
      pending = this.#loadMetadata(name, version, url);
      this.#metadata.set(key, pending);
    }
    return pending;
  }

  /**
   * Some metadata was read from a file the index makes no digest claim about: its bytes could
   * change under the same listing, so this run's answer cannot be reused on the listing alone.
   */
  get readUnclaimedMetadata(): boolean {
    return this.#unclaimedMetadata;
  }

  /** The files of a pinned version whose digests go into the lock. */
  async lockFiles(name: PackageName, version: Version, yanked: boolean, url: string | null): Promise<IndexedFile[]> {
    if (url !== null) return this.#directGroup(name, url).all;
    const group = (await this.#project(name))?.versions.get(version.toString());
    if (!group) throw new Error(`Assertion failed: ${name} ${version.toString()} was pinned but has no files`);
    return filesToLock(group, this.#deps.target, this.#deps.binary, yanked);
  }

  async #loadMetadata(name: PackageName, version: Version, url: string | undefined): Promise<DistMetadata> {
    let group: VersionFiles | undefined;
    if (url !== undefined) group = this.#directGroup(name, url);
    else group = (await this.#project(name))?.versions.get(version.toString());
    const file = group ? (url !== undefined ? group.all[0] : bestFile(group, this.#deps.target)) : undefined;
    if (!file) throw new Error(`Assertion failed: metadata asked for ${name} ${version.toString()}, which has no usable file`);
    const metadata = await this.#readMetadataCached(file);
    this.#deps.onMetadata?.(name, version, file, metadata);
    const requiresDist: Requirement[] = [];
    for (const line of metadata.requiresDist) {
      try {
        requiresDist.push(parseRequirement(line));
      } catch (error) {
        throw new PinHashesError(
          'BAD_METADATA',
          `${file.filename} (from ${file.source}) declares an invalid dependency "${line}": ${error instanceof Error ? error.message : String(error)}`,
          { exitCode: 2, hint: `Exclude this version of ${name} (e.g. "${name}!=${version.toString()}") or report it to its maintainers.` },
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

  /** Metadata is a function of the file's bytes, so it is cached under the same key as its digest. */
  async #readMetadataCached(file: IndexedFile): Promise<DistributionMetadata> {
    const { cache, ledger } = this.#deps;
    // Before any await: a hash-ahead download of this wheel starting now keeps its bytes for the ledger.
    ledger?.begin(file);
    const key = cache ? await cacheKeyFor(file) : undefined;
    // A claim we cannot check (blake2b_256 alone) names no bytes either: as unclaimed (hashing.ts).
    if (!hasCheckedClaim(file.hashes)) this.#unclaimedMetadata = true;
    if (cache && key) {
      const cached = await cache.getMetadata(key);
      if (cached) {
        ledger?.recordCached(file, cached);
        return cached;
      }
    }
    const metadata = await readMetadata(file, { http: this.#deps.http, store: this.#deps.store, retry: this.#deps.retry, ledger });
    if (cache && key) await cache.putMetadata(key, metadata);
    return metadata;
  }

  #project(name: PackageName): Promise<ProjectFiles | undefined> {
    let pending = this.#projects.get(name);
    if (!pending) {
      pending = this.#deps.index.getProject(name).then((page) => {
        if (page.kind === 'not-found') return undefined;
        this.#deps.onProject?.(name, page.sources, page.shadowed);
        const files = groupFiles(name, page.files, this.#deps.target, this.#deps.binary);
        if (this.#deps.readAhead) this.#readAhead(name, files);
        return files;
      });
      this.#projects.set(name, pending);
    }
    return pending;
  }

  /** Best effort: failures are ignored here and met again, memoised, by whoever really needs the answer. */
  #readAhead(name: PackageName, files: ProjectFiles): void {
    const preferred = this.#deps.preferredVersion?.(name);
    let pick: Version | undefined = preferred && files.versions.get(preferred.toString())?.usable.length ? preferred : undefined;
    if (!pick) {
      for (const group of files.versions.values()) {
        if (group.usable.length === 0 || group.version.isPrerelease || group.usable.every((f) => f.yanked !== false)) continue;
        if (!pick || group.version.compare(pick) > 0) pick = group.version;
      }
    }
    if (!pick) return;
    this.#metadataOf(name, pick).then(
      (metadata) => {
        for (const requirement of metadata.requiresDist) {
          if (requirement.url !== null) continue;
          if (requirement.marker && !markerHolds(requirement, this.#deps.target)) continue;
          this.#project(requirement.name).catch(() => undefined);
        }
      },
      () => undefined,
    );
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

function markerHolds(requirement: Requirement, target: Target): boolean {
  try {
    return requirement.marker?.evaluate(target.markerEnvironment, '') ?? true;
  } catch {
    return false;
  }
}
