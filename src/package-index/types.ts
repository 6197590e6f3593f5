import type { PackageName } from '../pep/names.js';

/**
 * One file an index (or a find-links location) lists for a project, with every claim the index
 * made about it. Claims are only claims: the download module checks each against the bytes.
 */
export interface IndexedFile {
  project: PackageName;
  filename: string;
  /** Absolute, no fragment, no credentials. */
  url: string;
  kind: 'wheel' | 'sdist';
  /** Claimed digests: lowercase algorithm -> lowercase hex. */
  hashes: Readonly<Record<string, string>>;
  /** Claimed size in bytes (PEP 700), when given. */
  size: number | undefined;
  requiresPython: string | undefined;
  yanked: false | { reason: string };
  /** PEP 658/714: true, a digest of the `.metadata` file, false (absent), or undefined (unknown). */
  coreMetadata: boolean | Readonly<Record<string, string>> | undefined;
  /** PEP 740: the URL of the file's provenance object, or null when the index lists none. */
  provenance: string | null;
  /** PEP 700 `upload-time` as epoch ms (JSON pages only), or null when the index gave none (or an unreadable one). */
  uploadTime: number | null;
  /** The index or find-links location that listed it, credentials redacted: for messages. */
  source: string;
}

export type ProjectPage =
  | {
      kind: 'found';
      files: IndexedFile[];
      /** Where the files came from (redacted), in priority order. */
      sources: string[];
      /** Other indexes that also have this project but were not used (first index wins). */
      shadowed: string[];
    }
  | { kind: 'not-found'; searched: string[] };
