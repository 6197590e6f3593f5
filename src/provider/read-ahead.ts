/**
 * All speculative work of a run, and its end. Three kinds, each asked for at most once:
 *
 * - pages: when a project page arrives, the metadata of the version the resolver will most likely
 *   pin (the lock's pin, else the newest final, non-yanked one), and when that arrives, the pages
 *   of its dependencies. Pages and metadata come in parallel waves instead of one resolver round
 *   at a time.
 * - the resolver's hints (resolver/provider.ts ResolverHints): candidate lists and metadata it is
 *   about to ask for; and at the start, the pages of every project the previous lock pins.
 * - hash-ahead: once the resolver wanted a version's metadata and it arrived, that version's
 *   files start downloading and hashing, overlapping hashing with resolution. A version the
 *   resolver later abandons costs its downloads, nothing else: digests are used for pins only.
 *
 * Everything goes through the shared memo (MemoizedProvider) and the store's per-URL memo, so a
 * speculative answer is the same promise the resolver later awaits. Failures are ignored here and
 * met again, memoized, by whoever really needs the answer. `finish()` ends it all.
 *
 * One read-ahead per target (its memo's answers are that target's), all over the same store.
 */
import type { ArtifactStore } from '../download/artifact-store.js';
import type { PackageName } from '../pep/names.js';
import type { Requirement } from '../pep/requirement.js';
import type { Target } from '../pep/target.js';
import type { Version } from '../pep/version.js';
import { pinKey, type Pin } from '../pin.js';
import type { MemoizedProvider } from '../resolver/memo-provider.js';
import type { ResolverHints } from '../resolver/provider.js';
import type { IndexProvider } from './index-provider.js';
import type { IndexedFile } from '../package-index/types.js';

export interface ReadAheadDeps {
  answers: MemoizedProvider;
  provider: IndexProvider;
  store: ArtifactStore;
  target: Target;
  /** The previous lock's pin of a project, read first. */
  preferredVersion?: ((name: PackageName) => Version | undefined) | undefined;
  /** Download and hash the files of versions the resolver wants (off for check, which may reuse listed hashes). */
  hashAhead: boolean;
  /** Which files of a version hash-ahead fetches: those the lock would list (default: every file, provider.lockFiles). */
  filesToHash?: ((pin: Pin) => Promise<IndexedFile[]>) | undefined;
}

const ignore = (): undefined => undefined;

export class ReadAhead implements ResolverHints {
  readonly #deps: ReadAheadDeps;
  #open = true;
  readonly #hashedAhead = new Set<string>();

  constructor(deps: ReadAheadDeps) {
    this.#deps = deps;
  }

  /** A project page arrived (IndexProvider's onProject). */
  projectArrived(name: PackageName): void {
    if (!this.#open) return;
    const { answers, target } = this.#deps;
    answers
      .candidates(name)
      .then((listing) => {
        if (!this.#open || listing.kind !== 'found') return;
        const version = likelyVersion(listing.candidates, this.#deps.preferredVersion?.(name));
        if (version === undefined) return;
        return answers.metadata({ name, version, url: null }).then((metadata) => {
          if (!this.#open) return;
          for (const requirement of metadata.requiresDist) {
            if (requirement.url === null && markerHolds(requirement, target)) answers.candidates(requirement.name).catch(ignore);
          }
        });
      })
      .catch(ignore);
  }

  /** Projects a run will most likely read (the previous lock's): their pages now. */
  warm(names: Iterable<PackageName>): void {
    for (const name of names) this.candidatesSoon(name);
  }

  candidatesSoon(name: PackageName): void {
    if (this.#open) this.#deps.answers.candidates(name).catch(ignore);
  }

  metadataSoon(pin: Pin): void {
    if (!this.#open) return;
    const pending = this.#deps.answers.metadata(pin);
    pending.catch(ignore);
    if (!this.#deps.hashAhead || pin.url !== null) return;
    const key = pinKey(pin);
    if (this.#hashedAhead.has(key)) return;
    this.#hashedAhead.add(key);
    // After the metadata is in: a download started earlier would race the metadata ladder's own
    // whole-file download (servers without ranges) and fetch the file twice.
    pending
      .then(() => (this.#open ? (this.#deps.filesToHash ?? ((p: Pin) => this.#deps.provider.lockFiles(p, false)))(pin) : undefined))
      .then((files) => {
        // Checked again: resolution may have ended while the file list was being made.
        if (!this.#open || files === undefined) return;
        for (const file of files) this.#deps.store.verify(file).catch(ignore);
      })
      .catch(ignore);
  }

  /**
   * Resolution is over and `keep` are the URLs of the files to hash: nothing speculative starts
   * any more, and downloads of other files (versions the resolver tried and left) are called off,
   * so they do not hold download slots the pins need. With several targets, every target's
   * read-ahead is stopped first (stop()), and the store told once.
   */
  finish(keep: ReadonlySet<string>): void {
    this.stop();
    this.#deps.store.retainOnly(keep);
  }

  /** Nothing speculative starts any more; downloads already asked for go on. */
  stop(): void {
    this.#open = false;
  }
}

/** The version the resolver will most likely pin: the preferred one if usable, else the newest final one. */
function likelyVersion(candidates: readonly { version: Version; yanked: boolean }[], preferred: Version | undefined): Version | undefined {
  if (preferred !== undefined && candidates.some((c) => c.version.toString() === preferred.toString())) return preferred;
  let pick: Version | undefined;
  for (const candidate of candidates) {
    if (candidate.yanked || candidate.version.isPrerelease) continue;
    if (pick === undefined || candidate.version.compare(pick) > 0) pick = candidate.version;
  }
  return pick;
}

function markerHolds(requirement: Requirement, target: Target): boolean {
  try {
    return requirement.marker?.evaluate(target.markerEnvironment, '') ?? true;
  } catch {
    return false;
  }
}
