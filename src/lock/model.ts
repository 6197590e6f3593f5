/**
 * The lock model every renderer reads. A LockedPackage is a pin plus the files of that version
 * with the digests we computed and the evidence that backs them.
 */
import type { Evidence } from '../download/hashing.js';
import type { PackageName } from '../pep/names.js';

export interface LockedFile {
  filename: string;
  /** Without credentials. */
  url: string;
  sha256: string;
  size: number;
  evidence: Evidence[];
}

export interface LockedPackage {
  name: PackageName;
  version: string;
  /** For `name @ url` direct references. */
  url: string | null;
  files: LockedFile[];
  /** Parent package names and root sources (`-r requirements.in`). */
  via: string[];
  yanked: boolean;
}

export interface LockHeader {
  toolVersion: string;
  /** e.g. 'CPython 3.12.1 on x86_64-manylinux_2_36' */
  targetDescription: string;
  /** The regeneration command, as the user would type it. */
  command: string;
  /** Index URLs the lock was made from, without credentials. */
  indexes: string[];
}

export interface Lock {
  header: LockHeader;
  packages: LockedPackage[];
}
