// The data an index server serves ("the universe"), and a builder that turns a compact
// description of packages into real built wheels and sdists with their metadata attached.
import { buildSdist, buildWheel, type DistSpec } from './dists.js';

export interface IndexFile {
  filename: string;
  bytes: Buffer;
  /** Version shown in the JSON `versions` list; parsed from the filename when omitted. */
  version?: string;
  requiresPython?: string;
  /** true = yanked without reason; a string = yanked with that reason ('' counts as true). */
  yanked?: boolean | string;
  /**
   * Core metadata served at `<file url>.metadata`: the bytes, 'auto' (read METADATA/PKG-INFO out
   * of `bytes` when the file is added), or false/undefined for none.
   */
  metadata?: Buffer | 'auto' | false;
  /** Advertise this sha256 for the .metadata file (or bare `true`) instead of the real digest. */
  claimMetadataSha256?: string | true;
  /** Replaces the .metadata file's whole digest claim, e.g. { sha3_256: '...' }. */
  claimMetadataHashes?: Record<string, string>;
  /** Page claims this sha256 instead of the real digest of `bytes`. */
  claimSha256?: string;
  /** Replaces the whole hash claim, e.g. { md5: '...' } or several algorithms. */
  claimHashes?: Record<string, string>;
  /** JSON `size` claimed instead of bytes.length. */
  claimSize?: number;
  /** No digest claim at all (no fragment, `hashes: {}`). */
  noHash?: boolean;
  /** URL path the file is served at; default `/files/<filename>`. */
  path?: string;
  /** JSON `upload-time`; default a fixed timestamp. */
  uploadTime?: string;
  /**
   * PEP 740 provenance object served at `/integrity/<project>/<filename>/provenance` and
   * advertised on the page (JSON `provenance`, HTML `data-provenance`); undefined: none (JSON null).
   */
  provenance?: Buffer;
}

export interface IndexProject {
  /** Display name; pages are served at its normalized form. */
  name: string;
  files: IndexFile[];
  /** Extra versions for the JSON `versions` list (e.g. releases without files). */
  versions?: string[];
}

export interface UniverseVersion {
  requiresDist?: string[];
  requiresPython?: string;
  providesExtra?: string[];
  summary?: string;
  yanked?: boolean | string;
  /** One wheel per compressed tag set; default ['py3-none-any']. */
  wheelTags?: string[];
  /** Build wheels (default true). */
  wheel?: boolean;
  /** Build an sdist (default false, so tests stay small unless they ask). */
  sdist?: boolean;
  /** Pseudo-random payload per artifact, for realistic sizes. */
  padBytes?: number;
}

export interface UniversePackage {
  name: string;
  versions: Record<string, UniverseVersion>;
}

/**
 * Builds every file of every package version. Wheels carry `.metadata` (like PyPI); sdists do
 * not. Each file's `requiresPython` and `yanked` mirror the version's.
 */
export function buildUniverse(packages: readonly UniversePackage[]): IndexProject[] {
  return packages.map((pkg) => {
    const files: IndexFile[] = [];
    for (const [version, v] of Object.entries(pkg.versions)) {
      const spec: DistSpec = { name: pkg.name, version };
      if (v.requiresDist !== undefined) spec.requiresDist = v.requiresDist;
      if (v.requiresPython !== undefined) spec.requiresPython = v.requiresPython;
      if (v.providesExtra !== undefined) spec.providesExtra = v.providesExtra;
      if (v.summary !== undefined) spec.summary = v.summary;
      const common: Omit<IndexFile, 'filename' | 'bytes'> = { version };
      if (v.requiresPython !== undefined) common.requiresPython = v.requiresPython;
      if (v.yanked !== undefined) common.yanked = v.yanked;

      if (v.wheel ?? true) {
        for (const tag of v.wheelTags ?? ['py3-none-any']) {
          const wheel = buildWheel(spec, v.padBytes === undefined ? { tag } : { tag, padBytes: v.padBytes });
          const metadata = wheel.metadata === undefined ? false : Buffer.from(wheel.metadata);
          files.push({ ...common, filename: wheel.filename, bytes: wheel.bytes, metadata });
        }
      }
      if (v.sdist ?? false) {
        const sdist = buildSdist(spec, v.padBytes === undefined ? {} : { padBytes: v.padBytes });
        files.push({ ...common, filename: sdist.filename, bytes: sdist.bytes, metadata: false });
      }
    }
    return { name: pkg.name, files };
  });
}
