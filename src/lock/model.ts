/**
 * The lock model every renderer reads. A LockedPackage is a pin plus the files of that version
 * with the digests we computed and the evidence that backs them.
 */
import type { Evidence } from '../download/hashing.js';
import type { Pin } from '../pin.js';

export interface LockedFile {
  filename: string;
  /** Without credentials. */
  url: string;
  sha256: string;
  size: number;
  evidence: Evidence[];
}

/** A pin as locked; its `url` is the direct reference as written to the lock (no credentials). */
export interface LockedPackage extends Pin {
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
