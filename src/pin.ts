/**
 * The Pin: one project at one version, from an index or at a direct reference (`name @ url`,
 * whose version comes from the file's name). The resolver answers with pins, the provider reads
 * metadata and lists files for them, the pipeline hashes their files and the lock records them.
 * `pinKey` is a pin's identity in maps, built here only.
 */
import type { PackageName } from './pep/names.js';
import type { Version } from './pep/version.js';

export interface Pin {
  readonly name: PackageName;
  readonly version: Version;
  /**
   * The direct reference of `name @ url`; null for a version from an index. During a run it is
   * the URL as the input wrote it (credentials possible: print it through redactUrl); in a Lock,
   * the URL as written to the lock file (lock/direct-url.ts).
   */
  readonly url: string | null;
}

/** Two pins with the same key are the same distribution. */
export function pinKey(pin: Pin): string {
  const base = `${pin.name}==${pin.version.toString()}`;
  return pin.url === null ? base : `${base} @ ${pin.url}`;
}

/** `name==version`, for messages (never the URL: it may carry credentials). */
export function pinLabel(pin: Pin): string {
  return `${pin.name}==${pin.version.toString()}`;
}
