/**
 * What the artifact store lets another component see of the bytes it hashes, without knowing
 * what that component looks for (the metadata cross-check reads METADATA out of wheels; the store
 * knows nothing of zip). Kept here, beside its only caller, so download/ imports nothing from the
 * folders that use it.
 */
import type { IndexedFile } from '../package-index/types.js';

/** Fed each chunk of one download attempt, in order, as it is hashed; then asked what it found. */
export interface ChunkScanner<Found> {
  push(chunk: Buffer): void;
  result(): Found;
}

export interface ArtifactInspector<Found = unknown> {
  /** Asked when a download of `file` starts: look at its bytes? */
  wants(file: IndexedFile): boolean;
  /** A scanner fed the bytes of one download attempt as they are hashed (a new one per attempt). */
  scanner(file: IndexedFile): ChunkScanner<Found>;
  /**
   * After the claims were verified: what the scanner found. Returns false when the scan could
   * not tell (the store then keeps a temp copy of a second download and calls inspect()).
   */
  inspectScan(file: IndexedFile, found: Found): Promise<boolean>;
  /** The verified bytes of `file` at `path` (removed by the store afterwards); throws to fail the run. */
  inspect(file: IndexedFile, path: string): Promise<void>;
}
