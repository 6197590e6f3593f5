/**
 * The production ResolverProvider: index pages -> files usable by the target -> candidate
 * versions; the metadata (metadata/service.ts) of the file pip would pick. Each project page is
 * read once per run (the page memo lives here, and only here); the resolver's questions are
 * memoized by resolver/memo-provider.ts, and speculative work is provider/read-ahead.ts's.
 */
import { PinHashesError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { redactUrl } from '../http/redact.js';
import type { DistributionMetadata } from '../metadata/ladder.js';
import type { MetadataService } from '../metadata/service.js';
import type { IndexClient } from '../package-index/client.js';
import { linkToFile } from '../package-index/links.js';
import type { IndexedFile } from '../package-index/types.js';
import type { PackageName } from '../pep/names.js';
import { parseRequirement, type Requirement } from '../pep/requirement.js';
import { SpecifierSet } from '../pep/specifiers.js';
import type { Target } from '../pep/target.js';
import { pinLabel, type Pin } from '../pin.js';
import type { CandidatesResult, DistMetadata, ResolverProvider } from '../resolver/provider.js';
import { cooldownTime, splitByCutoff, type Cooldown } from './cooldown.js';
import type { BinaryPolicy } from './format-control.js';
import { bestFile, fileVersion, filesToLock, groupFiles, type ProjectFiles, type VersionFiles } from './files.js';

export interface IndexProviderDeps {
  index: IndexClient;
  http: HttpClient;
  metadata: MetadataService;
  target: Target;
  binary: BinaryPolicy;
  /** Called once per project page, with the indexes that also had the project (for --verbose, and the read-ahead). */
  onProject?: (name: PackageName, sources: string[], shadowed: string[]) => void;
  /** The release cooldown: files uploaded after its cutoff do not exist here. */
  cooldown?: Cooldown | null | undefined;
  /** Under the cooldown, a source gave no upload times, so its files of `name` were left out. */
  onNoUploadTimes?: (source: string, name: PackageName) => void;
}

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

  /** The files of a pinned version whose digests go into the lock. */
  async lockFiles(pin: Pin, yanked: boolean): Promise<IndexedFile[]> {
    if (pin.url !== null) return this.#directGroup(pin.name, pin.url).all;
    const group = (await this.#project(pin.name))?.versions.get(pin.version.toString());
    if (!group) throw new Error(`Assertion failed: ${pinLabel(pin)} was pinned but has no files`);
    return filesToLock(group, this.#deps.target, this.#deps.binary, yanked);
  }

  #project(name: PackageName): Promise<ProjectFiles | undefined> {
    let pending = this.#projects.get(name);
    if (!pending) {
      pending = this.#deps.index.getProject(name).then((page) => {
        if (page.kind === 'not-found') return undefined;
        this.#deps.onProject?.(name, page.sources, page.shadowed);
        const { cooldown } = this.#deps;
        if (!cooldown) return groupFiles(name, page.files, this.#deps.target, this.#deps.binary);
        const { kept, left, cutoff } = splitByCutoff(name, page.files, cooldown, (source) => this.#deps.onNoUploadTimes?.(source, name));
        const grouped = groupFiles(name, kept, this.#deps.target, this.#deps.binary);
        return { ...grouped, excluded: [...grouped.excluded, ...cooledVersions(left, grouped, cutoff)] };
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
function cooledVersions(left: readonly { file: IndexedFile; unknown: boolean }[], grouped: ProjectFiles, cutoff: number | null): ProjectFiles['excluded'] {
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
