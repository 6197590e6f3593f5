/**
 * The lock model every renderer reads. A LockedPackage is a pin plus the files of that version
 * with the digests we computed and the evidence that backs them.
 */
import type { Evidence } from '../download/hashing.js';
import type { Pin } from '../pin.js';
import type { FileProvenance } from '../provenance/file-provenance.js';
import type { PackageProvenance } from '../provenance/record.js';
import type { Cooldown } from '../provider/cooldown.js';

/** The formats a lock is written in. */
export type LockFormat = 'requirements-txt' | 'pylock';

export interface LockedFile {
  filename: string;
  /** Without credentials. */
  url: string;
  sha256: string;
  size: number;
  evidence: Evidence[];
  /** PEP 700 upload time (epoch ms), when the index gave one. */
  uploadTime?: number | null | undefined;
  /** The evidence as the lock it was taken from words it (check reuses a pylock's entries as they are). */
  evidenceNote?: string | undefined;
  /** PEP 740, as verified this run; absent when attestations are not verified (or the hash was reused). */
  provenance?: FileProvenance | undefined;
}

/** A pin as locked; its `url` is the direct reference as written to the lock (no credentials). */
export interface LockedPackage extends Pin {
  files: LockedFile[];
  /** Parent package names and root sources (`-r requirements.in`). */
  via: string[];
  yanked: boolean;
  /** Who signed the version's files, as pinned (provenance/policy.ts); absent when not verified. */
  provenance?: PackageProvenance | undefined;
}

export interface LockHeader {
  toolVersion: string;
  /** e.g. 'CPython 3.12.1 on x86_64-manylinux_2_36' */
  targetDescription: string;
  /** The regeneration command, as the user would type it. */
  command: string;
  /** Index URLs the lock was made from, without credentials. */
  indexes: string[];
  /** sha256 of the Sigstore trust root attestations were verified with; null: not verified. */
  trustRootSha256: string | null;
  /** The release cooldown the lock was made under, when there was one. */
  cooldown?: Cooldown | null | undefined;
  /** The target as PEP 751 `environments` markers and `requires-python` (pylock.toml). */
  environment?: { readonly marker: string; readonly requiresPython: string } | undefined;
  /** The regeneration command's arguments after `pin-hashes lock` (pylock.toml's tool table). */
  argv?: readonly string[] | undefined;
  /** sha256 of the inputs as the run read them (api/inputs-fingerprint.ts): what `check --offline` compares. */
  inputsSha256?: string | undefined;
  /** How `# via` is written in requirements.txt: pip-compile's split (default) or line style, or not at all. */
  annotations?: 'split' | 'line' | 'none' | undefined;
  /** Option lines pip obeys, written before the pins (`--index-url URL`, `--find-links DIR`): --emit-index-url, --emit-find-links. */
  pipOptions?: readonly string[] | undefined;
}

export interface Lock {
  header: LockHeader;
  packages: LockedPackage[];
}
