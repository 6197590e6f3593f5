/**
 * The one way in to a file's dependencies: the metadata cache, the ladder (metadata/ladder.ts)
 * and the ledger that cross-checks what the ladder read against the hashed bytes
 * (metadata/cross-check.ts). Whoever needs metadata asks `read(file)` and knows nothing of the
 * order these must run in.
 */
import type { RecordCache } from '../cache/record-cache.js';
import type { ArtifactStore } from '../download/artifact-store.js';
import { cacheKeyFor } from '../download/cache-key.js';
import { hasCheckedClaim } from '../download/hashing.js';
import type { HttpClient } from '../http/client.js';
import type { RetryPolicy } from '../http/retry.js';
import type { IndexedFile } from '../package-index/types.js';
import type { MetadataLedger } from './cross-check.js';
import { readMetadata, type DistributionMetadata } from './ladder.js';

export interface MetadataServiceDeps {
  http: HttpClient;
  store: ArtifactStore;
  retry: RetryPolicy;
  /** Records of metadata read in earlier runs; absent with --no-cache. */
  cache?: RecordCache | undefined;
  /**
   * The store's inspector (give the same ledger to the ArtifactStore); absent: nothing is
   * cross-checked, for tests of the ladder alone.
   */
  ledger?: MetadataLedger | undefined;
  /** See MetadataDeps: the index offers neither `.metadata` files nor ranges for this wheel. */
  onWholeDownloadForMetadata?: ((file: IndexedFile) => void) | undefined;
}

export class MetadataService {
  readonly #deps: MetadataServiceDeps;
  readonly #reads = new Map<string, Promise<DistributionMetadata>>();
  #unclaimed = false;

  constructor(deps: MetadataServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Some metadata was read from a file the index makes no digest claim about (or none we check):
   * its bytes could change under the same listing, so this run's answer cannot be recalled on
   * the listing alone.
   */
  get readUnclaimed(): boolean {
    return this.#unclaimed;
  }

  /**
   * Metadata is a function of the file's bytes, so it is cached under the same key as its digest,
   * and asked once per run per file (targets that pick the same file share the answer, failure
   * included).
   */
  read(file: IndexedFile): Promise<DistributionMetadata> {
    let pending = this.#reads.get(file.url);
    if (pending === undefined) {
      pending = this.#read(file);
      this.#reads.set(file.url, pending);
    }
    return pending;
  }

  async #read(file: IndexedFile): Promise<DistributionMetadata> {
    const { cache, ledger } = this.#deps;
    // Before any await: a hash-ahead download of this wheel starting now keeps its bytes for the
    // ledger. This is the only place a read begins.
    ledger?.begin(file);
    if (!hasCheckedClaim(file.hashes)) this.#unclaimed = true;
    const key = cache ? await cacheKeyFor(file) : undefined;
    if (cache && key) {
      const cached = await cache.getMetadata(key);
      if (cached) {
        ledger?.recordCached(file, cached);
        return cached;
      }
    }
    const metadata = await readMetadata(file, this.#deps);
    if (cache && key) await cache.putMetadata(key, metadata);
    return metadata;
  }
}
